import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EditCustomerDrawer } from './customer-drawers';
import { json, problem, renderWithProviders, route, stubFetch } from '@/testing/test-utils';
import { setLocale } from '@/lib/i18n/i18n';
import type { CustomerDetail } from '@/features/customers/api/customers';

const base: CustomerDetail = {
  id: 5, name: 'Acme', industry: 'software', region: 'east_china', tier: 'key', status: 'active', owner_id: 1, owner_name: 'Admin',
  tags: ['ai'], website: 'https://acme.example', notes: null, active_license_count: 0, version: 3, created_at: 0, updated_at: 0,
  created_by: 1, updated_by: 1, deleted_at: null, contacts: [], licenses: [], activities: [], opportunities: [],
};

// A server on which someone else saved `theirs` (v4) before this edit's first save (If-Match v3, answered
// 412); later saves succeed on top of theirs.
function stubConflict(theirs: typeof base) {
  let served = base;
  return stubFetch(
    route('GET', '/api/v1/customers/5', () => json(served)),
    route('PATCH', '/api/v1/customers/5', (r) => {
      if (r.headers['if-match'] === '"v3"') {
        served = theirs;
        return problem(412, 'precondition-failed', { current_version: 4 });
      }
      return json({ ...theirs, ...(r.body as object), version: 5 });
    }),
  );
}

describe('EditCustomerDrawer', () => {
  beforeEach(() => setLocale('en'));
  afterEach(() => vi.unstubAllGlobals());

  it('saves with If-Match of the version it started from, sending only the changed fields', async () => {
    const reqs = stubFetch(
      route('GET', '/api/v1/customers/5', () => json(base)),
      route('PATCH', '/api/v1/customers/5', (r) => json({ ...base, ...(r.body as object), version: 4 })),
    );
    const onClose = vi.fn();
    renderWithProviders(<EditCustomerDrawer id={5} onClose={onClose} />);
    const name = await screen.findByLabelText('Name');
    await userEvent.clear(name);
    await userEvent.type(name, 'Acme Ltd');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    const patch = reqs.find((r) => r.method === 'PATCH')!;
    expect(patch.headers['if-match']).toBe('"v3"');
    expect(patch.body).toEqual({ name: 'Acme Ltd' });
  });

  it('shows both versions on 412 and never overwrites silently', async () => {
    const reqs = stubConflict({ ...base, name: 'Acme Group', version: 4 });
    const patches = () => reqs.filter((r) => r.method === 'PATCH').length;
    const onClose = vi.fn();
    renderWithProviders(<EditCustomerDrawer id={5} onClose={onClose} />);
    const name = await screen.findByLabelText('Name');
    await userEvent.clear(name);
    await userEvent.type(name, 'Acme Mine');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    // (antd gives every dialog the same aria-labelledby id under test, so find it by its title text.)
    const title = await screen.findByText('Someone else changed this record', {}, { timeout: 5000 });
    const dialog = title.closest('[role="dialog"]') as HTMLElement;
    expect(within(dialog).getByText('Acme Mine')).toBeInTheDocument();
    expect(within(dialog).getByText('Acme Group')).toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();
    expect(patches()).toBe(1);

    await userEvent.click(within(dialog).getByRole('button', { name: 'Save mine over theirs' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    const last = reqs.filter((r) => r.method === 'PATCH').at(-1)!;
    expect(last.headers['if-match']).toBe('"v4"');
    expect(last.body).toMatchObject({ name: 'Acme Mine' });
  });

  it('on 412 compares and re-applies only the fields this edit changed, keeping their other changes', async () => {
    // Meanwhile someone else changed Notes; this edit changes only Industry.
    const reqs = stubConflict({ ...base, notes: 'Renewal call booked', version: 4 });
    const onClose = vi.fn();
    renderWithProviders(<EditCustomerDrawer id={5} onClose={onClose} />);
    const industry = await screen.findByLabelText('Industry');
    await userEvent.clear(industry);
    await userEvent.type(industry, 'retail');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    const title = await screen.findByText('Someone else changed this record', {}, { timeout: 5000 });
    const dialog = title.closest('[role="dialog"]') as HTMLElement;
    const rows = within(dialog).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual(['Industry']);
    expect(within(rows[0]).getByText('retail')).toBeInTheDocument();
    expect(within(rows[0]).getByText('software')).toBeInTheDocument();
    expect(within(dialog).queryByText('Notes')).not.toBeInTheDocument();

    await userEvent.click(within(dialog).getByRole('button', { name: 'Save mine over theirs' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    const last = reqs.filter((r) => r.method === 'PATCH').at(-1)!;
    expect(last.headers['if-match']).toBe('"v4"');
    expect(last.body).toEqual({ industry: 'retail' });
  });

  it('shows server field errors next to the fields', async () => {
    stubFetch(
      route('GET', '/api/v1/customers/5', () => json(base)),
      route('PATCH', '/api/v1/customers/5', () => problem(422, 'validation', { errors: [{ field: 'website', code: 'invalid', message: 'website is not reachable' }] })),
    );
    renderWithProviders(<EditCustomerDrawer id={5} onClose={() => {}} />);
    await screen.findByLabelText('Name');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('website is not reachable')).toBeInTheDocument();
  });
  it('says the server cannot be reached (not "Failed to fetch") when a save fails on the network, keeping the input', async () => {
    let up = false;
    const reqs = stubFetch(
      route('GET', '/api/v1/customers/5', () => json(base)),
      route('PATCH', '/api/v1/customers/5', (r) => {
        if (!up) throw new TypeError('Failed to fetch');
        return json({ ...base, ...(r.body as object), version: 4 });
      }),
    );
    const onClose = vi.fn();
    renderWithProviders(<EditCustomerDrawer id={5} onClose={onClose} />);
    const name = await screen.findByLabelText('Name');
    await userEvent.clear(name);
    await userEvent.type(name, 'Acme Ltd');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Cannot reach the server. Check your connection and try again.')).toBeInTheDocument();
    expect(screen.queryByText('Failed to fetch')).not.toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByLabelText('Name')).toHaveValue('Acme Ltd');

    up = true;
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(reqs.filter((r) => r.method === 'PATCH').at(-1)!.body).toEqual({ name: 'Acme Ltd' });
  });
});
