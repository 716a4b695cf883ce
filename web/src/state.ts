// The view's state, mirrored in the URL hash: #/?query=…&start=…&end=…&view=table&account=0&project=0
export type View = 'table' | 'json' | 'stream' | 'tail' | 'stats';
export const VIEWS: View[] = ['table', 'json', 'stream', 'tail', 'stats'];

export interface State {
  query: string;
  start: string;
  end: string;
  view: View;
  account: string;
  project: string;
  limit: number;
  columns: string[];
}

export const DEFAULT_COLUMNS = ['_time', '_msg'];

export function defaultState(): State {
  return {
    query: '*',
    start: 'now-1h',
    end: 'now',
    view: 'table',
    account: '0',
    project: '0',
    limit: 1000,
    columns: [...DEFAULT_COLUMNS],
  };
}

export function stateFromHash(hash: string): State {
  const s = defaultState();
  let h = hash.replace(/^#/, '');
  const q = h.indexOf('?');
  h = q >= 0 ? h.slice(q + 1) : '';
  const p = new URLSearchParams(h);
  const get = (k: string) => p.get(k);
  if (get('query') !== null) s.query = get('query')!;
  if (get('start')) s.start = get('start')!;
  if (get('end')) s.end = get('end')!;
  const v = get('view') as View | null;
  if (v && VIEWS.includes(v)) s.view = v;
  if (get('account') && /^\d+$/.test(get('account')!)) s.account = get('account')!;
  if (get('project') && /^\d+$/.test(get('project')!)) s.project = get('project')!;
  const limit = Number(get('limit'));
  if (Number.isInteger(limit) && limit > 0) s.limit = limit;
  if (get('columns')) s.columns = get('columns')!.split(',').filter(Boolean);
  return s;
}

export function stateToHash(s: State): string {
  const p = new URLSearchParams();
  p.set('query', s.query);
  p.set('start', s.start);
  p.set('end', s.end);
  p.set('view', s.view);
  p.set('account', s.account);
  p.set('project', s.project);
  p.set('limit', String(s.limit));
  if (s.columns.join(',') !== DEFAULT_COLUMNS.join(',')) p.set('columns', s.columns.join(','));
  // URLSearchParams writes spaces as '+'; %20 reads the same and is friendlier to copy around.
  return '#/?' + p.toString().replace(/\+/g, '%20');
}
