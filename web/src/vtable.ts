// A virtualised results table: only the rows in (and near) the viewport are in the DOM, so 10k+
// rows scroll smoothly. Rows have a fixed height; an expanded row adds a details box of a height
// known in advance, so every row's offset is a prefix sum.
import { h, clear, copyText } from './dom';
import type { Row } from './api';

const ROW_H = 30;
const DETAIL_LINE_H = 22;
const DETAIL_MAX_H = 320;
const OVERSCAN = 8;

export interface TableOptions {
  onFilter: (field: string, value: string) => void;
}

export class VirtualTable {
  readonly root: HTMLDivElement;
  private viewport: HTMLDivElement;
  private header: HTMLDivElement;
  private sizer: HTMLDivElement;
  private rows: Row[] = [];
  private columns: string[] = [];
  private expanded = new Set<number>();
  private offsets: number[] = [0];
  private rendered = new Map<number, HTMLElement>();
  private raf = 0;
  private gridTemplate = '';

  constructor(private opts: TableOptions) {
    this.header = h('div', { class: 'vt-head', role: 'row' });
    this.sizer = h('div', { class: 'vt-sizer' });
    this.viewport = h('div', { class: 'vt-viewport', testid: 'results-table', role: 'table' }, this.header, this.sizer);
    this.viewport.addEventListener('scroll', () => this.schedule());
    this.root = h('div', { class: 'vt' }, this.viewport);
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
  }

  setData(rows: Row[], columns: string[]): void {
    this.rows = rows;
    this.expanded.clear();
    this.viewport.scrollTop = 0;
    this.setColumns(columns);
  }

  setColumns(columns: string[]): void {
    this.columns = columns.length ? columns : ['_msg'];
    const tracks = this.columns.map((c) => (c === '_time' ? 'minmax(13rem, 15rem)' : c === '_msg' ? 'minmax(16rem, 4fr)' : 'minmax(8rem, 1fr)'));
    this.gridTemplate = ['2.2rem', ...tracks, '4.2rem'].join(' ');
    const minWidth = 2.2 + 4.2 + this.columns.reduce((s, c) => s + (c === '_time' ? 13 : c === '_msg' ? 16 : 8), 0);
    this.viewport.style.setProperty('--vt-min-width', `${minWidth}rem`);
    clear(this.header);
    this.header.style.gridTemplateColumns = this.gridTemplate;
    this.header.appendChild(h('div', { class: 'vt-cell vt-ctl' }));
    for (const c of this.columns) this.header.appendChild(h('div', { class: 'vt-cell', role: 'columnheader', title: c }, c));
    this.header.appendChild(h('div', { class: 'vt-cell vt-ctl' }));
    this.relayout();
  }

  private detailHeight(i: number): number {
    const n = Object.keys(this.rows[i]).length;
    return Math.min(DETAIL_MAX_H, n * DETAIL_LINE_H + 16);
  }

  private relayout(): void {
    const off = new Array<number>(this.rows.length + 1);
    off[0] = 0;
    for (let i = 0; i < this.rows.length; i++) {
      off[i + 1] = off[i] + ROW_H + (this.expanded.has(i) ? this.detailHeight(i) : 0);
    }
    this.offsets = off;
    this.sizer.style.height = off[this.rows.length] + 'px';
    for (const el of this.rendered.values()) el.remove();
    this.rendered.clear();
    this.paint();
  }

  private schedule(): void {
    if (this.raf) return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.paint();
    });
  }

  /** The first row whose bottom is below y. */
  private rowAt(y: number): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.offsets[mid + 1] <= y) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private paint(): void {
    const headH = this.header.offsetHeight;
    const top = Math.max(0, this.viewport.scrollTop - headH);
    const height = this.viewport.clientHeight || 600;
    const first = Math.max(0, this.rowAt(top) - OVERSCAN);
    const last = Math.min(this.rows.length, this.rowAt(top + height) + 1 + OVERSCAN);
    for (const [i, el] of this.rendered) {
      if (i < first || i >= last) {
        el.remove();
        this.rendered.delete(i);
      }
    }
    for (let i = first; i < last; i++) {
      if (this.rendered.has(i)) continue;
      const el = this.renderRow(i);
      el.style.transform = `translateY(${this.offsets[i]}px)`;
      this.sizer.appendChild(el);
      this.rendered.set(i, el);
    }
  }

  private renderRow(i: number): HTMLElement {
    const row = this.rows[i];
    const open = this.expanded.has(i);
    const line = h('div', { class: 'vt-row', role: 'row', style: `grid-template-columns:${this.gridTemplate}` });
    line.appendChild(
      h(
        'button',
        {
          class: 'vt-cell vt-ctl vt-expand',
          title: open ? 'Collapse' : 'Show all fields',
          testid: 'row-expand',
          'aria-expanded': String(open),
          onclick: () => {
            if (this.expanded.has(i)) this.expanded.delete(i);
            else this.expanded.add(i);
            this.relayout();
          },
        },
        open ? '▾' : '▸',
      ),
    );
    for (const c of this.columns) {
      const v = row[c] ?? '';
      line.appendChild(
        h('div', { class: 'vt-cell', role: 'cell', 'data-field': c }, v === '' ? '' : this.valueSpan(c, v)),
      );
    }
    line.appendChild(h('div', { class: 'vt-cell vt-ctl' }, copyButton(row)));
    const wrap = h('div', { class: 'vt-item' + (i % 2 ? ' odd' : ''), testid: 'result-row', 'data-index': String(i) }, line);
    if (open) {
      const box = h('div', { class: 'vt-detail', testid: 'row-details', style: `height:${this.detailHeight(i)}px` });
      for (const k of Object.keys(row).sort(fieldOrder)) {
        box.appendChild(
          h('div', { class: 'vt-detail-line' }, h('span', { class: 'vt-detail-key' }, k), this.valueSpan(k, row[k], true)),
        );
      }
      wrap.appendChild(box);
    }
    return wrap;
  }

  private valueSpan(field: string, value: string, full = false): HTMLElement {
    if (field === '_time' || field === '_stream_id') {
      return h('span', { class: 'vt-val-plain' + (full ? ' full' : ''), title: value }, value);
    }
    return h(
      'span',
      {
        class: 'vt-val' + (full ? ' full' : ''),
        title: `${value}\n\nclick: add the filter ${field}:="…"`,
        testid: 'field-value',
        onclick: () => this.opts.onFilter(field, value),
      },
      value,
    );
  }
}

/** _time, _stream, _msg first; then the rest by name. */
export function fieldOrder(a: string, b: string): number {
  const rank = (k: string) => (k === '_time' ? 0 : k === '_stream' ? 1 : k === '_msg' ? 2 : k === '_stream_id' ? 3 : 4);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

export function copyButton(row: Row): HTMLButtonElement {
  const b = h(
    'button',
    {
      class: 'copy-btn',
      testid: 'row-copy',
      title: 'Copy the row as JSON',
      onclick: async () => {
        const ok = await copyText(JSON.stringify(row));
        b.textContent = ok ? 'copied' : 'failed';
        b.classList.toggle('ok', ok);
        setTimeout(() => {
          b.textContent = 'copy';
          b.classList.remove('ok');
        }, 1200);
      },
    },
    'copy',
  );
  return b;
}
