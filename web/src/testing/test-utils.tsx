// Test helpers: a fresh QueryClient per test (no retries), a memory router, real antd, and a
// fetch stub at the network boundary that answers like the server (JSON or problem+json).
import type { ReactElement, ReactNode } from 'react';
import { render } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';
import AntdShell from '@/app/antd-shell';
import { vi } from 'vitest';

export function createTestQueryClient() {
  return new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } } });
}

type Options = { path?: string; route?: string; extraRoutes?: RouteObject[]; queryClient?: QueryClient };

export function renderWithProviders(ui: ReactElement, { path = '/', route = '/', extraRoutes = [], queryClient = createTestQueryClient() }: Options = {}) {
  const router = createMemoryRouter([{ path, element: ui }, ...extraRoutes], { initialEntries: [route] });
  const Wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <AntdShell>{children}</AntdShell>
    </QueryClientProvider>
  );
  return { ...render(<RouterProvider router={router} />, { wrapper: Wrapper }), router, queryClient };
}

export type RecordedRequest = { method: string; url: string; headers: Record<string, string>; body: unknown };
type Handler = (req: RecordedRequest) => { status?: number; body?: unknown; headers?: Record<string, string> } | undefined;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return { status, body, headers: { 'Content-Type': 'application/json', ...headers } };
}

export function problem(status: number, slug: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return {
    status,
    body: { type: `https://salesdb.dev/problems/${slug}`, title: slug, status, request_id: 'req-test', ...extra },
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  };
}

/** Stubs fetch; handlers are tried in order, the first answer wins. Returns the recorded requests. */
export function stubFetch(...handlers: Handler[]) {
  const requests: RecordedRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k.toLowerCase()] = v));
    const req: RecordedRequest = {
      method: init?.method ?? 'GET',
      url: String(input),
      headers,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    requests.push(req);
    for (const h of handlers) {
      const r = h(req);
      if (r) {
        const status = r.status ?? 200;
        return new Response(status === 204 || r.body === undefined ? null : JSON.stringify(r.body), { status, headers: r.headers });
      }
    }
    return new Response(JSON.stringify({ title: 'not stubbed', status: 404 }), { status: 404, headers: { 'Content-Type': 'application/problem+json' } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return requests;
}

export const route = (method: string, pattern: RegExp | string, answer: (req: RecordedRequest) => ReturnType<Handler>): Handler => (req) => {
  const path = req.url.replace(/^https?:\/\/[^/]+/, '');
  const ok = typeof pattern === 'string' ? path.split('?')[0] === pattern : pattern.test(path);
  return req.method === method && ok ? answer(req) : undefined;
};
