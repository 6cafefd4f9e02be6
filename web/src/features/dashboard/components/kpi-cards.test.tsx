import { screen } from '@testing-library/react';
import { KpiCards } from './kpi-cards';
import { renderWithProviders } from '@/testing/test-utils';
import { setLocale } from '@/lib/i18n/i18n';
import { ensureAntdLocale } from '@/app/antd-shell';
import type { DashboardSummary } from '@/features/dashboard/api/dashboard';

const summary: DashboardSummary = {
  customers_by_status: { lead: 3, active: 10, churned: 1 },
  active_licenses: 7,
  arr: [{ currency: 'CNY', amount_minor: 123456700 }],
  expiring: { d30: 1, d60: 2, d90: 4 },
  new_customers_by_month: [],
  pipeline: [],
  my_renewals: [],
  generated_at: 0,
};

describe('KpiCards', () => {
  it('shows totals and money per locale', async () => {
    setLocale('en');
    renderWithProviders(<KpiCards summary={summary} />);
    const customers = await screen.findByRole('region', { name: 'Customers by status' });
    expect(customers).toHaveTextContent('14');
    expect(screen.getByRole('region', { name: 'Annual recurring revenue' })).toHaveTextContent('CN¥1.2M');
    expect(screen.getByRole('link', { name: /4\s*in 90 days/ })).toHaveAttribute('href', '/licenses?expiring=90');
  });

  it('formats in Chinese', async () => {
    setLocale('zh-CN');
    await ensureAntdLocale('zh-CN');
    renderWithProviders(<KpiCards summary={summary} />);
    expect(await screen.findByRole('region', { name: '年度经常性收入' })).toHaveTextContent('¥123.5万');
    setLocale('en');
  });
});
