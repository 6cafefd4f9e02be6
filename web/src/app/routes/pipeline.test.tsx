import { screen, within } from '@testing-library/react';
import PipelineRoute from './pipeline';
import { json, renderWithProviders, route, stubFetch } from '@/testing/test-utils';
import { setLocale } from '@/lib/i18n/i18n';
import type { Opportunity } from '@/features/opportunities/api/opportunities';

const REP = 7;
const me = { user: { id: REP, email: 'rep@example.com', name: 'Rep', role: 'sales_rep', region: null, disabled: false, created_at: 0, updated_at: 0, version: 1 }, csrf_token: 'c' };

// Both deals are the rep's own (owner_id), but only customer 1 is: customer 2 belongs to another rep.
const opp = (id: number, customerId: number, customerOwner: number, name: string): Opportunity => ({
  id, customer_id: customerId, customer_name: `Customer ${customerId}`, customer_owner_id: customerOwner, name, stage: 'prospect', amount_minor: 100000, currency: 'CNY',
  expected_close_at: null, probability: null, owner_id: REP, owner_name: 'Rep', version: 1, created_at: 0, updated_at: 0,
});

describe('pipeline route', () => {
  beforeEach(() => setLocale('en'));
  afterEach(() => vi.unstubAllGlobals());

  it("lets a sales rep move only the cards of their own customers", async () => {
    stubFetch(
      route('GET', '/api/v1/auth/me', () => json(me)),
      route('GET', /^\/api\/v1\/opportunities\?/, (r) => {
        const stage = new URL(r.url, 'http://x').searchParams.get('stage');
        return json({ items: stage === 'prospect' ? [opp(1, 1, REP, 'Own deal'), opp(2, 2, REP + 1, 'Foreign deal')] : [], next_cursor: null });
      }),
    );
    renderWithProviders(<PipelineRoute />);
    const own = await screen.findByRole('combobox', { name: 'Move to: Own deal' });
    const column = screen.getByRole('region', { name: 'Prospect' });
    expect(within(column).getByRole('listitem', { name: 'Own deal' })).toHaveAttribute('draggable', 'true');
    expect(own).toBeEnabled();

    const foreign = within(column).getByRole('listitem', { name: 'Foreign deal' });
    expect(foreign).toHaveAttribute('draggable', 'false');
    expect(within(foreign).queryByRole('combobox')).not.toBeInTheDocument();
    expect(within(foreign).getByText('Prospect')).toBeInTheDocument();
    expect(screen.getByText(/Drag a card to another column/)).toBeInTheDocument();
  });
});
