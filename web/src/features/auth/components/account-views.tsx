import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import InputNumber from 'antd/es/input-number';
import Button from 'antd/es/button';
import Alert from 'antd/es/alert';
import Popconfirm from 'antd/es/popconfirm';
import Typography from 'antd/es/typography';
import AntdApp from 'antd/es/app';
import { useI18n } from '@/lib/i18n/i18n';
import { applyServerErrors, useRules } from '@/lib/form';
import { LIMITS, rules } from '@/lib/validation';
import { formatDateTime } from '@/lib/format';
import { useSession } from '@/lib/session';
import { ErrorState } from '@/components/states';
import { tokensQueryOptions, useChangePassword, useCreateToken, useDeleteToken } from '@/features/auth/api/auth';

export function ProfileView() {
  const { t, tEnum, locale } = useI18n();
  const { user } = useSession();
  if (!user) return null;
  return (
    <>
      <div className="page-head"><h1>{t('user.profile')}</h1></div>
      <section className="panel">
        <dl className="profile-grid">
          <div><dt>{t('field.name')}</dt><dd>{user.name}</dd></div>
          <div><dt>{t('field.email')}</dt><dd>{user.email}</dd></div>
          <div><dt>{t('field.role')}</dt><dd>{tEnum('role', user.role)}</dd></div>
          <div><dt>{t('field.region')}</dt><dd>{tEnum('region', user.region)}</dd></div>
          <div><dt>{t('common.createdAt')}</dt><dd>{formatDateTime(user.created_at, locale)}</dd></div>
        </dl>
      </section>
    </>
  );
}

type PasswordValues = { current_password: string; new_password: string; confirm: string };

export function ChangePasswordView() {
  const { t } = useI18n();
  const toRules = useRules();
  const [form] = Form.useForm<PasswordValues>();
  const change = useChangePassword();
  const [done, setDone] = useState(false);
  return (
    <>
      <div className="page-head"><h1>{t('user.password')}</h1></div>
      <section className="panel" style={{ maxWidth: 480 }}>
        {done ? <Alert type="success" showIcon title={t('auth.passwordChanged')} style={{ marginBottom: 16 }} /> : null}
        <Form
          form={form}
          layout="vertical"
          onFinish={async (v) => {
            setDone(false);
            try {
              await change.mutateAsync({ current_password: v.current_password, new_password: v.new_password });
              form.resetFields();
              setDone(true);
            } catch (e) {
              applyServerErrors(form, e);
            }
          }}
        >
          <Form.Item name="current_password" label={t('field.currentPassword')} rules={toRules(rules.required())}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item name="new_password" label={t('field.newPassword')} rules={toRules(rules.required(), rules.password())}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={t('field.confirmPassword')}
            dependencies={['new_password']}
            rules={[
              ...toRules(rules.required()),
              ({ getFieldValue }) => ({
                validator: async (_, v) => {
                  if (v && v !== getFieldValue('new_password')) throw new Error(t('validation.passwordMismatch'));
                },
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={change.isPending}>{t('common.save')}</Button>
        </Form>
      </section>
    </>
  );
}

export function TokensView() {
  const { t, locale } = useI18n();
  const toRules = useRules();
  const [form] = Form.useForm<{ name: string; expires_in_days?: number }>();
  const { data, error, isPending, refetch } = useQuery(tokensQueryOptions);
  const create = useCreateToken();
  const remove = useDeleteToken();
  const { message } = AntdApp.useApp();
  const [shown, setShown] = useState<string | null>(null);
  return (
    <>
      <div className="page-head"><h1>{t('user.tokens')}</h1></div>
      <section className="panel" style={{ marginBottom: 16 }}>
        <Form
          form={form}
          layout="inline"
          onFinish={async (v) => {
            try {
              const r = await create.mutateAsync({ name: v.name.trim(), ...(v.expires_in_days ? { expires_in_days: v.expires_in_days } : {}) });
              setShown(r.token);
              form.resetFields();
            } catch (e) {
              applyServerErrors(form, e);
            }
          }}
        >
          <Form.Item name="name" label={t('field.tokenName')} rules={toRules(rules.required(), rules.maxLength(LIMITS.tokenName))}>
            <Input maxLength={LIMITS.tokenName} />
          </Form.Item>
          <Form.Item name="expires_in_days" label={t('field.expiresInDays')} rules={toRules(rules.range(1, 3650))}>
            <InputNumber precision={0} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={create.isPending}>{t('auth.newToken')}</Button>
        </Form>
        {shown ? (
          <Alert type="warning" showIcon style={{ marginTop: 16 }} title={t('auth.tokenCreated')} description={<Typography.Text code copyable>{shown}</Typography.Text>} closable={{ onClose: () => setShown(null) }} />
        ) : null}
      </section>
      {error ? <ErrorState error={error} onRetry={() => void refetch()} /> : null}
      <section className="panel">
        <table className="simple-table" aria-label={t('user.tokens')}>
          <thead>
            <tr>
              <th scope="col">{t('field.tokenName')}</th>
              <th scope="col">{t('field.prefix')}</th>
              <th scope="col">{t('common.createdAt')}</th>
              <th scope="col">{t('field.lastUsed')}</th>
              <th scope="col">{t('field.expiresAt')}</th>
              <th scope="col">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {isPending ? <tr><td colSpan={6}><div className="sk" style={{ height: 14 }} /></td></tr> : null}
            {data && data.items.length === 0 ? <tr><td colSpan={6} className="muted">{t('auth.noTokens')}</td></tr> : null}
            {data?.items.map((tok) => (
              <tr key={tok.id}>
                <td>{tok.name}</td>
                <td className="mono">{tok.prefix}…</td>
                <td>{formatDateTime(tok.created_at, locale)}</td>
                <td>{formatDateTime(tok.last_used_at, locale)}</td>
                <td>{formatDateTime(tok.expires_at, locale)}</td>
                <td>
                  <Popconfirm title={t('common.confirmDelete')} okText={t('common.yes')} cancelText={t('common.no')} onConfirm={async () => { await remove.mutateAsync(tok.id); void message.success(t('app.deleted')); }}>
                    <Button size="small" danger type="link">{t('auth.revoke')}</Button>
                  </Popconfirm>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
