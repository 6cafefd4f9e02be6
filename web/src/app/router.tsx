// Every screen is a lazy route. Loaders start the data fetch in parallel with the route's
// chunk, from the same queryOptions the screens use; they do not await it, so a screen whose
// layout is known paints its skeleton at once instead of holding the previous page.
import type { QueryClient } from '@tanstack/react-query';
import { createBrowserRouter, type LoaderFunctionArgs, type RouteObject } from 'react-router';
import { AuthGate } from '@/app/layout/auth-gate';
import { BootScreen, LoginFallback, RouteError } from '@/app/layout/route-states';
import { sessionQueryOptions } from '@/lib/session';
import { getAccess, type Access, type AccessKey } from '@/lib/access';
import { dashboardQueryOptions } from '@/features/dashboard/api/dashboard';
import { customerDetailQueryOptions, customerListParamsFromSearch, customerListQueryOptions } from '@/features/customers/api/customers';
import { licenseDetailQueryOptions } from '@/features/licenses/api/licenses';
import { userListQueryOptions } from '@/features/admin/api/users';

/**
 * access: the permission the route needs (checked by the gate; the server checks again).
 * plain: the screen uses no antd component, so it renders without loading antd at all
 * (the dashboard's first paint stays small and the main thread free).
 */
export type RouteHandle = { access?: AccessKey; plain?: boolean };

const page = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({ Component: (await load()).default });

export function createAppRouter(qc: QueryClient) {
  const prefetch = (fn: (args: LoaderFunctionArgs) => void) => (args: LoaderFunctionArgs) => {
    fn(args);
    return null;
  };
  // For screens that many roles cannot open: waits for the session (already in flight) so that a
  // signed-out or denied user sends no request that would answer 401 or 403.
  const prefetchIfAllowed = (key: AccessKey, fn: (args: LoaderFunctionArgs, access: Access) => void) => (args: LoaderFunctionArgs) => {
    void qc
      .ensureQueryData(sessionQueryOptions)
      .then((session) => {
        const access = session && getAccess(session.user);
        if (access && access[key]) fn(args, access);
      })
      .catch(() => undefined);
    return null;
  };

  const routes: RouteObject[] = [
    { path: '/login', lazy: page(() => import('@/app/routes/login')), HydrateFallback: LoginFallback, errorElement: <RouteError /> },
    {
      path: '/',
      element: <AuthGate />,
      HydrateFallback: BootScreen,
      errorElement: <RouteError />,
      // Awaited: every screen here needs the session, and with it in the cache the first screen
      // renders within the router's transition (in slices) rather than as one synchronous
      // update when the answer arrives. index.html preloads the request, so this waits little.
      loader: async () => {
        await qc.ensureQueryData(sessionQueryOptions);
        return null;
      },
      children: [
        {
          errorElement: <RouteError />,
          children: [
            {
              index: true,
              handle: { access: 'canViewDashboard', plain: true } satisfies RouteHandle,
              loader: prefetch(() => void qc.prefetchQuery(dashboardQueryOptions())),
              lazy: page(() => import('@/app/routes/dashboard')),
            },
            {
              path: 'customers',
              handle: { access: 'canViewCustomers', plain: true } satisfies RouteHandle,
              // The list, and the owner filter's choices for roles that have one (use-owner-options.ts):
              // both arrive together, so the rows render once rather than again when the owners come.
              loader: prefetchIfAllowed('canViewCustomers', ({ request }, access) => {
                void qc.prefetchInfiniteQuery(customerListQueryOptions(customerListParamsFromSearch(new URL(request.url).searchParams)));
                if (access.canViewUsers) void qc.prefetchQuery(userListQueryOptions());
              }),
              lazy: page(() => import('@/app/routes/customers')),
              children: [
                {
                  path: 'new',
                  handle: { access: 'canCreateCustomers' } satisfies RouteHandle,
                  lazy: page(() => import('@/app/routes/customer-new')),
                },
              ],
            },
            {
              path: 'customers/trash',
              handle: { access: 'canCreateCustomers' } satisfies RouteHandle,
              lazy: page(() => import('@/app/routes/customers-trash')),
            },
            {
              path: 'customers/:id',
              handle: { access: 'canViewCustomers' } satisfies RouteHandle,
              loader: prefetch(({ params }) => void qc.prefetchQuery(customerDetailQueryOptions(Number(params.id)))),
              lazy: page(() => import('@/app/routes/customer-detail')),
              children: [{ path: 'edit', lazy: page(() => import('@/app/routes/customer-edit')) }],
            },
            {
              path: 'licenses',
              handle: { access: 'canViewLicenses' } satisfies RouteHandle,
              lazy: page(() => import('@/app/routes/licenses')),
            },
            {
              path: 'licenses/:id',
              handle: { access: 'canViewLicenses' } satisfies RouteHandle,
              loader: prefetch(({ params }) => void qc.prefetchQuery(licenseDetailQueryOptions(Number(params.id)))),
              lazy: page(() => import('@/app/routes/license-detail')),
            },
            {
              path: 'pipeline',
              handle: { access: 'canViewPipeline' } satisfies RouteHandle,
              lazy: page(() => import('@/app/routes/pipeline')),
            },
            {
              path: 'admin/users',
              handle: { access: 'canViewUsers' } satisfies RouteHandle,
              lazy: page(() => import('@/app/routes/admin-users')),
            },
            {
              path: 'admin/backups',
              handle: { access: 'canManageBackups' } satisfies RouteHandle,
              lazy: page(() => import('@/app/routes/admin-backups')),
            },
            {
              path: 'audit',
              handle: { access: 'canViewAudit' } satisfies RouteHandle,
              lazy: page(() => import('@/app/routes/audit')),
            },
            { path: 'account/profile', lazy: page(() => import('@/app/routes/account-profile')) },
            { path: 'account/password', lazy: page(() => import('@/app/routes/account-password')) },
            { path: 'account/tokens', lazy: page(() => import('@/app/routes/account-tokens')) },
            { path: '*', lazy: page(() => import('@/app/routes/not-found')) },
          ],
        },
      ],
    },
  ];
  return createBrowserRouter(routes);
}
