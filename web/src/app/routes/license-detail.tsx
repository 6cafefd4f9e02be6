import { useParams } from 'react-router';
import { useSession } from '@/lib/session';
import { LicenseDetailView } from '@/features/licenses/components/license-detail-view';

export default function LicenseDetailRoute() {
  const { id } = useParams();
  const { access } = useSession();
  return <LicenseDetailView id={Number(id)} canWrite={access.canWriteLicenses} />;
}
