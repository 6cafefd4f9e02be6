import { AuditView } from '@/features/audit/components/audit-view';

export default function AuditRoute() {
  return <AuditView />;
}
