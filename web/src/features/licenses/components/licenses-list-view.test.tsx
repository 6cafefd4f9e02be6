import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { LicensesListView } from './licenses-list-view';
import { json, renderWithProviders, route, stubFetch } from '@/testing/test-utils';
import { setLocale } from '@/lib/i18n/i18n';
import type { License } from '@/features/licenses/api/licenses';

const license = (id: number, status: License['status']): License => ({
  id,
  customer_id: 7,
  customer_name: 'Acme',
  customer_owner_id: 1,
  key: `DIFY-AAAA-BBBB-CCCC-000${id}`,
  edition: 'team',
  seats: 10,
  annual_value_minor: 100000,
  currency: 'CNY',
  starts_at: 1767225600000,
  expires_at: 1798761600000,
  status,
  deployment: 'cloud',
  version: 1,
  created_at: 1767225600000,
  updated_at: 1767225600000,
});

describe('LicensesListView', () => {
  beforeEach(() => setLocale('en'));

  it('opens on active licences, the soonest to expire first; "All" lists every status', async () => {
    const reqs = stubFetch(
      route('GET', '/api/v1/licenses', (req) => {
        const q = new URL(req.url, 'http://x').searchParams;
        return json({ items: q.get('status') === 'active' ? [license(1, 'active')] : [license(1, 'active'), license(2, 'expired')], next_cursor: null });
      }),
    );
    const { router } = renderWithProviders(<LicensesListView />, { path: '/licenses', route: '/licenses' });
    const table = await screen.findByRole('table', { name: 'Licences' });
    expect(await within(table).findByText('DIFY-AAAA-BBBB-CCCC-0001')).toBeInTheDocument();
    const first = new URL(reqs[0]!.url, 'http://x').searchParams;
    expect(first.get('status')).toBe('active');
    expect(first.get('sort')).toBe('expires_at');
    expect(router.state.location.search).toBe('');

    await userEvent.click(screen.getByRole('combobox', { name: 'Status' }));
    await userEvent.click(await screen.findByTitle('All'));
    expect(await within(table).findByText('DIFY-AAAA-BBBB-CCCC-0002')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?status=all');
    await waitFor(() => expect(reqs.some((r) => r.url.includes('/api/v1/licenses?') && !r.url.includes('status='))).toBe(true));
  });

  it('searches a key whatever the licence’s status', async () => {
    const reqs = stubFetch(route('GET', '/api/v1/licenses', () => json({ items: [license(2, 'expired')], next_cursor: null })));
    renderWithProviders(<LicensesListView />, { path: '/licenses', route: '/licenses?key=DIFY-AAAA-BBBB-CCCC-0002' });
    expect(await screen.findByText('DIFY-AAAA-BBBB-CCCC-0002')).toBeInTheDocument();
    const q = new URL(reqs[0]!.url, 'http://x').searchParams;
    expect(q.get('key')).toBe('DIFY-AAAA-BBBB-CCCC-0002');
    expect(q.get('status')).toBeNull();
  });

  it('shows only the error, not "No licences.", when the list cannot load', async () => {
    let up = false;
    stubFetch(
      route('GET', '/api/v1/licenses', () => {
        if (!up) throw new TypeError('Failed to fetch');
        return json({ items: [], next_cursor: null });
      }),
    );
    renderWithProviders(<LicensesListView />, { path: '/licenses', route: '/licenses' });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Cannot reach the server. Check your connection and try again.');
    expect(screen.queryByText('Failed to fetch')).not.toBeInTheDocument();
    expect(screen.queryByText('No licences.')).not.toBeInTheDocument();

    up = true;
    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('No licences.')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
