import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RestoreDialog } from './restore-dialog';
import { json, problem, renderWithProviders, route, stubFetch } from '@/testing/test-utils';
import { setLocale } from '@/lib/i18n/i18n';
import type { RestoreResult } from '@/features/backups/api/backups';
import { verifiedBackup } from '@/features/backups/testing/fixtures';

const backup = verifiedBackup;
const result: RestoreResult = {
  file: backup.file,
  backup_created_at: backup.created_at,
  schema_version: 1,
  migrated_from: 1,
  migrated_to: 1,
  rows: { customers: 1200, contacts: 3400 },
  total_rows: 4600,
  safety_backup: 'salesdb-20261126T101500Z-1795688100000.sdbk',
  duration_ms: 2500,
  signed_in: true,
};
const restorePath = `/api/v1/backups/${backup.id}/restore`;

describe('RestoreDialog', () => {
  beforeEach(() => setLocale('en'));

  it('enables the restore button only once the typed name matches, then shows what was restored', async () => {
    const reqs = stubFetch(route('POST', restorePath, () => json(result)), route('GET', '/readyz', () => json({ status: 'pass' })));
    const onClose = vi.fn();
    renderWithProviders(<RestoreDialog backup={backup} onClose={onClose} />);
    const button = await screen.findByRole('button', { name: 'Replace the data and restore' });
    expect(button).toBeDisabled();
    expect(screen.getByText(/A safety backup of the current database is taken first/)).toBeInTheDocument();
    const input = screen.getByRole('textbox', { name: 'Backup name' });
    await userEvent.type(input, backup.file.slice(0, -1));
    expect(button).toBeDisabled();
    await userEvent.type(input, 'k');
    expect(button).toBeEnabled();
    await userEvent.click(button);

    expect(await screen.findByText(/Restored salesdb-20261125T235600Z-1795650960123\.sdbk/)).toHaveTextContent('4,600 rows in 2.5 s');
    const post = reqs.find((r) => r.method === 'POST');
    expect(post?.body).toEqual({ confirm: backup.file });
    expect(screen.getByRole('table', { name: 'Rows per table' })).toHaveTextContent('customers1,200');
    expect(screen.getByText(new RegExp(result.safety_backup))).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalled();
  });

  it('asks to log in again when the session is not in the restored database', async () => {
    stubFetch(route('POST', restorePath, () => json({ ...result, signed_in: false })), route('GET', '/readyz', () => json({ status: 'pass' })));
    renderWithProviders(<RestoreDialog backup={backup} onClose={() => {}} />);
    await userEvent.type(await screen.findByRole('textbox', { name: 'Backup name' }), backup.file);
    await userEvent.click(screen.getByRole('button', { name: 'Replace the data and restore' }));
    expect(await screen.findByText('Your session is not in the restored database: log in again.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Log in again' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Close' })).not.toBeInTheDocument();
  });

  it('shows why a restore was refused and keeps the dialog open', async () => {
    stubFetch(
      route('POST', restorePath, () => problem(409, 'busy', { detail: 'a backup or restore is running; try again when it has finished' })),
      route('GET', '/readyz', () => json({ status: 'pass' })),
    );
    renderWithProviders(<RestoreDialog backup={backup} onClose={() => {}} />);
    await userEvent.type(await screen.findByRole('textbox', { name: 'Backup name' }), backup.file);
    await userEvent.click(screen.getByRole('button', { name: 'Replace the data and restore' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('a backup or restore is running'));
    expect(screen.getByRole('button', { name: 'Replace the data and restore' })).toBeEnabled();
  });
});
