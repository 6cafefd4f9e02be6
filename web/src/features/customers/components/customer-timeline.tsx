// Everything that happened to a customer (activities, licences, opportunities), newest first,
// paged with the timeline endpoint's cursor. Each line is drawn from the row the item carries, in the
// user's language; an activity shows the first lines of its details (body) and expands on click.
import { useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import Button from 'antd/es/button';
import { useI18n } from '@/lib/i18n/i18n';
import { formatDateTime } from '@/lib/format';
import { ErrorState } from '@/components/states';
import { customerTimelineQueryOptions, type TimelineItem } from '@/features/customers/api/customers';
import './customers.css';

type I18n = ReturnType<typeof useI18n>;

/** A line's tag, title and detail from the row it carries; the server's English summary otherwise. */
function timelineLine(it: TimelineItem, t: I18n['t'], tEnum: I18n['tEnum']): { tag: string; title: string; detail: string | null } {
  if (it.activity) return { tag: tEnum('activityType', it.activity.type), title: it.activity.subject, detail: it.detail };
  if (it.license) {
    return {
      tag: tEnum('timeline', it.kind),
      title: t('activities.licenseIssued', { edition: tEnum('edition', it.license.edition) }),
      detail: t('activities.licenseSeats', { seats: it.license.seats, status: tEnum('licenseStatus', it.license.status) }),
    };
  }
  if (it.opportunity) return { tag: tEnum('timeline', it.kind), title: it.opportunity.name, detail: tEnum('stage', it.opportunity.stage) };
  return { tag: tEnum('timeline', it.kind), title: it.title, detail: it.detail };
}

const PREVIEW_LINES = 3;
const PREVIEW_CHARS = 300;

/** The first lines of a body, at most PREVIEW_CHARS characters; the body itself when it is short. */
export function bodyPreview(body: string): string {
  const lines = body.split('\n').slice(0, PREVIEW_LINES).join('\n');
  return lines.length > PREVIEW_CHARS ? lines.slice(0, PREVIEW_CHARS) : lines;
}

function ActivityDetails({ body }: { body: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const preview = bodyPreview(body);
  const long = preview !== body;
  return (
    <div>
      <p className="tl-body">{open || !long ? body : `${preview}…`}</p>
      {long ? (
        <Button type="link" size="small" style={{ padding: 0 }} aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? t('activities.showLess') : t('activities.showMore')}
        </Button>
      ) : null}
    </div>
  );
}

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
        {items.map((it) => {
          const line = timelineLine(it, t, tEnum);
          // A body the API hides from this role comes back blank: nothing more to show then.
          const body = it.activity?.body?.trim();
          return (
            <li key={`${it.kind}-${it.id}`} className={`tl-item tl-${it.kind}`}>
              <div className="tl-meta">
                <span className="tag">{line.tag}</span>
                <time dateTime={new Date(it.at).toISOString()}>{formatDateTime(it.at, locale)}</time>
                {line.detail ? <span className="muted"> · {line.detail}</span> : null}
              </div>
              <div className="tl-subject">
                {it.kind === 'license' ? <Link to={`/licenses/${it.id}`}>{line.title}</Link> : line.title}
              </div>
              {body ? <ActivityDetails body={body} /> : null}
            </li>
          );
        })}
      </ol>
      {q.hasNextPage ? (
        <Button onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>{t('common.loadMore')}</Button>
      ) : null}
    </>
  );
}
