import { CustomerListView } from '@/features/customers/components/customer-list-view';
import { useOwnerOptions } from '@/app/routes/use-owner-options';

export default function CustomersRoute() {
  const owners = useOwnerOptions();
  return <CustomerListView owners={owners} />;
}
