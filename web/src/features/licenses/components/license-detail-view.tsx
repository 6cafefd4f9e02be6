import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import Button from 'antd/es/button';
import Modal from 'antd/es/modal';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import InputNumber from 'antd/es/input-number';
import DatePicker from 'antd/es/date-picker';
import AntdApp from 'antd/es/app';
import dayjs, { type Dayjs } from 'dayjs';
import { useI18n } from '@/lib/i18n/i18n';
import { applyServerErrors, useRules } from '@/lib/form';
import { LIMITS, rules } from '@/lib/validation';
import { isApiError } from '@/lib/api-client';
import { daysUntil, formatDate, formatDateTime, formatMoney } from '@/lib/format';
import { ErrorState } from '@/components/states';
import {
  licenseDetailQueryOptions,
  licenseKeys,
  useRenewLicense,
  useRevokeLicense,
  useUpdateSeats,
  type License,
} from '@/features/licenses/api/licenses';

type Action = 'renew' | 'revoke' | 'seats' | null;

function ActionModal({ license, action, onClose }: { license: License; action: Exclude<Action, null>; onClose: () => void }) {
  const { t } = useI18n();
  const toRules = useRules();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const renew = useRenewLicense();
  const revoke = useRevokeLicense();
  const seats = useUpdateSeats();
  const { message } = AntdApp.useApp();
  const [error, setError] = useState<string | null>(null);
  const pending = renew.isPending || revoke.isPending || seats.isPending;

  const submit = async (v: { expires_at?: Dayjs; reason?: string; seats?: number }) => {
    setError(null);
    try {
      if (action === 'renew') {
        await renew.mutateAsync({ id: license.id, expires_at: v.expires_at!.endOf('day').valueOf(), version: license.version });
        void message.success(t('licenses.renewed'));
      } else if (action === 'revoke') {
        await revoke.mutateAsync({ id: license.id, reason: v.reason!.trim(), version: license.version });
        void message.success(t('licenses.revoked'));
      } else {
        await seats.mutateAsync({ id: license.id, seats: v.seats!, version: license.version });
        void message.success(t('app.saved'));
      }
      onClose();
    } catch (e) {
      if (isApiError(e, 412)) {
        // Someone changed the licence meanwhile: show the fresh copy and let the user decide again.
        await qc.invalidateQueries({ queryKey: licenseKeys.detail(license.id) });
        setError(t('conflict.title'));
        return;
      }
      if (!applyServerErrors(form, e)) setError(isApiError(e) ? e.problem.detail || e.problem.title || e.message : t('app.error'));
    }
  };

  const title = action === 'renew' ? t('licenses.renew') : action === 'revoke' ? t('licenses.revoke') : t('licenses.seatsEdit');
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      okText={title}
      cancelText={t('common.cancel')}
      okButtonProps={{ htmlType: 'submit', form: 'license-action', loading: pending, danger: action === 'revoke' }}
      destroyOnHidden
    >
      {action === 'revoke' ? <p>{t('licenses.confirmRevoke')}</p> : null}
      {error ? <p role="alert" style={{ color: '#cf1322' }}>{error}</p> : null}
      <Form
        form={form}
        id="license-action"
        layout="vertical"
        onFinish={submit}
        initialValues={{ expires_at: dayjs(Math.max(license.expires_at, Date.now())).add(1, 'year'), seats: license.seats, reason: '' }}
      >
        {action === 'renew' ? (
          <Form.Item
            name="expires_at"
            label={t('field.expiresAt')}
            rules={[
              ...toRules(rules.required()),
              { validator: async (_, v?: Dayjs) => { if (v && v.valueOf() <= license.expires_at) throw new Error(t('validation.afterStart')); } },
            ]}
          >
            <DatePicker style={{ width: '100%' }} allowClear={false} />
          </Form.Item>
        ) : null}
        {action === 'revoke' ? (
          <Form.Item name="reason" label={t('field.reason')} rules={toRules(rules.required(), rules.maxLength(LIMITS.reason))}>
            <Input.TextArea rows={3} maxLength={LIMITS.reason} />
          </Form.Item>
        ) : null}
        {action === 'seats' ? (
          <Form.Item name="seats" label={t('field.seats')} rules={toRules(rules.required(), rules.range(1, LIMITS.seatsMax))}>
            <InputNumber precision={0} style={{ width: '100%' }} />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}

/** `canWrite` says whether the user may renew, resize or revoke this licence (the route decides, from its customer). */
export function LicenseDetailView({ id, canWrite }: { id: number; canWrite: (l: License) => boolean }) {
  const { t, tEnum, locale } = useI18n();
  const { data: l, error, refetch } = useQuery(licenseDetailQueryOptions(id));
  const [action, setAction] = useState<Action>(null);

  if (error && !l) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (!l) {
    return (
      <section className="panel" aria-busy="true">
        <div className="sk" style={{ height: 26, width: 320, marginBottom: 16 }} />
        <div className="sk" style={{ height: 120 }} />
      </section>
    );
  }
  const item = (label: string, value: React.ReactNode) => (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
  const left = daysUntil(l.expires_at);
  return (
    <section className="panel">
      <div className="page-head">
        <h1>
          {t('licenses.detail')} <span className="mono">{l.key}</span> <span className={`pill pill-${l.status}`}>{tEnum('licenseStatus', l.status)}</span>
        </h1>
        {canWrite(l) && l.status !== 'revoked' ? (
          <>
            <Button type="primary" onClick={() => setAction('renew')}>{t('licenses.renew')}</Button>
            <Button onClick={() => setAction('seats')}>{t('licenses.seatsEdit')}</Button>
            <Button danger onClick={() => setAction('revoke')}>{t('licenses.revoke')}</Button>
          </>
        ) : null}
      </div>
      <dl className="profile-grid">
        {item(t('field.customer'), <Link to={`/customers/${l.customer_id}`}>{l.customer_name ?? `#${l.customer_id}`}</Link>)}
        {item(t('field.edition'), tEnum('edition', l.edition))}
        {item(t('field.deployment'), tEnum('deployment', l.deployment))}
        {item(t('field.seats'), l.seats)}
        {item(t('field.annualValue'), formatMoney(l.annual_value_minor, l.currency, locale))}
        {item(t('field.startsAt'), formatDate(l.starts_at, locale))}
        {item(t('field.expiresAt'), <>{formatDate(l.expires_at, locale)}{l.status === 'active' && left >= 0 ? <span className="muted"> ({t('licenses.daysLeft', { days: left })})</span> : null}</>)}
        {item(t('common.updatedAt'), `${formatDateTime(l.updated_at, locale)} · v${l.version}`)}
        {l.status === 'revoked' && l.revoked_reason ? item(t('field.reason'), <span className="notes">{l.revoked_reason}</span>) : null}
      </dl>
      {action ? <ActionModal license={l} action={action} onClose={() => setAction(null)} /> : null}
    </section>
  );
}
