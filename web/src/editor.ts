// The query editor: a textarea over a highlighted <pre> (same font and box, transparent text),
// autocomplete of field names, values and pipe names, history keys and the error marker.
import { h, clear } from './dom';
import { tokenize, errorSpan, bytePosToIndex, caretContext, type CaretContext } from './logsql';

export interface Suggestion {
  label: string;
  insert: string;
  detail?: string;
  kind: 'field' | 'value' | 'pipe';
}

export type SuggestFn = (ctx: CaretContext, signal: AbortSignal) => Promise<Suggestion[]>;

export interface EditorOptions {
  onRun: () => void;
  onChange?: (value: string) => void;
  suggest: SuggestFn;
  history: () => string[];
}

export class QueryEditor {
  readonly root: HTMLDivElement;
  private ta: HTMLTextAreaElement;
  private hl: HTMLPreElement;
  private list: HTMLUListElement;
  private items: Suggestion[] = [];
  private active = 0;
  private acFrom = 0;
  private acAbort: AbortController | null = null;
  private acTimer = 0;
  private errIndex: number | null = null;
  private historyPos = -1;

  constructor(private opts: EditorOptions) {
    this.hl = h('pre', { class: 'qe-hl', 'aria-hidden': 'true' });
    this.ta = h('textarea', {
      class: 'qe-input',
      testid: 'query-input',
      rows: 1,
      spellcheck: 'false',
      autocapitalize: 'off',
      autocomplete: 'off',
      'aria-label': 'LogsQL query',
      placeholder: 'LogsQL query, e.g. error level:warn | stats by (app) count()',
    });
    this.list = h('ul', { class: 'qe-ac', testid: 'autocomplete', role: 'listbox', hidden: true });
    this.root = h('div', { class: 'qe' }, h('div', { class: 'qe-box' }, this.hl, this.ta), this.list);
    this.ta.addEventListener('input', () => {
      this.errIndex = null;
      this.historyPos = -1;
      this.render();
      this.opts.onChange?.(this.ta.value);
      this.scheduleSuggest(false);
    });
    this.ta.addEventListener('scroll', () => {
      this.hl.scrollTop = this.ta.scrollTop;
      this.hl.scrollLeft = this.ta.scrollLeft;
    });
    this.ta.addEventListener('keydown', (e) => this.onKey(e));
    this.ta.addEventListener('blur', () => setTimeout(() => this.closeList(), 150));
    this.ta.addEventListener('click', () => this.closeList());
    new ResizeObserver(() => this.autosize()).observe(this.ta);
    this.render();
  }

  get value(): string {
    return this.ta.value;
  }

  set value(v: string) {
    this.ta.value = v;
    this.errIndex = null;
    this.render();
  }

  focus(): void {
    this.ta.focus();
  }

  /** Marks the server's `position N` (1-based UTF-8 bytes); null clears. */
  setErrorPosition(bytePos: number | null): void {
    this.errIndex = bytePos === null ? null : bytePosToIndex(this.ta.value, bytePos);
    this.render();
  }

  private autosize(): void {
    this.ta.style.height = 'auto';
    this.ta.style.height = Math.min(this.ta.scrollHeight + 2, 240) + 'px';
  }

  private render(): void {
    const q = this.ta.value;
    const toks = tokenize(q);
    const [es, ee] = this.errIndex === null ? [-1, -1] : errorSpan(q, this.errIndex);
    clear(this.hl);
    let mark: HTMLElement | null = null;
    const piece = (kind: string, a: number, b: number) => {
      if (a >= b) return;
      const inErr = a >= es && b <= ee && es >= 0;
      const span = kind === 'ws' ? document.createTextNode(q.slice(a, b)) : h('span', { class: 'tok-' + kind }, q.slice(a, b));
      if (inErr) {
        if (!mark) {
          mark = h('mark', { class: 'qe-err', testid: 'query-error-highlight', 'data-pos': String(es) });
          this.hl.appendChild(mark);
        }
        mark.appendChild(span);
      } else {
        mark = null;
        this.hl.appendChild(span);
      }
    };
    for (const t of toks) {
      const cuts = [t.start, t.end];
      if (es > t.start && es < t.end) cuts.push(es);
      if (ee > t.start && ee < t.end) cuts.push(ee);
      cuts.sort((a, b) => a - b);
      for (let i = 0; i + 1 < cuts.length; i++) piece(t.kind, cuts[i], cuts[i + 1]);
    }
    if (es >= 0 && es === ee) {
      // The error is at the end of the query ("unexpected end"): a caret after the last char.
      this.hl.appendChild(h('mark', { class: 'qe-err qe-err-end', testid: 'query-error-highlight', 'data-pos': String(es) }, '\u200b'));
    }
    this.hl.appendChild(document.createTextNode('\n')); // a trailing newline still takes a line
    this.autosize();
  }

  private onKey(e: KeyboardEvent): void {
    const open = !this.list.hidden && this.items.length > 0;
    if (open) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = this.items.length;
        this.active = (this.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
        this.paintList();
        return;
      }
      if ((e.key === 'Enter' && !e.ctrlKey && !e.metaKey) || e.key === 'Tab') {
        e.preventDefault();
        this.accept(this.active);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        this.closeList();
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      this.closeList();
      this.opts.onRun();
      return;
    }
    if (e.key === ' ' && e.ctrlKey) {
      e.preventDefault();
      this.scheduleSuggest(true);
      return;
    }
    // Ctrl+Up / Ctrl+Down walk the query history.
    if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && (e.ctrlKey || e.metaKey)) {
      const hist = this.opts.history();
      if (!hist.length) return;
      e.preventDefault();
      this.historyPos =
        e.key === 'ArrowUp' ? Math.min(hist.length - 1, this.historyPos + 1) : Math.max(-1, this.historyPos - 1);
      if (this.historyPos >= 0) {
        this.value = hist[this.historyPos];
        this.opts.onChange?.(this.ta.value);
      }
    }
  }

  private scheduleSuggest(force: boolean): void {
    clearTimeout(this.acTimer);
    this.acTimer = window.setTimeout(() => void this.suggest(force), force ? 0 : 120);
  }

  private async suggest(force: boolean): Promise<void> {
    this.acAbort?.abort();
    const caret = this.ta.selectionStart ?? this.ta.value.length;
    if (caret !== (this.ta.selectionEnd ?? caret)) return this.closeList();
    const ctx = caretContext(this.ta.value, caret);
    if (!ctx || (ctx.kind === 'field' && !ctx.prefix && !force)) return this.closeList();
    const ac = new AbortController();
    this.acAbort = ac;
    let items: Suggestion[];
    try {
      items = await this.opts.suggest(ctx, ac.signal);
    } catch {
      return; // suggestions are best effort: a failed lookup shows none
    }
    if (ac.signal.aborted || document.activeElement !== this.ta) return;
    const typed = this.ta.value.slice(ctx.from, caret);
    items = items.filter((s) => s.insert.trim() !== typed).slice(0, 50);
    if (!items.length) return this.closeList();
    this.items = items;
    this.acFrom = ctx.from;
    this.active = 0;
    this.paintList();
    this.list.hidden = false;
  }

  private paintList(): void {
    clear(this.list);
    this.items.forEach((s, i) => {
      const li = h(
        'li',
        {
          class: 'qe-ac-item' + (i === this.active ? ' active' : ''),
          role: 'option',
          testid: 'autocomplete-item',
          onmousedown: (e: Event) => {
            e.preventDefault();
            this.accept(i);
          },
        },
        h('span', { class: 'qe-ac-kind k-' + s.kind }, s.kind[0]),
        h('span', { class: 'qe-ac-label' }, s.label),
        s.detail ? h('span', { class: 'qe-ac-detail' }, s.detail) : null,
      );
      this.list.appendChild(li);
      if (i === this.active) li.scrollIntoView?.({ block: 'nearest' });
    });
  }

  private closeList(): void {
    this.list.hidden = true;
    this.items = [];
  }

  private accept(i: number): void {
    const s = this.items[i];
    if (!s) return;
    const caret = this.ta.selectionStart ?? this.ta.value.length;
    const v = this.ta.value;
    // Replace the word being typed, up to its end (not only up to the caret).
    let end = caret;
    while (end < v.length && !/[\s|(),{}[\]]/.test(v[end])) end++;
    const next = v.slice(0, this.acFrom) + s.insert + v.slice(end);
    this.ta.value = next;
    const pos = this.acFrom + s.insert.length;
    this.ta.setSelectionRange(pos, pos);
    this.closeList();
    this.errIndex = null;
    this.render();
    this.opts.onChange?.(next);
    this.ta.focus();
    if (s.kind === 'field' && s.insert.endsWith(':')) this.scheduleSuggest(true); // now its values
  }
}
