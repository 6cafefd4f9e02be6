// The edit drawer, a child route of the customer page. It opens only for a user who may change
// this customer (the rule behind the page's Edit button); anyone else who types the URL gets the
// 403 state rather than a form whose Save the server refuses.
import { useQuery } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import Drawer from 'antd/es/drawer';
import { useI18n } from '@/lib/i18n/i18n';
import { useSession } from '@/lib/session';
import { Forbidden } from '@/components/states';
import { customerDetailQueryOptions, type Customer } from '@/features/customers/api/customers';
import { EditCustomerDrawer } from '@/features/customers/components/customer-drawers';
import type { OwnerOption } from '@/features/customers/components/customer-list-view';
import { useOwnerOptions } from '@/app/routes/use-owner-options';

/** The choices, plus the customer's present owner when they are not one (so the field shows a name, not an id). */
function withOwner(owners: OwnerOption[] | undefined, customer: Customer): OwnerOption[] | undefined {
  if (!owners || customer.owner_id === null || owners.some((o) => o.value === customer.owner_id)) return owners;
  return [...owners, { value: customer.owner_id, label: customer.owner_name ?? String(customer.owner_id) }];
}

export default function CustomerEditRoute() {
  const id = Number(useParams().id);
  const navigate = useNavigate();
  const { t } = useI18n();
  const { access } = useSession();
  const { data } = useQuery(customerDetailQueryOptions(id));
  const owners = useOwnerOptions();
  const close = () => navigate(`/customers/${id}`);

  // The customer page shows the loading and error states (and renders this route only once it has the customer).
  if (!data) return null;
  if (!access.canEditCustomer(data)) {
    return (
      <Drawer open title={t('customers.edit')} onClose={close} size={520}>
        <Forbidden />
      </Drawer>
    );
  }
  return <EditCustomerDrawer id={id} owners={withOwner(owners, data)} onClose={close} />;
}
