import { useEffect } from 'react';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
import type { createAppRouter } from '@/app/router';
import { setUnauthenticatedHandler } from '@/lib/api-client';
import { sessionKeys } from '@/lib/session';

export function App({ queryClient, router }: { queryClient: QueryClient; router: ReturnType<typeof createAppRouter> }) {

  useEffect(() => {
    // Session expiry: forget the user, keep the page they were on, and send them to log in.
    setUnauthenticatedHandler(() => {
      const { pathname, search } = router.state.location;
      // Already signed out (explicit log out, or another 401 got here first): the gate redirects.
      if (pathname === '/login' || queryClient.getQueryData(sessionKeys.me) === null) return;
      queryClient.setQueryData(sessionKeys.me, null);
      const next = encodeURIComponent(pathname + search);
      void router.navigate(`/login?next=${next}&expired=1`, { replace: true });
    });
    return () => setUnauthenticatedHandler(null);
  }, [router, queryClient]);

  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
