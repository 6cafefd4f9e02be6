import { useQuery } from '@tanstack/react-query';
import { Navigate, Outlet, useLocation, useMatches } from 'react-router';
import { wasLoggedOut, sessionQueryOptions } from '@/lib/session';
import { getAccess } from '@/lib/access';
import type { RouteHandle } from '@/app/router';
import { AppLayout } from '@/app/layout/app-layout';
import { BootScreen, Forbidden, RouteError } from '@/app/layout/route-states';
import { WithAntd } from '@/app/layout/antd-shell-lazy';

/** Protected part of the app: needs a session, and each route's permission. */
export function AuthGate() {
  const { data, isPending, isError } = useQuery(sessionQueryOptions);
  const location = useLocation();
  const matches = useMatches();

  if (isPending) return <BootScreen />;
  if (isError) return <RouteError />;
  if (!data) {
    if (wasLoggedOut()) return <Navigate to="/login?loggedOut=1" replace />;
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  const access = getAccess(data.user);
  const handles = matches.map((m) => m.handle as RouteHandle | undefined);
  const denied = handles.some((h) => h?.access !== undefined && !access[h.access]);
  // Auditors have no dashboard: their home is the audit log.
  if (denied && location.pathname === '/' && access.canViewAudit) return <Navigate to="/audit" replace />;
  // The page route (the outermost one that says) decides; its child routes bring antd themselves.
  const plain = handles.find((h) => h?.plain !== undefined)?.plain === true;
  return (
    <AppLayout user={data.user} access={access}>
      {denied ? <Forbidden /> : plain ? <Outlet /> : <WithAntd><Outlet /></WithAntd>}
    </AppLayout>
  );
}
