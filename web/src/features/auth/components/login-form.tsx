import { useState } from 'react';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Button from 'antd/es/button';
import Alert from 'antd/es/alert';
import { ApiError } from '@/lib/api-client';
import { useI18n, type MessageKey } from '@/lib/i18n/i18n';
import { applyServerErrors, useRules } from '@/lib/form';
import { LIMITS, rules } from '@/lib/validation';
import { useLogin, type LoginInput } from '@/features/auth/api/auth';

/** The message for a failed login; exported for its test. */
export function loginErrorMessage(error: unknown, t: (k: MessageKey, v?: Record<string, string | number>) => string): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return t('auth.badCredentials');
    if (error.status === 429) {
      const seconds = error.retryAfter ?? 0;
      if (error.slug === 'locked-out') {
        return seconds > 0 ? t('auth.lockedOut', { minutes: Math.max(1, Math.ceil(seconds / 60)) }) : t('auth.lockedOutNoTime');
      }
      return t('auth.throttled', { seconds: Math.max(1, seconds) });
    }
    if (error.status === 0) return t('app.networkError');
    return error.problem.detail || error.problem.title || t('app.error');
  }
  return t('app.error');
}

export function LoginForm({ onSuccess, notice }: { onSuccess: () => void; notice?: string }) {
  const { t } = useI18n();
  const toRules = useRules();
  const [form] = Form.useForm<LoginInput>();
  const login = useLogin();
  const [error, setError] = useState<string | null>(null);

  const submit = async (values: LoginInput) => {
    setError(null);
    try {
      await login.mutateAsync({ email: values.email.trim(), password: values.password });
      onSuccess();
    } catch (e) {
      if (!applyServerErrors(form, e) || (e instanceof ApiError && e.status !== 422)) setError(loginErrorMessage(e, t));
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} disabled={login.isPending}>
      {notice && !error ? <Alert type="info" showIcon title={notice} style={{ marginBottom: 16 }} /> : null}
      {error ? <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 16 }} /> : null}
      <Form.Item name="email" label={t('field.email')} rules={toRules(rules.required(), rules.email())}>
        <Input autoComplete="username" type="email" autoFocus maxLength={LIMITS.email} />
      </Form.Item>
      <Form.Item name="password" label={t('field.password')} rules={toRules(rules.required(), rules.maxLength(LIMITS.passwordMax))}>
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" block loading={login.isPending}>
        {t('auth.submit')}
      </Button>
    </Form>
  );
}
