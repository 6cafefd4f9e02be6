import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { BackupsView } from './backups-view';
import { json, renderWithProviders, route, stubFetch } from '@/testing/test-utils';
import { setLocale } from '@/lib/i18n/i18n';
import type { BackupJob } from '@/features/backups/api/backups';
import { verifiedBackup } from '@/features/backups/testing/fixtures';

const item = verifiedBackup;
const idle: BackupJob = { running: false, queued: false, last_started_at: null, last_finished_at: null, last_error: null, interval_minutes: 60, next_due_at: null };

describe('BackupsView', () => {
  beforeEach(() => setLocale('en'));

  it('lists backups with download links and starts a backup', async () => {
    let posted = false;
    const reqs = stubFetch(
      route('GET', '/api/v1/backups', () => json({ items: posted ? [{ ...item, id: 2, file: 'new.sdbk' }, item] : [item], job: idle })),
      route('POST', '/api/v1/backups', () => {
        posted = true;
        return json({ job: { ...idle, running: false } }, 202);
      }),
    );
    renderWithProviders(<BackupsView />);
    const table = await screen.findByRole('table', { name: 'Backups' });
    const row = (await within(table).findByText(item.file)).closest('tr')!;
    expect(row).toHaveTextContent('Verified');
    expect(row).toHaveTextContent('5 MB');
    expect(row).toHaveTextContent('Passed');
    expect(within(row as HTMLElement).getByRole('link', { name: 'Download' })).toHaveAttribute('href', `/api/v1/backups/${item.id}/download`);
    expect(within(row as HTMLElement).getByRole('button', { name: 'Restore' })).toBeEnabled();
    expect(screen.getByRole('note', { name: 'Restoring a backup' })).toHaveTextContent(`salesdb restore ${item.file}`);

    await userEvent.click(screen.getByRole('button', { name: 'Back up now' }));
    await waitFor(() => expect(reqs.some((r) => r.method === 'POST' && r.url.endsWith('/api/v1/backups'))).toBe(true));
    expect(await within(table).findByText('new.sdbk')).toBeInTheDocument();
  });
});
