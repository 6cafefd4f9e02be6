import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, idempotencyKey } from '@/lib/api-client';
import { resourceKeys, sharedKeys } from '@/lib/query-keys';
import type { ActivityType } from '@/config/enums';

export type Activity = {
  id: number;
  customer_id: number;
  type: ActivityType;
  subject: string;
  body: string | null;
  occurred_at: number;
  user_id: number | null;
  user_name: string | null;
  version: number;
  created_at: number;
  updated_at: number;
};

export type ActivityInput = { customer_id: number; type: ActivityType; subject: string; body?: string | null; occurred_at: number };

// Activities are read through the customer's timeline; a new one refreshes the customer.
export const activityKeys = resourceKeys('activities');

export function useCreateActivity() {
  const qc = useQueryClient();
  return useMutation({
    meta: { silent: true },
    mutationFn: (input: ActivityInput) => api.post<Activity>('/activities', input, { headers: { 'Idempotency-Key': idempotencyKey() } }),
    onSuccess: (a) => {
      void qc.invalidateQueries({ queryKey: activityKeys.lists() });
      void qc.invalidateQueries({ queryKey: sharedKeys.customers.detail(a.customer_id) });
    },
  });
}
