// Test data shared by the backups feature's tests.
import type { Backup } from '@/features/backups/api/backups';

// A verified scheduled backup as GET /api/v1/backups lists it.
export const verifiedBackup: Backup = {
  id: 1795650960123,
  file: 'salesdb-20261125T235600Z-1795650960123.sdbk',
  created_at: 1795650960123,
  age_seconds: 120,
  reason: 'scheduled',
  status: 'verified',
  size_bytes: 5242880,
  database_bytes: 20971520,
  duration_ms: 5230,
  rows: 120345,
  dialect: 'sqlite',
  schema_version: 1,
  app_version: '0.1.0',
  key_id: 'bk-0123456789abcdef',
  verification: { status: 'passed', at: 1795650965353 },
  offsite: {},
};
