// Enumerations fixed by docs/api.md. Labels live in the i18n dictionaries under enum.<name>.<value>.
export const ROLES = ['admin', 'sales_manager', 'sales_rep', 'finance', 'viewer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const REGIONS = ['north_china', 'east_china', 'south_china', 'west_china', 'apac', 'emea', 'americas'] as const;
export type Region = (typeof REGIONS)[number];

export const TIERS = ['strategic', 'key', 'standard'] as const;
export type Tier = (typeof TIERS)[number];

export const CUSTOMER_STATUSES = ['lead', 'active', 'churned'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

export const EDITIONS = ['community', 'team', 'enterprise'] as const;
export type Edition = (typeof EDITIONS)[number];

export const LICENSE_STATUSES = ['active', 'expired', 'revoked'] as const;
export type LicenseStatus = (typeof LICENSE_STATUSES)[number];

export const DEPLOYMENTS = ['cloud', 'self_hosted'] as const;
export type Deployment = (typeof DEPLOYMENTS)[number];

export const ACTIVITY_TYPES = ['call', 'meeting', 'email', 'note'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export const STAGES = ['prospect', 'qualified', 'proposal', 'negotiation', 'won', 'lost'] as const;
export type Stage = (typeof STAGES)[number];

export const CURRENCIES = ['CNY', 'USD', 'EUR'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** The currency a customer's new licence or deal starts in: their last licence's, else their region's. */
export function defaultCurrency(region: string, licences: readonly { currency: string }[] = []): Currency {
  const last = CURRENCIES.find((c) => c === licences[0]?.currency);
  if (last) return last;
  return region.endsWith('_china') ? 'CNY' : region === 'emea' ? 'EUR' : 'USD';
}
