import { screen, waitFor, within, fireEvent } from '@testing-library/react';
import { PipelineBoard, columnTotals } from './pipeline-board';
import { json, renderWithProviders, route, stubFetch } from '@/testing/test-utils';
import { setLocale } from '@/lib/i18n/i18n';
import type { Opportunity } from '@/features/opportunities/api/opportunities';

const opp = (id: number, stage: Opportunity['stage'], amount: number, currency = 'CNY'): Opportunity => ({
  id, customer_id: 1, customer_name: 'Acme', customer_owner_id: 1, name: `Deal ${id}`, stage, amount_minor: amount, currency, expected_close_at: null,
  probability: null, owner_id: 1, owner_name: 'A', version: 1, created_at: 0, updated_at: 0,
});

describe('pipeline', () => {
  beforeEach(() => setLocale('en'));
  afterEach(() => vi.unstubAllGlobals());

  it('sums each column per currency', () => {
    expect(columnTotals([opp(1, 'won', 100), opp(2, 'won', 50), opp(3, 'won', 500, 'USD')])).toEqual([
      { currency: 'USD', amount_minor: 500 },
      { currency: 'CNY', amount_minor: 150 },
    ]);
  });

  it('moves a card by drag and drop with If-Match', async () => {
    let items = [opp(1, 'prospect', 100000)];
    const reqs = stubFetch(
      route('GET', /^\/api\/v1\/opportunities\?/, (r) => {
        const stage = new URL(r.url, 'http://x').searchParams.get('stage');
        return json({ items: items.filter((o) => o.stage === stage), next_cursor: null });
      }),
      route('PATCH', '/api/v1/opportunities/1', (r) => {
        items = [{ ...items[0]!, stage: (r.body as { stage: Opportunity['stage'] }).stage, version: 2 }];
        return json(items[0]);
      }),
    );
    renderWithProviders(<PipelineBoard canMove={() => true} />);
    const prospect = await screen.findByRole('region', { name: 'Prospect' });
    const card = await within(prospect).findByRole('listitem', { name: 'Deal 1' });
    const qualified = screen.getByRole('region', { name: 'Qualified' });
    const data = new Map<string, string>();
    const dataTransfer = { setData: (k: string, v: string) => data.set(k, v), getData: (k: string) => data.get(k) ?? '', dropEffect: '', effectAllowed: '' };
    fireEvent.dragStart(card, { dataTransfer });
    fireEvent.dragOver(qualified, { dataTransfer });
    fireEvent.drop(qualified, { dataTransfer });
    await waitFor(() => expect(within(qualified).getByRole('listitem', { name: 'Deal 1' })).toBeInTheDocument());
    const patch = reqs.find((r) => r.method === 'PATCH')!;
    expect(patch.body).toEqual({ stage: 'qualified' });
    expect(patch.headers['if-match']).toBe('"v1"');
  });

  it('shows the stage as text, with no drag hint, when no card may be changed', async () => {
    stubFetch(route('GET', /^\/api\/v1\/opportunities\?/, (r) => {
      const stage = new URL(r.url, 'http://x').searchParams.get('stage');
      return json({ items: stage === 'won' ? [opp(1, 'won', 100)] : [], next_cursor: null });
    }));
    renderWithProviders(<PipelineBoard canMove={() => false} />);
    const card = await within(screen.getByRole('region', { name: 'Won' })).findByRole('listitem', { name: 'Deal 1' });
    expect(card).toHaveAttribute('draggable', 'false');
    expect(within(card).getByText('Won')).toBeInTheDocument();
    expect(within(card).queryByRole('combobox')).not.toBeInTheDocument();
    expect(screen.queryByText(/Drag a card/)).not.toBeInTheDocument();
  });

  it('shows an error with Retry, not "No opportunities.", in a column that cannot load', async () => {
    let up = false;
    stubFetch(route('GET', /^\/api\/v1\/opportunities\?/, (r) => {
      const stage = new URL(r.url, 'http://x').searchParams.get('stage');
      if (stage === 'qualified' && !up) throw new TypeError('Failed to fetch');
      return json({ items: stage === 'qualified' ? [opp(1, 'qualified', 100)] : [], next_cursor: null });
    }));
    renderWithProviders(<PipelineBoard canMove={() => false} />);
    const qualified = screen.getByRole('region', { name: 'Qualified' });
    const alert = await within(qualified).findByRole('alert');
    expect(alert).toHaveTextContent('Cannot reach the server. Check your connection and try again.');
    expect(within(qualified).queryByText('No opportunities.')).not.toBeInTheDocument();
    expect(within(qualified).queryByText('0')).not.toBeInTheDocument();
    // The columns that loaded are empty, and say so.
    expect(await within(screen.getByRole('region', { name: 'Prospect' })).findByText('No opportunities.')).toBeInTheDocument();

    up = true;
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await within(qualified).findByRole('listitem', { name: 'Deal 1' })).toBeInTheDocument();
    expect(within(qualified).queryByRole('alert')).not.toBeInTheDocument();
  });
});
