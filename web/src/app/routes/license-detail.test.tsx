import { screen } from '@testing-library/react';
import LicenseDetailRoute from './license-detail';
import { json, renderWithProviders, route, stubFetch } from '@/testing/test-utils';
import { setLocale } from '@/lib/i18n/i18n';
import type { License } from '@/features/licenses/api/licenses';

const REP = 7;
const me = { user: { id: REP, email: 'rep@example.com', name: 'Rep', role: 'sales_rep', region: null, disabled: false, created_at: 0, updated_at: 0, version: 1 }, csrf_token: 'c' };

const license = (customerOwner: number, extra: Partial<License> = {}): License => ({
  id: 9, customer_id: 3, customer_name: 'Acme', customer_owner_id: customerOwner, key: 'DIFY-AAAA-BBBB-CCCC-0009', edition: 'team',
  seats: 10, annual_value_minor: 100000, currency: 'CNY', starts_at: 1767225600000, expires_at: 1798761600000, status: 'active',
  deployment: 'cloud', version: 1, created_at: 0, updated_at: 0, ...extra,
});

function show(l: License) {
  stubFetch(route('GET', '/api/v1/auth/me', () => json(me)), route('GET', '/api/v1/licenses/9', () => json(l)));
  renderWithProviders(<LicenseDetailRoute />, { path: '/licenses/:id', route: '/licenses/9' });
}

describe('licence detail route', () => {
  beforeEach(() => setLocale('en'));
  afterEach(() => vi.unstubAllGlobals());

  it('offers a sales rep the licence actions on their own customer', async () => {
    show(license(REP));
    expect(await screen.findByRole('button', { name: 'Renew' })).toBeInTheDocument();
  });

  it('offers a sales rep no actions on another rep’s customer (the server would refuse them)', async () => {
    show(license(REP + 1));
    expect(await screen.findByText('DIFY-AAAA-BBBB-CCCC-0009')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Renew' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Revoke' })).not.toBeInTheDocument();
  });

  it('shows why a licence was revoked', async () => {
    show(license(REP, { status: 'revoked', revoked_reason: 'Customer moved to self-hosted' }));
    expect(await screen.findByText('Customer moved to self-hosted')).toBeInTheDocument();
  });
});
