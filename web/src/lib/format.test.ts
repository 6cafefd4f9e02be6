import { formatDate, formatDateTime, formatMoney, formatNumber, toMinor, toMajor, daysUntil } from './format';

describe('format', () => {
  it('formats money from minor units per locale and currency', () => {
    expect(formatMoney(123456, 'CNY', 'en')).toBe('CN¥1,234.56');
    expect(formatMoney(123456, 'CNY', 'zh-CN')).toBe('¥1,234.56');
    expect(formatMoney(99, 'USD', 'en')).toBe('$0.99');
    expect(formatMoney(150000, 'EUR', 'en')).toBe('€1,500.00');
    expect(formatMoney(null, 'EUR', 'en')).toBe('—');
  });

  it('converts between major and minor units', () => {
    expect(toMinor(12.34, 'CNY')).toBe(1234);
    expect(toMajor(1234, 'USD')).toBe(12.34);
  });

  it('formats numbers, with a fast path for small integers', () => {
    expect(formatNumber(7, 'en')).toBe('7');
    expect(formatNumber(12345, 'en')).toBe('12,345');
    expect(formatNumber(undefined, 'en')).toBe('—');
  });

  it('formats dates and times as Intl does for each UI language, without Intl', () => {
    const at = [Date.UTC(2026, 10, 26, 3, 5), Date.UTC(2025, 0, 1, 15, 30), Date.UTC(2024, 1, 29, 23, 59)];
    for (const locale of ['en', 'zh-CN']) {
      for (const ms of at) {
        expect(formatDate(ms, locale)).toBe(new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric' }).format(ms));
        expect(formatDateTime(ms, locale)).toBe(
          new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(ms),
        );
      }
    }
    expect(formatDate(Date.UTC(2026, 10, 26), 'zh-CN')).toMatch(/^2026年11月2[56]日$/);
    expect(formatDate(null, 'en')).toBe('—');
    expect(formatDateTime(undefined, 'zh-CN')).toBe('—');
  });

  it('counts days until a time', () => {
    expect(daysUntil(86_400_000 * 3, 0)).toBe(3);
    // Calendar days, not rounded-up spans of 24 hours: the same day counts the same at any hour.
    const now = new Date(2026, 10, 27, 23, 0).getTime();
    expect(daysUntil(new Date(2026, 10, 29, 9, 0).getTime(), now)).toBe(2);
    expect(daysUntil(new Date(2026, 11, 3, 0, 30).getTime(), now)).toBe(6);
    expect(daysUntil(new Date(2026, 11, 3, 23, 30).getTime(), now)).toBe(6);
    expect(daysUntil(new Date(2026, 10, 27, 8, 0).getTime(), now)).toBe(0);
  });
});
