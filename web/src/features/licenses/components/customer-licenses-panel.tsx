import { useState } from 'react';
import Button from 'antd/es/button';
import { useI18n } from '@/lib/i18n/i18n';
import type { License } from '@/features/licenses/api/licenses';
import { LicenseTable } from '@/features/licenses/components/license-table';
import { LicenseIssueModal } from '@/features/licenses/components/license-issue-modal';
import type { Currency } from '@/config/enums';

export function CustomerLicensesPanel({ customerId, licenses, canIssue, currency }: { customerId: number; licenses: License[]; canIssue: boolean; currency: Currency }) {
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
      {issuing ? <LicenseIssueModal customerId={customerId} currency={currency} onClose={() => setIssuing(false)} /> : null}
    </div>
  );
}
