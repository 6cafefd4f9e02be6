import { isRouteErrorResponse, useRouteError } from 'react-router';
import { ErrorState, NotFoundState } from '@/components/states';

export { Forbidden } from '@/components/states';

/** The first paint before the app knows who is signed in: the layout's silhouette, no spinner. */
export function BootScreen() {
  return (
    <div className="boot" aria-busy="true">
      <div className="boot-side" />
      <div className="boot-main">
        <div className="boot-head" />
      </div>
    </div>
  );
}

/** The login page's silhouette while its chunk loads. */
export function LoginFallback() {
  return <div className="boot-login" aria-busy="true" />;
}

export function RouteError() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundState />;
  return <ErrorState error={error} onRetry={() => window.location.reload()} />;
}
