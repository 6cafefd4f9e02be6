// Kanban of opportunities by stage. Cards are dragged between columns (HTML5 drag and drop);
// each card also has a "move to" menu, so the board works by keyboard and on touch screens.
// Only the cards the user may change move; the others show their stage as text.
import { useState } from 'react';
import { useQueries } from '@tanstack/react-query';
import { Link } from 'react-router';
import Select from 'antd/es/select';
import AntdApp from 'antd/es/app';
import { useI18n } from '@/lib/i18n/i18n';
import { formatDate, formatMoney } from '@/lib/format';
import { ErrorState } from '@/components/states';
import { STAGES, type Stage } from '@/config/enums';
import { opportunityListQueryOptions, useMoveOpportunity, type Opportunity } from '@/features/opportunities/api/opportunities';
import './pipeline.css';

/** Sums per currency, largest first: "¥1,200,000 + $30,000". */
export function columnTotals(items: Opportunity[]): { currency: string; amount_minor: number }[] {
  const sums = new Map<string, number>();
  for (const o of items) sums.set(o.currency, (sums.get(o.currency) ?? 0) + o.amount_minor);
  return [...sums.entries()].map(([currency, amount_minor]) => ({ currency, amount_minor })).sort((a, b) => b.amount_minor - a.amount_minor);
}

function Card({ opp, canMove, onMove }: { opp: Opportunity; canMove: boolean; onMove: (o: Opportunity, s: Stage) => void }) {
  const { t, tEnum, locale } = useI18n();
  return (
    <li
      className="kb-card"
      draggable={canMove}
      onDragStart={(e) => {
        if (!canMove) return;
        e.dataTransfer.setData('application/x-opportunity', String(opp.id));
        e.dataTransfer.effectAllowed = 'move';
      }}
      aria-label={opp.name}
      data-opportunity-id={opp.id}
    >
      <div className="kb-name">{opp.name}</div>
      <Link className="kb-customer" to={`/customers/${opp.customer_id}`}>{opp.customer_name ?? `#${opp.customer_id}`}</Link>
      <div className="kb-meta">
        <strong>{formatMoney(opp.amount_minor, opp.currency, locale)}</strong>
        {opp.expected_close_at ? <span>{formatDate(opp.expected_close_at, locale)}</span> : null}
      </div>
      {canMove ? (
        <Select
          size="small"
          aria-label={`${t('opportunities.moveTo')}: ${opp.name}`}
          value={opp.stage}
          onChange={(s) => onMove(opp, s)}
          options={STAGES.map((s) => ({ value: s, label: tEnum('stage', s) }))}
          style={{ width: '100%', marginTop: 6 }}
        />
      ) : (
        <div className="muted">{tEnum('stage', opp.stage)}</div>
      )}
    </li>
  );
}

/** `canMove` says whether the current user may change this card (the route decides, from the card's customer). */
export function PipelineBoard({ canMove }: { canMove: (opp: Opportunity) => boolean }) {
  const { t, tEnum, locale } = useI18n();
  const results = useQueries({ queries: STAGES.map((stage) => opportunityListQueryOptions({ stage })) });
  const move = useMoveOpportunity();
  const { message } = AntdApp.useApp();
  const [over, setOver] = useState<Stage | null>(null);

  const byId = new Map<number, Opportunity>();
  results.forEach((r) => r.data?.items.forEach((o) => byId.set(o.id, o)));
  const anyMovable = [...byId.values()].some(canMove);

  const doMove = (opp: Opportunity, stage: Stage) => {
    if (opp.stage === stage || !canMove(opp)) return;
    move.mutate(
      { opp, stage },
      { onSuccess: () => void message.success(t('opportunities.moved', { stage: tEnum('stage', stage) })) },
    );
  };

  return (
    <>
      {anyMovable ? <p className="muted">{t('opportunities.dragHint')}</p> : null}
      <div className="kb">
        {STAGES.map((stage, i) => {
          const r = results[i]!;
          const items = r.data?.items ?? [];
          const totals = columnTotals(items);
          // A column that could not load says so (an empty column would claim there is nothing).
          const failed = r.isError && r.data === undefined;
          return (
            <section
              key={stage}
              className={over === stage ? 'kb-col over' : 'kb-col'}
              aria-label={tEnum('stage', stage)}
              data-stage={stage}
              onDragOver={(e) => {
                if (!anyMovable) return;
                e.preventDefault();
                e.dataTransfer.dropEffect = 'move';
                if (over !== stage) setOver(stage);
              }}
              onDragLeave={() => setOver((s) => (s === stage ? null : s))}
              onDrop={(e) => {
                e.preventDefault();
                setOver(null);
                const id = Number(e.dataTransfer.getData('application/x-opportunity'));
                const opp = byId.get(id);
                if (opp) doMove(opp, stage);
              }}
            >
              <header className="kb-head">
                <h2>{tEnum('stage', stage)} {failed ? null : <span className="kb-count">{items.length}{r.data?.next_cursor ? '+' : ''}</span>}</h2>
                <div className="kb-total" aria-label={t('opportunities.total')}>
                  {totals.length === 0 ? '—' : totals.map((x) => formatMoney(x.amount_minor, x.currency, locale, true)).join(' · ')}
                </div>
              </header>
              <ul className="kb-list">
                {r.isPending
                  ? [0, 1, 2].map((k) => <li key={k} className="kb-card"><div className="sk" style={{ height: 56 }} /></li>)
                  : null}
                {items.map((o) => <Card key={o.id} opp={o} canMove={canMove(o)} onMove={doMove} />)}
                {failed ? (
                  <li>
                    <ErrorState compact error={r.error} onRetry={() => void r.refetch()} />
                  </li>
                ) : null}
                {r.data && items.length === 0 ? <li className="kb-empty muted">{t('opportunities.empty')}</li> : null}
              </ul>
            </section>
          );
        })}
      </div>
    </>
  );
}
