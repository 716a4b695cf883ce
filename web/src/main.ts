import 'uplot/dist/uPlot.min.css';
import './style.css';
import { h, setChildren, clear } from './dom';
import * as api from './api';
import { ApiError, type Row, type Range, type Tenant } from './api';
import { QueryEditor, type Suggestion } from './editor';
import { Histogram } from './histogram';
import { VirtualTable, fieldOrder } from './vtable';
import { JsonView, StreamView } from './views';
import { TailView } from './tail';
import { StatsView } from './stats';
import { PIPE_NAMES, addFilter, hasPipes, hasStatsPipe, quoteFieldIfNeeded, quoteValueIfNeeded, type CaretContext } from './logsql';
import { stateFromHash, stateToHash, DEFAULT_COLUMNS, type State, type View } from './state';
import { parseTime, toRFC3339, niceStep, formatStep, isRelative } from './time';

const HISTORY_KEY = 'vl-ui.query-history';
const HISTORY_MAX = 50;
const QUICK_RANGES = ['5m', '15m', '1h', '6h', '24h', '7d'];
const TABS: [View, string][] = [
  ['table', 'Table'],
  ['json', 'JSON'],
  ['stream', 'Streams'],
  ['tail', 'Live tail'],
  ['stats', 'Stats'],
];

function loadHistory(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(HISTORY_KEY) || '[]');
    return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function saveHistory(q: string): void {
  const list = [q, ...loadHistory().filter((x) => x !== q)].slice(0, HISTORY_MAX);
  try {
    localStorage.setItem(HISTORY_KEY, JSON.stringify(list));
  } catch {
    /* private mode: no history */
  }
}

/** `2025-01-01T00:00:00.5Z` -> a string that sorts by time, to the nanosecond. */
function timeKey(t: string | undefined): string {
  if (!t) return '';
  const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?$/.exec(t);
  if (!m) return t;
  return m[1] + '.' + (m[2] ?? '').padEnd(9, '0');
}

interface Resolved {
  range: Range;
  startMs: number;
  endMs: number;
}

class App {
  private state: State;
  private editor: QueryEditor;
  private histogram: Histogram;
  private table: VirtualTable;
  private jsonView = new JsonView();
  private streamView: StreamView;
  private tailView: TailView;
  private statsView = new StatsView();
  private rows: Row[] = [];
  private fields: string[] = [];
  private abort: AbortController | null = null;
  private rowsKey = '';
  private statsKey = '';
  private cache = new Map<string, { at: number; value: Promise<api.ValueHits[]> }>();

  // Elements.
  private errorBox = h('div', { class: 'error-box', testid: 'error-box', role: 'alert', hidden: true });
  private status = h('div', { class: 'status', testid: 'status', 'data-state': 'idle' });
  private summary = h('div', { class: 'summary', testid: 'results-summary', 'data-rows': '0' });
  private startInput = h('input', { class: 'time-input', testid: 'range-start', 'aria-label': 'Start', placeholder: 'now-1h or 2025-01-01T00:00:00Z' });
  private endInput = h('input', { class: 'time-input', testid: 'range-end', 'aria-label': 'End', placeholder: 'now or 2025-01-02T00:00:00Z' });
  private limitInput = h('input', { class: 'limit-input', testid: 'limit-input', type: 'number', min: '1', step: '1', 'aria-label': 'Row limit' });
  private accountInput = h('input', { class: 'tenant-input', testid: 'tenant-account', inputmode: 'numeric', 'aria-label': 'AccountID' });
  private projectInput = h('input', { class: 'tenant-input', testid: 'tenant-project', inputmode: 'numeric', 'aria-label': 'ProjectID' });
  private quick = h('div', { class: 'quick-ranges', role: 'group', 'aria-label': 'Relative time range' });
  private tabs = h('div', { class: 'tabs', role: 'tablist' });
  private historyMenu = h('div', { class: 'menu history-menu', testid: 'history-menu', hidden: true });
  private columnsMenu = h('div', { class: 'menu columns-menu', testid: 'column-picker', hidden: true });
  private columnsButton: HTMLButtonElement;
  private viewBox = h('div', { class: 'view-box' });
  private resultsBar: HTMLDivElement;

  constructor(root: HTMLElement) {
    this.state = stateFromHash(location.hash);
    this.editor = new QueryEditor({
      onRun: () => this.run(),
      suggest: (ctx, signal) => this.suggest(ctx, signal),
      history: loadHistory,
    });
    this.histogram = new Histogram((a, b) => this.zoom(a, b));
    this.table = new VirtualTable({ onFilter: (f, v) => this.addFilter(f, v) });
    this.streamView = new StreamView(
      (f, v) => this.addFilter(f, v),
      (stream) => this.addFilter('_stream', stream),
    );
    this.tailView = new TailView(
      () => ({ query: this.editor.value.trim() || '*', tenant: this.tenant() }),
      (e) => this.showError(e),
    );

    for (const r of QUICK_RANGES) {
      this.quick.appendChild(
        h('button', { class: 'chip', testid: `range-${r}`, 'data-range': r, onclick: () => this.setRange(`now-${r}`, 'now') }, r),
      );
    }
    for (const [v, label] of TABS) {
      this.tabs.appendChild(
        h('button', { class: 'tab', role: 'tab', testid: `view-tab-${v}`, 'data-view': v, onclick: () => this.setView(v) }, label),
      );
    }
    const onEnter = (fn: () => void) => (e: KeyboardEvent) => {
      if (e.key === 'Enter') fn();
    };
    const applyRange = () => this.setRange(this.startInput.value.trim() || 'now-1h', this.endInput.value.trim() || 'now');
    this.startInput.addEventListener('keydown', onEnter(applyRange));
    this.endInput.addEventListener('keydown', onEnter(applyRange));
    this.startInput.addEventListener('change', applyRange);
    this.endInput.addEventListener('change', applyRange);
    this.limitInput.addEventListener('change', () => {
      const n = Math.floor(Number(this.limitInput.value));
      this.state.limit = n > 0 ? n : 1000;
      this.run();
    });
    const applyTenant = () => {
      const a = this.accountInput.value.trim() || '0';
      const p = this.projectInput.value.trim() || '0';
      if (!/^\d+$/.test(a) || !/^\d+$/.test(p)) {
        this.showError('AccountID and ProjectID must be non-negative integers');
        return;
      }
      this.state.account = a;
      this.state.project = p;
      this.cache.clear();
      this.run();
    };
    this.accountInput.addEventListener('change', applyTenant);
    this.projectInput.addEventListener('change', applyTenant);

    const historyButton = h('button', { class: 'icon-btn', testid: 'history-button', title: 'Query history (Ctrl+↑/↓ in the editor)', onclick: () => this.toggleHistory() }, 'History');
    this.columnsButton = h('button', { testid: 'columns-button', onclick: () => this.toggleColumns() }, 'Columns');
    this.resultsBar = h('div', { class: 'results-bar' }, this.summary, h('div', { class: 'menu-anchor' }, this.columnsButton, this.columnsMenu));

    const header = h(
      'header',
      { class: 'top' },
      h('div', { class: 'brand' }, h('span', { class: 'logo' }, '▤'), ' VictoriaLogs'),
      h(
        'div',
        { class: 'tenant', title: 'Tenant: the AccountID and ProjectID headers of every request' },
        h('label', null, 'AccountID ', this.accountInput),
        h('label', null, 'ProjectID ', this.projectInput),
      ),
    );
    const queryRow = h(
      'div',
      { class: 'query-row' },
      this.editor.root,
      h(
        'div',
        { class: 'query-actions' },
        h('button', { class: 'primary run', testid: 'run-button', title: 'Run (Enter; Shift+Enter for a new line)', onclick: () => this.run() }, 'Run'),
        h('div', { class: 'menu-anchor' }, historyButton, this.historyMenu),
      ),
    );
    const rangeRow = h(
      'div',
      { class: 'range-row' },
      this.quick,
      h('label', { class: 'range-field' }, 'from ', this.startInput),
      h('label', { class: 'range-field' }, 'to ', this.endInput),
      h('label', { class: 'range-field' }, 'limit ', this.limitInput),
      this.status,
    );
    setChildren(
      root,
      header,
      h('main', { class: 'main' }, queryRow, rangeRow, this.errorBox, this.histogram.root, h('nav', { class: 'tabs-row' }, this.tabs), this.resultsBar, this.viewBox),
    );

    document.addEventListener('click', (e) => {
      const t = e.target as Node;
      if (!this.historyMenu.hidden && !this.historyMenu.parentElement!.contains(t)) this.historyMenu.hidden = true;
      if (!this.columnsMenu.hidden && !this.columnsMenu.parentElement!.contains(t)) this.columnsMenu.hidden = true;
    });
    const onNav = () => {
      if (location.hash === stateToHash(this.state)) return;
      this.state = stateFromHash(location.hash);
      history.replaceState(null, '', stateToHash(this.state)); // canonical: the twin event is a no-op
      this.syncControls();
      this.run({ fromUrl: true });
    };
    window.addEventListener('popstate', onNav);
    window.addEventListener('hashchange', onNav);

    this.syncControls();
    history.replaceState(null, '', stateToHash(this.state));
    this.run({ fromUrl: true });
  }

  private tenant(): Tenant {
    return { account: this.state.account, project: this.state.project };
  }

  private syncControls(): void {
    this.editor.value = this.state.query;
    this.startInput.value = this.state.start;
    this.endInput.value = this.state.end;
    this.limitInput.value = String(this.state.limit);
    this.accountInput.value = this.state.account;
    this.projectInput.value = this.state.project;
    for (const b of this.quick.querySelectorAll<HTMLButtonElement>('button')) {
      b.classList.toggle('active', this.state.end === 'now' && this.state.start === `now-${b.dataset.range}`);
    }
    for (const b of this.tabs.querySelectorAll<HTMLButtonElement>('button')) {
      const on = b.dataset.view === this.state.view;
      b.classList.toggle('active', on);
      b.setAttribute('aria-selected', String(on));
    }
    this.histogram.root.hidden = this.state.view === 'tail';
    this.resultsBar.hidden = this.state.view === 'tail' || this.state.view === 'stats';
    this.columnsButton.hidden = this.state.view !== 'table';
    const el =
      this.state.view === 'table'
        ? this.table.root
        : this.state.view === 'json'
          ? this.jsonView.root
          : this.state.view === 'stream'
            ? this.streamView.root
            : this.state.view === 'tail'
              ? this.tailView.root
              : this.statsView.root;
    if (this.viewBox.firstChild !== el) setChildren(this.viewBox, el);
  }

  private writeUrl(push: boolean): void {
    const hash = stateToHash(this.state);
    if (location.hash === hash) return;
    if (push) history.pushState(null, '', hash);
    else history.replaceState(null, '', hash);
  }

  private setStatus(state: 'idle' | 'loading' | 'done' | 'error', text: string): void {
    this.status.setAttribute('data-state', state);
    this.status.textContent = text;
  }

  private showError(e: ApiError | string | null): void {
    if (!e) {
      this.errorBox.hidden = true;
      clear(this.errorBox);
      this.editor.setErrorPosition(null);
      return;
    }
    const msg = typeof e === 'string' ? e : e.message;
    const query = this.editor.value;
    let pos: number | null = null;
    if (typeof e !== 'string' && e.position !== null) {
      const echo = e.echoed;
      if (echo === null || echo === query || (echo.endsWith('...') && query.startsWith(echo.slice(0, -3)))) pos = e.position;
    }
    this.editor.setErrorPosition(pos);
    setChildren(
      this.errorBox,
      h('div', { class: 'error-title' }, typeof e !== 'string' && e.status ? `Error (HTTP ${e.status})` : 'Error'),
      h('pre', { class: 'error-msg', testid: 'error-message' }, msg),
      pos !== null ? h('div', { class: 'error-hint', testid: 'error-position', 'data-position': String(pos) }, `position ${pos} is marked in the query`) : null,
    );
    this.errorBox.hidden = false;
  }

  private resolve(): Resolved | string {
    const now = Date.now();
    const startMs = parseTime(this.state.start, now);
    const endMs = parseTime(this.state.end, now);
    if (startMs === null) return `cannot read the start time "${this.state.start}": use now-1h, 5m, 2025-01-01T00:00:00Z or Unix seconds`;
    if (endMs === null) return `cannot read the end time "${this.state.end}": use now, 2025-01-02T00:00:00Z or Unix seconds`;
    if (startMs >= endMs) return 'the start time must be before the end time';
    return { startMs, endMs, range: { start: toRFC3339(startMs), end: toRFC3339(endMs) } };
  }

  private runKey(): string {
    return JSON.stringify([this.state.query, this.state.start, this.state.end, this.state.account, this.state.project, this.state.limit]);
  }

  private setRange(start: string, end: string): void {
    this.state.start = start;
    this.state.end = end;
    this.run();
  }

  private zoom(a: number, b: number): void {
    if (b - a < 1000) b = a + 1000;
    this.setRange(toRFC3339(Math.floor(a)), toRFC3339(Math.ceil(b)));
  }

  private setView(v: View): void {
    if (v === this.state.view) return;
    if (this.state.view === 'tail') this.tailView.stop();
    this.state.view = v;
    if (v === 'tail') {
      this.abort?.abort();
      this.setStatus('idle', '');
    }
    this.state.query = this.editor.value.trim() || '*';
    this.syncControls();
    this.writeUrl(true);
    const key = this.runKey();
    if (v === 'stats' ? this.statsKey !== key : v !== 'tail' && this.rowsKey !== key) {
      this.run();
      return;
    }
    this.renderRows();
  }

  private addFilter(field: string, value: string): void {
    this.editor.value = addFilter(this.editor.value.trim(), field, value);
    this.run();
  }

  /** Runs the query for the current view; pushes the state to the URL and the history. */
  run(opts: { fromUrl?: boolean } = {}): void {
    const query = this.editor.value.trim() || '*';
    this.state.query = query;
    this.syncControls();
    this.writeUrl(!opts.fromUrl);
    if (!opts.fromUrl || query !== '*') saveHistory(query);
    this.historyMenu.hidden = true;
    this.abort?.abort();
    const ac = new AbortController();
    this.abort = ac;
    this.showError(null);
    const r = this.resolve();
    if (typeof r === 'string') {
      this.showError(r);
      this.setStatus('error', 'error');
      return;
    }
    if (this.state.view === 'tail') {
      this.setStatus('idle', '');
      this.tailView.start();
      return;
    }
    const key = this.runKey();
    this.runHits(query, r, ac.signal);
    if (this.state.view === 'stats') void this.runStats(query, r, key, ac);
    else void this.runRows(query, r, key, ac);
  }

  private runHits(query: string, r: Resolved, signal: AbortSignal): void {
    const width = this.histogram.root.clientWidth || window.innerWidth;
    const stepMs = niceStep(r.endMs - r.startMs, Math.max(20, Math.min(120, Math.floor(width / 10))));
    this.histogram.setLoading();
    api
      .hits(query, r.range, formatStep(stepMs), this.tenant(), signal)
      .then((series) => {
        if (!signal.aborted) this.histogram.setData(series, r.startMs, r.endMs, stepMs);
      })
      .catch((e) => {
        if (!signal.aborted) this.histogram.setError(e instanceof Error ? e.message.split('\n')[0] : String(e));
      });
  }

  private async runRows(query: string, r: Resolved, key: string, ac: AbortController): Promise<void> {
    this.setStatus('loading', 'loading…');
    const t0 = performance.now();
    try {
      const rows = await api.queryRows(query, r.range, this.state.limit, this.tenant(), ac.signal);
      if (ac.signal.aborted) return;
      if (!hasPipes(query)) {
        const keys = rows.map((x) => timeKey(x._time));
        const idx = rows.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? 1 : keys[a] > keys[b] ? -1 : 0));
        this.rows = idx.map((i) => rows[i]);
      } else {
        this.rows = rows;
      }
      const names = new Set<string>();
      for (const row of this.rows) for (const k in row) names.add(k);
      this.fields = [...names].sort(fieldOrder);
      this.rowsKey = key;
      const ms = Math.round(performance.now() - t0);
      this.setStatus('done', `${this.rows.length} rows in ${ms} ms`);
      this.renderRows(true);
    } catch (e) {
      if (ac.signal.aborted || (e as Error).name === 'AbortError') return;
      this.rows = [];
      this.rowsKey = '';
      this.renderRows(true);
      this.showError(e instanceof ApiError ? e : String(e));
      this.setStatus('error', 'error');
    }
  }

  private async runStats(query: string, r: Resolved, key: string, ac: AbortController): Promise<void> {
    let q = query;
    let note = '';
    if (!hasStatsPipe(query)) {
      q = `${query} | stats count() logs`;
      note = 'the query has no `stats` pipe: showing `| stats count() logs`';
    }
    const stepMs = niceStep(r.endMs - r.startMs, 60);
    this.setStatus('loading', 'loading…');
    this.statsView.clear('loading…');
    const t0 = performance.now();
    try {
      const result = await api.statsQueryRange(q, r.range, formatStep(stepMs), this.tenant(), ac.signal);
      if (ac.signal.aborted) return;
      this.statsView.setData(result, r.startMs, r.endMs, stepMs, note);
      this.statsKey = key;
      this.setStatus('done', `${result.length} series in ${Math.round(performance.now() - t0)} ms`);
    } catch (e) {
      if (ac.signal.aborted || (e as Error).name === 'AbortError') return;
      this.statsKey = '';
      this.statsView.clear('');
      this.showError(e instanceof ApiError ? e : String(e));
      this.setStatus('error', 'error');
    }
  }

  private renderRows(fresh = false): void {
    const n = this.rows.length;
    this.summary.setAttribute('data-rows', String(n));
    const limited = n >= this.state.limit;
    setChildren(
      this.summary,
      h('b', null, n.toLocaleString('en-US')),
      n === 1 ? ' row' : ' rows',
      limited ? h('span', { class: 'muted' }, ` (the limit of ${this.state.limit}: raise it to see more)`) : null,
      !hasPipes(this.state.query) && n ? h('span', { class: 'muted' }, ' · newest first') : null,
    );
    const v = this.state.view;
    if (v === 'table' && (fresh || this.tableShownRows !== this.rows)) {
      this.table.setData(this.rows, this.tableColumns());
      this.tableShownRows = this.rows;
    }
    if (v === 'json' && (fresh || this.jsonShownRows !== this.rows)) {
      this.jsonView.setData(this.rows);
      this.jsonShownRows = this.rows;
    }
    if (v === 'stream' && (fresh || this.streamShownRows !== this.rows)) {
      this.streamView.setData(this.rows);
      this.streamShownRows = this.rows;
    }
    if (!this.columnsMenu.hidden) this.paintColumns();
  }

  /**
   * The chosen columns; when the result has none of them (e.g. `| stats` rows have no _msg),
   * its own fields instead, so the table never shows only empty cells.
   */
  private tableColumns(): string[] {
    const chosen = this.state.columns.length ? this.state.columns : DEFAULT_COLUMNS;
    if (!this.fields.length || chosen.some((c) => this.fields.includes(c))) return chosen;
    return this.fields.filter((f) => f !== '_stream_id').slice(0, 10);
  }

  private tableShownRows: Row[] | null = null;
  private jsonShownRows: Row[] | null = null;
  private streamShownRows: Row[] | null = null;

  private toggleHistory(): void {
    if (!this.historyMenu.hidden) {
      this.historyMenu.hidden = true;
      return;
    }
    const list = loadHistory();
    clear(this.historyMenu);
    if (!list.length) this.historyMenu.appendChild(h('div', { class: 'muted menu-item' }, 'No queries yet'));
    for (const q of list.slice(0, 25)) {
      this.historyMenu.appendChild(
        h(
          'button',
          {
            class: 'menu-item mono',
            testid: 'history-item',
            title: q,
            onclick: () => {
              this.historyMenu.hidden = true;
              this.editor.value = q;
              this.run();
            },
          },
          q,
        ),
      );
    }
    if (list.length) {
      this.historyMenu.appendChild(
        h(
          'button',
          {
            class: 'menu-item danger',
            onclick: () => {
              localStorage.removeItem(HISTORY_KEY);
              this.historyMenu.hidden = true;
            },
          },
          'Clear history',
        ),
      );
    }
    this.historyMenu.hidden = false;
  }

  private toggleColumns(): void {
    this.columnsMenu.hidden = !this.columnsMenu.hidden;
    if (!this.columnsMenu.hidden) this.paintColumns();
  }

  private paintColumns(): void {
    clear(this.columnsMenu);
    const chosen = this.tableColumns();
    const all = [...new Set([...chosen, ...this.fields])].sort(fieldOrder);
    const set = (cols: string[]) => {
      this.state.columns = cols.length ? cols : [...DEFAULT_COLUMNS];
      this.table.setColumns(this.state.columns);
      this.writeUrl(false);
      this.paintColumns();
    };
    this.columnsMenu.appendChild(
      h(
        'div',
        { class: 'menu-head' },
        'Columns',
        h('button', { class: 'link', onclick: () => set([...DEFAULT_COLUMNS]) }, 'reset'),
      ),
    );
    for (const f of all) {
      const cb = h('input', {
        type: 'checkbox',
        checked: chosen.includes(f),
        testid: `column-toggle-${f}`,
        onchange: () => {
          const on = (cb as HTMLInputElement).checked;
          set(on ? [...chosen, f].sort(fieldOrder) : chosen.filter((c) => c !== f));
        },
      });
      this.columnsMenu.appendChild(h('label', { class: 'menu-item check' }, cb, ' ', h('span', { class: 'mono' }, f)));
    }
  }

  // Autocomplete.

  private cached(key: string, load: () => Promise<api.ValueHits[]>): Promise<api.ValueHits[]> {
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < 30_000) return hit.value;
    const value = load();
    value.catch(() => this.cache.delete(key));
    this.cache.set(key, { at: now, value });
    return value;
  }

  private suggestRange(): Range {
    const r = this.resolve();
    if (typeof r !== 'string') {
      // Round relative ranges to the minute so lookups share the cache while typing.
      if (isRelative(this.state.start)) {
        const m = 60_000;
        return { start: toRFC3339(Math.floor(r.startMs / m) * m), end: toRFC3339(Math.ceil(r.endMs / m) * m) };
      }
      return r.range;
    }
    const now = Date.now();
    return { start: toRFC3339(now - 3_600_000), end: toRFC3339(now) };
  }

  private async suggest(ctx: CaretContext, _signal: AbortSignal): Promise<Suggestion[]> {
    const rank = <T>(items: T[], text: (t: T) => string, prefix: string): T[] => {
      const p = prefix.toLowerCase();
      const starts = items.filter((i) => text(i).toLowerCase().startsWith(p));
      const inside = p ? items.filter((i) => !text(i).toLowerCase().startsWith(p) && text(i).toLowerCase().includes(p)) : [];
      return [...starts, ...inside];
    };
    if (ctx.kind === 'pipe') {
      return rank(PIPE_NAMES, (x) => x, ctx.prefix).map((n) => ({ label: n, insert: n + ' ', kind: 'pipe' as const }));
    }
    const range = this.suggestRange();
    const t = this.tenant();
    const base = JSON.stringify([range, t]);
    if (ctx.kind === 'field') {
      const names = await this.cached('names' + base, () => api.fieldNames('*', range, t));
      return rank(names, (x) => x.value, ctx.prefix)
        .filter((x) => x.value !== '')
        .map((x) => ({
          label: x.value,
          insert: ctx.inPipe ? quoteFieldIfNeeded(x.value) : quoteFieldIfNeeded(x.value) + ':',
          detail: String(x.hits),
          kind: 'field' as const,
        }));
    }
    const values = await this.cached('values' + ctx.field + base, () => api.fieldValues('*', ctx.field, range, 200, t));
    const quoted = /^["'`]/.test(ctx.prefix);
    const prefix = quoted ? ctx.prefix.slice(1) : ctx.prefix;
    return rank(values, (x) => x.value, prefix).map((x) => ({
      label: x.value === '' ? '""' : x.value,
      insert: (quoted ? JSON.stringify(x.value) : quoteValueIfNeeded(x.value)) + ' ',
      detail: String(x.hits),
      kind: 'value' as const,
    }));
  }
}

new App(document.getElementById('app')!);
