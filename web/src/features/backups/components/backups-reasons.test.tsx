import { screen, within } from '@testing-library/react';
import { BackupsView } from './backups-view';
import { json, renderWithProviders, route, stubFetch } from '@/testing/test-utils';
import { setLocale } from '@/lib/i18n/i18n';
import { ensureAntdLocale } from '@/app/antd-shell';
import type { BackupJob } from '@/features/backups/api/backups';
import { verifiedBackup } from '@/features/backups/testing/fixtures';

const idle: BackupJob = { running: false, queued: false, last_started_at: null, last_finished_at: null, last_error: null, interval_minutes: 60, next_due_at: null };

describe('BackupsView reasons', () => {
  beforeEach(() => setLocale('en'));

  it.each([
    ['en', 'Backups', 'Age', 'Scheduled', 'On demand'],
    ['zh-CN', '备份', '距今', '定时', '按需'],
  ] as const)('names the reason of each backup in %s', async (locale, title, age, scheduled, api) => {
    await ensureAntdLocale(locale);
    setLocale(locale);
    stubFetch(route('GET', '/api/v1/backups', () => json({ items: [verifiedBackup, { ...verifiedBackup, id: 2, file: 'b.sdbk', reason: 'api' }], job: idle })));
    renderWithProviders(<BackupsView />);
    const table = await screen.findByRole('table', { name: title });
    expect(within(table).getByRole('columnheader', { name: age })).toBeInTheDocument();
    expect((await within(table).findByText(verifiedBackup.file)).closest('tr')).toHaveTextContent(scheduled);
    expect(within(table).getByText('b.sdbk').closest('tr')).toHaveTextContent(api);
    expect(table).not.toHaveTextContent(/scheduled|\bapi\b/);
  });
});
