import { getAccess, type SessionUser } from './access';
import type { Role } from '@/config/enums';

const user = (role: Role, id = 7): SessionUser => ({
  id, email: `${role}@example.com`, name: role, role, region: null, disabled: false, created_at: 0, updated_at: 0, version: 1,
});

describe('getAccess', () => {
  it('gives nothing to nobody', () => {
    const a = getAccess(null);
    expect(a.canViewCustomers).toBe(false);
    expect(a.canEditCustomer({ owner_id: 1 })).toBe(false);
  });

  it('lets admins do everything', () => {
    const a = getAccess(user('admin'));
    expect(a.canManageUsers).toBe(true);
    expect(a.canViewUsers).toBe(true);
    expect(a.canWriteLicenses).toBe(true);
    expect(a.canEditCustomer({ owner_id: 99 })).toBe(true);
  });

  it('lets sales reps edit only their own customers', () => {
    const a = getAccess(user('sales_rep', 7));
    expect(a.canCreateCustomers).toBe(true);
    expect(a.canEditCustomer({ owner_id: 7 })).toBe(true);
    expect(a.canEditCustomer({ owner_id: 8 })).toBe(false);
    expect(a.canWriteCustomerLicenses({ owner_id: 8 })).toBe(false);
    expect(a.canViewUsers).toBe(false);
  });

  it('keeps viewers read-only', () => {
    const a = getAccess(user('viewer'));
    expect(a.canViewCustomers).toBe(true);
    expect(a.canCreateCustomers).toBe(false);
    expect(a.canWriteLicenses).toBe(false);
    expect(a.canWriteOpportunities).toBe(false);
    expect(a.canEditCustomer({ owner_id: 7 })).toBe(false);
  });

  it('lets finance write licences but not customers', () => {
    const a = getAccess(user('finance'));
    expect(a.canWriteLicenses).toBe(true);
    expect(a.canCreateCustomers).toBe(false);
    expect(a.canWriteCustomerLicenses({ owner_id: 1 })).toBe(true);
    expect(a.canEditCustomer({ owner_id: 1 })).toBe(false);
  });

  it('keeps auditors away from customer data', () => {
    const a = getAccess(user('auditor'));
    expect(a.canViewDashboard).toBe(false);
    expect(a.canViewCustomers).toBe(false);
    expect(a.canViewLicenses).toBe(false);
  });

  it('shows the audit log to admins and auditors, backups to admins only', () => {
    expect(getAccess(user('admin')).canViewAudit).toBe(true);
    expect(getAccess(user('admin')).canManageBackups).toBe(true);
    expect(getAccess(user('auditor')).canViewAudit).toBe(true);
    expect(getAccess(user('auditor')).canManageBackups).toBe(false);
    expect(getAccess(user('auditor')).canViewCustomers).toBe(false);
    for (const role of ['sales_manager', 'sales_rep', 'finance', 'viewer'] as const) {
      expect(getAccess(user(role)).canViewAudit).toBe(false);
      expect(getAccess(user(role)).canManageBackups).toBe(false);
    }
  });

  it('lets sales managers list users but not manage them', () => {
    const a = getAccess(user('sales_manager'));
    expect(a.canViewUsers).toBe(true);
    expect(a.canManageUsers).toBe(false);
  });
});
