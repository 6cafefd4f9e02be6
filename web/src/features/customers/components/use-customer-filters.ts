// The customer list's filters, sort and search live in the URL (shareable, back-button friendly).
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { customerListParamsFromSearch, DEFAULT_SORT, FILTER_KEYS, type FilterKey } from '@/features/customers/api/customers';

export const SORTS = ['-updated_at', 'updated_at', 'name', '-name', '-created_at', 'created_at'] as const;

export function useCustomerFilters() {
  const [search, setSearch] = useSearchParams();
  const params = useMemo(() => customerListParamsFromSearch(search), [search]);

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
