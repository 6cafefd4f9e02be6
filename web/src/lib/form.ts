// Bridges lib/validation rules and problem+json field errors to antd forms.
import { useMemo } from 'react';
import type { FormInstance, Rule } from 'antd/es/form';
import { ApiError } from '@/lib/api-client';
import { useI18n } from '@/lib/i18n/i18n';
import type { Validator } from '@/lib/validation';

/** Turns validators into antd rules with translated messages. */
export function useRules() {
  const { t } = useI18n();
  return useMemo(
    () =>
      (...validators: Validator[]): Rule[] =>
        validators.map((validate) => ({
          validator: async (_: unknown, value: unknown) => {
            const r = validate(value);
            if (r) throw new Error(t(r.key, r.vars));
          },
        })),
    [t],
  );
}

/** Names of the fields the form has (registered Form.Items), dotted for nested names. */
function fieldNames(form: FormInstance): Set<string> {
  return new Set(form.getFieldsError().map((f) => (Array.isArray(f.name) ? f.name.join('.') : String(f.name))));
}

/**
 * Shows the server's field errors next to the fields. Returns true when at least one
 * error matched a field of the form (others are left to the caller).
 */
export function applyServerErrors(form: FormInstance, error: unknown): boolean {
  if (!(error instanceof ApiError) || error.fieldErrors.length === 0) return false;
  const names = fieldNames(form);
  const fields = error.fieldErrors
    .filter((e) => names.has(e.field))
    .map((e) => ({ name: e.field, errors: [e.message || e.code] }));
  if (fields.length > 0) form.setFields(fields);
  return fields.length > 0;
}

/** Server field errors that did not match a form field, as "field: message" lines. */
export function unmatchedServerErrors(form: FormInstance, error: unknown): string[] {
  if (!(error instanceof ApiError)) return [];
  const names = fieldNames(form);
  return error.fieldErrors.filter((e) => !names.has(e.field)).map((e) => `${e.field}: ${e.message || e.code}`);
}
