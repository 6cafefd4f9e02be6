import { TrashView } from '@/features/customers/components/trash-view';

export default function CustomersTrashRoute() {
  return <TrashView />;
}
