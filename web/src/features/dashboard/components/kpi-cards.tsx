// KPI cards in plain elements: they are the dashboard's first paint, so they carry no antd.
import { Link } from 'react-router';
import { useI18n } from '@/lib/i18n/i18n';
import { formatMoney, formatNumber, toMajor } from '@/lib/format';
import { CUSTOMER_STATUSES } from '@/config/enums';
import type { DashboardSummary } from '@/features/dashboard/api/dashboard';
import './dashboard.css';

function Card({ title, children, to }: { title: string; children: React.ReactNode; to?: string }) {
  return (
    <section className="kpi" aria-label={title}>
      <h2 className="kpi-title">{to ? <Link to={to}>{title}</Link> : title}</h2>
      {children}
    </section>
  );
}

export function KpiCardsSkeleton() {
  return (
    <div className="kpi-grid" aria-busy="true">
      {[0, 1, 2, 3].map((i) => (
        <div key={i} className="kpi">
          <div className="sk" style={{ height: 14, width: '50%', marginBottom: 14 }} />
          <div className="sk" style={{ height: 30, width: '70%' }} />
        </div>
      ))}
    </div>
  );
}

export function KpiCards({ summary }: { summary: DashboardSummary }) {
  const { t, tEnum, locale } = useI18n();
  const totalCustomers = CUSTOMER_STATUSES.reduce((s, k) => s + (summary.customers_by_status[k] ?? 0), 0);
  return (
    <div className="kpi-grid">
      <Card title={t('dashboard.customersByStatus')} to="/customers">
        <div className="kpi-value">{formatNumber(totalCustomers, locale)}</div>
        <ul className="kpi-split">
          {CUSTOMER_STATUSES.map((s) => (
            <li key={s}>
              <Link to={`/customers?status=${s}`}>
                <span className={`dot dot-${s}`} aria-hidden="true" />
                {tEnum('customerStatus', s)} <strong>{formatNumber(summary.customers_by_status[s] ?? 0, locale)}</strong>
              </Link>
            </li>
          ))}
        </ul>
      </Card>
      <Card title={t('dashboard.activeLicenses')} to="/licenses?status=active">
        <div className="kpi-value">{formatNumber(summary.active_licenses, locale)}</div>
      </Card>
      <Card title={t('dashboard.arr')}>
        {summary.arr.length === 0 ? <div className="kpi-value">—</div> : null}
        {summary.arr.map((a, i) => {
          // Large sums in compact form (CN¥229M), the exact amount in the tooltip.
          const exact = formatMoney(a.amount_minor, a.currency, locale);
          const compact = toMajor(a.amount_minor, a.currency) >= 1_000_000;
          return (
            <div key={a.currency} className={i === 0 ? 'kpi-value' : 'kpi-sub'} title={exact}>
              {compact ? formatMoney(a.amount_minor, a.currency, locale, true) : exact}
            </div>
          );
        })}
      </Card>
      <Card title={t('dashboard.expiring')}>
        <ul className="kpi-split kpi-expiring">
          {([['d30', 30], ['d60', 60], ['d90', 90]] as const).map(([k, days]) => (
            <li key={k}>
              <Link to={`/licenses?expiring=${days}`}>
                <strong className="kpi-num">{formatNumber(summary.expiring[k], locale)}</strong>
                <span>{t('dashboard.within', { days })}</span>
              </Link>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
