import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, idempotencyKey } from '@/lib/api-client';
import { resourceKeys, sharedKeys } from '@/lib/query-keys';

export type Contact = {
  id: number;
  customer_id: number;
  name: string;
  title: string | null;
  email: string | null;
  phone: string | null;
  is_primary: boolean;
  version: number;
  created_at: number;
  updated_at: number;
};

export type ContactInput = { customer_id: number; name: string; title?: string | null; email?: string | null; phone?: string | null; is_primary?: boolean };

// Contacts are read through their customer (GET /customers/{id} embeds them); writes refresh it.
export const contactKeys = resourceKeys('contacts');

function useInvalidate() {
  const qc = useQueryClient();
  return (customerId: number) => {
    void qc.invalidateQueries({ queryKey: contactKeys.lists() });
    void qc.invalidateQueries({ queryKey: sharedKeys.customers.detail(customerId) });
  };
}

export function useSaveContact() {
  const invalidate = useInvalidate();
  return useMutation({
    meta: { silent: true },
    mutationFn: ({ input, id, version }: { input: ContactInput; id?: number; version?: number }) =>
      id === undefined
        ? api.post<Contact>('/contacts', input, { headers: { 'Idempotency-Key': idempotencyKey() } })
        : api.patch<Contact>(`/contacts/${id}`, { ...input, customer_id: undefined }, version),
    onSuccess: (c) => invalidate(c.customer_id),
  });
}

export function useDeleteContact() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (c: Contact) => api.delete(`/contacts/${c.id}`, c.version),
    onSuccess: (_d, c) => invalidate(c.customer_id),
  });
}
