import { Link } from 'react-router';
import { useI18n } from '@/lib/i18n/i18n';
import { daysUntil, formatDate } from '@/lib/format';
import type { DashboardSummary } from '@/features/dashboard/api/dashboard';

export function MyRenewals({ items }: { items: DashboardSummary['my_renewals'] }) {
  const { t, tEnum, locale } = useI18n();
  return (
    <section className="panel" aria-labelledby="my-renewals-h">
      <h2 id="my-renewals-h" className="panel-title">{t('dashboard.myRenewals')}</h2>
      {items.length === 0 ? (
        <p className="muted">{t('dashboard.noRenewals')}</p>
      ) : (
        <table className="simple-table">
          <thead>
            <tr>
              <th scope="col">{t('field.customer')}</th>
              <th scope="col">{t('field.edition')}</th>
              <th scope="col">{t('field.expiresAt')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.license_id}>
                <td className="cell-text"><Link to={`/customers/${r.customer_id}`}>{r.customer_name}</Link></td>
                <td>{tEnum('edition', r.edition)}</td>
                <td>
                  <Link to={`/licenses/${r.license_id}`}>{formatDate(r.expires_at, locale)}</Link>{' '}
                  <span className="muted">({t('licenses.daysLeft', { days: daysUntil(r.expires_at) })})</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
