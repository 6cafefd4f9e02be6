import { useState } from 'react';
import Button from 'antd/es/button';
import { useI18n } from '@/lib/i18n/i18n';
import type { License } from '@/features/licenses/api/licenses';
import { LicenseTable } from '@/features/licenses/components/license-table';
import { LicenseIssueModal } from '@/features/licenses/components/license-issue-modal';

export function CustomerLicensesPanel({ customerId, licenses, canIssue }: { customerId: number; licenses: License[]; canIssue: boolean }) {
  const { t } = useI18n();
  const [issuing, setIssuing] = useState(false);
  return (
    <div>
      {canIssue ? (
        <Button type="primary" onClick={() => setIssuing(true)} style={{ marginBottom: 12 }}>
          {t('licenses.issue')}
        </Button>
      ) : null}
      <LicenseTable licenses={licenses} />
      {issuing ? <LicenseIssueModal customerId={customerId} onClose={() => setIssuing(false)} /> : null}
    </div>
  );
}
