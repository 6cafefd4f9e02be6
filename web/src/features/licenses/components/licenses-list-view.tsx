import { useMemo } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import Select from 'antd/es/select';
import Input from 'antd/es/input';
import InputNumber from 'antd/es/input-number';
import Button from 'antd/es/button';
import { useI18n } from '@/lib/i18n/i18n';
import { ErrorState } from '@/components/states';
import { EDITIONS, LICENSE_STATUSES } from '@/config/enums';
import { licenseListQueryOptions, type LicenseListParams } from '@/features/licenses/api/licenses';
import { LicenseTable } from '@/features/licenses/components/license-table';

// The list opens on what needs attention: active licences, the soonest to expire first (the server
// marks a licence expired once its date passes). status=all in the URL lists every status; a key
// search looks at every status.
const DEFAULT_STATUS = 'active';

export function LicensesListView() {
  const { t, tEnum } = useI18n();
  const [search, setSearch] = useSearchParams();
  const params = useMemo<LicenseListParams>(() => {
    const p: LicenseListParams = { sort: search.get('sort') || 'expires_at' };
    const key = search.get('key');
    // A key search finds the licence whatever its status.
    const status = search.get('status') || (key ? 'all' : DEFAULT_STATUS);
    const edition = search.get('edition');
    const expiring = Number(search.get('expiring'));
    if (status !== 'all') p.status = status;
    if (edition) p.edition = edition;
    if (expiring > 0) p.expiring_within_days = expiring;
    if (key) p.key = key;
    return p;
  }, [search]);

  const set = (k: string, v: string | number | null | undefined) =>
    setSearch(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (v === null || v === undefined || v === '') next.delete(k);
        else next.set(k, String(v));
        return next;
      },
      { replace: true },
    );

  const list = useInfiniteQuery(licenseListQueryOptions(params));
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const expiring = params.expiring_within_days;
  // A list that could not load shows its error alone: an empty table under it would claim there are no licences.
  const failed = list.isError && list.data === undefined;

  return (
    <>
      <div className="page-head">
        <h1>{t('licenses.title')}</h1>
      </div>
      <div className="filters" role="search">
        <Select
          style={{ width: 130 }}
          aria-label={t('field.status')}
          value={params.status ?? 'all'}
          onChange={(v) => set('status', v === DEFAULT_STATUS ? null : v)}
          options={[{ value: 'all', label: t('common.all') }, ...LICENSE_STATUSES.map((s) => ({ value: s, label: tEnum('licenseStatus', s) }))]}
        />
        <Select allowClear style={{ width: 140 }} placeholder={t('field.edition')} aria-label={t('field.edition')} value={params.edition} onChange={(v) => set('edition', v)} options={EDITIONS.map((s) => ({ value: s, label: tEnum('edition', s) }))} />
        <span>{t('licenses.expiringWithin')}</span>
        <Select
          style={{ width: 130 }}
          aria-label={t('licenses.expiringWithin')}
          value={expiring && [30, 60, 90].includes(expiring) ? expiring : expiring ? 'custom' : 0}
          onChange={(v) => set('expiring', v === 'custom' ? 180 : v || null)}
          options={[
            { value: 0, label: t('licenses.anyTime') },
            ...[30, 60, 90].map((d) => ({ value: d, label: t('licenses.days', { days: d }) })),
            { value: 'custom', label: '…' },
          ]}
        />
        {expiring && ![30, 60, 90].includes(expiring) ? (
          <InputNumber min={1} max={3650} precision={0} aria-label={t('licenses.expiringWithin')} value={expiring} onChange={(v) => set('expiring', v ?? null)} addonAfter="d" style={{ width: 120 }} />
        ) : null}
        <Input.Search allowClear style={{ width: 280 }} placeholder={t('licenses.keyFilter')} aria-label={t('licenses.keyFilter')} defaultValue={params.key} onSearch={(v) => set('key', v.trim())} />
        <Button onClick={() => setSearch(new URLSearchParams(), { replace: true })}>{t('common.reset')}</Button>
      </div>
      {failed ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <div className="panel">
          <LicenseTable licenses={rows} showCustomer loading={list.isPending} />
          {list.hasNextPage ? (
            <Button style={{ marginTop: 12 }} onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          ) : null}
        </div>
      )}
    </>
  );
}
