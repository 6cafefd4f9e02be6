// Locale-aware formatting of money, numbers and dates. Number formatters are cached per locale/currency.
import dayjs from 'dayjs';
const moneyFormats = new Map<string, Intl.NumberFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

/** Digits after the decimal point of a currency's minor unit (2 for CNY, USD, EUR). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function toMajor(minor: number, currency: string): number {
  return minor / 10 ** minorDigits(currency);
}

export function toMinor(major: number, currency: string): number {
  return Math.round(major * 10 ** minorDigits(currency));
}

export function formatMoney(minor: number | null | undefined, currency: string, locale: string, compact = false): string {
  if (minor === null || minor === undefined) return '—';
  const key = `${locale}|${currency}|${compact}`;
  let f = moneyFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      ...(compact ? { notation: 'compact', maximumFractionDigits: 1 } : {}),
    });
    moneyFormats.set(key, f);
  }
  return f.format(toMajor(minor, currency));
}

export function formatNumber(n: number | null | undefined, locale: string): string {
  if (n === null || n === undefined) return '—';
  // Small integers read the same in every supported locale; skipping Intl here keeps the
  // first paint of long lists from paying for number-format setup.
  if (Number.isInteger(n) && Math.abs(n) < 1000) return String(n);
  let f = numberFormats.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale);
    numberFormats.set(locale, f);
  }
  return f.format(n);
}

// Dates go through dayjs (antd's date library, already in the app) rather than Intl.DateTimeFormat:
// a page's first DateTimeFormat loads ICU's calendar data, a long task (100–200 ms measured on the
// bench machine, four times that on Lighthouse's phone) that the customer list paid in its first
// paint. The patterns give what Intl gives for the two languages of the UI (see format.test.ts).
const DATE_PATTERNS: Record<string, { date: string; dateTime: string }> = {
  en: { date: 'MMM D, YYYY', dateTime: 'MMM D, YYYY, hh:mm A' },
  'zh-CN': { date: 'YYYY年M月D日', dateTime: 'YYYY年M月D日 HH:mm' },
};

function formatWith(ms: number | null | undefined, locale: string, kind: 'date' | 'dateTime'): string {
  if (ms === null || ms === undefined) return '—';
  const patterns = DATE_PATTERNS[locale] ?? DATE_PATTERNS.en!;
  // English month names are dayjs's built-in; the Chinese patterns are numeric.
  return dayjs(ms).locale('en').format(patterns[kind]);
}

export function formatDate(ms: number | null | undefined, locale: string): string {
  return formatWith(ms, locale, 'date');
}

export function formatDateTime(ms: number | null | undefined, locale: string): string {
  return formatWith(ms, locale, 'dateTime');
}

// Calendar days from today to the day of `ms` (local time): every licence that ends on the same
// day shows the same count, whatever its hour.
export function daysUntil(ms: number, now = Date.now()): number {
  return dayjs(ms).startOf('day').diff(dayjs(now).startOf('day'), 'day');
}
