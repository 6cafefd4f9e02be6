// Tiny i18n: two flat dictionaries (en, zh-CN), the current locale in a store that React reads
// through useSyncExternalStore, remembered in localStorage, defaulting to the browser's language.
import { useCallback, useSyncExternalStore } from 'react';
import { en, type MessageKey } from './messages-en';
import { zhCN } from './messages-zh-cn';

export type Locale = 'en' | 'zh-CN';
export const LOCALES: Locale[] = ['zh-CN', 'en'];
const STORAGE_KEY = 'salesdb.locale';
const dictionaries: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

export function detectLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    /* storage may be unavailable */
  }
  const langs = typeof navigator !== 'undefined' ? (navigator.languages ?? [navigator.language]) : [];
  return langs.some((l) => l?.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en';
}

let current: Locale = detectLocale();
const listeners = new Set<() => void>();

export function getLocale(): Locale {
  return current;
}

export function setLocale(locale: Locale) {
  if (locale === current) return;
  current = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    /* ignore */
  }
  document.documentElement.lang = locale;
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export type Vars = Record<string, string | number>;

export function translate(locale: Locale, key: MessageKey, vars?: Vars): string {
  let s = dictionaries[locale][key] ?? en[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** Translate an enum value: tEnum('stage', 'won'); falls back to the raw value. */
export function translateEnum(locale: Locale, group: string, value: string | null | undefined): string {
  if (!value) return '—';
  const key = `enum.${group}.${value}` as MessageKey;
  return dictionaries[locale][key] ?? en[key] ?? value;
}

export function useLocale(): Locale {
  return useSyncExternalStore(subscribe, getLocale, getLocale);
}

export function useI18n() {
  const locale = useLocale();
  const t = useCallback((key: MessageKey, vars?: Vars) => translate(locale, key, vars), [locale]);
  const tEnum = useCallback((group: string, value: string | null | undefined) => translateEnum(locale, group, value), [locale]);
  return { locale, t, tEnum, setLocale };
}

export type { MessageKey };
