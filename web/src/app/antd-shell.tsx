// antd's configuration (theme, locale) and the one error-notification hook-up. Loaded lazily,
// in parallel with the first route, so that the entry chunk carries no antd at all.
import { useEffect, useState, type ReactNode } from 'react';
import ConfigProvider from 'antd/es/config-provider';
import AntdApp from 'antd/es/app';
import dayjs from 'dayjs';
import type { Locale as AntdLocale } from 'antd/es/locale';
import { setErrorReporter, type ApiError } from '@/lib/api-client';
import { getLocale, translate, translateEnum, useI18n, type Locale } from '@/lib/i18n/i18n';

// antd's built-in default is English; Chinese (antd and dayjs) is loaded on demand, once.
const loaded: Partial<Record<Locale, AntdLocale | null>> = { en: null };

export async function ensureAntdLocale(locale: Locale): Promise<AntdLocale | null> {
  const cached = loaded[locale];
  if (cached !== undefined) return cached;
  const [antd] = await Promise.all([import('antd/es/locale/zh_CN'), import('dayjs/locale/zh-cn')]);
  loaded[locale] = antd.default;
  return antd.default;
}

// The font stack is base.css's (it names a Chinese font for each platform, so CJK text never
// falls back glyph by glyph through the system's font search): antd inherits it.
const THEME = { token: { colorPrimary: '#1677ff', borderRadius: 6, fontFamily: 'inherit' } };

function ErrorReporter() {
  const { notification } = AntdApp.useApp();
  useEffect(() => {
    setErrorReporter((error: ApiError) => {
      const locale = getLocale();
      // The title in the user's language by status; the server's detail (English) says the specifics.
      const byStatus = translateEnum(locale, 'problemStatus', String(error.status));
      const title =
        error.status === 0
          ? translate(locale, 'app.networkError')
          : byStatus !== String(error.status)
            ? byStatus
            : error.problem.title || translate(locale, 'app.error');
      const detail = error.problem.detail && error.problem.detail !== title ? error.problem.detail : undefined;
      const rid = error.requestId ? translate(locale, 'app.requestId', { id: error.requestId }) : undefined;
      notification.error({
        title,
        description: [detail, rid].filter(Boolean).join(' · ') || undefined,
        placement: 'bottomRight',
        duration: 6,
      });
    });
    return () => setErrorReporter(null);
  }, [notification]);
  return null;
}

export default function AntdShell({ children }: { children: ReactNode }) {
  const { locale } = useI18n();
  const [antdLocale, setAntdLocale] = useState<AntdLocale | null | undefined>(() => loaded[locale]);

  useEffect(() => {
    let cancelled = false;
    document.documentElement.lang = locale;
    void ensureAntdLocale(locale).then((l) => {
      dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en');
      if (!cancelled) setAntdLocale(l);
    });
    return () => {
      cancelled = true;
    };
  }, [locale]);

  return (
    <ConfigProvider locale={antdLocale ?? undefined} theme={THEME}>
      <AntdApp component={false}>
        <ErrorReporter />
        {children}
      </AntdApp>
    </ConfigProvider>
  );
}
