import { useNavigate, useParams } from 'react-router';
import { EditCustomerDrawer } from '@/features/customers/components/customer-drawers';
import { useOwnerOptions } from '@/app/routes/use-owner-options';

export default function CustomerEditRoute() {
  const { id } = useParams();
  const navigate = useNavigate();
  const owners = useOwnerOptions();
  return <EditCustomerDrawer id={Number(id)} owners={owners} onClose={() => navigate(`/customers/${id}`)} />;
}
