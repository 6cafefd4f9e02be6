import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, idempotencyKey } from '@/lib/api-client';
import { resourceKeys } from '@/lib/query-keys';
import { API_BASE } from '@/config/env';

export type BackupVerification = { status: 'passed' | 'failed'; at: number; check?: string; message?: string };
export type Backup = {
  id: number;
  file: string;
  created_at: number;
  age_seconds: number;
  reason: 'scheduled' | 'api' | 'manual' | 'pre-restore';
  status: 'verified' | 'failed';
  size_bytes: number;
  database_bytes: number;
  duration_ms: number;
  rows: number;
  dialect: string;
  schema_version: number;
  app_version: string;
  key_id: string;
  verification: BackupVerification | null;
  offsite: Record<string, { status: 'confirmed' | 'failed'; at?: number; message?: string }>;
};
export type BackupJob = {
  running: boolean;
  queued: boolean;
  last_started_at: number | null;
  last_finished_at: number | null;
  last_error: string | null;
  interval_minutes: number | null;
  next_due_at: number | null;
};
export type BackupList = { items: Backup[]; job: BackupJob };

export const backupKeys = resourceKeys('backups');

/** Polls every 3 s while a backup is running or queued; otherwise no polling. */
export const BACKUP_POLL_MS = 3000;

export const backupListQueryOptions = () =>
  queryOptions({
    queryKey: backupKeys.list({}),
    queryFn: ({ signal }) => api.get<BackupList>('/backups', undefined, signal),
    staleTime: 0,
    refetchInterval: (query) => {
      const job = query.state.data?.job;
      return job && (job.running || job.queued) ? BACKUP_POLL_MS : false;
    },
  });

export const backupDownloadUrl = (id: number) => `${API_BASE}/backups/${id}/download`;

export function useCreateBackup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<{ job: BackupJob }>('/backups', {}, { headers: { 'Idempotency-Key': idempotencyKey() } }),
    onSuccess: (res) => {
      qc.setQueryData(backupKeys.list({}), (old: BackupList | undefined) => (old ? { ...old, job: res.job } : old));
      return qc.invalidateQueries({ queryKey: backupKeys.lists() });
    },
  });
}

export type RestoreResult = {
  file: string;
  backup_created_at: number;
  schema_version: number;
  migrated_from: number;
  migrated_to: number;
  rows: Record<string, number>;
  total_rows: number;
  safety_backup: string;
  duration_ms: number;
  /** False when this session is not in the restored database: log in again. */
  signed_in: boolean;
};

/** Online restore: the server answers when done; meanwhile other requests get 503 (maintenance). */
export function useRestoreBackup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, confirm }: { id: number; confirm: string }) =>
      api.post<RestoreResult>(`/backups/${id}/restore`, { confirm }),
    // Every cached answer is of the replaced database.
    onSuccess: () => qc.invalidateQueries(),
  });
}

/** The restore's phase, from /readyz (answered during maintenance); null when none is shown. */
export async function fetchMaintenancePhase(signal?: AbortSignal): Promise<string | null> {
  const res = await fetch('/readyz', { headers: { Accept: 'application/health+json' }, signal, credentials: 'same-origin' });
  const body = (await res.json().catch(() => null)) as { checks?: Record<string, { output?: string }[]> } | null;
  return body?.checks?.maintenance?.[0]?.output ?? null;
}
