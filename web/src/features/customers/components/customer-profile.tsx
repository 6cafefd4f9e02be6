import { useNavigate } from 'react-router';
import Button from 'antd/es/button';
import Popconfirm from 'antd/es/popconfirm';
import AntdApp from 'antd/es/app';
import { useI18n } from '@/lib/i18n/i18n';
import { formatDateTime, formatNumber } from '@/lib/format';
import { useTrashCustomer, type Customer } from '@/features/customers/api/customers';
import './customers.css';

export function CustomerProfileSkeleton() {
  return (
    <section className="panel" aria-busy="true">
      <div className="sk" style={{ height: 26, width: 280, marginBottom: 16 }} />
      <div className="profile-grid">
        {Array.from({ length: 8 }, (_, i) => (
          <div key={i}><div className="sk" style={{ height: 12, width: 80, marginBottom: 6 }} /><div className="sk" style={{ height: 16, width: '60%' }} /></div>
        ))}
      </div>
    </section>
  );
}

export function CustomerProfile({ customer, canEdit }: { customer: Customer; canEdit: boolean }) {
  const { t, tEnum, locale } = useI18n();
  const trash = useTrashCustomer();
  const navigate = useNavigate();
  const { message } = AntdApp.useApp();
  const item = (label: string, value: React.ReactNode) => (
    <div>
      <dt>{label}</dt>
      <dd>{value === null || value === undefined || value === '' ? '—' : value}</dd>
    </div>
  );
  return (
    <section className="panel" aria-labelledby="customer-name">
      <div className="page-head profile-head">
        <h1 id="customer-name">
          {customer.name} <span className={`pill pill-${customer.status}`}>{tEnum('customerStatus', customer.status)}</span>
        </h1>
        {canEdit ? (
          <>
            {/* One tab stop: a button that navigates, not a link wrapping a button. */}
            <Button type="primary" onClick={() => navigate('edit')}>{t('common.edit')}</Button>
            <Popconfirm
              title={t('customers.confirmTrash')}
              okText={t('common.yes')}
              cancelText={t('common.no')}
              onConfirm={async () => {
                await trash.mutateAsync({ id: customer.id, version: customer.version });
                void message.success(t('app.deleted'));
                navigate('/customers');
              }}
            >
              <Button danger loading={trash.isPending}>{t('customers.moveToTrash')}</Button>
            </Popconfirm>
          </>
        ) : null}
      </div>
      <dl className="profile-grid">
        {item(t('field.region'), tEnum('region', customer.region))}
        {item(t('field.tier'), tEnum('tier', customer.tier))}
        {item(t('field.industry'), customer.industry)}
        {item(t('field.owner'), customer.owner_name)}
        {item(t('field.website'), customer.website ? <a href={customer.website} target="_blank" rel="noreferrer noopener">{customer.website}</a> : null)}
        {item(t('field.activeLicenses'), formatNumber(customer.active_license_count, locale))}
        {item(t('field.tags'), customer.tags?.length ? customer.tags.map((tag) => <span key={tag} className="tag">{tag}</span>) : null)}
        {item(t('common.updatedAt'), `${formatDateTime(customer.updated_at, locale)} · v${customer.version}`)}
      </dl>
      {customer.notes ? <p className="notes">{customer.notes}</p> : null}
    </section>
  );
}
