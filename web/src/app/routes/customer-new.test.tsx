import { render, screen } from '@testing-library/react';
import { App } from '@/app/app';
import { createAppRouter } from '@/app/router';
import { createTestQueryClient, json, route, stubFetch } from '@/testing/test-utils';
import { setLocale } from '@/lib/i18n/i18n';

const me = (role: string) => ({
  user: { id: 1, email: 'u@example.com', name: 'U', role, region: 'north_china', disabled: false, created_at: 0, updated_at: 0, version: 1 },
  csrf_token: 'c',
});

// The whole app at /customers/new: the route carries canCreateCustomers (router.tsx), which the gate checks.
function openApp(role: string) {
  window.history.replaceState(null, '', '/customers/new');
  stubFetch(
    route('GET', '/api/v1/auth/me', () => json(me(role))),
    route('GET', /^\/api\/v1\/customers\?/, () => json({ items: [], next_cursor: null })),
    route('GET', /^\/api\/v1\/users\?/, () => json({ items: [], next_cursor: null })),
  );
  const queryClient = createTestQueryClient();
  const router = createAppRouter(queryClient);
  render(<App queryClient={queryClient} router={router} />);
  return router;
}

describe('customer new route', () => {
  beforeEach(() => setLocale('en'));
  afterEach(() => {
    vi.unstubAllGlobals();
    window.history.replaceState(null, '', '/');
  });

  it('gives a viewer who types the URL the 403 state and no form', async () => {
    const router = openApp('viewer');
    expect(await screen.findByRole('heading', { name: '403' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Name')).toBeNull();
    router.dispose();
  });

  it('opens the form for a sales rep, in the user’s own region', async () => {
    const router = openApp('sales_rep');
    expect(await screen.findByLabelText('Name', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: '403' })).toBeNull();
    expect(screen.getByTitle('North China')).toBeInTheDocument();
    router.dispose();
  });
});
