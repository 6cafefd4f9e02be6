import { useState } from 'react';
import Button from 'antd/es/button';
import Modal from 'antd/es/modal';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import InputNumber from 'antd/es/input-number';
import Select from 'antd/es/select';
import DatePicker from 'antd/es/date-picker';
import AntdApp from 'antd/es/app';
import dayjs, { type Dayjs } from 'dayjs';
import { useI18n } from '@/lib/i18n/i18n';
import { applyServerErrors, useRules } from '@/lib/form';
import { LIMITS, rules } from '@/lib/validation';
import { formatDate, formatMoney, toMinor } from '@/lib/format';
import { isApiError } from '@/lib/api-client';
import { CURRENCIES, STAGES, type Currency, type Stage } from '@/config/enums';
import { useCreateOpportunity, type Opportunity } from '@/features/opportunities/api/opportunities';

type Values = { name: string; stage: Stage; amount: number; currency: string; expected_close_at: Dayjs; probability?: number | null };

function NewOpportunityModal({ customerId, currency, onClose }: { customerId: number; currency: Currency; onClose: () => void }) {
  const { t, tEnum } = useI18n();
  const toRules = useRules();
  const [form] = Form.useForm<Values>();
  const create = useCreateOpportunity();
  const { message } = AntdApp.useApp();
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: Values) => {
    setError(null);
    try {
      await create.mutateAsync({
        customer_id: customerId,
        name: v.name.trim(),
        stage: v.stage,
        amount_minor: toMinor(v.amount, v.currency),
        currency: v.currency,
        expected_close_at: v.expected_close_at.endOf('day').valueOf(),
        ...(typeof v.probability === 'number' ? { probability: v.probability } : {}),
      });
      void message.success(t('app.created'));
      onClose();
    } catch (e) {
      if (!applyServerErrors(form, e)) setError(isApiError(e) ? e.problem.detail || e.problem.title || e.message : t('app.error'));
    }
  };
  return (
    <Modal open title={t('opportunities.new')} onCancel={onClose} okText={t('common.create')} cancelText={t('common.cancel')} okButtonProps={{ htmlType: 'submit', form: 'opp-form', loading: create.isPending }} destroyOnHidden>
      {error ? <p role="alert" style={{ color: '#cf1322' }}>{error}</p> : null}
      <Form form={form} id="opp-form" layout="vertical" onFinish={submit} initialValues={{ stage: 'prospect', currency, amount: 0, expected_close_at: dayjs().add(30, 'day') }}>
        <Form.Item name="name" label={t('field.name')} rules={toRules(rules.required(), rules.maxLength(LIMITS.name))}>
          <Input maxLength={LIMITS.name} />
        </Form.Item>
        <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: '0 12px' }}>
          <Form.Item name="stage" label={t('field.stage')} rules={toRules(rules.required())}>
            <Select options={STAGES.map((s) => ({ value: s, label: tEnum('stage', s) }))} />
          </Form.Item>
          <Form.Item name="probability" label={t('field.probability')} rules={toRules(rules.range(0, 100))}>
            <InputNumber precision={0} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="amount" label={t('field.amount')} rules={toRules(rules.required(), rules.min(0))}>
            <InputNumber precision={2} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="currency" label={t('field.currency')} rules={toRules(rules.required())}>
            <Select options={CURRENCIES.map((c) => ({ value: c, label: c }))} />
          </Form.Item>
        </div>
        <Form.Item name="expected_close_at" label={t('field.expectedClose')} rules={toRules(rules.required())}>
          <DatePicker style={{ width: '100%' }} allowClear={false} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function CustomerOpportunitiesPanel({ customerId, opportunities, canEdit, currency }: { customerId: number; opportunities: Opportunity[]; canEdit: boolean; currency: Currency }) {
  const { t, tEnum, locale } = useI18n();
  const [creating, setCreating] = useState(false);
  return (
    <div>
      {canEdit ? <Button type="primary" style={{ marginBottom: 12 }} onClick={() => setCreating(true)}>{t('opportunities.new')}</Button> : null}
      {opportunities.length === 0 ? (
        <p className="muted">{t('opportunities.empty')}</p>
      ) : (
        <div className="table-scroll">
          <table className="simple-table" aria-label={t('customers.opportunities')}>
            <thead>
              <tr>
                <th scope="col">{t('field.name')}</th>
                <th scope="col">{t('field.stage')}</th>
                <th scope="col">{t('field.amount')}</th>
                <th scope="col">{t('field.expectedClose')}</th>
                <th scope="col">{t('field.owner')}</th>
              </tr>
            </thead>
            <tbody>
              {opportunities.map((o) => (
                <tr key={o.id}>
                  <td className="cell-text">{o.name}</td>
                  <td>{tEnum('stage', o.stage)}</td>
                  <td>{formatMoney(o.amount_minor, o.currency, locale)}</td>
                  <td>{formatDate(o.expected_close_at, locale)}</td>
                  <td>{o.owner_name ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating ? <NewOpportunityModal customerId={customerId} currency={currency} onClose={() => setCreating(false)} /> : null}
    </div>
  );
}
