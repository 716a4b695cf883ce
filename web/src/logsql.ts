// LogsQL for the editor: a forgiving tokenizer for highlighting (it never fails: half-typed
// queries must still colour), and the context at the caret for autocomplete.

export type TokKind =
  | 'ws'
  | 'string'
  | 'field'
  | 'pipe'
  | 'pipe-name'
  | 'op'
  | 'func'
  | 'word'
  | 'number'
  | 'keyword'
  | 'punct';

export interface Tok {
  kind: TokKind;
  start: number;
  end: number;
}

export const PIPE_NAMES = [
  'block_stats', 'blocks_count', 'collapse_nums', 'copy', 'decolorize', 'delete', 'drop_empty_fields',
  'extract', 'extract_regexp', 'facets', 'field_names', 'field_values', 'fields', 'filter', 'first',
  'format', 'hash', 'head', 'join', 'json_array_len', 'keep', 'last', 'len', 'limit', 'math', 'offset',
  'pack_json', 'pack_logfmt', 'rename', 'replace', 'replace_regexp', 'sample', 'sort', 'stats',
  'stream_context', 'top', 'union', 'uniq', 'unpack_json', 'unpack_logfmt', 'unpack_syslog',
  'unpack_words', 'unroll', 'where',
];

const KEYWORDS = new Set(['and', 'or', 'not', 'by', 'as', 'if', 'desc', 'asc', 'limit', 'offset', 'partition']);
const WORD_STOP = new Set([' ', '\t', '\n', '\r', '"', "'", '`', '|', '(', ')', ',', '{', '}', '[', ']', ':', '=', '!', '~', '<', '>']);
const OPS = [':=', '!=', '=~', '!~', '>=', '<=', ':', '=', '!', '~', '<', '>', '-', '+', '*'];

function isWs(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** The end of a quoted string that starts at i (past the closing quote, or the text's end). */
export function quotedEnd(q: string, i: number): number {
  const quote = q[i];
  let j = i + 1;
  while (j < q.length) {
    if (q[j] === '\\' && quote !== '`') {
      j += 2;
      continue;
    }
    if (q[j] === quote) return j + 1;
    j++;
  }
  return q.length;
}

export function tokenize(q: string): Tok[] {
  const out: Tok[] = [];
  let expectPipeName = false;
  let i = 0;
  const push = (kind: TokKind, start: number, end: number) => out.push({ kind, start, end });
  while (i < q.length) {
    const c = q[i];
    if (isWs(c)) {
      let j = i + 1;
      while (j < q.length && isWs(q[j])) j++;
      push('ws', i, j);
      i = j;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      const j = quotedEnd(q, i);
      if (q[j] === ':') {
        const withColon = q[j + 1] !== '=';
        push('field', i, withColon ? j + 1 : j); // "my field":value
        i = withColon ? j + 1 : j;
      } else {
        push('string', i, j);
        i = j;
      }
      continue;
    }
    if (c === '|') {
      push('pipe', i, i + 1);
      expectPipeName = true;
      i++;
      continue;
    }
    if ('(),{}[]'.includes(c)) {
      push('punct', i, i + 1);
      i++;
      continue;
    }
    const prev = out.length ? out[out.length - 1] : null;
    const wordStart = !prev || prev.kind === 'ws' || prev.kind === 'punct' || prev.kind === 'pipe';
    if ((c === '-' || c === '!') && wordStart && i + 1 < q.length && !isWs(q[i + 1])) {
      push('op', i, i + 1); // -error, !(a or b)
      i++;
      continue;
    }
    if (WORD_STOP.has(c)) {
      const op = OPS.find((o) => q.startsWith(o, i)) ?? c;
      push('op', i, i + op.length);
      i += op.length;
      continue;
    }
    let j = i;
    while (j < q.length && !WORD_STOP.has(q[j])) j++;
    const word = q.slice(i, j);
    let kind: TokKind = 'word';
    if (expectPipeName) {
      kind = 'pipe-name';
      expectPipeName = false;
    } else if (q[j] === ':') {
      const withColon = q[j + 1] !== '='; // `level:` or `level` before `:=`
      push('field', i, withColon ? j + 1 : j);
      i = withColon ? j + 1 : j;
      continue;
    } else if (q[j] === '(') kind = 'func';
    else if (KEYWORDS.has(word.toLowerCase())) kind = 'keyword';
    else if (/^[-+]?\d[\d_.]*([a-zA-Z]{1,3}\d*)*$/.test(word)) kind = 'number';
    push(kind, i, j);
    i = j;
  }
  return out;
}

/** UTF-8 byte position (as the server counts, 1-based) -> index into the JS string. */
export function bytePosToIndex(q: string, pos1: number): number {
  const bytes = new TextEncoder().encode(q);
  const n = Math.max(0, Math.min(bytes.length, pos1 - 1));
  return new TextDecoder().decode(bytes.slice(0, n)).length;
}

/** The span to mark for an error at index idx: the token there, or one char, or empty at the end. */
export function errorSpan(q: string, idx: number): [number, number] {
  if (idx >= q.length) return [q.length, q.length];
  for (const t of tokenize(q)) {
    if (t.start <= idx && idx < t.end) {
      if (t.kind === 'ws') return [idx, idx + 1];
      return [idx, t.end];
    }
  }
  return [idx, idx + 1];
}

export type CaretContext =
  | { kind: 'field'; prefix: string; from: number; inPipe: boolean }
  | { kind: 'value'; field: string; prefix: string; from: number }
  | { kind: 'pipe'; prefix: string; from: number };

/** Is index i inside a quoted string (by scanning from the start)? Returns the quote start. */
function openQuoteAt(q: string, i: number): number {
  let k = 0;
  while (k < i) {
    const c = q[k];
    if (c === '"' || c === "'" || c === '`') {
      const e = quotedEnd(q, k);
      const closed = e - 1 > k && q[e - 1] === c;
      if (closed && e <= i) {
        k = e;
        continue;
      }
      return k;
    }
    k++;
  }
  return -1;
}

function hasPipeBefore(q: string, i: number): boolean {
  let k = 0;
  while (k < i) {
    const c = q[k];
    if (c === '"' || c === "'" || c === '`') {
      k = quotedEnd(q, k);
      continue;
    }
    if (c === '|') return true;
    k++;
  }
  return false;
}

function unquoteField(f: string): string {
  if (f.length >= 2 && (f[0] === '"' || f[0] === "'") && f[f.length - 1] === f[0]) {
    try {
      return f[0] === '"' ? JSON.parse(f) : f.slice(1, -1);
    } catch {
      return f.slice(1, -1);
    }
  }
  return f;
}

export function caretContext(q: string, caret: number): CaretContext | null {
  const before = q.slice(0, caret);
  const qs = openQuoteAt(q, caret);
  if (qs >= 0) {
    // Inside "…": a value when the quote follows `field:` (or `field:=`, `field:!=`…).
    const m = /((?:"(?:[^"\\]|\\.)*"|[^\s|(),{}[\]:"'`!-][^\s|(),{}[\]:"'`]*)):(?:=|!=|~|!~|=~)?$/.exec(q.slice(0, qs));
    if (!m) return null;
    const field = unquoteField(m[1]);
    if (field === '_time' || field === '_stream') return null;
    return { kind: 'value', field, prefix: before.slice(qs), from: qs }; // prefix keeps the quote
  }
  const qf = /("(?:[^"\\]|\\.)*"):(=|!=|~|!~|=~)?([^\s|(),{}[\]"]*)$/.exec(before);
  if (qf) {
    // "my field":va
    const value = qf[3];
    return { kind: 'value', field: unquoteField(qf[1]), prefix: value, from: caret - value.length };
  }
  const w = /[^\s|(),{}[\]]*$/.exec(before)!;
  const word = w[0];
  const from = caret - word.length;
  let k = from - 1;
  while (k >= 0 && isWs(q[k])) k--;
  if (k >= 0 && q[k] === '|') return { kind: 'pipe', prefix: word, from };
  const colon = word.indexOf(':');
  if (colon >= 0) {
    let field = word.slice(0, colon).replace(/^[-!]+/, '');
    field = unquoteField(field);
    if (!field || field === '_time' || field === '_stream' || field === '_stream_id') return null;
    const ops = /^(?:=|!=|~|!~|=~)?/.exec(word.slice(colon + 1))![0];
    const valueFrom = from + colon + 1 + ops.length;
    const prefix = q.slice(valueFrom, caret);
    if (/^[<>]/.test(prefix) || prefix.includes('(')) return null;
    return { kind: 'value', field, prefix, from: valueFrom };
  }
  const lead = /^[-!]*/.exec(word)![0].length;
  return { kind: 'field', prefix: word.slice(lead), from: from + lead, inPipe: hasPipeBefore(q, from) };
}

export function quoteValueIfNeeded(v: string): string {
  return /^[\p{L}\p{N}_.\-/@]+$/u.test(v) ? v : JSON.stringify(v);
}

export function quoteFieldIfNeeded(f: string): string {
  return /^[\p{L}\p{N}_.\-/@]+$/u.test(f) ? f : JSON.stringify(f);
}

/**
 * Adds `field:="value"` to the query's filters: before the first top-level pipe, and replacing
 * a lone `*`.
 */
export function addFilter(q: string, field: string, value: string): string {
  const filter =
    field === '_stream' && value.startsWith('{')
      ? `_stream:${value}` // a stream filter, as the server prints _stream
      : `${quoteFieldIfNeeded(field)}:=${JSON.stringify(value)}`;
  let k = 0;
  let pipeAt = -1;
  while (k < q.length) {
    const c = q[k];
    if (c === '"' || c === "'" || c === '`') {
      k = quotedEnd(q, k);
      continue;
    }
    if (c === '|') {
      pipeAt = k;
      break;
    }
    k++;
  }
  const filters = (pipeAt >= 0 ? q.slice(0, pipeAt) : q).trim();
  const rest = pipeAt >= 0 ? ' ' + q.slice(pipeAt) : '';
  const merged = !filters || filters === '*' ? filter : `${filters} ${filter}`;
  return merged + rest;
}

/** Does the query end in a `stats` pipe (anywhere after a top-level `|`)? */
export function hasStatsPipe(q: string): boolean {
  return tokenize(q).some((t) => t.kind === 'pipe-name' && q.slice(t.start, t.end).toLowerCase() === 'stats');
}

export function hasPipes(q: string): boolean {
  return tokenize(q).some((t) => t.kind === 'pipe');
}
