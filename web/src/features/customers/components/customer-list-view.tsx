import { useCallback, useMemo, useState } from 'react';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet } from 'react-router';
import Input from 'antd/es/input';
import Select from 'antd/es/select';
import Button from 'antd/es/button';
import Checkbox from 'antd/es/checkbox';
import Popover from 'antd/es/popover';
import Space from 'antd/es/space';
import { useI18n } from '@/lib/i18n/i18n';
import { formatNumber } from '@/lib/format';
import { useSession } from '@/lib/session';
import { ErrorState } from '@/components/states';
import { CUSTOMER_STATUSES, REGIONS, TIERS } from '@/config/enums';
import { customerDetailQueryOptions, customerListQueryOptions, type Customer } from '@/features/customers/api/customers';
import { CustomerTable, COLUMNS, DEFAULT_COLUMNS, type ColumnKey } from '@/features/customers/components/customer-table';
import { SORTS, useCustomerFilters } from '@/features/customers/components/use-customer-filters';
import { deleteView, loadColumns, loadViews, saveColumns, saveView, type SavedView } from '@/features/customers/components/saved-views';

export type OwnerOption = { value: number; label: string };

function ColumnChooser({ columns, onChange }: { columns: ColumnKey[]; onChange: (c: ColumnKey[]) => void }) {
  const { t } = useI18n();
  const content = (
    <Checkbox.Group
      value={columns}
      onChange={(v) => onChange(COLUMNS.map((c) => c.key).filter((k) => k === 'name' || (v as string[]).includes(k)))}
      style={{ display: 'flex', flexDirection: 'column', gap: 6 }}
      options={COLUMNS.map((c) => ({ value: c.key, label: t(c.label), disabled: c.key === 'name' }))}
    />
  );
  return (
    <Popover content={content} trigger="click" placement="bottomRight">
      <Button>{t('customers.columns')}</Button>
    </Popover>
  );
}

function SavedViews({ userId, query, columns, onApply }: { userId: number; query: string; columns: ColumnKey[]; onApply: (v: SavedView) => void }) {
  const { t } = useI18n();
  const [views, setViews] = useState(() => loadViews(userId));
  const [name, setName] = useState('');
  const [open, setOpen] = useState(false);
  const content = (
    <div style={{ width: 260 }}>
      {views.length === 0 ? <p className="muted">{t('customers.noViews')}</p> : null}
      <ul style={{ listStyle: 'none', padding: 0, margin: '0 0 8px' }}>
        {views.map((v) => (
          <li key={v.name} style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
            <Button type="link" style={{ padding: 0 }} onClick={() => { onApply(v); setOpen(false); }}>{v.name}</Button>
            <Button type="text" size="small" danger aria-label={`${t('customers.deleteView')} ${v.name}`} onClick={() => setViews(deleteView(userId, v.name))}>×</Button>
          </li>
        ))}
      </ul>
      <Space.Compact style={{ width: '100%' }}>
        <Input placeholder={t('customers.viewName')} aria-label={t('customers.viewName')} value={name} maxLength={60} onChange={(e) => setName(e.target.value)} />
        <Button
          type="primary"
          disabled={!name.trim()}
          onClick={() => {
            setViews(saveView(userId, { name: name.trim(), query, columns }));
            setName('');
          }}
        >
          {t('common.save')}
        </Button>
      </Space.Compact>
    </div>
  );
  return (
    <Popover content={content} title={t('customers.views')} trigger="click" open={open} onOpenChange={setOpen} placement="bottomRight">
      <Button>{t('customers.views')}</Button>
    </Popover>
  );
}

export function CustomerListView({ owners }: { owners?: OwnerOption[] }) {
  const { t, tEnum, locale } = useI18n();
  const { user, access } = useSession();
  const qc = useQueryClient();
  const { params, setFilter, reset, applyQuery, query } = useCustomerFilters();
  const [columns, setColumns] = useState<ColumnKey[]>(() => loadColumns(user?.id ?? 0, DEFAULT_COLUMNS) as ColumnKey[]);
  const [searchText, setSearchText] = useState(params.q ?? '');

  const list = useInfiniteQuery(customerListQueryOptions(params));
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);

  const changeColumns = (c: ColumnKey[]) => {
    setColumns(c);
    saveColumns(user?.id ?? 0, c);
  };

  const prefetch = useCallback((c: Customer) => void qc.prefetchQuery(customerDetailQueryOptions(c.id)), [qc]);
  const { fetchNextPage } = list;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);

  const options = <T extends string>(values: readonly T[], group: string) => values.map((v) => ({ value: v, label: tEnum(group, v) }));

  return (
    <>
      <div className="page-head">
        <h1>{t('customers.title')}</h1>
        {access.canCreateCustomers ? (
          <Link to={{ pathname: 'new', search: query ? `?${query}` : '' }}>
            <Button type="primary">{t('customers.new')}</Button>
          </Link>
        ) : null}
      </div>
      <div className="filters" role="search">
        <Input.Search
          allowClear
          style={{ width: 260 }}
          placeholder={t('customers.searchPlaceholder')}
          aria-label={t('common.search')}
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
          onSearch={(v) => setFilter('q', v.trim())}
        />
        <Select allowClear style={{ width: 130 }} placeholder={t('field.region')} aria-label={t('field.region')} value={params.region} onChange={(v) => setFilter('region', v)} options={options(REGIONS, 'region')} />
        <Select allowClear style={{ width: 120 }} placeholder={t('field.status')} aria-label={t('field.status')} value={params.status} onChange={(v) => setFilter('status', v)} options={options(CUSTOMER_STATUSES, 'customerStatus')} />
        <Select allowClear style={{ width: 120 }} placeholder={t('field.tier')} aria-label={t('field.tier')} value={params.tier} onChange={(v) => setFilter('tier', v)} options={options(TIERS, 'tier')} />
        <Input allowClear style={{ width: 140 }} placeholder={t('field.industry')} aria-label={t('field.industry')} defaultValue={params.industry} onPressEnter={(e) => setFilter('industry', (e.target as HTMLInputElement).value.trim())} onBlur={(e) => setFilter('industry', e.target.value.trim())} key={`industry-${params.industry ?? ''}`} />
        <Input allowClear style={{ width: 120 }} placeholder={t('field.tags')} aria-label={t('field.tags')} defaultValue={params.tag} onPressEnter={(e) => setFilter('tag', (e.target as HTMLInputElement).value.trim())} onBlur={(e) => setFilter('tag', e.target.value.trim())} key={`tag-${params.tag ?? ''}`} />
        {owners ? (
          <Select allowClear showSearch optionFilterProp="label" style={{ width: 160 }} placeholder={t('field.owner')} aria-label={t('field.owner')} value={params.owner_id ? Number(params.owner_id) : undefined} onChange={(v) => setFilter('owner_id', v ? String(v) : null)} options={owners} />
        ) : user ? (
          <Checkbox checked={params.owner_id === String(user.id)} onChange={(e) => setFilter('owner_id', e.target.checked ? String(user.id) : null)}>
            {t('customers.mine')}
          </Checkbox>
        ) : null}
        <Select style={{ width: 170 }} aria-label={t('customers.sort')} value={params.sort} onChange={(v) => setFilter('sort', v)} options={SORTS.map((s) => ({ value: s, label: t(`customers.sort.${s}`) }))} />
        <Button onClick={() => { setSearchText(''); reset(); }}>{t('common.reset')}</Button>
        <div style={{ flex: 1 }} />
        {user ? <SavedViews userId={user.id} query={query} columns={columns} onApply={(v) => { applyQuery(v.query); setSearchText(new URLSearchParams(v.query).get('q') ?? ''); if (v.columns.length) changeColumns(v.columns as ColumnKey[]); }} /> : null}
        <ColumnChooser columns={columns} onChange={changeColumns} />
      </div>
      {list.error && rows.length === 0 ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <CustomerTable
          rows={rows}
          columns={columns}
          sort={params.sort ?? '-updated_at'}
          onSort={(s) => setFilter('sort', s)}
          hasNextPage={!!list.hasNextPage}
          isFetchingNextPage={list.isFetchingNextPage}
          fetchNextPage={loadMore}
          onHoverRow={prefetch}
          loading={list.isPending}
          emptyText={t('customers.empty')}
        />
      )}
      <div className="list-foot" aria-live="polite">
        {list.hasNextPage ? t('common.more', { count: formatNumber(rows.length, locale) }) : t('common.rows', { count: formatNumber(rows.length, locale) })}
      </div>
      <Outlet />
    </>
  );
}
