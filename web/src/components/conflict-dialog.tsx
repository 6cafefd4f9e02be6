// Shown when a save hits 412 (someone saved a newer version): both versions side by side,
// and the user chooses. Nothing is overwritten without that choice.
import Modal from 'antd/es/modal';
import Button from 'antd/es/button';
import { useI18n } from '@/lib/i18n/i18n';

export type ConflictField = { key: string; label: string; format?: (v: unknown) => string };

type Props = {
  open: boolean;
  fields: ConflictField[];
  mine: Record<string, unknown>;
  theirs: Record<string, unknown>;
  mineVersion: number;
  theirsVersion: number;
  busy?: boolean;
  onKeepTheirs: () => void;
  onOverwrite: () => void;
  onCancel: () => void;
};

const show = (v: unknown, format?: (v: unknown) => string): string => {
  if (format) return format(v);
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.join(', ') : '—';
  return String(v);
};

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function ConflictDialog({ open, fields, mine, theirs, mineVersion, theirsVersion, busy, onKeepTheirs, onOverwrite, onCancel }: Props) {
  const { t } = useI18n();
  const differing = fields.filter((f) => !same(mine[f.key], theirs[f.key]));
  const rows = differing.length > 0 ? differing : fields;
  return (
    <Modal
      open={open}
      title={t('conflict.title')}
      onCancel={onCancel}
      width={720}
      footer={[
        <Button key="cancel" onClick={onCancel}>{t('common.cancel')}</Button>,
        <Button key="theirs" onClick={onKeepTheirs}>{t('conflict.keepTheirs')}</Button>,
        <Button key="mine" type="primary" danger loading={busy} onClick={onOverwrite}>{t('conflict.overwrite')}</Button>,
      ]}
    >
      <p>{t('conflict.body', { mine: mineVersion, theirs: theirsVersion })}</p>
      <table className="simple-table conflict-table">
        <thead>
          <tr>
            <th scope="col">{t('conflict.field')}</th>
            <th scope="col">{t('conflict.yours')}</th>
            <th scope="col">{t('conflict.theirs')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((f) => (
            <tr key={f.key} className={same(mine[f.key], theirs[f.key]) ? undefined : 'diff'}>
              <th scope="row">{f.label}</th>
              <td>{show(mine[f.key], f.format)}</td>
              <td>{show(theirs[f.key], f.format)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
