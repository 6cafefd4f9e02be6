import { BackupsView } from '@/features/backups/components/backups-view';

export default function AdminBackupsRoute() {
  return <BackupsView />;
}
