import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import Button from 'antd/es/button';
import Modal from 'antd/es/modal';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Select from 'antd/es/select';
import AntdApp from 'antd/es/app';
import { useI18n } from '@/lib/i18n/i18n';
import { applyServerErrors, useRules } from '@/lib/form';
import { LIMITS, rules } from '@/lib/validation';
import { isApiError } from '@/lib/api-client';
import { formatDateTime } from '@/lib/format';
import { ErrorState } from '@/components/states';
import { REGIONS, ROLES, type Role } from '@/config/enums';
import { useCreateUser, useUpdateUser, userListQueryOptions, type User } from '@/features/admin/api/users';

type Values = { email: string; name: string; role: Role; region?: string | null; password?: string };

function UserModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t, tEnum } = useI18n();
  const toRules = useRules();
  const [form] = Form.useForm<Values>();
  const create = useCreateUser();
  const update = useUpdateUser();
  const { message } = AntdApp.useApp();
  const [error, setError] = useState<string | null>(null);

  const submit = async (v: Values) => {
    setError(null);
    try {
      if (user) {
        await update.mutateAsync({ id: user.id, version: user.version, patch: { name: v.name.trim(), role: v.role, region: v.region ?? null } });
        void message.success(t('app.saved'));
      } else {
        await create.mutateAsync({ email: v.email.trim(), name: v.name.trim(), role: v.role, region: v.region ?? null, password: v.password! });
        void message.success(t('app.created'));
      }
      onClose();
    } catch (e) {
      if (isApiError(e, 412)) setError(t('conflict.title'));
      else if (!applyServerErrors(form, e)) setError(isApiError(e) ? e.problem.detail || e.problem.title || e.message : t('app.error'));
    }
  };

  return (
    <Modal
      open
      title={user ? t('admin.editUser') : t('admin.newUser')}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ htmlType: 'submit', form: 'user-form', loading: create.isPending || update.isPending }}
      destroyOnHidden
    >
      {error ? <p role="alert" style={{ color: '#cf1322' }}>{error}</p> : null}
      <Form form={form} id="user-form" layout="vertical" onFinish={submit} initialValues={user ? { email: user.email, name: user.name, role: user.role, region: user.region } : { role: 'sales_rep' }}>
        <Form.Item name="email" label={t('field.email')} rules={user ? [] : toRules(rules.required(), rules.email())}>
          <Input type="email" disabled={!!user} maxLength={LIMITS.email} />
        </Form.Item>
        <Form.Item name="name" label={t('field.name')} rules={toRules(rules.required(), rules.maxLength(LIMITS.name))}>
          <Input maxLength={LIMITS.name} />
        </Form.Item>
        <Form.Item name="role" label={t('field.role')} rules={toRules(rules.required())}>
          <Select options={ROLES.map((r) => ({ value: r, label: tEnum('role', r) }))} />
        </Form.Item>
        <Form.Item name="region" label={t('field.region')}>
          <Select allowClear options={REGIONS.map((r) => ({ value: r, label: tEnum('region', r) }))} />
        </Form.Item>
        {!user ? (
          <Form.Item name="password" label={t('field.password')} rules={toRules(rules.required(), rules.password())}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}

export function UsersView({ canManage }: { canManage: boolean }) {
  const { t, tEnum, locale } = useI18n();
  const { data, error, isPending, refetch } = useQuery(userListQueryOptions());
  const update = useUpdateUser();
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  return (
    <>
      <div className="page-head">
        <h1>{t('admin.users')}</h1>
        {canManage ? <Button type="primary" onClick={() => setEditing('new')}>{t('admin.newUser')}</Button> : null}
      </div>
      {error ? <ErrorState error={error} onRetry={() => void refetch()} /> : null}
      <div className="panel">
        <div className="table-scroll">
          <table className="simple-table" aria-label={t('admin.users')}>
            <thead>
              <tr>
                <th scope="col">{t('field.name')}</th>
                <th scope="col">{t('field.email')}</th>
                <th scope="col">{t('field.role')}</th>
                <th scope="col">{t('field.region')}</th>
                <th scope="col">{t('field.status')}</th>
                <th scope="col">{t('common.updatedAt')}</th>
                {canManage ? <th scope="col">{t('common.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {isPending ? Array.from({ length: 5 }, (_, i) => <tr key={i}><td colSpan={7}><div className="sk" style={{ height: 14 }} /></td></tr>) : null}
              {data?.items.map((u) => (
                <tr key={u.id}>
                  <td className="cell-text">{u.name}</td>
                  <td>{u.email}</td>
                  <td>{tEnum('role', u.role)}</td>
                  <td>{tEnum('region', u.region)}</td>
                  <td>{u.disabled ? <span className="pill pill-revoked">{t('field.disabled')}</span> : <span className="pill pill-active">{t('admin.active')}</span>}</td>
                  <td>{formatDateTime(u.updated_at, locale)}</td>
                  {canManage ? (
                    <td>
                      <Button size="small" type="link" onClick={() => setEditing(u)}>{t('common.edit')}</Button>
                      <Button size="small" type="link" danger={!u.disabled} onClick={() => update.mutate({ id: u.id, version: u.version, patch: { disabled: !u.disabled } })}>
                        {u.disabled ? t('admin.enable') : t('admin.disable')}
                      </Button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      {editing ? <UserModal user={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
    </>
  );
}
