// A virtualized, infinitely scrolling table: only the visible rows are in the DOM, so it stays
// smooth with 100,000 loaded rows; pages (keyset cursors) are fetched as the end comes near.
import { memo, startTransition, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { elementScroll, useVirtualizer, type Rect, type Virtualizer, type VirtualizerOptions } from '@tanstack/react-virtual';
import { Link, useNavigate } from 'react-router';
import { translateEnum, useI18n, type Locale, type MessageKey } from '@/lib/i18n/i18n';
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
/** Rows kept rendered above and below the visible ones, for smooth scrolling. */
const OVERSCAN = 6;
const NO_ROWS: Customer[] = [];

/**
 * The scroll box's size, from a ResizeObserver only. The virtualizer's default reads clientHeight
 * in its mount effect, which forces style and layout of the whole new page inside React's commit:
 * on the list's first load that made one long task of the render, the style recalculation and
 * the layout. The observer reports after the browser's own layout, before paint; until then the
 * size is estimated from the window (see `estimateRect`).
 */
function observeScrollBoxRect(instance: Virtualizer<HTMLDivElement, Element>, cb: (rect: Rect) => void) {
  const element = instance.scrollElement;
  if (!element || typeof ResizeObserver === 'undefined') return undefined;
  const observer = new ResizeObserver(([entry]) => {
    if (entry) cb({ width: Math.round(entry.contentRect.width), height: Math.round(entry.contentRect.height) });
  });
  observer.observe(element);
  return () => observer.disconnect();
}

/**
 * Scroll writes go to the box, except those that would leave it where it is (the virtualizer
 * writes its offset, 0, when it attaches to the new box): a scroll write forces layout too.
 */
const scrollBoxTo: VirtualizerOptions<HTMLDivElement, Element>['scrollToFn'] = (offset, options, instance) => {
  if (offset + (options.adjustments ?? 0) === 0 && (instance.scrollOffset ?? 0) === 0) return;
  elementScroll(offset, options, instance);
};

/** The box is `calc(100vh - 250px)`, at least 320 px high (customers.css); the window's size reads no layout. */
function estimateRect(): Rect {
  return { width: window.innerWidth, height: Math.max(320, window.innerHeight - 250) };
}

type Col = (typeof COLUMNS)[number];

type RowProps = {
  customer: Customer;
  index: number;
  start: number;
  cols: Col[];
  locale: Locale;
  onOpen: (id: number) => void;
  onHover?: (c: Customer) => void;
};

function cell(c: Customer, key: ColumnKey, locale: Locale) {
  switch (key) {
    case 'name':
      return <Link to={`/customers/${c.id}`} onClick={(e) => e.stopPropagation()}>{c.name}</Link>;
    case 'status':
      return <span className={`pill pill-${c.status}`}>{translateEnum(locale, 'customerStatus', c.status)}</span>;
    case 'tier':
      return translateEnum(locale, 'tier', c.tier);
    case 'region':
      return translateEnum(locale, 'region', c.region);
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
}

/** One row; memoized, so scrolling, a new page or a new filter option re-renders only the rows that changed. */
const CustomerRow = memo(function CustomerRow({ customer: c, index, start, cols, locale, onOpen, onHover }: RowProps) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className="vt-row"
      style={{ transform: `translateY(${start}px)` }}
      onMouseEnter={onHover ? () => onHover(c) : undefined}
      onClick={() => onOpen(c.id)}
    >
      {cols.map((col) => (
        <div key={col.key} role="cell" className="vt-td">{cell(c, col.key, locale)}</div>
      ))}
    </div>
  );
});

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
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const onOpen = useCallback((id: number) => navigate(`/customers/${id}`), [navigate]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const cols = useMemo(() => COLUMNS.filter((c) => columns.includes(c.key)), [columns]);
  // The columns' widths, set once for the header and every row (customers.css reads --vt-cols).
  const columnsStyle = { '--vt-cols': cols.map((c) => c.width).join(' ') } as CSSProperties;
  // New rows render at transition priority: the page's frame (header, filters, the skeleton)
  // paints first, and React renders the rows in slices that leave the main thread free.
  const shown = useDeferredValue(rows, NO_ROWS);
  const count = shown.length + (hasNextPage && shown === rows ? 1 : 0);
  const [initialRect] = useState(estimateRect);
  // The first rows commit without overscan (only what fits the box: less to lay out and paint
  // before they show); the rows around them follow in a transition once those are on screen.
  const [overscan, setOverscan] = useState(0);
  useEffect(() => {
    if (overscan === 0 && shown.length > 0) startTransition(() => setOverscan(OVERSCAN));
  }, [overscan, shown.length]);

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan,
    initialRect,
    observeElementRect: observeScrollBoxRect,
    scrollToFn: scrollBoxTo,
  });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];

  useEffect(() => {
    if (last && last.index >= shown.length - 30 && shown === rows && hasNextPage && !isFetchingNextPage) fetchNextPage();
  }, [last, shown, rows, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const sortState = (field: string): 'ascending' | 'descending' | 'none' =>
    sort === field ? 'ascending' : sort === `-${field}` ? 'descending' : 'none';
  const toggleSort = (field: string) => {
    const s = sortState(field);
    onSort(s === 'ascending' ? `-${field}` : s === 'descending' && field !== 'name' ? field : s === 'none' && field !== 'name' ? `-${field}` : field);
  };

  return (
    <div className="vt" role="table" aria-label={t('customers.title')} aria-rowcount={hasNextPage ? -1 : rows.length + 1}>
      <div className="vt-scroll" ref={scrollRef} style={columnsStyle}>
        <div className="vt-head" role="row">
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
        {(loading || shown !== rows) && shown.length === 0 ? (
          <div role="rowgroup" aria-busy="true">
            {/* One bar per row: the skeleton is on the first paint's critical path, so it stays small. */}
            {Array.from({ length: 10 }, (_, i) => (
              <div key={i} className="vt-sk-row"><div className="sk" /></div>
            ))}
          </div>
        ) : shown.length === 0 ? (
          <div className="vt-empty" role="row"><div role="cell">{emptyText}</div></div>
        ) : (
          <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((v) => {
              const c = shown[v.index];
              if (!c) {
                return (
                  <div key="loader" role="row" className="vt-row vt-loading" style={{ transform: `translateY(${v.start}px)` }}>
                    <div role="cell" className="vt-td"><div className="sk" style={{ height: 12, width: 160 }} /></div>
                  </div>
                );
              }
              return <CustomerRow key={c.id} customer={c} index={v.index} start={v.start} cols={cols} locale={locale} onOpen={onOpen} onHover={onHoverRow} />;
            })}
          </div>
        )}
      </div>
    </div>
  );
}
