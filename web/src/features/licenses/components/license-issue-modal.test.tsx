import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { LicenseIssueModal } from './license-issue-modal';
import { renderWithProviders, stubFetch } from '@/testing/test-utils';
import { setLocale } from '@/lib/i18n/i18n';

describe('LicenseIssueModal', () => {
  beforeEach(() => setLocale('en'));
  afterEach(() => vi.unstubAllGlobals());

  it('says why a negative seat count is refused instead of silently changing it', async () => {
    const reqs = stubFetch();
    renderWithProviders(<LicenseIssueModal customerId={7} onClose={() => {}} />);
    const seats = await screen.findByRole('spinbutton', { name: 'Seats' });
    await userEvent.clear(seats);
    await userEvent.type(seats, '-5');
    await userEvent.click(screen.getAllByRole('button', { name: 'Issue licence' }).at(-1)!);
    expect(await screen.findByText('Between 1 and 1000000')).toBeInTheDocument();
    expect(seats).toHaveValue('-5');
    expect(reqs.filter((r) => r.method === 'POST')).toHaveLength(0);
  });
});
