import { Link } from 'react-router';
import { useI18n } from '@/lib/i18n/i18n';
import { isApiError, isNetworkError } from '@/lib/api-client';

export function Forbidden() {
  const { t } = useI18n();
  return (
    <div className="state-box" role="alert">
      <h1>403</h1>
      <p>{t('app.forbidden')}</p>
      <Link to="/">{t('app.backHome')}</Link>
    </div>
  );
}

export function NotFoundState({ message }: { message?: string }) {
  const { t } = useI18n();
  return (
    <div className="state-box" role="alert">
      <h1>404</h1>
      <p>{message ?? t('app.notFound')}</p>
      <Link to="/">{t('app.backHome')}</Link>
    </div>
  );
}

/**
 * A failed load, with Retry. `compact`: inside a part of a page (a board column), so a small title
 * and no full-page 403/404 screens.
 */
export function ErrorState({ error, onRetry, compact }: { error: unknown; onRetry?: () => void; compact?: boolean }) {
  const { t } = useI18n();
  if (!compact && isApiError(error, 404)) return <NotFoundState />;
  if (!compact && isApiError(error, 403)) return <Forbidden />;
  const detail = isNetworkError(error)
    ? t('app.networkError')
    : isApiError(error)
      ? error.problem.detail || error.problem.title
      : (error as Error)?.message;
  return (
    <div className="state-box" role="alert" style={compact ? { margin: 0, padding: 8 } : undefined}>
      {compact ? <p><strong>{t('app.error')}</strong></p> : <h1>{t('app.error')}</h1>}
      {detail ? <p>{detail}</p> : null}
      {isApiError(error) && error.requestId ? <p className="muted">{t('app.requestId', { id: error.requestId })}</p> : null}
      {onRetry ? (
        <button type="button" className="plain-btn" onClick={onRetry}>
          {t('app.retry')}
        </button>
      ) : null}
    </div>
  );
}
