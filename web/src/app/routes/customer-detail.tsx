// The customer page composes the features that hang off a customer; all of it comes from
// the one GET /customers/{id} round trip (docs/api.md).
import { useQuery } from '@tanstack/react-query';
import { Outlet, useParams, useSearchParams } from 'react-router';
import Tabs from 'antd/es/tabs';
import { useI18n } from '@/lib/i18n/i18n';
import { useSession } from '@/lib/session';
import { ErrorState, NotFoundState } from '@/components/states';
import { isApiError } from '@/lib/api-client';
import { customerDetailQueryOptions } from '@/features/customers/api/customers';
import { CustomerProfile, CustomerProfileSkeleton } from '@/features/customers/components/customer-profile';
import { ContactsPanel } from '@/features/contacts/components/contacts-panel';
import type { Contact } from '@/features/contacts/api/contacts';
import { CustomerLicensesPanel } from '@/features/licenses/components/customer-licenses-panel';
import type { License } from '@/features/licenses/api/licenses';
import { ActivityQuickAdd } from '@/features/activities/components/activity-panel';
import { CustomerTimeline } from '@/features/customers/components/customer-timeline';
import { CustomerOpportunitiesPanel } from '@/features/opportunities/components/customer-opportunities-panel';
import type { Opportunity } from '@/features/opportunities/api/opportunities';
import '@/features/customers/components/customers.css';
import { defaultCurrency } from '@/config/enums';

const TABS = ['activities', 'contacts', 'licenses', 'opportunities'] as const;

export default function CustomerDetailRoute() {
  const id = Number(useParams().id);
  const { t } = useI18n();
  const { access } = useSession();
  const [search, setSearch] = useSearchParams();
  const { data, error, refetch } = useQuery(customerDetailQueryOptions(id));
  const tab = (TABS as readonly string[]).includes(search.get('tab') ?? '') ? (search.get('tab') as string) : 'activities';

  if (error && !data) {
    return isApiError(error, 404) ? <NotFoundState message={t('customers.notFound')} /> : <ErrorState error={error} onRetry={() => void refetch()} />;
  }
  if (!data) return <CustomerProfileSkeleton />;

  const canEdit = access.canEditCustomer(data);
  const canIssue = access.canWriteCustomerLicenses(data);
  const currency = defaultCurrency(data.region, data.licenses as unknown as License[]);
  return (
    <div className="detail-stack">
      <CustomerProfile customer={data} canEdit={canEdit} />
      <section className="panel">
        <Tabs
          activeKey={tab}
          onChange={(k) => setSearch(k === 'activities' ? {} : { tab: k }, { replace: true })}
          items={[
            {
              key: 'activities',
              label: t('customers.activities'),
              children: (
                <>
                  {canEdit ? <ActivityQuickAdd customerId={id} /> : null}
                  <CustomerTimeline customerId={id} />
                </>
              ),
            },
            { key: 'contacts', label: `${t('customers.contacts')} (${data.contacts.length})`, children: <ContactsPanel customerId={id} contacts={data.contacts as unknown as Contact[]} canEdit={canEdit} /> },
            { key: 'licenses', label: `${t('customers.licenses')} (${data.licenses.length})`, children: <CustomerLicensesPanel customerId={id} licenses={data.licenses as unknown as License[]} canIssue={canIssue} currency={currency} /> },
            { key: 'opportunities', label: `${t('customers.opportunities')} (${data.opportunities.length})`, children: <CustomerOpportunitiesPanel customerId={id} opportunities={data.opportunities as unknown as Opportunity[]} canEdit={canEdit && access.canWriteOpportunities} currency={currency} /> },
          ]}
        />
      </section>
      <Outlet />
    </div>
  );
}
