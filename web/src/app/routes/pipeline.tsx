import { useI18n } from '@/lib/i18n/i18n';
import { useSession } from '@/lib/session';
import { PipelineBoard } from '@/features/opportunities/components/pipeline-board';

export default function PipelineRoute() {
  const { t } = useI18n();
  const { access } = useSession();
  return (
    <>
      <div className="page-head"><h1>{t('pipeline.title')}</h1></div>
      <PipelineBoard canMove={access.canWriteOpportunities} />
    </>
  );
}
