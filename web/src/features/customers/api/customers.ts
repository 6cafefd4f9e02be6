import { infiniteQueryOptions, keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, idempotencyKey, request, type Page } from '@/lib/api-client';
import { sharedKeys } from '@/lib/query-keys';
import type { ActivityType, CustomerStatus, Edition, LicenseStatus, Region, Stage, Tier } from '@/config/enums';

export type Customer = {
  id: number;
  name: string;
  industry: string | null;
  region: Region;
  tier: Tier;
  status: CustomerStatus;
  owner_id: number | null;
  owner_name: string | null;
  tags: string[];
  website: string | null;
  notes: string | null;
  active_license_count: number;
  version: number;
  created_at: number;
  updated_at: number;
  created_by: number | null;
  updated_by: number | null;
  deleted_at: number | null;
};

/** The detail answer embeds the children (docs/api.md); typed loosely here, each feature owns its shape. */
export type CustomerDetail = Customer & {
  contacts: Record<string, unknown>[];
  licenses: Record<string, unknown>[];
  activities: Record<string, unknown>[];
  opportunities: Record<string, unknown>[];
};

export type CustomerInput = {
  name: string;
  industry?: string | null;
  region: Region;
  tier: Tier;
  status: CustomerStatus;
  owner_id?: number | null;
  tags?: string[];
  website?: string | null;
  notes?: string | null;
};

export type CustomerListParams = {
  q?: string;
  region?: string;
  industry?: string;
  status?: string;
  tier?: string;
  owner_id?: string;
  tag?: string;
  sort?: string;
  deleted?: boolean;
};

/** The list's filters as they appear in the page URL (`/customers?region=…&sort=…`). */
export const FILTER_KEYS = ['q', 'region', 'industry', 'status', 'tier', 'owner_id', 'tag', 'sort'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export const DEFAULT_SORT = '-updated_at';

/** The list request for a page URL's search: shared by the route loader and the screen's hook. */
export function customerListParamsFromSearch(search: URLSearchParams): CustomerListParams {
  const params: CustomerListParams = {};
  for (const k of FILTER_KEYS) {
    const v = search.get(k);
    if (v) params[k] = v;
  }
  if (!params.sort) params.sort = DEFAULT_SORT;
  return params;
}

// `title` and `detail` are the server's one-line English summary; the row itself comes under its kind,
// masked for this reader as its own GET shows it (an activity's body is blank when hidden).
export type TimelineItem = {
  kind: 'activity' | 'license' | 'opportunity';
  at: number;
  id: number;
  title: string;
  detail: string | null;
  activity?: { type: ActivityType; subject: string; body: string | null; user_name?: string | null };
  license?: { edition: Edition; seats: number; status: LicenseStatus };
  opportunity?: { name: string; stage: Stage };
};

export const CUSTOMER_PAGE_SIZE = 100;

export const customerKeys = {
  ...sharedKeys.customers,
  timeline: (id: number) => [...sharedKeys.customers.detail(id), 'timeline'] as const,
};

export const customerListQueryOptions = (params: CustomerListParams) =>
  infiniteQueryOptions({
    queryKey: customerKeys.list(params),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<Customer>>('/customers', { ...params, limit: CUSTOMER_PAGE_SIZE, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });

export const customerDetailQueryOptions = (id: number) =>
  queryOptions({
    queryKey: customerKeys.detail(id),
    queryFn: ({ signal }) => api.get<CustomerDetail>(`/customers/${id}`, undefined, signal),
    staleTime: 15_000,
  });

export const customerTimelineQueryOptions = (id: number) =>
  infiniteQueryOptions({
    queryKey: customerKeys.timeline(id),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<TimelineItem>>(`/customers/${id}/timeline`, { limit: 30, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    staleTime: 15_000,
  });

export function useCreateCustomer() {
  const qc = useQueryClient();
  return useMutation({
    meta: { silent: true },
    mutationFn: (input: CustomerInput) =>
      api.post<Customer>('/customers', input, { headers: { 'Idempotency-Key': idempotencyKey() } }),
    onSuccess: (c) => {
      void qc.invalidateQueries({ queryKey: customerKeys.lists() });
      void qc.invalidateQueries({ queryKey: sharedKeys.dashboard });
      qc.setQueryData(customerKeys.detail(c.id), { contacts: [], licenses: [], activities: [], opportunities: [], ...c });
    },
  });
}

export function useUpdateCustomer(id: number) {
  const qc = useQueryClient();
  return useMutation({
    meta: { silent: true },
    mutationFn: ({ patch, version }: { patch: Partial<CustomerInput>; version: number }) =>
      api.patch<Customer>(`/customers/${id}`, patch, version),
    onSuccess: (c) => {
      qc.setQueryData<CustomerDetail>(customerKeys.detail(id), (old) => (old ? { ...old, ...c } : old));
      void qc.invalidateQueries({ queryKey: customerKeys.detail(id) });
      void qc.invalidateQueries({ queryKey: customerKeys.lists() });
    },
  });
}

/** Reads the server's current copy (bypassing the cache), for the conflict dialog. */
export async function fetchCustomerFresh(id: number): Promise<CustomerDetail> {
  return (await request<CustomerDetail>(`/customers/${id}`, { headers: { 'Cache-Control': 'no-cache' } })).data;
}

export function useTrashCustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version }: { id: number; version: number }) => api.delete(`/customers/${id}`, version),
    onSuccess: (_d, { id }) => {
      // Stale, not removed: the page still showing it would fetch it again and get a 404.
      void qc.invalidateQueries({ queryKey: customerKeys.detail(id), refetchType: 'none' });
      void qc.invalidateQueries({ queryKey: customerKeys.lists() });
      void qc.invalidateQueries({ queryKey: sharedKeys.dashboard });
    },
  });
}

export function useRestoreCustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.post<Customer>(`/customers/${id}/restore`),
    onSuccess: (_d, id) => {
      void qc.invalidateQueries({ queryKey: customerKeys.lists() });
      void qc.invalidateQueries({ queryKey: customerKeys.detail(id) });
      void qc.invalidateQueries({ queryKey: sharedKeys.dashboard });
    },
  });
}
