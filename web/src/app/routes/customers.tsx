import { useOutlet } from 'react-router';
import { CustomerListView } from '@/features/customers/components/customer-list-view';
import { useOwnerOptions } from '@/app/routes/use-owner-options';
import { WithAntd } from '@/app/layout/antd-shell-lazy';

/** A plain screen (no antd); only the create drawer, a child route, brings antd in. */
export default function CustomersRoute() {
  const owners = useOwnerOptions();
  const child = useOutlet();
  return <CustomerListView owners={owners} outlet={child ? <WithAntd fallback={null}>{child}</WithAntd> : null} />;
}
