// The customer list's filters, sort and search live in the URL (shareable, back-button friendly).
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import type { CustomerListParams } from '@/features/customers/api/customers';

export const FILTER_KEYS = ['q', 'region', 'industry', 'status', 'tier', 'owner_id', 'tag', 'sort'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export const DEFAULT_SORT = '-updated_at';
export const SORTS = ['-updated_at', 'updated_at', 'name', '-name', '-created_at', 'created_at'] as const;

export function paramsFromSearch(search: URLSearchParams): CustomerListParams {
  const params: CustomerListParams = {};
  for (const k of FILTER_KEYS) {
    const v = search.get(k);
    if (v) params[k] = v;
  }
  if (!params.sort) params.sort = DEFAULT_SORT;
  return params;
}

export function useCustomerFilters() {
  const [search, setSearch] = useSearchParams();
  const params = useMemo(() => paramsFromSearch(search), [search]);

  const setFilter = useCallback(
    (key: FilterKey, value: string | null | undefined) => {
      setSearch(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (value) next.set(key, value);
          else next.delete(key);
          if (key === 'sort' && value === DEFAULT_SORT) next.delete('sort');
          return next;
        },
        { replace: true },
      );
    },
    [setSearch],
  );

  const reset = useCallback(() => setSearch(new URLSearchParams(), { replace: true }), [setSearch]);
  const applyQuery = useCallback((query: string) => setSearch(new URLSearchParams(query), { replace: true }), [setSearch]);
  const query = useMemo(() => {
    const q = new URLSearchParams();
    for (const k of FILTER_KEYS) {
      const v = search.get(k);
      if (v) q.set(k, v);
    }
    return q.toString();
  }, [search]);

  return { params, setFilter, reset, applyQuery, query };
}
