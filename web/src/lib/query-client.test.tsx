import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useMutation, useQuery } from '@tanstack/react-query';
import { createQueryClient } from './query-client';
import { api, ApiError } from '@/lib/api-client';
import { setLocale } from '@/lib/i18n/i18n';
import { json, problem, renderWithProviders, route, stubFetch } from '@/testing/test-utils';
import { ensureAntdLocale } from '@/app/antd-shell';

const NETWORK_EN = 'Cannot reach the server. Check your connection and try again.';
const NETWORK_ZH = '无法连接服务器，请检查网络连接后重试。';

/** Like a form's save: a silent mutation (the form shows its own field errors). */
function SaveButton({ silent = true }: { silent?: boolean }) {
  const save = useMutation({ meta: { silent }, mutationFn: () => api.post('/activities', { subject: 'Call' }) });
  return (
    <button type="button" onClick={() => save.mutate()}>
      Save
    </button>
  );
}

function Summary() {
  const { data, error } = useQuery({ queryKey: ['summary'], queryFn: () => api.get<{ n: number }>('/dashboard/summary'), retry: false });
  if (data) return <p>count {data.n}</p>;
  return error ? <p role="alert">{error.message}</p> : <p>loading</p>;
}

describe('query client', () => {
  beforeEach(() => setLocale('en'));
  afterEach(() => vi.unstubAllGlobals());

  it('reports a mutation whose fetch fails as "cannot reach the server", in the user’s language', async () => {
    stubFetch(route('POST', '/api/v1/activities', () => {
      throw new TypeError('Failed to fetch');
    }));
    setLocale('zh-CN');
    await ensureAntdLocale('zh-CN'); // its module loads within the test, not after teardown
    renderWithProviders(<SaveButton />, { queryClient: createQueryClient() });
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(NETWORK_ZH)).toBeInTheDocument();
    expect(screen.queryByText('Failed to fetch')).not.toBeInTheDocument();
  });

  it('titles an API error in the user’s language by its status, with the server’s detail beneath', async () => {
    stubFetch(route('POST', '/api/v1/activities', () => problem(403, 'forbidden', { detail: 'your role may not change this customer' })));
    setLocale('zh-CN');
    await ensureAntdLocale('zh-CN');
    renderWithProviders(<SaveButton silent={false} />, { queryClient: createQueryClient() });
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('您无权执行此操作')).toBeInTheDocument();
    expect(screen.getByText(/your role may not change this customer/)).toBeInTheDocument();
  });

  it('reports a non-silent mutation’s network failure once, with the English sentence', async () => {
    stubFetch(route('POST', '/api/v1/activities', () => {
      throw new TypeError('Failed to fetch');
    }));
    renderWithProviders(<SaveButton silent={false} />, { queryClient: createQueryClient() });
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(NETWORK_EN)).toBeInTheDocument();
    expect(screen.getAllByText(NETWORK_EN)).toHaveLength(1);
  });

  it('leaves a silent mutation’s API errors to its form', async () => {
    const reqs = stubFetch(route('POST', '/api/v1/activities', () => problem(500, 'internal', { detail: 'boom' })));
    renderWithProviders(<SaveButton />, { queryClient: createQueryClient() });
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(reqs).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByText('boom')).not.toBeInTheDocument();
  });

  it('fetches a query that failed on an unreachable server again once the server answers', async () => {
    let up = false;
    const reqs = stubFetch((req) => {
      if (!up) throw new TypeError('Failed to fetch');
      return req.url.includes('/dashboard/summary') ? json({ n: 3 }) : undefined;
    });
    renderWithProviders(<Summary />, { queryClient: createQueryClient({ reconnectProbeMs: 20 }) });
    expect(await screen.findByRole('alert')).toHaveTextContent(NETWORK_EN);
    // While the server is down only the probe asks; the query is not refetched (its error stays put).
    await waitFor(() => expect(reqs.filter((r) => r.url.includes('/auth/me')).length).toBeGreaterThanOrEqual(2));
    expect(reqs.filter((r) => r.url.includes('/dashboard/summary'))).toHaveLength(1);
    expect(screen.getByRole('alert')).toBeInTheDocument();

    up = true;
    expect(await screen.findByText('count 3')).toBeInTheDocument();
  });

  it('retries network errors and 5xx a little, never 4xx', () => {
    const retry = createQueryClient().getDefaultOptions().queries!.retry as (count: number, error: unknown) => boolean;
    expect(retry(0, new ApiError(0, {}))).toBe(true);
    expect(retry(0, new ApiError(503, {}))).toBe(true);
    expect(retry(2, new ApiError(0, {}))).toBe(false);
    expect(retry(0, new ApiError(404, {}))).toBe(false);
    expect(retry(0, new ApiError(429, {}))).toBe(false);
  });
});
