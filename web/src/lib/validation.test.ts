import { check, rules } from './validation';

describe('validation rules', () => {
  it('requires values', () => {
    expect(check('', rules.required())?.key).toBe('validation.required');
    expect(check('  ', rules.required())?.key).toBe('validation.required');
    expect(check('x', rules.required())).toBeNull();
  });

  it('checks passwords 10 to 200 characters', () => {
    expect(check('short', rules.password())?.key).toBe('validation.passwordLength');
    expect(check('a'.repeat(10), rules.password())).toBeNull();
    expect(check('a'.repeat(201), rules.password())?.key).toBe('validation.passwordLength');
  });

  it('checks emails and urls', () => {
    expect(check('nope', rules.email())?.key).toBe('validation.email');
    expect(check('a@b.co', rules.email())).toBeNull();
    expect(check('example.com', rules.url())?.key).toBe('validation.url');
    expect(check('https://example.com', rules.url())).toBeNull();
    expect(check('', rules.url())).toBeNull();
  });

  it('checks ranges', () => {
    expect(check(101, rules.range(0, 100))?.vars).toEqual({ min: 0, max: 100 });
    expect(check(0, rules.min(1))?.key).toBe('validation.min');
  });
});
