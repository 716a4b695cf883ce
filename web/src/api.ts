// The server's LogsQL API, relative to the page: the UI lives at <server>/select/vmui/, so
// ../logsql/query is <server>/select/logsql/query, on a single node and on a router alike.

export type Row = Record<string, string>;

export interface Tenant {
  account: string;
  project: string;
}

export class ApiError extends Error {
  status: number;
  /** 1-based byte position in the query that the server named, if it did. */
  position: number | null;
  /** The query the server echoed in `cannot parse query [...]`, if it did. */
  echoed: string | null;

  constructor(status: number, message: string) {
    super(message.trim() || `HTTP ${status}`);
    this.status = status;
    const m = /at position (\d+)/.exec(message);
    this.position = m ? Number(m[1]) : null;
    const e = /cannot parse query \[([\s\S]*?)\]: /.exec(message);
    this.echoed = e ? e[1] : null;
  }
}

function pageDir(): string {
  let href = location.href.split('#')[0].split('?')[0];
  const last = href.slice(href.lastIndexOf('/') + 1);
  if (last && !last.includes('.')) href += '/'; // /select/vmui without the slash
  return href;
}

export function endpoint(name: string): string {
  return new URL('../logsql/' + name, pageDir()).toString();
}

function headers(tenant: Tenant): Record<string, string> {
  return {
    'Content-Type': 'application/x-www-form-urlencoded',
    AccountID: tenant.account || '0',
    ProjectID: tenant.project || '0',
  };
}

async function post(
  name: string,
  params: [string, string][],
  tenant: Tenant,
  signal?: AbortSignal,
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [k, v] of params) body.append(k, v);
  let resp: Response;
  try {
    resp = await fetch(endpoint(name), { method: 'POST', headers: headers(tenant), body, signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, `cannot reach the server: ${(e as Error).message}`);
  }
  if (!resp.ok) {
    let text = await resp.text().catch(() => '');
    if (text.startsWith('{')) {
      try {
        const j = JSON.parse(text);
        if (j && typeof j.error === 'string') text = j.error;
      } catch {
        /* keep the text */
      }
    }
    throw new ApiError(resp.status, text || `${resp.status} ${resp.statusText}`);
  }
  return resp;
}

/** Splits JSON lines; a line that is not JSON is an error the server wrote after the headers. */
function parseLines(text: string, out: Row[]): void {
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(t);
    } catch {
      throw new ApiError(500, t);
    }
    if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
      const row: Row = {};
      for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
        row[k] = typeof v === 'string' ? v : JSON.stringify(v);
      }
      out.push(row);
    }
  }
}

export interface Range {
  start: string;
  end: string;
}

export async function queryRows(
  query: string,
  range: Range,
  limit: number,
  tenant: Tenant,
  signal?: AbortSignal,
): Promise<Row[]> {
  const params: [string, string][] = [
    ['query', query],
    ['start', range.start],
    ['end', range.end],
  ];
  if (limit > 0) params.push(['limit', String(limit)]);
  const resp = await post('query', params, tenant, signal);
  const rows: Row[] = [];
  parseLines(await resp.text(), rows);
  return rows;
}

export interface HitsSeries {
  fields: Record<string, string>;
  timestamps: string[];
  values: number[];
  total: number;
}

export async function hits(
  query: string,
  range: Range,
  step: string,
  tenant: Tenant,
  signal?: AbortSignal,
): Promise<HitsSeries[]> {
  const resp = await post(
    'hits',
    [
      ['query', query],
      ['start', range.start],
      ['end', range.end],
      ['step', step],
    ],
    tenant,
    signal,
  );
  const j = await resp.json();
  return Array.isArray(j?.hits) ? (j.hits as HitsSeries[]) : [];
}

export interface ValueHits {
  value: string;
  hits: number;
}

export async function fieldNames(query: string, range: Range, tenant: Tenant, signal?: AbortSignal): Promise<ValueHits[]> {
  const resp = await post(
    'field_names',
    [
      ['query', query],
      ['start', range.start],
      ['end', range.end],
    ],
    tenant,
    signal,
  );
  const j = await resp.json();
  return Array.isArray(j?.values) ? j.values : [];
}

export async function fieldValues(
  query: string,
  field: string,
  range: Range,
  limit: number,
  tenant: Tenant,
  signal?: AbortSignal,
): Promise<ValueHits[]> {
  const resp = await post(
    'field_values',
    [
      ['query', query],
      ['field', field],
      ['start', range.start],
      ['end', range.end],
      ['limit', String(limit)],
    ],
    tenant,
    signal,
  );
  const j = await resp.json();
  return Array.isArray(j?.values) ? j.values : [];
}

export interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export async function statsQueryRange(
  query: string,
  range: Range,
  step: string,
  tenant: Tenant,
  signal?: AbortSignal,
): Promise<MatrixSeries[]> {
  const resp = await post(
    'stats_query_range',
    [
      ['query', query],
      ['start', range.start],
      ['end', range.end],
      ['step', step],
    ],
    tenant,
    signal,
  );
  const j = await resp.json();
  if (j?.status === 'error') throw new ApiError(400, String(j.error ?? 'error'));
  return Array.isArray(j?.data?.result) ? j.data.result : [];
}

/**
 * Streams /tail: calls onOpen once the server answered, then onRows for each batch of new rows,
 * until the signal aborts (resolves) or the stream fails (rejects).
 */
export async function tail(
  query: string,
  tenant: Tenant,
  signal: AbortSignal,
  onOpen: () => void,
  onRows: (rows: Row[]) => void,
): Promise<void> {
  const resp = await post('tail', [['query', query]], tenant, signal);
  onOpen();
  if (!resp.body) throw new ApiError(0, 'the browser cannot stream responses');
  const reader = resp.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      const nl = buf.lastIndexOf('\n');
      if (nl < 0) continue;
      const rows: Row[] = [];
      parseLines(buf.slice(0, nl), rows);
      buf = buf.slice(nl + 1);
      if (rows.length) onRows(rows);
    }
  } catch (e) {
    if (signal.aborted) return;
    throw e;
  }
  if (!signal.aborted) throw new ApiError(0, 'the server closed the live tail stream');
}
