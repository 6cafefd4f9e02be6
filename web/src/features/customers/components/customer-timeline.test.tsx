import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CustomerTimeline, bodyPreview } from './customer-timeline';
import { json, renderWithProviders, route, stubFetch } from '@/testing/test-utils';
import { setLocale } from '@/lib/i18n/i18n';
import type { TimelineItem } from '@/features/customers/api/customers';
import { ensureAntdLocale } from '@/app/antd-shell';

const LONG_WORD = 'x'.repeat(200);
const BODY = `Line one\nLine two\nLine three\nLine four ${LONG_WORD}`;

const timeline: TimelineItem[] = [
  { kind: 'activity', at: 4000, id: 5, title: 'call: Kick-off', detail: 'Rep', activity: { type: 'call', subject: 'Kick-off', body: BODY } },
  // This body is hidden from this role: the API sends it blank.
  { kind: 'activity', at: 3000, id: 6, title: 'note: Someone else’s note', detail: 'Other', activity: { type: 'note', subject: 'Someone else’s note', body: '' } },
  { kind: 'license', at: 2000, id: 9, title: 'licence issued: team', detail: '25 seats, active', license: { edition: 'team', seats: 25, status: 'active' } },
  { kind: 'opportunity', at: 1000, id: 3, title: 'opportunity: Big deal', detail: 'won', opportunity: { name: 'Big deal', stage: 'won' } },
];

function stubTimeline() {
  return stubFetch(route('GET', /^\/api\/v1\/customers\/1\/timeline/, () => json({ items: timeline, next_cursor: null })));
}

describe('CustomerTimeline', () => {
  beforeEach(() => setLocale('en'));
  afterEach(() => vi.unstubAllGlobals());

  it('shows the first lines of an activity’s details and expands them on click', async () => {
    stubTimeline();
    renderWithProviders(<CustomerTimeline customerId={1} />);
    const item = (await screen.findByText('Kick-off')).closest('li')!;
    const details = await within(item).findByText(/Line one/);
    expect(details.textContent).toBe('Line one\nLine two\nLine three…');
    expect(details).toHaveClass('tl-body');

    await userEvent.click(within(item).getByRole('button', { name: 'Show more' }));
    expect(details.textContent).toBe(BODY);
    await userEvent.click(within(item).getByRole('button', { name: 'Show less' }));
    expect(details.textContent).toBe('Line one\nLine two\nLine three…');

    // The blank (masked) body adds nothing.
    const masked = screen.getByText('Someone else’s note').closest('li')!;
    expect(within(masked).queryByRole('button')).not.toBeInTheDocument();
    expect(masked.querySelectorAll('p')).toHaveLength(0);
  });

  it('previews the first three lines, at most 300 characters', () => {
    expect(bodyPreview('One line')).toBe('One line');
    expect(bodyPreview('a\nb\nc\nd')).toBe('a\nb\nc');
    expect(bodyPreview(LONG_WORD.repeat(2))).toHaveLength(300);
  });

  it('renders the kinds of the lines in the user’s language', async () => {
    setLocale('zh-CN');
    await ensureAntdLocale('zh-CN'); // its module loads within the test, not after teardown
    stubTimeline();
    renderWithProviders(<CustomerTimeline customerId={1} />);
    const call = (await screen.findByText('Kick-off')).closest('li')!;
    expect(within(call).getByText('电话')).toBeInTheDocument();
    expect(screen.queryByText(/call:/)).not.toBeInTheDocument();
    const license = screen.getByRole('link', { name: '签发许可证：团队版' }).closest('li')!;
    expect(license).toHaveTextContent('25 个席位，有效');
    const deal = screen.getByText('Big deal').closest('li')!;
    expect(deal).toHaveTextContent('赢单');
  });
});
