// Owner choices for customer filters and forms: only roles that may list users get a picker.
import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '@/lib/i18n/i18n';
import { useSession } from '@/lib/session';
import { userListQueryOptions } from '@/features/admin/api/users';
import { ownerOptions, type OwnerOption } from '@/features/customers/components/customer-list-view';

export function useOwnerOptions(): OwnerOption[] | undefined {
  const { user, access } = useSession();
  const { tEnum } = useI18n();
  const { data } = useQuery({ ...userListQueryOptions(), enabled: access.canViewUsers });
  return useMemo(() => (access.canViewUsers && data && user ? ownerOptions(data.items, user, tEnum) : undefined), [access.canViewUsers, data, user, tEnum]);
}
