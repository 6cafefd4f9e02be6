import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, idempotencyKey, request, setCsrfToken } from '@/lib/api-client';
import { setLoggedOut, sessionKeys, type SessionInfo } from '@/lib/session';

export type LoginInput = { email: string; password: string };

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    meta: { silent: true },
    mutationFn: async (input: LoginInput) =>
      (await request<SessionInfo>('/auth/login', { method: 'POST', body: input, allowUnauthenticated: true })).data,
    onSuccess: (data) => {
      setLoggedOut(false);
      setCsrfToken(data.csrf_token);
      // Start from a clean cache: another user's data must not be shown.
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
      qc.setQueryData(sessionKeys.me, data);
    },
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    meta: { silent: true },
    mutationFn: async () => {
      await qc.cancelQueries();
      await request('/auth/logout', { method: 'POST', allowUnauthenticated: true });
    },
    onSettled: () => {
      // The session query goes to null (not removed), so the gate sees "signed out" at once;
      // everything else the user could see is dropped from the cache.
      setLoggedOut(true);
      setCsrfToken(null);
      qc.setQueryData(sessionKeys.me, null);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionKeys.me[0] });
    },
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (input: { current_password: string; new_password: string }) => api.post<null>('/auth/password', input),
  });
}

export type ApiToken = {
  id: number;
  name: string;
  prefix: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
};

export const tokenKeys = {
  all: ['tokens'] as const,
  lists: () => [...tokenKeys.all, 'list'] as const,
};

export const tokensQueryOptions = queryOptions({
  queryKey: tokenKeys.lists(),
  queryFn: ({ signal }) => api.get<{ items: ApiToken[] }>('/tokens', undefined, signal),
  staleTime: 60_000,
});

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; expires_in_days?: number }) =>
      api.post<{ id: number; name: string; token: string }>('/tokens', input, { headers: { 'Idempotency-Key': idempotencyKey() } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: tokenKeys.lists() }),
  });
}

export function useDeleteToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.delete(`/tokens/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: tokenKeys.lists() }),
  });
}
