import { waitFor } from '@testing-library/react';
import { createAppRouter } from '@/app/router';
import { createTestQueryClient, json, problem, route, stubFetch } from '@/testing/test-utils';

const me = (role: string) => ({
  user: { id: 1, email: 'u@example.com', name: 'U', role, region: null, disabled: false, created_at: 0, updated_at: 0, version: 1 },
  csrf_token: 'c',
});

describe('app router loaders', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    window.history.replaceState(null, '', '/');
  });

  function open(path: string, ...handlers: Parameters<typeof stubFetch>) {
    window.history.replaceState(null, '', path);
    const requests = stubFetch(...handlers);
    const router = createAppRouter(createTestQueryClient());
    return { requests, router };
  }

  it('starts the customer list request of the URL with the session, before the screen renders', async () => {
    const { requests, router } = open(
      '/customers?region=east_china&sort=name',
      route('GET', '/api/v1/auth/me', () => json(me('viewer'))),
      route('GET', /^\/api\/v1\/customers\?/, () => json({ items: [], next_cursor: null })),
    );
    await waitFor(() => expect(requests.some((r) => r.url.includes('/api/v1/customers?'))).toBe(true));
    const list = requests.find((r) => r.url.includes('/api/v1/customers?'))!;
    expect(list.url).toContain('region=east_china');
    expect(list.url).toContain('sort=name');
    expect(list.url).toContain('limit=100');
    router.dispose();
  });

  it('starts the owner choices with the list for roles that filter by owner, and not for others', async () => {
    for (const [role, expected] of [['sales_manager', true], ['viewer', false]] as const) {
      const { requests, router } = open(
        '/customers',
        route('GET', '/api/v1/auth/me', () => json(me(role))),
        route('GET', /^\/api\/v1\/customers\?/, () => json({ items: [], next_cursor: null })),
        route('GET', /^\/api\/v1\/users\?/, () => json({ items: [], next_cursor: null })),
      );
      await waitFor(() => expect(requests.some((r) => r.url.includes('/api/v1/customers?'))).toBe(true));
      await new Promise((r) => setTimeout(r, 50));
      expect(requests.some((r) => r.url.includes('/api/v1/users?'))).toBe(expected);
      router.dispose();
    }
  });

  it('sends no list request for a signed-out user or a role without the customer list', async () => {
    for (const session of [() => problem(401, 'unauthenticated'), () => json(me('auditor'))]) {
      const { requests, router } = open('/customers', route('GET', '/api/v1/auth/me', session));
      await waitFor(() => expect(requests.some((r) => r.url.endsWith('/api/v1/auth/me'))).toBe(true));
      // Let the session answer settle and any follow-up request go out.
      await new Promise((r) => setTimeout(r, 50));
      expect(requests.filter((r) => r.url.includes('/api/v1/customers'))).toEqual([]);
      router.dispose();
    }
  });
});
