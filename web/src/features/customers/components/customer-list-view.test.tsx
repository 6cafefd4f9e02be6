import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CustomerListView, ownerOptions, type OwnerCandidate } from './customer-list-view';
import { json, renderWithProviders, route, stubFetch } from '@/testing/test-utils';
import { setLocale, translateEnum } from '@/lib/i18n/i18n';
import { sessionKeys } from '@/lib/session';
import { createTestQueryClient } from '@/testing/test-utils';
import type { Customer } from '@/features/customers/api/customers';

const customer = (id: number, over: Partial<Customer> = {}): Customer => ({
  id, name: `Customer ${id}`, industry: 'software', region: 'east_china', tier: 'key', status: 'active', owner_id: 1, owner_name: 'Ann',
  tags: ['ai'], website: null, notes: null, active_license_count: 2, version: 1, created_at: 0, updated_at: 0, created_by: 1, updated_by: 1,
  deleted_at: null, ...over,
});

function setup(user: { id: number; role: string } = { id: 1, role: 'viewer' }) {
  const qc = createTestQueryClient();
  qc.setQueryData(sessionKeys.me, { user: { ...user, email: 'u@example.com', name: 'U', region: null, disabled: false, created_at: 0, updated_at: 0, version: 1 }, csrf_token: 'c' });
  return qc;
}

describe('CustomerListView', () => {
  // jsdom lays nothing out: the table sizes its first rows from the window (1024 × 768 in jsdom).
  beforeEach(() => {
    setLocale('en');
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  it('shows the first page from the server and puts filters in the URL and the request', async () => {
    const reqs = stubFetch(
      route('GET', /^\/api\/v1\/customers\?/, (r) => {
        const q = new URL(r.url, 'http://x').searchParams;
        const rows = q.get('status') === 'lead' ? [customer(9, { name: 'Lead Co', status: 'lead' })] : [customer(1), customer(2)];
        return json({ items: rows, next_cursor: null });
      }),
      route('GET', /^\/api\/v1\/customers\/\d+$/, () => json({ ...customer(1), contacts: [], licenses: [], activities: [], opportunities: [] })),
    );
    const { router } = renderWithProviders(<CustomerListView />, { path: '/customers', route: '/customers', queryClient: setup() });
    const table = await screen.findByRole('table', { name: 'Customers' });
    expect(await within(table).findByRole('link', { name: 'Customer 1' })).toHaveAttribute('href', '/customers/1');
    expect(reqs[0]!.url).toContain('sort=-updated_at');
    expect(reqs[0]!.url).toContain('limit=100');

    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'lead');
    expect(await within(table).findByText('Lead Co')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?status=lead');
    expect(reqs.at(-1)!.url).toContain('status=lead');

    // Hovering a row prefetches its detail.
    fireEvent.mouseEnter(within(table).getByText('Lead Co').closest('[role="row"]')!);
    await waitFor(() => expect(reqs.some((r) => r.url.endsWith('/api/v1/customers/9'))).toBe(true));
  });

  it('renders only the rows that fit the box and six around them, not the whole page', async () => {
    stubFetch(route('GET', /^\/api\/v1\/customers\?/, () => json({ items: Array.from({ length: 60 }, (_, i) => customer(i + 1)), next_cursor: null })));
    renderWithProviders(<CustomerListView />, { path: '/customers', route: '/customers', queryClient: setup() });
    const table = await screen.findByRole('table', { name: 'Customers' });
    const dataRows = () => within(table).queryAllByRole('row').filter((r) => r.hasAttribute('aria-rowindex'));
    // jsdom's window is 768 px high: the box is 518 px, 12 rows of 44 px, then the overscan of 6.
    await waitFor(() => expect(dataRows()).toHaveLength(18));
    expect(within(table).getByText('Customer 1')).toBeInTheDocument();
    expect(within(table).queryByText('Customer 19')).toBeNull();
  });

  it('offers no create button to a viewer, and one to a sales rep', async () => {
    stubFetch(route('GET', /^\/api\/v1\/customers\?/, () => json({ items: [], next_cursor: null })));
    const { unmount } = renderWithProviders(<CustomerListView />, { path: '/customers', route: '/customers', queryClient: setup() });
    expect(await screen.findByText('No customers match these filters.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New customer' })).toBeNull();
    unmount();
    renderWithProviders(<CustomerListView />, { path: '/customers', route: '/customers', queryClient: setup({ id: 3, role: 'sales_rep' }) });
    expect(await screen.findByRole('button', { name: 'New customer' })).toBeInTheDocument();
  });
});

describe('ownerOptions', () => {
  const person = (id: number, name: string, role: string, region: string | null, disabled = false): OwnerCandidate => ({
    id, name, role, region, disabled, email: `${name.split(' ')[0]!.toLowerCase()}${id}@example.com`,
  });
  const company = [
    person(1, 'Administrator', 'admin', null),
    person(2, 'Mia Ma', 'sales_manager', 'north_china'),
    person(3, 'Li Wei', 'sales_rep', 'north_china'),
    person(4, 'Li Wei', 'sales_rep', 'north_china'),
    person(5, 'Li Wei', 'sales_rep', 'east_china'),
    person(6, 'Sam Su', 'sales_manager', 'east_china'),
    person(7, 'Fay Fu', 'finance', 'north_china'),
    person(8, 'Vic Vo', 'viewer', 'north_china'),
    person(9, 'Aud Au', 'auditor', null),
    person(10, 'Gone Gu', 'sales_rep', 'north_china', true),
  ];

  it("offers a sales manager the active sales reps and managers of their own region, each with its region, e-mail where names clash", () => {
    const en = (group: string, value: string | null) => translateEnum('en', group, value);
    expect(ownerOptions(company, { role: 'sales_manager', region: 'north_china' }, en)).toEqual([
      { value: 3, label: 'Li Wei · North China · li3@example.com' },
      { value: 4, label: 'Li Wei · North China · li4@example.com' },
      { value: 2, label: 'Mia Ma · North China' },
    ]);
    const zh = (group: string, value: string | null) => translateEnum('zh-CN', group, value);
    expect(ownerOptions(company, { role: 'sales_manager', region: 'east_china' }, zh).map((o) => o.value)).toEqual([5, 6]);
    expect(ownerOptions(company, { role: 'sales_manager', region: 'east_china' }, zh)[0]!.label).toBe(`Li Wei · ${translateEnum('zh-CN', 'region', 'east_china')}`);
  });

  it('offers an admin the sales people of every region and the admins', () => {
    const en = (group: string, value: string | null) => translateEnum('en', group, value);
    expect(ownerOptions(company, { role: 'admin', region: null }, en).map((o) => o.label)).toEqual([
      'Administrator',
      'Li Wei · East China',
      'Li Wei · North China · li3@example.com',
      'Li Wei · North China · li4@example.com',
      'Mia Ma · North China',
      'Sam Su · East China',
    ]);
  });

  it('gives the owner filter those choices', async () => {
    stubFetch(route('GET', /^\/api\/v1\/customers\?/, () => json({ items: [], next_cursor: null })));
    const owners = ownerOptions(company, { role: 'sales_manager', region: 'north_china' }, (g, v) => translateEnum('en', g, v));
    const { router } = renderWithProviders(<CustomerListView owners={owners} />, { path: '/customers', route: '/customers', queryClient: setup({ id: 2, role: 'sales_manager' }) });
    const filter = await screen.findByRole('combobox', { name: 'Owner' });
    expect(within(filter).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'Owner', 'Li Wei · North China · li3@example.com', 'Li Wei · North China · li4@example.com', 'Mia Ma · North China',
    ]);
    await userEvent.selectOptions(filter, '4');
    expect(router.state.location.search).toBe('?owner_id=4');
  });
});
