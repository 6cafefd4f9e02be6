import { infiniteQueryOptions, keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, idempotencyKey, type Page } from '@/lib/api-client';
import { resourceKeys, sharedKeys } from '@/lib/query-keys';
import type { Deployment, Edition, LicenseStatus } from '@/config/enums';

export type License = {
  id: number;
  customer_id: number;
  customer_name: string | null;
  customer_owner_id: number | null;
  key: string;
  edition: Edition;
  seats: number;
  annual_value_minor: number;
  currency: string;
  starts_at: number;
  expires_at: number;
  status: LicenseStatus;
  deployment: Deployment;
  revoked_reason?: string | null;
  version: number;
  created_at: number;
  updated_at: number;
};

export type LicenseInput = {
  customer_id: number;
  edition: Edition;
  seats: number;
  annual_value_minor: number;
  currency: string;
  starts_at: number;
  expires_at: number;
  deployment: Deployment;
};

export type LicenseListParams = {
  customer_id?: number;
  status?: string;
  edition?: string;
  expiring_within_days?: number;
  key?: string;
  sort?: string;
};

export const licenseKeys = resourceKeys('licenses');

export const licenseListQueryOptions = (params: LicenseListParams) =>
  infiniteQueryOptions({
    queryKey: licenseKeys.list(params),
    queryFn: ({ pageParam, signal }) => api.get<Page<License>>('/licenses', { ...params, limit: 100, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });

export const licenseDetailQueryOptions = (id: number) =>
  queryOptions({
    queryKey: licenseKeys.detail(id),
    queryFn: ({ signal }) => api.get<License>(`/licenses/${id}`, undefined, signal),
    staleTime: 15_000,
  });

function useAfterWrite() {
  const qc = useQueryClient();
  return (l: License) => {
    qc.setQueryData(licenseKeys.detail(l.id), l);
    void qc.invalidateQueries({ queryKey: licenseKeys.lists() });
    void qc.invalidateQueries({ queryKey: sharedKeys.customers.detail(l.customer_id) });
    void qc.invalidateQueries({ queryKey: sharedKeys.dashboard });
  };
}

export function useIssueLicense() {
  const after = useAfterWrite();
  return useMutation({
    meta: { silent: true },
    mutationFn: (input: LicenseInput) => api.post<License>('/licenses', input, { headers: { 'Idempotency-Key': idempotencyKey() } }),
    onSuccess: after,
  });
}

export function useRenewLicense() {
  const after = useAfterWrite();
  return useMutation({
    meta: { silent: true },
    mutationFn: ({ id, expires_at, version }: { id: number; expires_at: number; version: number }) =>
      api.post<License>(`/licenses/${id}/renew`, { expires_at, version }),
    onSuccess: after,
  });
}

export function useRevokeLicense() {
  const after = useAfterWrite();
  return useMutation({
    meta: { silent: true },
    mutationFn: ({ id, reason, version }: { id: number; reason: string; version: number }) =>
      api.post<License>(`/licenses/${id}/revoke`, { reason, version }),
    onSuccess: after,
  });
}

export function useUpdateSeats() {
  const after = useAfterWrite();
  return useMutation({
    meta: { silent: true },
    mutationFn: ({ id, seats, version }: { id: number; seats: number; version: number }) =>
      api.patch<License>(`/licenses/${id}`, { seats }, version),
    onSuccess: after,
  });
}
