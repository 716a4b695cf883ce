// The JSON and by-stream views of a result, each rendered in pages so 10k rows stay cheap.
import { h, clear } from './dom';
import type { Row } from './api';
import { copyButton, fieldOrder } from './vtable';

const JSON_PAGE = 300;
const STREAM_PAGE = 50;
const GROUP_PAGE = 100;

function ordered(row: Row): Row {
  const out: Row = {};
  for (const k of Object.keys(row).sort(fieldOrder)) out[k] = row[k];
  return out;
}

export class JsonView {
  readonly root: HTMLDivElement;
  private rows: Row[] = [];
  private shown = 0;
  private list: HTMLDivElement;
  private more: HTMLButtonElement;

  constructor() {
    this.list = h('div', { class: 'json-list' });
    this.more = h('button', { class: 'more', onclick: () => this.page() }, 'show more');
    this.root = h('div', { class: 'json-view', testid: 'json-view' }, this.list, this.more);
  }

  setData(rows: Row[]): void {
    this.rows = rows;
    this.shown = 0;
    clear(this.list);
    this.page();
  }

  private page(): void {
    const end = Math.min(this.rows.length, this.shown + JSON_PAGE);
    const frag = document.createDocumentFragment();
    for (let i = this.shown; i < end; i++) {
      frag.appendChild(
        h(
          'div',
          { class: 'json-item', testid: 'json-row' },
          h('div', { class: 'json-tools' }, copyButton(this.rows[i])),
          h('pre', { class: 'json-pre' }, JSON.stringify(ordered(this.rows[i]), null, 2)),
        ),
      );
    }
    this.list.appendChild(frag);
    this.shown = end;
    this.more.hidden = this.shown >= this.rows.length;
    this.more.textContent = `show more (${this.rows.length - this.shown} left)`;
  }
}

interface Group {
  stream: string;
  rows: Row[];
}

export class StreamView {
  readonly root: HTMLDivElement;

  constructor(private onFilter: (field: string, value: string) => void, private onStream: (stream: string) => void) {
    this.root = h('div', { class: 'stream-view', testid: 'stream-view' });
  }

  setData(rows: Row[]): void {
    const groups = new Map<string, Group>();
    for (const r of rows) {
      const key = r._stream ?? r._stream_id ?? '';
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { stream: key, rows: [] }));
      g.rows.push(r);
    }
    const sorted = [...groups.values()].sort((a, b) => b.rows.length - a.rows.length);
    clear(this.root);
    this.root.appendChild(
      h('div', { class: 'muted small', testid: 'stream-summary', 'data-groups': String(sorted.length) }, `${sorted.length} streams`),
    );
    // Groups render their rows only when opened, and only GROUP_PAGE groups at a time.
    let shown = 0;
    const more = h('button', { class: 'more' }, '');
    const page = () => {
      const end = Math.min(sorted.length, shown + GROUP_PAGE);
      for (let i = shown; i < end; i++) this.root.insertBefore(this.group(sorted[i], sorted.length <= 5), more);
      shown = end;
      more.hidden = shown >= sorted.length;
      more.textContent = `show more streams (${sorted.length - shown} left)`;
    };
    more.addEventListener('click', page);
    this.root.appendChild(more);
    page();
  }

  private group(g: Group, open: boolean): HTMLElement {
    const body = h('div', { class: 'sg-body' });
    let shown = 0;
    const more = h('button', { class: 'more', onclick: () => page() }, 'show more');
    const page = () => {
      const end = Math.min(g.rows.length, shown + STREAM_PAGE);
      for (let i = shown; i < end; i++) {
        const r = g.rows[i];
        body.appendChild(
          h(
            'div',
            { class: 'sg-row', testid: 'stream-row' },
            h('span', { class: 'sg-time' }, r._time ?? ''),
            h(
              'span',
              { class: 'sg-msg vt-val', title: 'click: add the filter _msg:="…"', onclick: () => this.onFilter('_msg', r._msg ?? '') },
              r._msg ?? JSON.stringify(r),
            ),
            copyButton(r),
          ),
        );
      }
      shown = end;
      more.hidden = shown >= g.rows.length;
      more.textContent = `show more (${g.rows.length - shown} left)`;
      body.appendChild(more);
    };
    const details = h(
      'details',
      { class: 'sg', testid: 'stream-group', open },
      h(
        'summary',
        null,
        h('code', { class: 'sg-name' }, g.stream || '(no stream)'),
        h('span', { class: 'sg-count' }, `${g.rows.length} rows`),
        g.stream
          ? h(
              'button',
              {
                class: 'link',
                title: 'Filter by this stream',
                onclick: (e: Event) => {
                  e.preventDefault();
                  this.onStream(g.stream);
                },
              },
              'filter',
            )
          : null,
      ),
      body,
    );
    if (open) page();
    else {
      details.addEventListener('toggle', function first() {
        if (!details.open) return;
        details.removeEventListener('toggle', first);
        page();
      });
    }
    return details;
  }
}
