import { useState, type FormEvent } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import Button from 'antd/es/button';
import Drawer from 'antd/es/drawer';
import Tabs from 'antd/es/tabs';
import { useI18n } from '@/lib/i18n/i18n';
import { formatDateTime } from '@/lib/format';
import { ErrorState } from '@/components/states';
import {
  alertListQueryOptions,
  auditDetailQueryOptions,
  auditExportUrl,
  auditListQueryOptions,
  useVerifyAudit,
  type AuditFilters,
} from '@/features/audit/api/audit';

const TEXT_FILTERS = [
  ['actor_id', 'audit.actorId'],
  ['action', 'audit.action'],
  ['entity', 'audit.entity'],
  ['entity_id', 'audit.entityId'],
  ['ip', 'audit.ip'],
  ['request_id', 'audit.requestId'],
] as const;

type Draft = Record<(typeof TEXT_FILTERS)[number][0] | 'from' | 'to', string>;
const EMPTY: Draft = { actor_id: '', action: '', entity: '', entity_id: '', ip: '', request_id: '', from: '', to: '' };

function toFilters(d: Draft): AuditFilters {
  const ms = (s: string) => (s ? new Date(s).getTime() : undefined);
  return { ...d, from: ms(d.from), to: ms(d.to) };
}

/** A diff value as text; a time field (`*_at`, epoch milliseconds) as a date. */
function showValue(field: string, v: unknown, locale: string): string {
  if (v === undefined) return '';
  if (typeof v === 'number' && field.endsWith('_at')) return formatDateTime(v, locale);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function EntryDrawer({ id, onClose }: { id: number; onClose: () => void }) {
  const { t, tEnum, locale } = useI18n();
  const { data, error, refetch } = useQuery(auditDetailQueryOptions(id));
  return (
    <Drawer open title={`${t('audit.detail')} #${id}`} onClose={onClose} size={560} destroyOnHidden>
      {error ? <ErrorState error={error} onRetry={() => void refetch()} /> : null}
      {data ? (
        <>
          <dl className="profile-grid">
            <div><dt>{t('audit.at')}</dt><dd>{formatDateTime(data.at, locale)}</dd></div>
            <div><dt>{t('audit.action')}</dt><dd>{data.action}</dd></div>
            <div><dt>{t('audit.entity')}</dt><dd>{data.entity ?? '—'} {data.entity_id ?? ''}</dd></div>
            <div><dt>{t('audit.actor')}</dt><dd>{data.actor_id ?? '—'} {data.actor_role ? tEnum('role', data.actor_role) : ''}</dd></div>
            <div><dt>{t('audit.ip')}</dt><dd>{data.ip ?? '—'}</dd></div>
            <div><dt>{t('audit.requestId')}</dt><dd>{data.request_id ?? '—'}</dd></div>
          </dl>
          <h3>{t('audit.diff')}</h3>
          {data.diff.length === 0 ? (
            <p>{t('audit.noDiff')}</p>
          ) : (
            <table className="simple-table diff-table" aria-label={t('audit.diff')}>
              <thead>
                <tr>
                  <th scope="col">{t('audit.field')}</th>
                  <th scope="col">{t('audit.before')}</th>
                  <th scope="col">{t('audit.after')}</th>
                </tr>
              </thead>
              <tbody>
                {data.diff.map((d) => (
                  <tr key={d.field}>
                    <td>{d.field}</td>
                    <td><code>{showValue(d.field, d.before, locale)}</code></td>
                    <td><code>{showValue(d.field, d.after, locale)}</code></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
    </Drawer>
  );
}

function EntriesTab() {
  const { t, tEnum, locale } = useI18n();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [filters, setFilters] = useState<AuditFilters>({});
  const [openId, setOpenId] = useState<number | null>(null);
  const list = useInfiniteQuery(auditListQueryOptions(filters));
  const verify = useVerifyAudit();
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilters(toFilters(draft));
  };
  const reset = () => {
    setDraft(EMPTY);
    setFilters({});
  };

  return (
    <>
      <form className="filters" role="search" aria-label={t('common.search')} onSubmit={apply} style={{ alignItems: 'end' }}>
        {TEXT_FILTERS.map(([key, label]) => (
          <label key={key} className="ctl-field">
            {t(label)}
            <input className="ctl" value={draft[key]} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} />
          </label>
        ))}
        <label className="ctl-field">
          {t('audit.from')}
          <input className="ctl" type="datetime-local" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </label>
        <label className="ctl-field">
          {t('audit.to')}
          <input className="ctl" type="datetime-local" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </label>
        <Button type="primary" htmlType="submit">{t('audit.apply')}</Button>
        <Button onClick={reset}>{t('common.reset')}</Button>
      </form>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', margin: '12px 0', flexWrap: 'wrap' }}>
        <Button loading={verify.isPending} onClick={() => verify.mutate()}>{t('audit.verify')}</Button>
        <a className="ctl-btn" href={auditExportUrl(filters)} download>{t('audit.exportCsv')}</a>
        {verify.data ? (
          verify.data.intact ? (
            <span role="status" className="pill pill-active">{t('audit.intact', { entries: verify.data.entries, checkpoints: verify.data.checkpoints })}</span>
          ) : (
            <span role="alert" className="pill pill-revoked">{t('audit.broken', { id: verify.data.first_bad_id ?? '?', problem: verify.data.problem ?? '' })}</span>
          )
        ) : null}
      </div>
      {list.error ? <ErrorState error={list.error} onRetry={() => void list.refetch()} /> : null}
      <div className="panel table-scroll">
        <table className="simple-table" aria-label={t('audit.entries')}>
          <thead>
            <tr>
              <th scope="col">{t('audit.at')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.entity')}</th>
              <th scope="col">{t('audit.ip')}</th>
              <th scope="col">{t('audit.requestId')}</th>
            </tr>
          </thead>
          <tbody>
            {list.isPending ? Array.from({ length: 5 }, (_, i) => <tr key={i}><td colSpan={6}><div className="sk" style={{ height: 14 }} /></td></tr>) : null}
            {!list.isPending && rows.length === 0 ? <tr><td colSpan={6}>{t('audit.empty')}</td></tr> : null}
            {rows.map((e) => (
              <tr key={e.id}>
                <td>
                  <button type="button" className="link-btn" onClick={() => setOpenId(e.id)} aria-label={`${t('audit.detail')} #${e.id}`}>
                    {formatDateTime(e.at, locale)}
                  </button>
                </td>
                <td>{e.actor_id ?? '—'} {e.actor_role ? tEnum('role', e.actor_role) : ''}</td>
                <td>{e.action}</td>
                <td>{e.entity ?? '—'} {e.entity_id ?? ''}</td>
                <td>{e.ip ?? '—'}</td>
                <td><code>{e.request_id ?? ''}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.hasNextPage ? (
        <Button style={{ marginTop: 12 }} loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>{t('common.loadMore')}</Button>
      ) : null}
      {openId !== null ? <EntryDrawer id={openId} onClose={() => setOpenId(null)} /> : null}
    </>
  );
}

function AlertsTab({ onOpenEntry }: { onOpenEntry: (id: number) => void }) {
  const { t, locale } = useI18n();
  const list = useInfiniteQuery(alertListQueryOptions());
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      {list.error ? <ErrorState error={list.error} onRetry={() => void list.refetch()} /> : null}
      <div className="panel table-scroll">
        <table className="simple-table" aria-label={t('audit.alerts')}>
          <thead>
            <tr>
              <th scope="col">{t('audit.at')}</th>
              <th scope="col">{t('audit.severity')}</th>
              <th scope="col">{t('audit.rule')}</th>
              <th scope="col">{t('audit.subject')}</th>
              <th scope="col">{t('audit.entry')}</th>
            </tr>
          </thead>
          <tbody>
            {list.isPending ? Array.from({ length: 3 }, (_, i) => <tr key={i}><td colSpan={5}><div className="sk" style={{ height: 14 }} /></td></tr>) : null}
            {!list.isPending && rows.length === 0 ? <tr><td colSpan={5}>{t('audit.noAlerts')}</td></tr> : null}
            {rows.map((a) => (
              <tr key={a.id}>
                <td>{formatDateTime(a.at, locale)}</td>
                <td><span className={a.severity === 'critical' ? 'pill pill-revoked' : 'pill'}>{a.severity}</span></td>
                <td>{a.rule}</td>
                <td><code>{a.subject}</code></td>
                <td>
                  {a.entry_id !== null ? (
                    <button type="button" className="link-btn" onClick={() => onOpenEntry(a.entry_id!)}>#{a.entry_id}</button>
                  ) : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.hasNextPage ? (
        <Button style={{ marginTop: 12 }} loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>{t('common.loadMore')}</Button>
      ) : null}
    </>
  );
}

export function AuditView() {
  const { t } = useI18n();
  const [alertEntry, setAlertEntry] = useState<number | null>(null);
  return (
    <>
      <div className="page-head">
        <h1>{t('audit.title')}</h1>
      </div>
      <Tabs
        items={[
          { key: 'entries', label: t('audit.entries'), children: <EntriesTab /> },
          { key: 'alerts', label: t('audit.alerts'), children: <AlertsTab onOpenEntry={setAlertEntry} /> },
        ]}
      />
      {alertEntry !== null ? <EntryDrawer id={alertEntry} onClose={() => setAlertEntry(null)} /> : null}
    </>
  );
}
