import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '@/lib/i18n/i18n';
import { formatDateTime } from '@/lib/format';
import { dashboardQueryOptions } from '@/features/dashboard/api/dashboard';
import { KpiCards, KpiCardsSkeleton } from '@/features/dashboard/components/kpi-cards';
import { ErrorState } from '@/components/states';
import { MyRenewals } from '@/features/dashboard/components/my-renewals';
import { useSession } from '@/lib/session';

const DashboardCharts = lazy(() => import('@/features/dashboard/components/dashboard-charts'));

function ChartsSkeleton() {
  return (
    <div className="dash-row" aria-busy="true">
      <div className="panel"><div className="sk chart-box" /></div>
      <div className="panel"><div className="sk chart-box" /></div>
    </div>
  );
}

/**
 * Charts load (with echarts) only once their place is on screen and the browser is idle, so
 * they never delay the KPI cards; on a phone, where they start below the fold, not before the
 * user scrolls to them.
 */
function useChartsWanted(ref: React.RefObject<HTMLElement | null>, mounted: boolean): boolean {
  const [wanted, setWanted] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || wanted) return;
    let idle: number | undefined;
    const w = window as Window & { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => number; cancelIdleCallback?: (id: number) => void };
    const go = () => {
      if (w.requestIdleCallback) idle = w.requestIdleCallback(() => setWanted(true), { timeout: 1500 });
      else idle = window.setTimeout(() => setWanted(true), 200);
    };
    if (!('IntersectionObserver' in window)) {
      go();
      return;
    }
    // Half of the charts' box must be on screen: a sliver peeking in at the bottom of a phone
    // screen does not count.
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          io.disconnect();
          go();
        }
      },
      { threshold: 0.5 },
    );
    io.observe(el);
    return () => {
      io.disconnect();
      if (idle !== undefined) (w.cancelIdleCallback ?? window.clearTimeout)(idle);
    };
  }, [ref, wanted, mounted]);
  return wanted;
}

export function DashboardView() {
  const { t, locale } = useI18n();
  // Renewals of one's own customers: only people who can own customers have any (finance, viewers
  // and auditors own none, and would always read "no renewals"; their expiring counts are the KPIs).
  const { access } = useSession();
  const { data, error, refetch, isPending } = useQuery(dashboardQueryOptions());
  const chartsRef = useRef<HTMLDivElement>(null);
  const chartsReady = useChartsWanted(chartsRef, data !== undefined);

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
          <div ref={chartsRef}>
            {chartsReady ? (
              <Suspense fallback={<ChartsSkeleton />}>
                <DashboardCharts summary={data} />
              </Suspense>
            ) : (
              <ChartsSkeleton />
            )}
          </div>
          {access.canCreateCustomers ? <MyRenewals items={data.my_renewals} /> : null}
        </>
      ) : null}
    </>
  );
}
