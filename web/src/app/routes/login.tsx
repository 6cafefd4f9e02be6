import { useNavigate, useSearchParams, Navigate } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '@/lib/i18n/i18n';
import { sessionQueryOptions } from '@/lib/session';
import { LoginForm } from '@/features/auth/components/login-form';
import { LanguageSwitch } from '@/app/layout/app-layout';
import { WithAntd } from '@/app/layout/antd-shell-lazy';
import './login.css';

/** Only same-site paths are followed after login (no open redirect). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) return '/';
  return next;
}

export default function LoginRoute() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  const { data } = useQuery(sessionQueryOptions);
  if (data?.user) return <Navigate to={next} replace />;

  const notice = params.get('expired') ? t('auth.sessionExpired') : params.get('loggedOut') ? t('auth.loggedOut') : undefined;
  return (
    <div className="login-page">
      <div className="login-lang">
        <LanguageSwitch />
      </div>
      <main className="login-card">
        <h1>{t('auth.title')}</h1>
        <p className="muted">{t('auth.subtitle')}</p>
        <WithAntd fallback={<div className="sk" style={{ height: 200 }} />}>
          <LoginForm notice={notice} onSuccess={() => navigate(next, { replace: true })} />
        </WithAntd>
      </main>
    </div>
  );
}
