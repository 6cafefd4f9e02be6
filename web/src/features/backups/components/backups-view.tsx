import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import Button from 'antd/es/button';
import { useI18n } from '@/lib/i18n/i18n';
import { formatDateTime } from '@/lib/format';
import { ErrorState } from '@/components/states';
import { backupDownloadUrl, backupListQueryOptions, useCreateBackup, type Backup } from '@/features/backups/api/backups';
import { RestoreDialog } from '@/features/backups/components/restore-dialog';

export function formatBytes(n: number, locale: string): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: i === 0 ? 0 : 1 }).format(v)} ${units[i]}`;
}

export function formatAge(seconds: number, locale: string): string {
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'always', style: 'short' });
  if (seconds < 60) return rtf.format(-Math.round(seconds), 'second');
  if (seconds < 3600) return rtf.format(-Math.round(seconds / 60), 'minute');
  if (seconds < 86400) return rtf.format(-Math.round(seconds / 3600), 'hour');
  return rtf.format(-Math.round(seconds / 86400), 'day');
}

function Verification({ b }: { b: Backup }) {
  const { t, locale } = useI18n();
  const v = b.verification;
  if (!v) return <span>—</span>;
  if (v.status === 'passed') return <span className="pill pill-active" title={formatDateTime(v.at, locale)}>{t('backup.passed')}</span>;
  return (
    <span>
      <span className="pill pill-revoked">{t('backup.failed')}</span> {v.check ? <code>{v.check}</code> : null} {v.message ?? ''}
    </span>
  );
}

export function BackupsView() {
  const { t, tEnum, locale } = useI18n();
  const { data, error, isPending, refetch } = useQuery(backupListQueryOptions());
  const create = useCreateBackup();
  const [restoring, setRestoring] = useState<Backup | null>(null);
  const job = data?.job;
  const busy = !!job && (job.running || job.queued);
  const example = data?.items[0]?.file ?? 'salesdb-YYYYMMDDTHHMMSSZ-ID.sdbk';
  return (
    <>
      <div className="page-head">
        <h1>{t('backup.title')}</h1>
        <Button type="primary" loading={create.isPending || busy} disabled={busy} onClick={() => create.mutate()}>
          {t('backup.now')}
        </Button>
      </div>
      {error ? <ErrorState error={error} onRetry={() => void refetch()} /> : null}
      {busy ? <p role="status">{t('backup.running')}</p> : null}
      {job?.last_error ? <p role="alert" style={{ color: '#cf1322' }}>{t('backup.lastError', { error: job.last_error })}</p> : null}
      {job?.next_due_at ? <p>{t('backup.nextDue', { at: formatDateTime(job.next_due_at, locale) })}</p> : null}
      <div className="panel table-scroll">
        <table className="simple-table" aria-label={t('backup.title')}>
          <thead>
            <tr>
              <th scope="col">{t('backup.created')}</th>
              <th scope="col">{t('field.status')}</th>
              <th scope="col">{t('backup.size')}</th>
              <th scope="col">{t('backup.age')}</th>
              <th scope="col">{t('backup.reason')}</th>
              <th scope="col">{t('backup.verification')}</th>
              <th scope="col">{t('backup.file')}</th>
              <th scope="col">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {isPending ? Array.from({ length: 3 }, (_, i) => <tr key={i}><td colSpan={8}><div className="sk" style={{ height: 14 }} /></td></tr>) : null}
            {data && data.items.length === 0 ? <tr><td colSpan={8}>{t('backup.empty')}</td></tr> : null}
            {data?.items.map((b) => (
              <tr key={b.id}>
                <td>{formatDateTime(b.created_at, locale)}</td>
                <td>{b.status === 'verified' ? <span className="pill pill-active">{t('backup.verified')}</span> : <span className="pill pill-revoked">{t('backup.failed')}</span>}</td>
                <td>{formatBytes(b.size_bytes, locale)}</td>
                <td>{formatAge(b.age_seconds, locale)}</td>
                <td>{tEnum('backupReason', b.reason)}</td>
                <td className="cell-text"><Verification b={b} /></td>
                <td><code>{b.file}</code></td>
                <td>
                  <a href={backupDownloadUrl(b.id)} download={b.file}>{t('backup.download')}</a>
                  {b.status === 'verified' ? (
                    <Button type="link" danger size="small" disabled={busy} onClick={() => setRestoring(b)}>
                      {t('backup.restore')}
                    </Button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section className="panel" role="note" aria-label={t('backup.restoreTitle')} style={{ marginTop: 16 }}>
        <h2>{t('backup.restoreTitle')}</h2>
        <p>{t('backup.restoreHelp')}</p>
        <pre><code>{`salesdb restore ${example}`}</code></pre>
      </section>
      {restoring ? <RestoreDialog key={restoring.id} backup={restoring} onClose={() => setRestoring(null)} /> : null}
    </>
  );
}
