// The frame of every signed-in screen, deliberately free of antd components: it is in the entry
// chunk, and keeping it to plain elements keeps the first load small and the main thread free.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { NavLink, useNavigate, useNavigation, useLocation } from 'react-router';
import { useI18n, LOCALES, type MessageKey } from '@/lib/i18n/i18n';
import type { Access, AccessKey, SessionUser } from '@/lib/access';
import { useLogout } from '@/features/auth/api/auth';
import { preloadAntdShell } from '@/app/layout/antd-shell-lazy';
import './layout.css';

type NavItem = { to: string; label: MessageKey; access: AccessKey; icon: string; end?: boolean };

const NAV: NavItem[] = [
  { to: '/', label: 'nav.dashboard', access: 'canViewDashboard', icon: 'M3 13h8V3H3v10zm0 8h8v-6H3v6zm10 0h8V11h-8v10zm0-18v6h8V3h-8z', end: true },
  { to: '/customers', label: 'nav.customers', access: 'canViewCustomers', icon: 'M16 11c1.66 0 3-1.34 3-3s-1.34-3-3-3-3 1.34-3 3 1.34 3 3 3zm-8 0c1.66 0 3-1.34 3-3S9.66 5 8 5 5 6.34 5 8s1.34 3 3 3zm0 2c-2.33 0-7 1.17-7 3.5V19h14v-2.5C15 14.17 10.33 13 8 13zm8 0c-.29 0-.62.02-.97.05 1.16.84 1.97 1.97 1.97 3.45V19h6v-2.5c0-2.33-4.67-3.5-7-3.5z', end: true },
  { to: '/licenses', label: 'nav.licenses', access: 'canViewLicenses', icon: 'M12.65 10A5.99 5.99 0 0 0 7 6c-3.31 0-6 2.69-6 6s2.69 6 6 6a5.99 5.99 0 0 0 5.65-4H17v4h4v-4h2v-4H12.65zM7 14c-1.1 0-2-.9-2-2s.9-2 2-2 2 .9 2 2-.9 2-2 2z' },
  { to: '/pipeline', label: 'nav.pipeline', access: 'canViewPipeline', icon: 'M4 5h4v14H4zm6 0h4v9h-4zm6 0h4v5h-4z' },
  { to: '/customers/trash', label: 'nav.trash', access: 'canCreateCustomers', icon: 'M6 19c0 1.1.9 2 2 2h8c1.1 0 2-.9 2-2V7H6v12zM19 4h-3.5l-1-1h-5l-1 1H5v2h14V4z' },
  { to: '/admin/users', label: 'nav.users', access: 'canViewUsers', icon: 'M12 1 3 5v6c0 5.55 3.84 10.74 9 12 5.16-1.26 9-6.45 9-12V5l-9-4z' },
  { to: '/admin/backups', label: 'nav.backups', access: 'canManageBackups', icon: 'M19.35 10.04A7.49 7.49 0 0 0 12 4C9.11 4 6.6 5.64 5.35 8.04A5.994 5.994 0 0 0 0 14c0 3.31 2.69 6 6 6h13c2.76 0 5-2.24 5-5 0-2.64-2.05-4.78-4.65-4.96zM17 13l-5 5-5-5h3V9h4v4h3z' },
  { to: '/audit', label: 'nav.audit', access: 'canViewAudit', icon: 'M14 2H6c-1.1 0-2 .9-2 2v16c0 1.1.9 2 2 2h12c1.1 0 2-.9 2-2V8l-6-6zm2 16H8v-2h8v2zm0-4H8v-2h8v2zm-3-5V3.5L18.5 9H13z' },
];

function Icon({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path d={d} fill="currentColor" />
    </svg>
  );
}

function UserMenu({ user }: { user: SessionUser }) {
  const { t, tEnum } = useI18n();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const navigate = useNavigate();
  const logoutMutation = useLogout();

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  const go = (to: string) => {
    setOpen(false);
    navigate(to);
  };

  const logout = async () => {
    setOpen(false);
    // The session is forgotten locally either way; the gate then sends us to the login page.
    await logoutMutation.mutateAsync().catch(() => undefined);
  };

  return (
    <div className="user-menu" ref={ref}>
      <button type="button" className="user-btn" aria-haspopup="menu" aria-expanded={open} aria-label={t('nav.userMenu')} onClick={() => setOpen((o) => !o)}>
        <span className="avatar" aria-hidden="true">{user.name.slice(0, 1).toUpperCase()}</span>
        <span className="user-name">{user.name}</span>
      </button>
      {open ? (
        <div className="menu-pop" role="menu">
          <div className="menu-head">
            <strong>{user.name}</strong>
            <span>{user.email}</span>
            <span>{tEnum('role', user.role)}</span>
          </div>
          <button type="button" role="menuitem" onClick={() => go('/account/profile')}>{t('user.profile')}</button>
          <button type="button" role="menuitem" onClick={() => go('/account/password')}>{t('user.password')}</button>
          <button type="button" role="menuitem" onClick={() => go('/account/tokens')}>{t('user.tokens')}</button>
          <button type="button" role="menuitem" className="danger" onClick={logout}>{t('user.logout')}</button>
        </div>
      ) : null}
    </div>
  );
}

export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <div className="lang-switch" role="group" aria-label={t('nav.language')}>
      {LOCALES.map((l) => (
        <button key={l} type="button" aria-pressed={locale === l} onClick={() => setLocale(l)} lang={l}>
          {l === 'zh-CN' ? '中文' : 'English'}
        </button>
      ))}
    </div>
  );
}

export function AppLayout({ user, access, children }: { user: SessionUser; access: Access; children: ReactNode }) {
  const { t } = useI18n();
  const navigation = useNavigation();
  const location = useLocation();
  const [navOpen, setNavOpen] = useState(false);
  useEffect(() => setNavOpen(false), [location.pathname]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">{t('app.skipToContent')}</a>
      <aside className={navOpen ? 'side open' : 'side'}>
        <div className="brand">salesdb</div>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((n) => access[n.access]).map((n) => (
              <li key={n.to}>
                <NavLink
                  to={n.to}
                  end={n.end}
                  className={({ isActive }) => (isActive ? 'nav-link active' : 'nav-link')}
                  onMouseEnter={preloadAntdShell}
                  onFocus={preloadAntdShell}
                  onTouchStart={preloadAntdShell}
                >
                  <Icon d={n.icon} />
                  <span>{t(n.label)}</span>
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </aside>
      <div className="main-col">
        <header className="top">
          <button type="button" className="burger" aria-label={t('nav.menu')} aria-expanded={navOpen} onClick={() => setNavOpen((o) => !o)}>
            <Icon d="M3 18h18v-2H3v2zm0-5h18v-2H3v2zm0-7v2h18V6H3z" />
          </button>
          <div className="top-spacer" />
          <LanguageSwitch />
          <UserMenu user={user} />
        </header>
        {navigation.state === 'loading' ? <div className="nav-progress" role="progressbar" aria-label={t('app.loading')} /> : null}
        <main id="main" className="content">{children}</main>
      </div>
    </div>
  );
}
