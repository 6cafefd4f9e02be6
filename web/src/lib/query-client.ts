import { MutationCache, QueryCache, QueryClient, type Query } from '@tanstack/react-query';
import { API_BASE } from '@/config/env';
import { isApiError, isNetworkError, reportError } from '@/lib/api-client';

type Options = {
  /** How often to ask a server that could not be reached whether it is back (ms). */
  reconnectProbeMs?: number;
  /** Resolves true once the server answers anything at all. */
  probe?: () => Promise<boolean>;
};

/** Any answer, even an error status, means the server is reachable again. */
async function probeServer(): Promise<boolean> {
  try {
    await fetch(`${API_BASE}/auth/me`, { credentials: 'same-origin', cache: 'no-store' });
    return true;
  } catch {
    return false;
  }
}

const failedUnreachable = (q: Query) => q.state.status === 'error' && isNetworkError(q.state.error);

export function createQueryClient({ reconnectProbeMs = 5_000, probe = probeServer }: Options = {}): QueryClient {
  // A stopped server is not the browser going offline: onlineManager (refetchOnReconnect) never
  // notices it, and a screen would stay on its error until the user clicks Retry. So after a query
  // fails because the server could not be reached, the client asks the server every few seconds
  // whether it is back (a probe, not the queries themselves, so the error does not flicker into a
  // skeleton and back), then refetches the shown queries that failed that way.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watchForServer = () => {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      void (async () => {
        const filters = { type: 'active', predicate: failedUnreachable } as const;
        if (qc.getQueryCache().findAll(filters).length === 0) {
          timer = undefined;
          return;
        }
        const back = await probe();
        timer = undefined;
        if (back) void qc.refetchQueries(filters);
        else watchForServer();
      })();
    }, reconnectProbeMs);
  };

  const qc: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        // Background refetch failures of data already shown deserve a toast; first loads show their own error state.
        if (query.state.data !== undefined) reportError(error);
        if (isNetworkError(error)) watchForServer();
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _vars, _ctx, mutation) => {
        // A silent mutation's form shows its field errors and conflicts itself, but not every form
        // says that the server could not be reached: that one is always reported.
        if (mutation.meta?.silent && !isNetworkError(error)) return;
        reportError(error);
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        gcTime: 5 * 60_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => {
          if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
          return count < 2;
        },
      },
      mutations: { retry: false },
    },
  });
  return qc;
}

declare module '@tanstack/react-query' {
  interface Register {
    mutationMeta: { silent?: boolean };
  }
}
