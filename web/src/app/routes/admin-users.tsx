import { useSession } from '@/lib/session';
import { UsersView } from '@/features/admin/components/users-view';

export default function AdminUsersRoute() {
  const { access } = useSession();
  return <UsersView canManage={access.canManageUsers} />;
}
