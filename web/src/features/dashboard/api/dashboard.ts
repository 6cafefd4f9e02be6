import { queryOptions } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { sharedKeys } from '@/lib/query-keys';
import type { CustomerStatus, Edition, Stage } from '@/config/enums';

export type Money = { currency: string; amount_minor: number };

export type DashboardSummary = {
  customers_by_status: Record<CustomerStatus, number>;
  active_licenses: number;
  arr: Money[];
  expiring: { d30: number; d60: number; d90: number };
  new_customers_by_month: { month: string; count: number }[];
  // Each stage's amounts per currency: currencies are never added up.
  pipeline: { stage: Stage; count: number; amounts: Money[] }[];
  my_renewals: { license_id: number; customer_id: number; customer_name: string; edition: Edition; expires_at: number }[];
  generated_at: number;
};

export const dashboardKeys = {
  all: sharedKeys.dashboard,
  summary: () => [...sharedKeys.dashboard, 'summary'] as const,
};

export const dashboardQueryOptions = () =>
  queryOptions({
    queryKey: dashboardKeys.summary(),
    queryFn: ({ signal }) => api.get<DashboardSummary>('/dashboard/summary', undefined, signal),
    staleTime: 60_000,
  });
