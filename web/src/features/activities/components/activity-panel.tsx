import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Select from 'antd/es/select';
import Button from 'antd/es/button';
import DatePicker from 'antd/es/date-picker';
import AntdApp from 'antd/es/app';
import dayjs, { type Dayjs } from 'dayjs';
import { useI18n } from '@/lib/i18n/i18n';
import { applyServerErrors, useRules } from '@/lib/form';
import { LIMITS, rules } from '@/lib/validation';
import { ACTIVITY_TYPES, type ActivityType } from '@/config/enums';
import { useCreateActivity } from '@/features/activities/api/activities';
import './activities.css';

type QuickAddValues = { type: ActivityType; subject: string; body?: string; occurred_at: Dayjs };

export function ActivityQuickAdd({ customerId }: { customerId: number }) {
  const { t, tEnum } = useI18n();
  const toRules = useRules();
  const [form] = Form.useForm<QuickAddValues>();
  const create = useCreateActivity();
  const { message } = AntdApp.useApp();

  const submit = async (v: QuickAddValues) => {
    try {
      await create.mutateAsync({
        customer_id: customerId,
        type: v.type,
        subject: v.subject.trim(),
        body: v.body?.trim() ? v.body.trim() : null,
        occurred_at: (v.occurred_at ?? dayjs()).valueOf(),
      });
      void message.success(t('activities.logged'));
      form.resetFields();
      form.setFieldsValue({ occurred_at: dayjs() });
    } catch (e) {
      applyServerErrors(form, e);
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={submit} initialValues={{ type: 'call', occurred_at: dayjs() }} aria-label={t('activities.quickAdd')} className="quick-add">
      <div className="quick-add-row">
        <Form.Item name="type" label={t('field.type')} rules={toRules(rules.required())}>
          <Select style={{ width: 120 }} options={ACTIVITY_TYPES.map((v) => ({ value: v, label: tEnum('activityType', v) }))} />
        </Form.Item>
        <Form.Item name="subject" label={t('field.subject')} rules={toRules(rules.required(), rules.maxLength(LIMITS.subject))} style={{ flex: 1, minWidth: 200 }}>
          <Input placeholder={t('activities.subjectPlaceholder')} maxLength={LIMITS.subject} />
        </Form.Item>
        <Form.Item name="occurred_at" label={t('field.occurredAt')} rules={toRules(rules.required())}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" allowClear={false} />
        </Form.Item>
      </div>
      <Form.Item name="body" label={t('field.body')} rules={toRules(rules.maxLength(LIMITS.body))}>
        <Input.TextArea rows={2} maxLength={LIMITS.body} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={create.isPending}>
        {t('activities.quickAdd')}
      </Button>
    </Form>
  );
}
