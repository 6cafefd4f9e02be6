import { api, ApiError, isNetworkError, request, setCsrfToken, setUnauthenticatedHandler, buildQuery } from './api-client';
import { setLocale } from '@/lib/i18n/i18n';
import { problem, route, stubFetch, json } from '@/testing/test-utils';

describe('api client', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setCsrfToken(null);
    setUnauthenticatedHandler(null);
  });

  it('builds queries without empty values', () => {
    expect(buildQuery({ a: 1, b: '', c: undefined, d: null, e: 'x y' })).toBe('?a=1&e=x+y');
    expect(buildQuery({})).toBe('');
  });

  it('sends the CSRF token on unsafe methods only, and If-Match as "v<n>"', async () => {
    const reqs = stubFetch(route('GET', '/api/v1/customers/1', () => json({ id: 1 })), route('PATCH', '/api/v1/customers/1', () => json({ id: 1 })));
    setCsrfToken('tok');
    await api.get('/customers/1');
    await api.patch('/customers/1', { name: 'x' }, 3);
    expect(reqs[0]!.headers['x-csrf-token']).toBeUndefined();
    expect(reqs[1]!.headers['x-csrf-token']).toBe('tok');
    expect(reqs[1]!.headers['if-match']).toBe('"v3"');
    expect(reqs[1]!.body).toEqual({ name: 'x' });
  });

  it('turns problem+json into an ApiError with field errors and request id', async () => {
    stubFetch(route('POST', '/api/v1/customers', () => problem(422, 'validation', { errors: [{ field: 'name', code: 'required', message: 'name is required' }] })));
    const e = (await api.post("/customers", {}).catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(422);
    expect(e.slug).toBe('validation');
    expect(e.fieldErrors).toEqual([{ field: 'name', code: 'required', message: 'name is required' }]);
    expect(e.requestId).toBe('req-test');
  });

  it('reads Retry-After', async () => {
    stubFetch(route('POST', '/api/v1/auth/login', () => problem(429, 'locked-out', {}, { 'Retry-After': '300' })));
    const e = (await request("/auth/login", { method: "POST", body: {}, allowUnauthenticated: true }).catch((x: unknown) => x)) as ApiError;
    expect(e.retryAfter).toBe(300);
  });

  it('hands 401 to the session-expiry handler, except for the auth probes', async () => {
    stubFetch(route('GET', /.*/, () => problem(401, 'unauthenticated')));
    const handler = vi.fn();
    setUnauthenticatedHandler(handler);
    await api.get('/customers').catch(() => undefined);
    expect(handler).toHaveBeenCalledTimes(1);
    await request('/auth/me', { allowUnauthenticated: true }).catch(() => undefined);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('turns a fetch that throws into a network ApiError (status 0) with a translated message', async () => {
    stubFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    setLocale('zh-CN');
    const e = (await api.get('/customers').catch((x: unknown) => x)) as ApiError;
    setLocale('en');
    expect(isNetworkError(e)).toBe(true);
    expect(e.message).toBe('无法连接服务器，请检查网络连接后重试。');
    expect(e.problem.detail).toBe(e.message);
  });

  it('answers null for 204', async () => {
    stubFetch(route('DELETE', '/api/v1/tokens/1', () => ({ status: 204 })));
    await expect(api.delete('/tokens/1')).resolves.toBeUndefined();
  });
});
