import { lazy, Suspense, useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '@/lib/i18n/i18n';
import { formatDateTime } from '@/lib/format';
import { dashboardQueryOptions } from '@/features/dashboard/api/dashboard';
import { KpiCards, KpiCardsSkeleton } from '@/features/dashboard/components/kpi-cards';
import { ErrorState } from '@/components/states';
import { MyRenewals } from '@/features/dashboard/components/my-renewals';

const DashboardCharts = lazy(() => import('@/features/dashboard/components/dashboard-charts'));

function ChartsSkeleton() {
  return (
    <div className="dash-row" aria-busy="true">
      <div className="panel"><div className="sk chart-box" /></div>
      <div className="panel"><div className="sk chart-box" /></div>
    </div>
  );
}

/** Charts wait for the browser to be idle after the first paint, so they never delay it. */
function useAfterPaint(): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const w = window as Window & { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => number };
    if (w.requestIdleCallback) {
      const id = w.requestIdleCallback(() => setReady(true), { timeout: 1500 });
      return () => (window as Window & { cancelIdleCallback?: (id: number) => void }).cancelIdleCallback?.(id);
    }
    const id = window.setTimeout(() => setReady(true), 200);
    return () => window.clearTimeout(id);
  }, []);
  return ready;
}

export function DashboardView() {
  const { t, locale } = useI18n();
  const { data, error, refetch, isPending } = useQuery(dashboardQueryOptions());
  const chartsReady = useAfterPaint();

  return (
    <>
      <div className="page-head">
        <h1>{t('dashboard.title')}</h1>
        {data ? <span className="muted">{t('dashboard.generatedAt', { time: formatDateTime(data.generated_at, locale) })}</span> : null}
      </div>
      {error && !data ? <ErrorState error={error} onRetry={() => void refetch()} /> : null}
      {isPending ? <KpiCardsSkeleton /> : null}
      {data ? (
        <>
          <KpiCards summary={data} />
          {chartsReady ? (
            <Suspense fallback={<ChartsSkeleton />}>
              <DashboardCharts summary={data} />
            </Suspense>
          ) : (
            <ChartsSkeleton />
          )}
          <MyRenewals items={data.my_renewals} />
        </>
      ) : null}
    </>
  );
}
