// The dashboard's charts. This module (and echarts with it) is loaded only after the KPI cards
// have painted; only the chart types and components used here are registered.
import ReactEChartsCore from 'echarts-for-react/esm/core';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useI18n } from '@/lib/i18n/i18n';
import { formatMoney, formatNumber } from '@/lib/format';
import type { DashboardSummary } from '@/features/dashboard/api/dashboard';

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

const chartStyle = { height: '100%', width: '100%' };

export function NewCustomersChart({ data }: { data: DashboardSummary['new_customers_by_month'] }) {
  const { t, locale } = useI18n();
  const option = {
    animation: false,
    grid: { left: 40, right: 16, top: 16, bottom: 28 },
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatNumber(v, locale) },
    xAxis: { type: 'category', data: data.map((d) => d.month) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ name: t('dashboard.count'), type: 'line', smooth: true, areaStyle: { opacity: 0.15 }, data: data.map((d) => d.count) }],
  };
  return <ReactEChartsCore echarts={echarts} option={option} style={chartStyle} notMerge lazyUpdate />;
}

// Bars are the number of open deals per stage; each is labelled with its amounts, one per
// currency (yuan and dollars are never added up, so they cannot share one axis).
export function PipelineChart({ data }: { data: DashboardSummary['pipeline'] }) {
  const { t, tEnum, locale } = useI18n();
  const amounts = (p: DashboardSummary['pipeline'][number]) =>
    p.amounts.map((a) => formatMoney(a.amount_minor, a.currency, locale, true)).join(' · ');
  const option = {
    animation: false,
    grid: { left: 90, right: 150, top: 16, bottom: 44 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: { dataIndex: number }[]) => {
        const p = data[params[0]?.dataIndex ?? 0];
        if (!p) return '';
        return `${tEnum('stage', p.stage)}<br/>${t('dashboard.count')}: ${formatNumber(p.count, locale)}<br/>${t('dashboard.amount')}: ${amounts(p) || '—'}`;
      },
    },
    xAxis: {
      type: 'value',
      minInterval: 1,
      name: t('dashboard.dealCount'),
      nameLocation: 'middle',
      nameGap: 26,
      axisLabel: { hideOverlap: true, formatter: (v: number) => formatNumber(v, locale) },
    },
    yAxis: { type: 'category', inverse: true, data: data.map((p) => tEnum('stage', p.stage)) },
    series: [
      {
        type: 'bar',
        name: t('dashboard.count'),
        data: data.map((p) => p.count),
        label: { show: true, position: 'right', formatter: (x: { dataIndex: number }) => amounts(data[x.dataIndex]!) },
        itemStyle: { color: '#1677ff', borderRadius: [0, 4, 4, 0] },
      },
    ],
  };
  return <ReactEChartsCore echarts={echarts} option={option} style={chartStyle} notMerge lazyUpdate />;
}

export default function DashboardCharts({ summary }: { summary: DashboardSummary }) {
  const { t } = useI18n();
  return (
    <div className="dash-row">
      <section className="panel" aria-label={t('dashboard.newCustomers')}>
        <h2 className="panel-title">{t('dashboard.newCustomers')}</h2>
        <div className="chart-box">
          <NewCustomersChart data={summary.new_customers_by_month} />
        </div>
      </section>
      <section className="panel" aria-label={t('dashboard.pipeline')}>
        <h2 className="panel-title">{t('dashboard.pipeline')}</h2>
        <div className="chart-box">
          <PipelineChart data={summary.pipeline} />
        </div>
      </section>
    </div>
  );
}
