import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, idempotencyKey, type Page } from '@/lib/api-client';
import { resourceKeys } from '@/lib/query-keys';
import type { SessionUser } from '@/lib/access';
import type { Role } from '@/config/enums';

export type User = SessionUser;
export type NewUserInput = { email: string; name: string; role: Role; region?: string | null; password: string };
export type UserPatch = { name?: string; role?: Role; region?: string | null; disabled?: boolean };

export const userKeys = resourceKeys('users');

export const userListQueryOptions = () =>
  queryOptions({
    queryKey: userKeys.list({}),
    queryFn: ({ signal }) => api.get<Page<User>>('/users', { limit: 500 }, signal),
    staleTime: 60_000,
  });

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    meta: { silent: true },
    mutationFn: (input: NewUserInput) => api.post<User>('/users', input, { headers: { 'Idempotency-Key': idempotencyKey() } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: userKeys.lists() }),
  });
}

export function useUpdateUser() {
  const qc = useQueryClient();
  return useMutation({
    meta: { silent: true },
    mutationFn: ({ id, patch, version }: { id: number; patch: UserPatch; version: number }) => api.patch<User>(`/users/${id}`, patch, version),
    onSuccess: () => qc.invalidateQueries({ queryKey: userKeys.lists() }),
  });
}
