import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, idempotencyKey, type Page } from '@/lib/api-client';
import { resourceKeys, sharedKeys } from '@/lib/query-keys';
import type { Stage } from '@/config/enums';

export type Opportunity = {
  id: number;
  customer_id: number;
  customer_name: string | null;
  customer_owner_id: number | null;
  name: string;
  stage: Stage;
  amount_minor: number;
  currency: string;
  expected_close_at: number | null;
  probability: number | null;
  owner_id: number | null;
  owner_name: string | null;
  version: number;
  created_at: number;
  updated_at: number;
};

export type OpportunityInput = {
  customer_id: number;
  name: string;
  stage: Stage;
  amount_minor: number;
  currency: string;
  expected_close_at: number;
  probability?: number;
};

export type OpportunityListParams = { stage?: Stage; customer_id?: number; owner_id?: number };

export const opportunityKeys = resourceKeys('opportunities');

/** One stage's column of the board (up to 500 cards, the API's page limit). */
export const opportunityListQueryOptions = (params: OpportunityListParams) =>
  queryOptions({
    queryKey: opportunityKeys.list(params),
    queryFn: ({ signal }) =>
      api.get<Page<Opportunity>>('/opportunities', { ...params, limit: 500, sort: 'expected_close_at' }, signal),
    staleTime: 20_000,
  });

export function useCreateOpportunity() {
  const qc = useQueryClient();
  return useMutation({
    meta: { silent: true },
    mutationFn: (input: OpportunityInput) =>
      api.post<Opportunity>('/opportunities', input, { headers: { 'Idempotency-Key': idempotencyKey() } }),
    onSuccess: (o) => {
      void qc.invalidateQueries({ queryKey: opportunityKeys.lists() });
      void qc.invalidateQueries({ queryKey: sharedKeys.customers.detail(o.customer_id) });
      void qc.invalidateQueries({ queryKey: sharedKeys.dashboard });
    },
  });
}

/** Moves a card to another stage, optimistically: the card jumps at once and jumps back on failure. */
export function useMoveOpportunity() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ opp, stage }: { opp: Opportunity; stage: Stage }) =>
      api.patch<Opportunity>(`/opportunities/${opp.id}`, { stage }, opp.version),
    onMutate: async ({ opp, stage }) => {
      const from = opportunityKeys.list({ stage: opp.stage });
      const to = opportunityKeys.list({ stage });
      await qc.cancelQueries({ queryKey: opportunityKeys.lists() });
      const prevFrom = qc.getQueryData<Page<Opportunity>>(from);
      const prevTo = qc.getQueryData<Page<Opportunity>>(to);
      if (prevFrom) qc.setQueryData(from, { ...prevFrom, items: prevFrom.items.filter((o) => o.id !== opp.id) });
      if (prevTo) qc.setQueryData(to, { ...prevTo, items: [{ ...opp, stage }, ...prevTo.items] });
      return { from, to, prevFrom, prevTo };
    },
    onError: (_e, _v, ctx) => {
      if (!ctx) return;
      qc.setQueryData(ctx.from, ctx.prevFrom);
      qc.setQueryData(ctx.to, ctx.prevTo);
    },
    onSettled: (o) => {
      void qc.invalidateQueries({ queryKey: opportunityKeys.lists() });
      void qc.invalidateQueries({ queryKey: sharedKeys.dashboard });
      if (o) void qc.invalidateQueries({ queryKey: sharedKeys.customers.detail(o.customer_id) });
    },
  });
}
