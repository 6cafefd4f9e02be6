import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuditView } from './audit-view';
import { json, renderWithProviders, route, stubFetch } from '@/testing/test-utils';
import { setLocale } from '@/lib/i18n/i18n';
import { formatDateTime } from '@/lib/format';
import type { AuditEntry } from '@/features/audit/api/audit';

const entry = (id: number, action: string): AuditEntry => ({
  id,
  at: 1767225600000 + id,
  actor_id: 1,
  actor_role: 'admin',
  ip: '10.0.0.5',
  user_agent: 'ua',
  request_id: `req-${id}`,
  action,
  entity: 'customer',
  entity_id: 7,
  prev_hash: 'a',
  hash: 'b',
});

describe('AuditView', () => {
  beforeEach(() => setLocale('en'));

  it('filters, pages, shows an entry diff and verifies the chain', async () => {
    const reqs = stubFetch(
      route('GET', '/api/v1/audit/verify', () => json({ intact: true, entries: 2, last_id: 2, checkpoints: 1, first_bad_id: null, problem: null })),
      route('GET', /^\/api\/v1\/audit\/42$/, () =>
        json({ ...entry(42, 'customer.update'), before: { status: 'lead' }, after: { status: 'active' }, diff: [{ field: 'status', before: 'lead', after: 'active' }] }),
      ),
      route('GET', '/api/v1/audit', (req) => {
        const q = new URL(req.url, 'http://x').searchParams;
        if (q.get('cursor') === 'c2') return json({ items: [entry(41, 'customer.create')], next_cursor: null });
        if (q.get('action') === 'auth.login') return json({ items: [entry(50, 'auth.login')], next_cursor: null });
        return json({ items: [entry(42, 'customer.update')], next_cursor: 'c2' });
      }),
      route('GET', '/api/v1/alerts', () => json({ items: [], next_cursor: null })),
    );
    renderWithProviders(<AuditView />);
    const table = await screen.findByRole('table', { name: 'Entries' });
    expect(await within(table).findByText('customer.update')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await within(table).findByText('customer.create')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Audit entry #42' }));
    const dialog = await screen.findByRole('dialog');
    const diff = await within(dialog).findByRole('table', { name: 'Changes' });
    expect(diff).toHaveTextContent('status');
    expect(diff).toHaveTextContent('lead');
    expect(diff).toHaveTextContent('active');

    await userEvent.click(screen.getByRole('button', { name: 'Verify chain' }));
    expect(await screen.findByText(/Chain intact: 2 entries/)).toBeInTheDocument();

    await userEvent.type(screen.getByRole('textbox', { name: 'Action' }), 'auth.login');
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(await within(table).findByText('auth.login')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Export CSV' })).toHaveAttribute('href', '/api/v1/audit/export.csv?action=auth.login');
    await waitFor(() => expect(reqs.some((r) => r.url.includes('/api/v1/audit?') && r.url.includes('action=auth.login') && r.url.includes('limit=50'))).toBe(true));
  });

  it('shows time fields of a change as dates, not epoch milliseconds', async () => {
    const deletedAt = 1795792666020;
    stubFetch(
      route('GET', /^\/api\/v1\/audit\/42$/, () =>
        json({
          ...entry(42, 'customer.delete'),
          before: { deleted_at: null, seats: 5 },
          after: { deleted_at: deletedAt, seats: 6 },
          diff: [
            { field: 'deleted_at', before: null, after: deletedAt },
            { field: 'seats', before: 5, after: 6 },
          ],
        }),
      ),
      route('GET', '/api/v1/audit', () => json({ items: [entry(42, 'customer.delete')], next_cursor: null })),
      route('GET', '/api/v1/alerts', () => json({ items: [], next_cursor: null })),
    );
    renderWithProviders(<AuditView />);
    await userEvent.click(await screen.findByRole('button', { name: 'Audit entry #42' }));
    const diff = await within(await screen.findByRole('dialog')).findByRole('table', { name: 'Changes' });
    const deleted = within(diff).getByText('deleted_at').closest('tr')!;
    expect(deleted).toHaveTextContent(formatDateTime(deletedAt, 'en'));
    expect(deleted).not.toHaveTextContent(String(deletedAt));
    // A number that is not a time stays a number.
    expect(within(diff).getByText('seats').closest('tr')).toHaveTextContent(/seats\s*56/);
  });
});
