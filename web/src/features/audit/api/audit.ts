import { infiniteQueryOptions, queryOptions, useMutation } from '@tanstack/react-query';
import { api, type Page } from '@/lib/api-client';
import { resourceKeys } from '@/lib/query-keys';
import { API_BASE } from '@/config/env';

export type AuditEntry = {
  id: number;
  at: number;
  actor_id: number | null;
  actor_role: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  action: string;
  entity: string | null;
  entity_id: number | null;
  prev_hash: string;
  hash: string;
};
export type AuditDetail = AuditEntry & {
  before: unknown;
  after: unknown;
  diff: { field: string; before: unknown; after: unknown }[];
};
export type AuditVerify = {
  intact: boolean;
  entries: number;
  last_id: number;
  checkpoints: number;
  first_bad_id: number | null;
  problem: string | null;
};
export type Alert = {
  id: number;
  at: number;
  rule: string;
  severity: 'info' | 'warning' | 'critical';
  actor_id: number | null;
  subject: string;
  entry_id: number | null;
  detail: Record<string, unknown>;
};

/** The filters of GET /audit and /audit/export.csv (all exact-match; from/to epoch ms). */
export type AuditFilters = {
  actor_id?: string;
  action?: string;
  entity?: string;
  entity_id?: string;
  from?: number;
  to?: number;
  ip?: string;
  request_id?: string;
};

export const AUDIT_PAGE_SIZE = 50;

export const auditKeys = resourceKeys('audit');
export const alertKeys = resourceKeys('alerts');

/** Drops empty filters so the query string (and the cache key) only carries what is set. */
export function cleanFilters(f: AuditFilters): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === null) continue;
    const s = typeof v === 'string' ? v.trim() : v;
    if (s !== '') out[k] = s;
  }
  return out;
}

export const auditListQueryOptions = (filters: AuditFilters) => {
  const params = cleanFilters(filters);
  return infiniteQueryOptions({
    queryKey: auditKeys.list(params),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<AuditEntry>>('/audit', { ...params, limit: AUDIT_PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    staleTime: 10_000,
  });
};

export const auditDetailQueryOptions = (id: number) =>
  queryOptions({
    queryKey: auditKeys.detail(id),
    queryFn: ({ signal }) => api.get<AuditDetail>(`/audit/${id}`, undefined, signal),
    staleTime: Infinity,
  });

export const alertListQueryOptions = () =>
  infiniteQueryOptions({
    queryKey: alertKeys.list({}),
    queryFn: ({ pageParam, signal }) => api.get<Page<Alert>>('/alerts', { limit: AUDIT_PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    staleTime: 10_000,
  });

export function auditExportUrl(filters: AuditFilters): string {
  const qs = new URLSearchParams(Object.entries(cleanFilters(filters)).map(([k, v]) => [k, String(v)])).toString();
  return `${API_BASE}/audit/export.csv${qs ? `?${qs}` : ''}`;
}

/** Verification is a (slow) read the user asks for, so it is a mutation, not a cached query. */
export function useVerifyAudit() {
  return useMutation({ mutationFn: () => api.get<AuditVerify>('/audit/verify') });
}
