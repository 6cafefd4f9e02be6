// The board, with the customer page's rule for who may change a card: access.canEditCustomer of the
// card's customer (whose owner each opportunity carries) and canWriteOpportunities.
import { useI18n } from '@/lib/i18n/i18n';
import { useSession } from '@/lib/session';
import { PipelineBoard } from '@/features/opportunities/components/pipeline-board';
import type { Opportunity } from '@/features/opportunities/api/opportunities';

export default function PipelineRoute() {
  const { t } = useI18n();
  const { access } = useSession();
  const canMove = (o: Opportunity) => access.canWriteOpportunities && access.canEditCustomer({ owner_id: o.customer_owner_id });
  return (
    <>
      <div className="page-head"><h1>{t('pipeline.title')}</h1></div>
      <PipelineBoard canMove={canMove} />
    </>
  );
}
