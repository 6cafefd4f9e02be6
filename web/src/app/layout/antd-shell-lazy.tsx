import { lazy, Suspense, type ReactNode } from 'react';

const loadAntdShell = () => import('@/app/antd-shell');
const AntdShell = lazy(loadAntdShell);

/** Starts downloading antd's shell at once, in parallel with the route chunk and the data. */
export function preloadAntdShell() {
  void loadAntdShell();
}

export function WithAntd({ children, fallback }: { children: ReactNode; fallback?: ReactNode }) {
  return (
    <Suspense fallback={fallback ?? <PageSkeleton />}>
      <AntdShell>{children}</AntdShell>
    </Suspense>
  );
}

export function PageSkeleton() {
  return (
    <div aria-busy="true">
      <div className="sk" style={{ height: 28, width: 220, marginBottom: 20 }} />
      <div className="sk" style={{ height: 120, marginBottom: 16 }} />
      <div className="sk" style={{ height: 240 }} />
    </div>
  );
}
