import { defaultCurrency } from './enums';

describe('defaultCurrency', () => {
  it('takes the customer’s last licence’s currency, else their region’s', () => {
    expect(defaultCurrency('americas', [{ currency: 'EUR' }, { currency: 'USD' }])).toBe('EUR');
    expect(defaultCurrency('east_china')).toBe('CNY');
    expect(defaultCurrency('emea', [])).toBe('EUR');
    expect(defaultCurrency('americas')).toBe('USD');
    expect(defaultCurrency('apac', [{ currency: 'XYZ' }])).toBe('USD');
  });
});
