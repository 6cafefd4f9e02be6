import { useLocation, useNavigate } from 'react-router';
import { NewCustomerDrawer } from '@/features/customers/components/customer-drawers';
import { useOwnerOptions } from '@/app/routes/use-owner-options';

export default function CustomerNewRoute() {
  const navigate = useNavigate();
  const { search } = useLocation();
  const owners = useOwnerOptions();
  return <NewCustomerDrawer owners={owners} onClose={() => navigate(`/customers${search}`)} onCreated={(id) => navigate(`/customers/${id}`)} />;
}
