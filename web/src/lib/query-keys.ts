// The shape of every resource's query keys: {all, lists(), list(params), details(), detail(id)}.
// Features build their key factory from this, so a feature that must refresh another resource's
// cache (a new contact refreshes its customer) builds the same keys without importing that feature.
export function resourceKeys<Name extends string>(name: Name) {
  const keys = {
    all: [name] as const,
    lists: () => [name, 'list'] as const,
    list: <P extends object>(params: P) => [name, 'list', params] as const,
    details: () => [name, 'detail'] as const,
    detail: (id: number) => [name, 'detail', id] as const,
  };
  return keys;
}

/** Keys other features refresh after writes that change a customer's page or the dashboard. */
export const sharedKeys = {
  customers: resourceKeys('customers'),
  dashboard: ['dashboard'] as const,
};
