import { useEffect } from 'react';
import Form, { type FormInstance } from 'antd/es/form';
import Input from 'antd/es/input';
import Select from 'antd/es/select';
import { useI18n } from '@/lib/i18n/i18n';
import { useSession } from '@/lib/session';
import { useRules } from '@/lib/form';
import { LIMITS, rules } from '@/lib/validation';
import { CUSTOMER_STATUSES, REGIONS, TIERS } from '@/config/enums';
import type { Customer, CustomerInput } from '@/features/customers/api/customers';
import type { OwnerOption } from '@/features/customers/components/customer-list-view';

export const CUSTOMER_FIELDS = ['name', 'industry', 'region', 'tier', 'status', 'owner_id', 'tags', 'website', 'notes'] as const;

export type CustomerFormValues = {
  name: string;
  industry?: string;
  region: CustomerInput['region'];
  tier: CustomerInput['tier'];
  status: CustomerInput['status'];
  owner_id?: number | null;
  tags?: string[];
  website?: string;
  notes?: string;
};

export function toFormValues(c: Customer): CustomerFormValues {
  return {
    name: c.name,
    industry: c.industry ?? '',
    region: c.region,
    tier: c.tier,
    status: c.status,
    owner_id: c.owner_id,
    tags: c.tags ?? [],
    website: c.website ?? '',
    notes: c.notes ?? '',
  };
}

/** Empty strings become null so the server can clear a field; owner is only sent when chosen. */
export function toInput(v: CustomerFormValues, includeOwner: boolean): CustomerInput {
  const blank = (s?: string) => (s && s.trim() ? s.trim() : null);
  const input: CustomerInput = {
    name: v.name.trim(),
    industry: blank(v.industry),
    region: v.region,
    tier: v.tier,
    status: v.status,
    tags: (v.tags ?? []).map((t) => t.trim()).filter(Boolean),
    website: blank(v.website),
    notes: blank(v.notes),
  };
  if (includeOwner && v.owner_id) input.owner_id = v.owner_id;
  return input;
}

type Props = {
  form: FormInstance<CustomerFormValues>;
  initial?: CustomerFormValues;
  owners?: OwnerOption[];
  onFinish: (values: CustomerFormValues) => void;
  disabled?: boolean;
};

export function CustomerForm({ form, initial, owners, onFinish, disabled }: Props) {
  const { t, tEnum } = useI18n();
  const toRules = useRules();
  // A new customer starts in the user's own region (a sales manager may create customers only there).
  const { user } = useSession();
  const region = REGIONS.find((r) => r === user?.region) ?? 'east_china';
  useEffect(() => {
    if (initial) form.setFieldsValue(initial);
  }, [form, initial]);
  const opts = <T extends string>(values: readonly T[], group: string) => values.map((v) => ({ value: v, label: tEnum(group, v) }));

  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={onFinish}
      disabled={disabled}
      initialValues={initial ?? { region, tier: 'standard', status: 'lead', tags: [] }}
      id="customer-form"
    >
      <Form.Item name="name" label={t('field.name')} rules={toRules(rules.required(), rules.maxLength(LIMITS.name))}>
        <Input maxLength={LIMITS.name} />
      </Form.Item>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit,minmax(150px,1fr))', gap: '0 12px' }}>
        <Form.Item name="region" label={t('field.region')} rules={toRules(rules.required())}>
          <Select options={opts(REGIONS, 'region')} />
        </Form.Item>
        <Form.Item name="tier" label={t('field.tier')} rules={toRules(rules.required())}>
          <Select options={opts(TIERS, 'tier')} />
        </Form.Item>
        <Form.Item name="status" label={t('field.status')} rules={toRules(rules.required())}>
          <Select options={opts(CUSTOMER_STATUSES, 'customerStatus')} />
        </Form.Item>
      </div>
      <Form.Item name="industry" label={t('field.industry')} rules={toRules(rules.maxLength(LIMITS.name))}>
        <Input maxLength={LIMITS.name} />
      </Form.Item>
      {owners ? (
        <Form.Item name="owner_id" label={t('field.owner')}>
          <Select allowClear showSearch optionFilterProp="label" options={owners} />
        </Form.Item>
      ) : null}
      <Form.Item name="tags" label={t('field.tags')} rules={toRules(rules.tags())}>
        <Select mode="tags" tokenSeparators={[',']} open={false} suffixIcon={null} />
      </Form.Item>
      <Form.Item name="website" label={t('field.website')} rules={toRules(rules.url())}>
        <Input maxLength={LIMITS.website} placeholder="https://" />
      </Form.Item>
      <Form.Item name="notes" label={t('field.notes')} rules={toRules(rules.maxLength(LIMITS.notes))}>
        <Input.TextArea rows={4} maxLength={LIMITS.notes} />
      </Form.Item>
    </Form>
  );
}
