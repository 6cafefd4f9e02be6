import { Link } from 'react-router';
import { useI18n } from '@/lib/i18n/i18n';
import { daysUntil, formatDate, formatMoney } from '@/lib/format';
import type { License } from '@/features/licenses/api/licenses';

export function LicenseTable({ licenses, showCustomer, loading }: { licenses: License[]; showCustomer?: boolean; loading?: boolean }) {
  const { t, tEnum, locale } = useI18n();
  const cols = showCustomer ? 7 : 6;
  return (
    <div className="table-scroll">
      <table className="simple-table" aria-label={t('licenses.title')}>
        <thead>
          <tr>
            <th scope="col">{t('field.key')}</th>
            {showCustomer ? <th scope="col">{t('field.customer')}</th> : null}
            <th scope="col">{t('field.edition')}</th>
            <th scope="col">{t('field.seats')}</th>
            <th scope="col">{t('field.annualValue')}</th>
            <th scope="col">{t('field.expiresAt')}</th>
            <th scope="col">{t('field.status')}</th>
          </tr>
        </thead>
        <tbody>
          {loading
            ? Array.from({ length: 6 }, (_, i) => (
                <tr key={i}><td colSpan={cols}><div className="sk" style={{ height: 14 }} /></td></tr>
              ))
            : null}
          {!loading && licenses.length === 0 ? (
            <tr><td colSpan={cols} className="muted">{t('licenses.empty')}</td></tr>
          ) : null}
          {licenses.map((l) => {
            const left = daysUntil(l.expires_at);
            return (
              <tr key={l.id}>
                <td><Link to={`/licenses/${l.id}`} className="mono">{l.key}</Link></td>
                {showCustomer ? <td className="cell-text"><Link to={`/customers/${l.customer_id}`}>{l.customer_name ?? `#${l.customer_id}`}</Link></td> : null}
                <td>{tEnum('edition', l.edition)} · {tEnum('deployment', l.deployment)}</td>
                <td>{l.seats}</td>
                <td>{formatMoney(l.annual_value_minor, l.currency, locale)}</td>
                <td>
                  {formatDate(l.expires_at, locale)}
                  {l.status === 'active' && left >= 0 && left <= 90 ? <span className="muted"> ({t('licenses.daysLeft', { days: left })})</span> : null}
                </td>
                <td><span className={`pill pill-${l.status}`}>{tEnum('licenseStatus', l.status)}</span></td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
