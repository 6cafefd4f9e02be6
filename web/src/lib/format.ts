// Locale-aware formatting of money, numbers and dates. Formatters are cached per locale/currency.
const moneyFormats = new Map<string, Intl.NumberFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

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

function dateFormat(locale: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${withTime}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, withTime
      ? { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }
      : { year: 'numeric', month: 'short', day: 'numeric' });
    dateFormats.set(key, f);
  }
  return f;
}

export function formatDate(ms: number | null | undefined, locale: string): string {
  if (ms === null || ms === undefined) return '—';
  return dateFormat(locale, false).format(new Date(ms));
}

export function formatDateTime(ms: number | null | undefined, locale: string): string {
  if (ms === null || ms === undefined) return '—';
  return dateFormat(locale, true).format(new Date(ms));
}

export function daysUntil(ms: number, now = Date.now()): number {
  return Math.ceil((ms - now) / 86_400_000);
}
