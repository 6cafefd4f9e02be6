// A virtualized, infinitely scrolling table: only the visible rows are in the DOM, so it stays
// smooth with 100,000 loaded rows; pages (keyset cursors) are fetched as the end comes near.
import { useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Link, useNavigate } from 'react-router';
import { useI18n, type MessageKey } from '@/lib/i18n/i18n';
import { formatDate, formatNumber } from '@/lib/format';
import type { Customer } from '@/features/customers/api/customers';
import './customers.css';

export type ColumnKey = 'name' | 'status' | 'tier' | 'region' | 'industry' | 'owner' | 'tags' | 'active_license_count' | 'updated_at' | 'created_at';

type Column = { key: ColumnKey; label: MessageKey; width: string; sort?: 'name' | 'updated_at' | 'created_at' };

export const COLUMNS: Column[] = [
  { key: 'name', label: 'field.name', width: 'minmax(200px,2fr)', sort: 'name' },
  { key: 'status', label: 'field.status', width: '100px' },
  { key: 'tier', label: 'field.tier', width: '100px' },
  { key: 'region', label: 'field.region', width: '120px' },
  { key: 'industry', label: 'field.industry', width: '130px' },
  { key: 'owner', label: 'field.owner', width: '130px' },
  { key: 'tags', label: 'field.tags', width: 'minmax(140px,1fr)' },
  { key: 'active_license_count', label: 'field.activeLicenses', width: '110px' },
  { key: 'updated_at', label: 'common.updatedAt', width: '130px', sort: 'updated_at' },
  { key: 'created_at', label: 'common.createdAt', width: '130px', sort: 'created_at' },
];

export const DEFAULT_COLUMNS: ColumnKey[] = ['name', 'status', 'tier', 'region', 'industry', 'owner', 'tags', 'active_license_count', 'updated_at'];

const ROW_HEIGHT = 44;

type Props = {
  rows: Customer[];
  columns: ColumnKey[];
  sort: string;
  onSort: (sort: string) => void;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => void;
  onHoverRow?: (c: Customer) => void;
  loading: boolean;
  emptyText: string;
};

export function CustomerTable({ rows, columns, sort, onSort, hasNextPage, isFetchingNextPage, fetchNextPage, onHoverRow, loading, emptyText }: Props) {
  const { t, tEnum, locale } = useI18n();
  const navigate = useNavigate();
  const scrollRef = useRef<HTMLDivElement>(null);
  const cols = COLUMNS.filter((c) => columns.includes(c.key));
  const template = cols.map((c) => c.width).join(' ');
  const count = rows.length + (hasNextPage ? 1 : 0);

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    initialRect: { width: 1000, height: 600 },
  });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];

  useEffect(() => {
    if (last && last.index >= rows.length - 30 && hasNextPage && !isFetchingNextPage) fetchNextPage();
  }, [last, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const sortState = (field: string): 'ascending' | 'descending' | 'none' =>
    sort === field ? 'ascending' : sort === `-${field}` ? 'descending' : 'none';
  const toggleSort = (field: string) => {
    const s = sortState(field);
    onSort(s === 'ascending' ? `-${field}` : s === 'descending' && field !== 'name' ? field : s === 'none' && field !== 'name' ? `-${field}` : field);
  };

  const cell = (c: Customer, key: ColumnKey) => {
    switch (key) {
      case 'name':
        return <Link to={`/customers/${c.id}`} onClick={(e) => e.stopPropagation()}>{c.name}</Link>;
      case 'status':
        return <span className={`pill pill-${c.status}`}>{tEnum('customerStatus', c.status)}</span>;
      case 'tier':
        return tEnum('tier', c.tier);
      case 'region':
        return tEnum('region', c.region);
      case 'industry':
        return c.industry ?? '—';
      case 'owner':
        return c.owner_name ?? '—';
      case 'tags':
        return c.tags?.length ? c.tags.map((tag) => <span key={tag} className="tag">{tag}</span>) : '—';
      case 'active_license_count':
        return formatNumber(c.active_license_count, locale);
      case 'updated_at':
        return formatDate(c.updated_at, locale);
      case 'created_at':
        return formatDate(c.created_at, locale);
    }
  };

  return (
    <div className="vt" role="table" aria-label={t('customers.title')} aria-rowcount={hasNextPage ? -1 : rows.length + 1}>
      <div className="vt-scroll" ref={scrollRef}>
        <div className="vt-head" role="row" style={{ gridTemplateColumns: template }}>
          {cols.map((c) => (
            <div key={c.key} role="columnheader" className="vt-th" aria-sort={c.sort ? sortState(c.sort) : undefined}>
              {c.sort ? (
                <button type="button" className="vt-sort" onClick={() => toggleSort(c.sort!)}>
                  {t(c.label)}
                  <span aria-hidden="true" className="vt-sort-icon">
                    {sortState(c.sort) === 'ascending' ? '▲' : sortState(c.sort) === 'descending' ? '▼' : '↕'}
                  </span>
                </button>
              ) : (
                t(c.label)
              )}
            </div>
          ))}
        </div>
        {loading && rows.length === 0 ? (
          <div role="rowgroup">
            {Array.from({ length: 10 }, (_, i) => (
              <div key={i} className="vt-row" style={{ gridTemplateColumns: template, position: 'relative' }}>
                {cols.map((c) => (
                  <div key={c.key} className="vt-td"><div className="sk" style={{ height: 12, width: '70%' }} /></div>
                ))}
              </div>
            ))}
          </div>
        ) : rows.length === 0 ? (
          <div className="vt-empty" role="row"><div role="cell">{emptyText}</div></div>
        ) : (
          <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((v) => {
              const c = rows[v.index];
              if (!c) {
                return (
                  <div key="loader" role="row" className="vt-row vt-loading" style={{ transform: `translateY(${v.start}px)`, gridTemplateColumns: template }}>
                    <div role="cell" className="vt-td"><div className="sk" style={{ height: 12, width: 160 }} /></div>
                  </div>
                );
              }
              return (
                <div
                  key={c.id}
                  role="row"
                  aria-rowindex={v.index + 2}
                  className="vt-row"
                  style={{ transform: `translateY(${v.start}px)`, gridTemplateColumns: template }}
                  onMouseEnter={onHoverRow ? () => onHoverRow(c) : undefined}
                  onClick={() => navigate(`/customers/${c.id}`)}
                >
                  {cols.map((col) => (
                    <div key={col.key} role="cell" className="vt-td">{cell(c, col.key)}</div>
                  ))}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
