import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import CustomerEditRoute from './customer-edit';
import { json, renderWithProviders, route, stubFetch } from '@/testing/test-utils';
import { setLocale } from '@/lib/i18n/i18n';
import type { CustomerDetail } from '@/features/customers/api/customers';
import type { User } from '@/features/admin/api/users';

const acme: CustomerDetail = {
  id: 5, name: 'Acme', industry: 'software', region: 'north_china', tier: 'key', status: 'active', owner_id: 30, owner_name: 'Old Owner',
  tags: [], website: null, notes: null, active_license_count: 0, version: 3, created_at: 0, updated_at: 0,
  created_by: 1, updated_by: 1, deleted_at: null, contacts: [], licenses: [], activities: [], opportunities: [],
};

const person = (id: number, name: string, role: User['role'], region: string | null): User => ({
  id, email: `${name.toLowerCase().replace(/ /g, '.')}.${id}@example.com`, name, role, region, disabled: false, created_at: 0, updated_at: 0, version: 1,
});

const me = (user: User) => route('GET', '/api/v1/auth/me', () => json({ user, csrf_token: 'c' }));

function open() {
  return renderWithProviders(<CustomerEditRoute />, { path: '/customers/:id/edit', route: '/customers/5/edit' });
}

describe('customer edit route', () => {
  beforeEach(() => setLocale('en'));
  afterEach(() => vi.unstubAllGlobals());

  it('gives a viewer who types the URL the 403 state and no form', async () => {
    const reqs = stubFetch(me(person(9, 'Vera', 'viewer', null)), route('GET', '/api/v1/customers/5', () => json(acme)));
    open();
    expect(await screen.findByRole('heading', { name: '403' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Name')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
    expect(reqs.some((r) => r.method !== 'GET')).toBe(false);
  });

  it('gives a sales rep the 403 state for a customer they do not own', async () => {
    stubFetch(me(person(7, 'Rep', 'sales_rep', 'north_china')), route('GET', '/api/v1/customers/5', () => json(acme)));
    open();
    expect(await screen.findByRole('heading', { name: '403' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Name')).toBeNull();
  });

  it("opens the form for a sales manager, the owner field offering their region's sales people and the present owner", async () => {
    stubFetch(
      me(person(2, 'Mia Manager', 'sales_manager', 'north_china')),
      route('GET', '/api/v1/customers/5', () => json(acme)),
      route('GET', /^\/api\/v1\/users\?/, () =>
        json({
          items: [
            person(1, 'Administrator', 'admin', null),
            person(2, 'Mia Manager', 'sales_manager', 'north_china'),
            person(3, 'Li Wei', 'sales_rep', 'north_china'),
            person(4, 'Li Wei', 'sales_rep', 'north_china'),
            person(5, 'Li Wei', 'sales_rep', 'east_china'),
            person(6, 'Fay Finance', 'finance', 'north_china'),
          ],
          next_cursor: null,
        }),
      ),
    );
    open();
    expect(await screen.findByLabelText('Name')).toHaveValue('Acme');
    await userEvent.click(screen.getByLabelText('Owner'));
    // (antd's listbox holds only the active option for screen readers; the visible list is its sibling.)
    await screen.findByRole('listbox');
    const shown = [...document.querySelectorAll('.ant-select-item-option')].map((o) => o.textContent);
    expect(shown).toHaveLength(4);
    expect(new Set(shown)).toEqual(
      new Set(['Li Wei · North China · li.wei.3@example.com', 'Li Wei · North China · li.wei.4@example.com', 'Mia Manager · North China', 'Old Owner']),
    );
  });
});
