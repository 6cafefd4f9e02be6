import { lazy, Suspense, type ReactNode } from 'react';
import { getLocale } from '@/lib/i18n/i18n';

// The shell resolves only once the current language's antd locale is there too, so the first
// render is already in the right language (no second render of the whole page).
let shellPromise: Promise<typeof import('@/app/antd-shell')> | null = null;
const loadAntdShell = () =>
  (shellPromise ??= import('@/app/antd-shell').then(async (m) => {
    await m.ensureAntdLocale(getLocale());
    return m;
  }));
const AntdShell = lazy(loadAntdShell);

/** Starts loading antd's shell ahead of need (on intent: hovering or focusing a link to an antd screen). */
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
