// Shown when a save hits 412 (someone saved a newer version): both versions side by side,
// and the user chooses. Nothing is overwritten without that choice, and only what this edit
// changed is compared and re-applied: fields the user did not touch keep the newer values.
import Modal from 'antd/es/modal';
import Button from 'antd/es/button';
import { useI18n } from '@/lib/i18n/i18n';

export type ConflictField = { key: string; label: string; format?: (v: unknown) => string };

type Props = {
  open: boolean;
  fields: ConflictField[];
  /** Only the fields this edit changed (see changedFields); the others are not shown. */
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

/** The fields of `edited` that differ from `start`, the version the edit began from: what a save should send. */
export function changedFields<T extends object>(edited: T, start: T): Partial<T> {
  return Object.fromEntries(Object.entries(edited).filter(([k, v]) => !same(v, start[k as keyof T]))) as Partial<T>;
}

export function ConflictDialog({ open, fields, mine, theirs, mineVersion, theirsVersion, busy, onKeepTheirs, onOverwrite, onCancel }: Props) {
  const { t } = useI18n();
  const edited = fields.filter((f) => f.key in mine);
  const differing = edited.filter((f) => !same(mine[f.key], theirs[f.key]));
  const rows = differing.length > 0 ? differing : edited;
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
