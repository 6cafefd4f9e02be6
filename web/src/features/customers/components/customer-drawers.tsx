import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Drawer from 'antd/es/drawer';
import Button from 'antd/es/button';
import Form from 'antd/es/form';
import Alert from 'antd/es/alert';
import AntdApp from 'antd/es/app';
import { useI18n } from '@/lib/i18n/i18n';
import { ApiError, isApiError, isNetworkError } from '@/lib/api-client';
import { applyServerErrors, unmatchedServerErrors } from '@/lib/form';
import { changedFields, ConflictDialog, type ConflictField } from '@/components/conflict-dialog';
import {
  customerDetailQueryOptions,
  customerKeys,
  fetchCustomerFresh,
  useCreateCustomer,
  useUpdateCustomer,
  type CustomerDetail,
  type CustomerInput,
} from '@/features/customers/api/customers';
import { CustomerForm, toFormValues, toInput, type CustomerFormValues } from '@/features/customers/components/customer-form';
import type { OwnerOption } from '@/features/customers/components/customer-list-view';

function FormProblem({ error, form }: { error: unknown; form: Parameters<typeof unmatchedServerErrors>[0] }) {
  const { t } = useI18n();
  if (!error || !(error instanceof ApiError) || error.status === 412) return null;
  const extra = unmatchedServerErrors(form, error);
  const message =
    error.status === 422
      ? t('validation.fixErrors')
      : isNetworkError(error)
        ? t('app.networkError')
        : error.problem.detail || error.problem.title || t('app.error');
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      style={{ marginBottom: 16 }}
      title={message}
      description={extra.length ? extra.join('\n') : error.requestId ? t('app.requestId', { id: error.requestId }) : undefined}
    />
  );
}

export function NewCustomerDrawer({ owners, onClose, onCreated }: { owners?: OwnerOption[]; onClose: () => void; onCreated: (id: number) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<CustomerFormValues>();
  const create = useCreateCustomer();
  const { message } = AntdApp.useApp();

  const submit = async (values: CustomerFormValues) => {
    try {
      const c = await create.mutateAsync(toInput(values, !!owners));
      void message.success(t('app.created'));
      onCreated(c.id);
    } catch (e) {
      applyServerErrors(form, e);
    }
  };

  return (
    <Drawer
      open
      title={t('customers.new')}
      onClose={onClose}
      size={520}
      destroyOnHidden
      extra={
        <Button type="primary" htmlType="submit" form="customer-form" loading={create.isPending}>
          {t('common.create')}
        </Button>
      }
    >
      <FormProblem error={create.error} form={form} />
      <CustomerForm form={form} owners={owners} onFinish={submit} />
    </Drawer>
  );
}

export function EditCustomerDrawer({ id, owners, onClose }: { id: number; owners?: OwnerOption[]; onClose: () => void }) {
  const { t, tEnum } = useI18n();
  const qc = useQueryClient();
  const { data } = useQuery(customerDetailQueryOptions(id));
  const [form] = Form.useForm<CustomerFormValues>();
  const update = useUpdateCustomer(id);
  const { message } = AntdApp.useApp();
  // The version this edit started from (a refetch in the background must not move it), and what the form shows.
  const [base, setBase] = useState<{ version: number; values: CustomerFormValues; shown: CustomerFormValues } | null>(null);
  const [conflict, setConflict] = useState<{ mine: CustomerFormValues; theirs: CustomerDetail } | null>(null);

  if (data && !base) {
    const values = toFormValues(data);
    setBase({ version: data.version, values, shown: values });
  }

  // A save sends only what this edit changed, so it never writes back fields someone else changed meanwhile.
  const changes = (values: CustomerFormValues, start: CustomerFormValues): Partial<CustomerInput> =>
    changedFields(toInput(values, !!owners), toInput(start, !!owners));

  const save = async (values: CustomerFormValues, start: CustomerFormValues, version: number) => {
    try {
      await update.mutateAsync({ patch: changes(values, start), version });
      void message.success(t('app.saved'));
      setConflict(null);
      onClose();
    } catch (e) {
      if (isApiError(e, 412)) {
        const theirs = await fetchCustomerFresh(id);
        qc.setQueryData(customerKeys.detail(id), theirs);
        setConflict({ mine: values, theirs });
        return;
      }
      applyServerErrors(form, e);
    }
  };

  const fields: ConflictField[] = [
    { key: 'name', label: t('field.name') },
    { key: 'industry', label: t('field.industry') },
    { key: 'region', label: t('field.region'), format: (v) => tEnum('region', v as string) },
    { key: 'tier', label: t('field.tier'), format: (v) => tEnum('tier', v as string) },
    { key: 'status', label: t('field.status'), format: (v) => tEnum('customerStatus', v as string) },
    { key: 'owner_id', label: t('field.owner'), format: (v) => (v ? (owners?.find((o) => o.value === v)?.label ?? String(v)) : '—') },
    { key: 'tags', label: t('field.tags') },
    { key: 'website', label: t('field.website') },
    { key: 'notes', label: t('field.notes') },
  ];

  return (
    <Drawer
      open
      title={t('customers.edit')}
      onClose={onClose}
      size={520}
      destroyOnHidden
      extra={
        <Button type="primary" htmlType="submit" form="customer-form" loading={update.isPending} disabled={!base}>
          {t('common.save')}
        </Button>
      }
    >
      <FormProblem error={update.error} form={form} />
      {base ? (
        <CustomerForm form={form} initial={base.shown} owners={owners} onFinish={(v) => void save(v, base.values, base.version)} />
      ) : (
        <div className="sk" style={{ height: 300 }} />
      )}
      {conflict && base ? (
        <ConflictDialog
          open
          fields={fields}
          mine={changes(conflict.mine, base.values)}
          theirs={toInput(toFormValues(conflict.theirs), !!owners)}
          mineVersion={base.version}
          theirsVersion={conflict.theirs.version}
          busy={update.isPending}
          onCancel={() => setConflict(null)}
          onKeepTheirs={() => {
            const values = toFormValues(conflict.theirs);
            form.setFieldsValue(values);
            setBase({ version: conflict.theirs.version, values, shown: values });
            setConflict(null);
          }}
          onOverwrite={() => {
            // Their version with my changes on top: the edit now starts from theirs.
            const latest = toFormValues(conflict.theirs);
            const mine = Object.keys(changes(conflict.mine, base.values)) as (keyof CustomerFormValues)[];
            const merged = { ...latest, ...Object.fromEntries(mine.map((k) => [k, conflict.mine[k]])) };
            setBase({ version: conflict.theirs.version, values: latest, shown: merged });
            void save(merged, latest, conflict.theirs.version);
          }}
        />
      ) : null}
    </Drawer>
  );
}
