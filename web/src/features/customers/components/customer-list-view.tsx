import { useCallback, useMemo, useState } from 'react';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet } from 'react-router';
import { useI18n } from '@/lib/i18n/i18n';
import { formatNumber } from '@/lib/format';
import { useSession } from '@/lib/session';
import { ErrorState } from '@/components/states';
import { PopoverButton } from '@/components/popover-button';
import { CUSTOMER_STATUSES, REGIONS, TIERS } from '@/config/enums';
import { customerDetailQueryOptions, customerListQueryOptions, type Customer } from '@/features/customers/api/customers';
import { CustomerTable, COLUMNS, DEFAULT_COLUMNS, type ColumnKey } from '@/features/customers/components/customer-table';
import { SORTS, useCustomerFilters } from '@/features/customers/components/use-customer-filters';
import { deleteView, loadColumns, loadViews, saveColumns, saveView, type SavedView } from '@/features/customers/components/saved-views';

export type OwnerOption = { value: number; label: string };

/** A user as the users list gives them, as far as choosing an owner needs. */
export type OwnerCandidate = { id: number; name: string; email: string; role: string; region: string | null; disabled: boolean };

/**
 * The people `me` may give a customer to, for the list's owner filter and the form's owner field:
 * active sales reps and sales managers, admins too for an admin, and for a sales manager only those
 * of their own region. Each reads "name · region"; where two would read the same, the e-mail follows.
 */
export function ownerOptions(users: OwnerCandidate[], me: { role: string; region: string | null }, tEnum: (group: string, value: string | null) => string): OwnerOption[] {
  const owners = users.filter(
    (u) =>
      !u.disabled &&
      (u.role === 'sales_rep' || u.role === 'sales_manager' || (u.role === 'admin' && me.role === 'admin')) &&
      (me.role !== 'sales_manager' || u.region === me.region),
  );
  const short = (u: OwnerCandidate) => (u.region ? `${u.name} · ${tEnum('region', u.region)}` : u.name);
  const seen = new Map<string, number>();
  for (const u of owners) seen.set(short(u), (seen.get(short(u)) ?? 0) + 1);
  return owners
    .map((u) => ({ value: u.id, label: seen.get(short(u))! > 1 ? `${short(u)} · ${u.email}` : short(u) }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

function ColumnChooser({ columns, onChange }: { columns: ColumnKey[]; onChange: (c: ColumnKey[]) => void }) {
  const { t } = useI18n();
  const toggle = (key: ColumnKey, on: boolean) =>
    onChange(COLUMNS.map((c) => c.key).filter((k) => k === 'name' || (k === key ? on : columns.includes(k))));
  return (
    <PopoverButton label={t('customers.columns')}>
      {() => (
        <fieldset className="col-chooser">
          <legend className="sr-only">{t('customers.columns')}</legend>
          {COLUMNS.map((c) => (
            <label key={c.key} className="ctl-check">
              <input type="checkbox" checked={columns.includes(c.key)} disabled={c.key === 'name'} onChange={(e) => toggle(c.key, e.target.checked)} />
              {t(c.label)}
            </label>
          ))}
        </fieldset>
      )}
    </PopoverButton>
  );
}

function SavedViews({ userId, query, columns, onApply }: { userId: number; query: string; columns: ColumnKey[]; onApply: (v: SavedView) => void }) {
  const { t } = useI18n();
  const [views, setViews] = useState(() => loadViews(userId));
  const [name, setName] = useState('');
  return (
    <PopoverButton label={t('customers.views')}>
      {(close) => (
        <div style={{ width: 260 }}>
          {views.length === 0 ? <p className="muted" style={{ marginTop: 0 }}>{t('customers.noViews')}</p> : null}
          <ul className="view-list">
            {views.map((v) => (
              <li key={v.name}>
                <button type="button" className="link-btn" onClick={() => { onApply(v); close(); }}>{v.name}</button>
                <button type="button" className="link-btn danger" aria-label={`${t('customers.deleteView')} ${v.name}`} onClick={() => setViews(deleteView(userId, v.name))}>×</button>
              </li>
            ))}
          </ul>
          <form
            className="view-save"
            onSubmit={(e) => {
              e.preventDefault();
              if (!name.trim()) return;
              setViews(saveView(userId, { name: name.trim(), query, columns }));
              setName('');
            }}
          >
            <input className="ctl" placeholder={t('customers.viewName')} aria-label={t('customers.viewName')} value={name} maxLength={60} onChange={(e) => setName(e.target.value)} />
            <button type="submit" className="ctl-btn primary" disabled={!name.trim()}>{t('common.save')}</button>
          </form>
        </div>
      )}
    </PopoverButton>
  );
}

/** A native select for one filter; the empty option clears it. */
function FilterSelect({ label, value, options, onChange, width }: { label: string; value?: string; options: { value: string; label: string }[]; onChange: (v: string | null) => void; width: number }) {
  return (
    <select className={value ? 'ctl' : 'ctl empty'} aria-label={label} value={value ?? ''} onChange={(e) => onChange(e.target.value || null)} style={{ width }}>
      <option value="">{label}</option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>{o.label}</option>
      ))}
    </select>
  );
}

/** A text filter applied on Enter or when leaving the field. */
function FilterText({ label, value, onChange, width }: { label: string; value?: string; onChange: (v: string) => void; width: number }) {
  return (
    <input
      key={value ?? ''}
      className="ctl"
      type="search"
      placeholder={label}
      aria-label={label}
      defaultValue={value}
      style={{ width }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onChange(e.currentTarget.value.trim());
      }}
      onBlur={(e) => {
        if (e.currentTarget.value.trim() !== (value ?? '')) onChange(e.currentTarget.value.trim());
      }}
    />
  );
}

export function CustomerListView({ owners, outlet }: { owners?: OwnerOption[]; outlet?: React.ReactNode }) {
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
          <Link className="ctl-btn primary" to={{ pathname: 'new', search: query ? `?${query}` : '' }} role="button">
            {t('customers.new')}
          </Link>
        ) : null}
      </div>
      <div className="filters" role="search">
        <form
          className="search-box"
          onSubmit={(e) => {
            e.preventDefault();
            setFilter('q', searchText.trim());
          }}
        >
          <input
            className="ctl"
            type="search"
            style={{ width: 240 }}
            placeholder={t('customers.searchPlaceholder')}
            aria-label={t('common.search')}
            value={searchText}
            onChange={(e) => {
              setSearchText(e.target.value);
              if (e.target.value === '' && params.q) setFilter('q', null);
            }}
          />
          <button type="submit" className="ctl-btn">{t('common.search')}</button>
        </form>
        <FilterSelect label={t('field.region')} value={params.region} onChange={(v) => setFilter('region', v)} options={options(REGIONS, 'region')} width={130} />
        <FilterSelect label={t('field.status')} value={params.status} onChange={(v) => setFilter('status', v)} options={options(CUSTOMER_STATUSES, 'customerStatus')} width={110} />
        <FilterSelect label={t('field.tier')} value={params.tier} onChange={(v) => setFilter('tier', v)} options={options(TIERS, 'tier')} width={110} />
        <FilterText label={t('field.industry')} value={params.industry} onChange={(v) => setFilter('industry', v)} width={130} />
        <FilterText label={t('field.tags')} value={params.tag} onChange={(v) => setFilter('tag', v)} width={110} />
        {owners ? (
          <FilterSelect label={t('field.owner')} value={params.owner_id} onChange={(v) => setFilter('owner_id', v)} options={owners.map((o) => ({ value: String(o.value), label: o.label }))} width={150} />
        ) : user ? (
          <label className="ctl-check">
            <input type="checkbox" checked={params.owner_id === String(user.id)} onChange={(e) => setFilter('owner_id', e.target.checked ? String(user.id) : null)} />
            {t('customers.mine')}
          </label>
        ) : null}
        <select className="ctl" aria-label={t('customers.sort')} value={params.sort} onChange={(e) => setFilter('sort', e.target.value)} style={{ width: 170 }}>
          {SORTS.map((s) => (
            <option key={s} value={s}>{t(`customers.sort.${s}`)}</option>
          ))}
        </select>
        <button type="button" className="ctl-btn" onClick={() => { setSearchText(''); reset(); }}>{t('common.reset')}</button>
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
      {outlet ?? <Outlet />}
    </>
  );
}
