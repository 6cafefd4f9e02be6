import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { LoginForm } from './login-form';
import { json, problem, renderWithProviders, route, stubFetch } from '@/testing/test-utils';
import { setLocale } from '@/lib/i18n/i18n';
import { ensureAntdLocale } from '@/app/antd-shell';

const user = { id: 1, email: 'a@example.com', name: 'Admin', role: 'admin', region: null, disabled: false, created_at: 0, updated_at: 0, version: 1 };

describe('LoginForm', () => {
  beforeEach(() => setLocale('en'));
  afterEach(() => vi.unstubAllGlobals());

  async function fill(email = 'a@example.com', password = 'correct horse') {
    await userEvent.type(await screen.findByLabelText('Email'), email);
    await userEvent.type(screen.getByLabelText('Password'), password);
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
  }

  it('signs in and reports success', async () => {
    const reqs = stubFetch(route('POST', '/api/v1/auth/login', () => json({ user, csrf_token: 'c' })));
    const onSuccess = vi.fn();
    renderWithProviders(<LoginForm onSuccess={onSuccess} />);
    await fill();
    await waitFor(() => expect(onSuccess).toHaveBeenCalled());
    expect(reqs[0]!.body).toEqual({ email: 'a@example.com', password: 'correct horse' });
  });

  it('validates on the client before calling the server', async () => {
    const reqs = stubFetch();
    renderWithProviders(<LoginForm onSuccess={() => {}} />);
    await fill('not-an-email', 'x');
    expect(await screen.findByText('Enter a valid email address')).toBeInTheDocument();
    expect(reqs).toHaveLength(0);
  });

  it('says wrong credentials on 401', async () => {
    stubFetch(route('POST', '/api/v1/auth/login', () => problem(401, 'unauthenticated')));
    renderWithProviders(<LoginForm onSuccess={() => {}} />);
    await fill();
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong email or password.');
  });

  it('shows the lockout message with the wait from Retry-After', async () => {
    stubFetch(route('POST', '/api/v1/auth/login', () => problem(429, 'locked-out', {}, { 'Retry-After': '600' })));
    renderWithProviders(<LoginForm onSuccess={() => {}} />);
    await fill();
    expect(await screen.findByRole('alert')).toHaveTextContent('This account is locked; try again in 10 minute(s).');
  });

  it('speaks Chinese when asked', async () => {
    setLocale('zh-CN');
    await ensureAntdLocale('zh-CN');
    stubFetch(route('POST', '/api/v1/auth/login', () => problem(401, 'unauthenticated')));
    renderWithProviders(<LoginForm onSuccess={() => {}} />);
    await userEvent.type(await screen.findByLabelText('邮箱'), 'a@example.com');
    await userEvent.type(screen.getByLabelText('密码'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: /登\s*录/ }));
    expect(await screen.findByRole('alert')).toHaveTextContent('邮箱或密码错误。');
  });
});
