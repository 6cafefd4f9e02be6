// Everything that happened to a customer (activities, licences, opportunities), newest first,
// paged with the timeline endpoint's cursor.
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import Button from 'antd/es/button';
import { useI18n } from '@/lib/i18n/i18n';
import { formatDateTime } from '@/lib/format';
import { ErrorState } from '@/components/states';
import { customerTimelineQueryOptions } from '@/features/customers/api/customers';
import './customers.css';

export function CustomerTimeline({ customerId }: { customerId: number }) {
  const { t, tEnum, locale } = useI18n();
  const q = useInfiniteQuery(customerTimelineQueryOptions(customerId));
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  if (q.error && items.length === 0) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (q.isPending) {
    return (
      <div aria-busy="true">
        {[0, 1, 2].map((i) => <div key={i} className="sk" style={{ height: 38, marginBottom: 12 }} />)}
      </div>
    );
  }
  if (items.length === 0) return <p className="muted">{t('activities.empty')}</p>;
  return (
    <>
      <ol className="timeline" aria-label={t('activities.timeline')}>
        {items.map((it) => (
          <li key={`${it.kind}-${it.id}`} className={`tl-item tl-${it.kind}`}>
            <div className="tl-meta">
              <span className="tag">{tEnum('timeline', it.kind)}</span>
              <time dateTime={new Date(it.at).toISOString()}>{formatDateTime(it.at, locale)}</time>
              {it.detail ? <span className="muted"> · {it.detail}</span> : null}
            </div>
            <div className="tl-subject">
              {it.kind === 'license' ? <Link to={`/licenses/${it.id}`}>{it.title}</Link> : it.title}
            </div>
          </li>
        ))}
      </ol>
      {q.hasNextPage ? (
        <Button onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>{t('common.loadMore')}</Button>
      ) : null}
    </>
  );
}
