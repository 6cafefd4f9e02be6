// Online restore of one backup: the admin types the backup's name to enable the button; while the
// server restores (maintenance mode, other requests answer 503) the dialog blocks and shows the
// phase from /readyz; then what was restored, and a way to log in again when the session is not in
// the restored database.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import Modal from 'antd/es/modal';
import Button from 'antd/es/button';
import Input from 'antd/es/input';
import Alert from 'antd/es/alert';
import Spin from 'antd/es/spin';
import { useI18n } from '@/lib/i18n/i18n';
import { formatDateTime } from '@/lib/format';
import { fetchMaintenancePhase, useRestoreBackup, type Backup } from '@/features/backups/api/backups';

type Props = { backup: Backup; onClose: () => void };

export function RestoreDialog({ backup, onClose }: Props) {
  const { t, locale } = useI18n();
  const [typed, setTyped] = useState('');
  const restore = useRestoreBackup();
  const phase = useQuery({
    queryKey: ['maintenance-phase'],
    queryFn: ({ signal }) => fetchMaintenancePhase(signal),
    enabled: restore.isPending,
    refetchInterval: 1000,
    gcTime: 0,
  });
  const result = restore.data;
  const matches = typed === backup.file;

  if (result) {
    const tables = Object.entries(result.rows);
    return (
      <Modal
        open
        title={t('backup.restoreDone')}
        closable={false}
        mask={{ closable: false }}
        footer={
          result.signed_in
            ? [<Button key="close" type="primary" onClick={onClose}>{t('common.close')}</Button>]
            : [<Button key="login" type="primary" onClick={() => window.location.assign('/login')}>{t('backup.restoreLogin')}</Button>]
        }
      >
        <p role="status">
          {t('backup.restoreSummary', {
            file: result.file,
            at: formatDateTime(result.backup_created_at, locale),
            rows: new Intl.NumberFormat(locale).format(result.total_rows),
            seconds: new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(result.duration_ms / 1000),
          })}
        </p>
        {result.migrated_to !== result.migrated_from ? (
          <p>{t('backup.restoreMigrated', { from: result.migrated_from, to: result.migrated_to })}</p>
        ) : null}
        <table className="simple-table" aria-label={t('backup.restoreRows')}>
          <tbody>
            {tables.map(([name, n]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td>{new Intl.NumberFormat(locale).format(n)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>{t('backup.restoreSafety', { file: result.safety_backup })}</p>
        {!result.signed_in ? <Alert type="warning" showIcon title={t('backup.restoreSignedOut')} /> : null}
      </Modal>
    );
  }

  if (restore.isPending) {
    return (
      <Modal open title={t('backup.restoreRunning')} closable={false} mask={{ closable: false }} keyboard={false} footer={null}>
        <div role="status" aria-busy="true" style={{ display: 'flex', gap: 12, alignItems: 'center' }}>
          <Spin />
          <span>{phase.data ?? t('backup.restoreWorking')}</span>
        </div>
        <p>{t('backup.restoreWait')}</p>
      </Modal>
    );
  }

  return (
    <Modal
      open
      title={t('backup.restoreDialogTitle')}
      onCancel={onClose}
      footer={[
        <Button key="cancel" onClick={onClose}>{t('common.cancel')}</Button>,
        <Button
          key="restore"
          type="primary"
          danger
          disabled={!matches}
          onClick={() => restore.mutate({ id: backup.id, confirm: typed })}
        >
          {t('backup.restoreConfirm')}
        </Button>,
      ]}
    >
      <p>{t('backup.restoreWarning', { at: formatDateTime(backup.created_at, locale) })}</p>
      <p>
        {t('backup.restoreTypeName')} <code>{backup.file}</code>
      </p>
      <Input
        aria-label={t('backup.restoreNameLabel')}
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
      {restore.error ? (
        <Alert style={{ marginTop: 12 }} type="error" showIcon role="alert" title={(restore.error as Error).message} />
      ) : null}
    </Modal>
  );
}
