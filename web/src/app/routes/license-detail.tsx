import { useParams } from 'react-router';
import { useSession } from '@/lib/session';
import { LicenseDetailView } from '@/features/licenses/components/license-detail-view';

export default function LicenseDetailRoute() {
  const { id } = useParams();
  const { access } = useSession();
  // The customer page's rule: a sales rep changes the licences of their own customers only.
  return <LicenseDetailView id={Number(id)} canWrite={(l) => access.canWriteCustomerLicenses({ owner_id: l.customer_owner_id })} />;
}
