import { deleteView, loadColumns, loadViews, saveColumns, saveView } from './saved-views';

describe('saved views', () => {
  beforeEach(() => localStorage.clear());

  it('keeps views per user, replacing a view of the same name', () => {
    saveView(1, { name: 'East', query: 'region=east_china', columns: ['name'] });
    saveView(1, { name: 'Active', query: 'status=active', columns: ['name'] });
    saveView(1, { name: 'East', query: 'region=east_china&status=lead', columns: ['name'] });
    expect(loadViews(1).map((v) => v.name)).toEqual(['Active', 'East']);
    expect(loadViews(1)[1]?.query).toBe('region=east_china&status=lead');
    expect(loadViews(2)).toEqual([]);
  });

  it('deletes views and survives garbage', () => {
    saveView(1, { name: 'A', query: '', columns: [] });
    expect(deleteView(1, 'A')).toEqual([]);
    localStorage.setItem('salesdb.customerViews.1', '{not json');
    expect(loadViews(1)).toEqual([]);
  });

  it('remembers chosen columns', () => {
    expect(loadColumns(3, ['name'])).toEqual(['name']);
    saveColumns(3, ['name', 'tags']);
    expect(loadColumns(3, ['name'])).toEqual(['name', 'tags']);
  });
});
