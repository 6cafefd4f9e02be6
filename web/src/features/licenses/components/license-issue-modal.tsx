import { useState } from 'react';
import Modal from 'antd/es/modal';
import Form from 'antd/es/form';
import Select from 'antd/es/select';
import InputNumber from 'antd/es/input-number';
import DatePicker from 'antd/es/date-picker';
import AntdApp from 'antd/es/app';
import dayjs, { type Dayjs } from 'dayjs';
import { useI18n } from '@/lib/i18n/i18n';
import { applyServerErrors, useRules } from '@/lib/form';
import { LIMITS, rules } from '@/lib/validation';
import { isApiError } from '@/lib/api-client';
import { toMinor } from '@/lib/format';
import { CURRENCIES, DEPLOYMENTS, EDITIONS, type Currency, type Deployment, type Edition } from '@/config/enums';
import { useIssueLicense } from '@/features/licenses/api/licenses';

type Values = {
  edition: Edition;
  deployment: Deployment;
  seats: number;
  annual_value: number;
  currency: string;
  period: [Dayjs, Dayjs];
};

export function LicenseIssueModal({ customerId, currency = 'CNY', onClose }: { customerId: number; currency?: Currency; onClose: () => void }) {
  const { t, tEnum } = useI18n();
  const toRules = useRules();
  const [form] = Form.useForm<Values>();
  const issue = useIssueLicense();
  const { message } = AntdApp.useApp();
  const [formError, setFormError] = useState<string | null>(null);

  const submit = async (v: Values) => {
    setFormError(null);
    try {
      await issue.mutateAsync({
        customer_id: customerId,
        edition: v.edition,
        deployment: v.deployment,
        seats: v.seats,
        annual_value_minor: toMinor(v.annual_value, v.currency),
        currency: v.currency,
        starts_at: v.period[0].startOf('day').valueOf(),
        expires_at: v.period[1].endOf('day').valueOf(),
      });
      void message.success(t('licenses.issued'));
      onClose();
    } catch (e) {
      const mapped = applyServerErrors(form, e);
      if (!mapped) setFormError(isApiError(e) ? e.problem.detail || e.problem.title || e.message : t('app.error'));
    }
  };

  return (
    <Modal
      open
      title={t('licenses.issue')}
      onCancel={onClose}
      okText={t('licenses.issue')}
      cancelText={t('common.cancel')}
      okButtonProps={{ htmlType: 'submit', form: 'license-form', loading: issue.isPending }}
      destroyOnHidden
    >
      {formError ? <p role="alert" style={{ color: '#cf1322' }}>{formError}</p> : null}
      <Form
        form={form}
        id="license-form"
        layout="vertical"
        onFinish={submit}
        initialValues={{ edition: 'team', deployment: 'cloud', seats: 10, annual_value: 0, currency, period: [dayjs(), dayjs().add(1, 'year')] }}
      >
        <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: '0 12px' }}>
          <Form.Item name="edition" label={t('field.edition')} rules={toRules(rules.required())}>
            <Select options={EDITIONS.map((v) => ({ value: v, label: tEnum('edition', v) }))} />
          </Form.Item>
          <Form.Item name="deployment" label={t('field.deployment')} rules={toRules(rules.required())}>
            <Select options={DEPLOYMENTS.map((v) => ({ value: v, label: tEnum('deployment', v) }))} />
          </Form.Item>
          <Form.Item name="seats" label={t('field.seats')} rules={toRules(rules.required(), rules.range(1, LIMITS.seatsMax))}>
            <InputNumber precision={0} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="currency" label={t('field.currency')} rules={toRules(rules.required())}>
            <Select options={CURRENCIES.map((c) => ({ value: c, label: c }))} />
          </Form.Item>
        </div>
        <Form.Item name="annual_value" label={t('field.annualValue')} rules={toRules(rules.required(), rules.min(0))}>
          <InputNumber precision={2} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name="period"
          label={`${t('field.startsAt')} – ${t('field.expiresAt')}`}
          rules={[
            ...toRules(rules.required()),
            {
              validator: async (_, v?: [Dayjs, Dayjs]) => {
                if (v && v[1] && v[0] && !v[1].isAfter(v[0])) throw new Error(t('validation.afterStart'));
              },
            },
          ]}
        >
          <DatePicker.RangePicker style={{ width: '100%' }} allowClear={false} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
