// The current user's permissions as booleans, mirroring the role table of docs/api.md.
// The server checks every request anyway; this only decides what the UI offers.
import type { Role } from '@/config/enums';

export type SessionUser = {
  id: number;
  email: string;
  name: string;
  role: Role;
  region: string | null;
  disabled: boolean;
  created_at: number;
  updated_at: number;
  version: number;
};

export type Access = {
  canViewDashboard: boolean;
  canViewCustomers: boolean;
  canCreateCustomers: boolean;
  canViewLicenses: boolean;
  canWriteLicenses: boolean;
  canViewPipeline: boolean;
  canWriteOpportunities: boolean;
  canViewUsers: boolean;
  canManageUsers: boolean;
  /** Backups: list, take, download (admin only). */
  canManageBackups: boolean;
  /** Audit log, chain verification, export and alerts (admin and auditor). */
  canViewAudit: boolean;
  /** May edit this customer and its children (contacts, activities, opportunities). */
  canEditCustomer: (customer: { owner_id: number | null }) => boolean;
  /** May issue, renew and revoke this customer's licences (finance: every customer). */
  canWriteCustomerLicenses: (customer: { owner_id: number | null }) => boolean;
};

export type AccessKey = Exclude<keyof Access, 'canEditCustomer' | 'canWriteCustomerLicenses'>;

const WRITERS: Role[] = ['admin', 'sales_manager', 'sales_rep'];

export function getAccess(user: SessionUser | null | undefined): Access {
  const role = user?.role;
  const readsCustomers = !!role && role !== 'auditor';
  const writes = !!role && WRITERS.includes(role);
  const canEditCustomer = (customer: { owner_id: number | null }) => {
    if (role === 'admin' || role === 'sales_manager') return true;
    if (role === 'sales_rep') return customer.owner_id === user?.id;
    return false;
  };
  return {
    canViewDashboard: readsCustomers,
    canViewCustomers: readsCustomers,
    canCreateCustomers: writes,
    canViewLicenses: readsCustomers,
    canWriteLicenses: writes || role === 'finance',
    canViewPipeline: readsCustomers,
    canWriteOpportunities: writes,
    canViewUsers: role === 'admin' || role === 'sales_manager',
    canManageUsers: role === 'admin',
    canManageBackups: role === 'admin',
    canViewAudit: role === 'admin' || role === 'auditor',
    canEditCustomer,
    canWriteCustomerLicenses: (customer) => role === 'finance' || canEditCustomer(customer),
  };
}
