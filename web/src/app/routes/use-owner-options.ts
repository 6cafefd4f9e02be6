// Owner choices for customer filters and forms: only roles that may list users get a picker.
import { useQuery } from '@tanstack/react-query';
import { useSession } from '@/lib/session';
import { userListQueryOptions } from '@/features/admin/api/users';
import type { OwnerOption } from '@/features/customers/components/customer-list-view';

export function useOwnerOptions(): OwnerOption[] | undefined {
  const { access } = useSession();
  const { data } = useQuery({ ...userListQueryOptions(), enabled: access.canViewUsers });
  if (!access.canViewUsers || !data) return undefined;
  return data.items
    .filter((u) => !u.disabled && (u.role === 'sales_rep' || u.role === 'sales_manager' || u.role === 'admin'))
    .map((u) => ({ value: u.id, label: u.name }));
}
