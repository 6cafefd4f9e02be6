// Client-side validation rules, the same limits the server applies (docs/api.md): a form
// fails here first, and the server's own field errors (problem+json) are shown the same way.
import type { MessageKey, Vars } from '@/lib/i18n/i18n';

export type RuleResult = { key: MessageKey; vars?: Vars } | null;
export type Validator<T = unknown> = (value: T) => RuleResult;

export const LIMITS = {
  passwordMin: 10,
  passwordMax: 200,
  name: 200,
  email: 254,
  website: 500,
  notes: 10_000,
  tag: 50,
  tags: 20,
  title: 200,
  phone: 50,
  subject: 200,
  body: 10_000,
  reason: 500,
  tokenName: 100,
  seatsMax: 1_000_000,
} as const;

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const URL_RE = /^https?:\/\/[^\s]+$/i;

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

export const rules = {
  required: (): Validator => (v) => (isBlank(v) || (Array.isArray(v) && v.length === 0) ? { key: 'validation.required' } : null),
  maxLength: (max: number): Validator => (v) =>
    typeof v === 'string' && v.length > max ? { key: 'validation.maxLength', vars: { max } } : null,
  email: (): Validator => (v) =>
    isBlank(v) ? null : typeof v === 'string' && EMAIL_RE.test(v.trim()) && v.length <= LIMITS.email ? null : { key: 'validation.email' },
  password: (): Validator => (v) =>
    typeof v === 'string' && v.length >= LIMITS.passwordMin && v.length <= LIMITS.passwordMax
      ? null
      : { key: 'validation.passwordLength' },
  url: (): Validator => (v) =>
    isBlank(v) ? null : typeof v === 'string' && URL_RE.test(v.trim()) && v.length <= LIMITS.website ? null : { key: 'validation.url' },
  min: (min: number): Validator => (v) =>
    typeof v === 'number' && v < min ? { key: 'validation.min', vars: { min } } : null,
  range: (min: number, max: number): Validator => (v) =>
    typeof v === 'number' && (v < min || v > max) ? { key: 'validation.range', vars: { min, max } } : null,
  tags: (): Validator => (v): RuleResult => {
    if (!Array.isArray(v)) return null;
    if (v.length > LIMITS.tags) return { key: 'validation.range', vars: { min: 0, max: LIMITS.tags } };
    return v.some((t) => typeof t !== 'string' || t.length > LIMITS.tag) ? { key: 'validation.maxLength', vars: { max: LIMITS.tag } } : null;
  },
};

/** Runs validators in order and returns the first failure. */
export function check(value: unknown, ...validators: Validator[]): RuleResult {
  for (const v of validators) {
    const r = v(value);
    if (r) return r;
  }
  return null;
}
