import { LicensesListView } from '@/features/licenses/components/licenses-list-view';

export default function LicensesRoute() {
  return <LicensesListView />;
}
