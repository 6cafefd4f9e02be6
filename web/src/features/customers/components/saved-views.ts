// Saved views of the customer list, per user, in localStorage: a name, the URL query and the columns.
export type SavedView = { name: string; query: string; columns: string[] };

const viewsKey = (userId: number) => `salesdb.customerViews.${userId}`;
const columnsKey = (userId: number) => `salesdb.customerColumns.${userId}`;

function read<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

function write(key: string, value: unknown) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* storage full or disabled: views are a convenience */
  }
}

export function loadViews(userId: number): SavedView[] {
  const v = read<unknown>(viewsKey(userId), []);
  return Array.isArray(v) ? (v.filter((x) => x && typeof x.name === 'string' && typeof x.query === 'string') as SavedView[]) : [];
}

export function saveView(userId: number, view: SavedView): SavedView[] {
  const views = loadViews(userId).filter((v) => v.name !== view.name);
  views.push(view);
  views.sort((a, b) => a.name.localeCompare(b.name));
  write(viewsKey(userId), views);
  return views;
}

export function deleteView(userId: number, name: string): SavedView[] {
  const views = loadViews(userId).filter((v) => v.name !== name);
  write(viewsKey(userId), views);
  return views;
}

export function loadColumns(userId: number, fallback: string[]): string[] {
  const c = read<unknown>(columnsKey(userId), fallback);
  return Array.isArray(c) && c.every((x) => typeof x === 'string') ? (c as string[]) : fallback;
}

export function saveColumns(userId: number, columns: string[]) {
  write(columnsKey(userId), columns);
}
