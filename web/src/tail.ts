// Live tail: streams /select/logsql/tail into a list, newest at the top. Pause keeps reading
// but holds new rows back until resume.
import { h, clear, setChildren } from './dom';
import { tail, ApiError, type Row, type Tenant } from './api';
import { copyButton } from './vtable';

const MAX_ROWS = 2000;

export class TailView {
  readonly root: HTMLDivElement;
  private list: HTMLDivElement;
  private status: HTMLSpanElement;
  private toggleBtn: HTMLButtonElement;
  private pauseBtn: HTMLButtonElement;
  private abort: AbortController | null = null;
  private paused = false;
  private held: Row[] = [];
  private count = 0;

  constructor(
    private params: () => { query: string; tenant: Tenant },
    private onError: (e: ApiError | null) => void,
  ) {
    this.status = h('span', { class: 'tail-status', testid: 'tail-status', 'data-state': 'idle' }, 'stopped');
    this.toggleBtn = h('button', { class: 'primary', testid: 'tail-toggle', onclick: () => (this.running ? this.stop() : this.start()) }, 'Start live tail');
    this.pauseBtn = h('button', { testid: 'tail-pause', disabled: true, onclick: () => this.setPaused(!this.paused) }, 'Pause');
    this.list = h('div', { class: 'tail-list', testid: 'tail-list' });
    this.root = h(
      'div',
      { class: 'tail-view', testid: 'tail-view' },
      h(
        'div',
        { class: 'tail-bar' },
        this.toggleBtn,
        this.pauseBtn,
        h('button', { testid: 'tail-clear', onclick: () => this.clearRows() }, 'Clear'),
        this.status,
      ),
      this.list,
    );
    this.renderEmpty();
  }

  get running(): boolean {
    return this.abort !== null;
  }

  private setState(state: string, text: string): void {
    this.status.setAttribute('data-state', state);
    this.status.textContent = text;
  }

  private renderEmpty(): void {
    if (!this.list.firstChild) {
      this.list.appendChild(h('div', { class: 'muted tail-empty' }, 'New rows that match the query appear here, newest on top.'));
    }
  }

  private clearRows(): void {
    clear(this.list);
    this.count = 0;
    this.held = [];
    this.renderEmpty();
  }

  start(): void {
    this.stop();
    const { query, tenant } = this.params();
    const ac = new AbortController();
    this.abort = ac;
    this.paused = false;
    this.held = [];
    this.toggleBtn.textContent = 'Stop';
    this.toggleBtn.classList.remove('primary');
    this.pauseBtn.disabled = false;
    this.pauseBtn.textContent = 'Pause';
    this.setState('connecting', 'connecting…');
    this.onError(null);
    tail(
      query,
      tenant,
      ac.signal,
      () => this.setState('streaming', 'live: waiting for new rows'),
      (rows) => this.onRows(rows),
    )
      .catch((e) => {
        if (ac.signal.aborted) return;
        this.onError(e instanceof ApiError ? e : new ApiError(0, String(e)));
        this.setState('error', 'stopped on error');
      })
      .finally(() => {
        if (this.abort === ac) this.finish();
      });
  }

  private finish(): void {
    this.abort = null;
    this.toggleBtn.textContent = 'Start live tail';
    this.toggleBtn.classList.add('primary');
    this.pauseBtn.disabled = true;
    if (this.status.getAttribute('data-state') !== 'error') this.setState('idle', 'stopped');
  }

  stop(): void {
    const ac = this.abort;
    if (!ac) return;
    this.abort = null;
    ac.abort();
    this.finish();
  }

  private setPaused(p: boolean): void {
    if (!this.running) return;
    this.paused = p;
    this.pauseBtn.textContent = p ? 'Resume' : 'Pause';
    if (p) {
      this.setState('paused', 'paused: new rows are held');
    } else {
      const held = this.held;
      this.held = [];
      this.setState('streaming', 'live');
      if (held.length) this.show(held);
    }
  }

  private onRows(rows: Row[]): void {
    if (this.paused) {
      this.held.push(...rows);
      if (this.held.length > MAX_ROWS) this.held.splice(0, this.held.length - MAX_ROWS);
      this.setState('paused', `paused: ${this.held.length} new rows held`);
      return;
    }
    this.show(rows);
  }

  private show(rows: Row[]): void {
    const empty = this.list.querySelector('.tail-empty');
    if (empty) empty.remove();
    // The batch is oldest first; newest ends on top.
    for (const r of rows) {
      const el = h(
        'div',
        { class: 'tail-row fresh', testid: 'tail-row' },
        h('span', { class: 'tail-time' }, r._time ?? ''),
        h('span', { class: 'tail-stream' }, r._stream ?? ''),
        h('span', { class: 'tail-msg' }, r._msg ?? JSON.stringify(r)),
        copyButton(r),
      );
      this.list.insertBefore(el, this.list.firstChild);
      setTimeout(() => el.classList.remove('fresh'), 1500);
    }
    this.count += rows.length;
    while (this.list.childElementCount > MAX_ROWS) this.list.lastElementChild!.remove();
    if (!this.paused) setChildren(this.status, `live: ${this.count} rows received`);
  }
}
