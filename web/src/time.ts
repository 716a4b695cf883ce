// Time ranges as the server reads them: `now`, `now-1h`, RFC3339, Unix seconds.

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/** `1h30m`, `5m`, `500ms`, `2d` -> milliseconds; null when it is not a duration. */
export function parseDuration(s: string): number | null {
  s = s.trim();
  if (!s) return null;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += parseFloat(m[1]) * UNITS[m[2]];
    pos = re.lastIndex;
  }
  return pos === s.length && pos > 0 ? total : null;
}

/** A time arg as milliseconds since the epoch; null when it cannot be read. */
export function parseTime(s: string, nowMs: number): number | null {
  s = s.trim();
  if (!s) return null;
  if (s === 'now') return nowMs;
  if (s.startsWith('now-')) {
    const d = parseDuration(s.slice(4));
    return d === null ? null : nowMs - d;
  }
  const d = parseDuration(s);
  if (d !== null && !/^\d+$/.test(s)) return nowMs - d;
  if (/^-?\d+(\.\d+)?$/.test(s)) {
    const n = parseFloat(s);
    // Unix seconds, or milliseconds/micro/nano for big numbers, as the server reads them.
    if (Math.abs(n) < 1e11) return n * 1000;
    if (Math.abs(n) < 1e14) return n;
    if (Math.abs(n) < 1e17) return n / 1000;
    return n / 1e6;
  }
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
}

export function isRelative(s: string): boolean {
  s = s.trim();
  return s === 'now' || s.startsWith('now-') || (parseDuration(s) !== null && !/^\d+$/.test(s));
}

/** RFC3339 in UTC, seconds precision unless there are milliseconds. */
export function toRFC3339(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? iso.slice(0, -5) + 'Z' : iso;
}

const NICE_STEPS = [
  1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
  7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000, 2 * 86_400_000, 7 * 86_400_000, 30 * 86_400_000,
  365 * 86_400_000,
];

/** The smallest nice step that cuts the range into at most `buckets` buckets. */
export function niceStep(rangeMs: number, buckets: number): number {
  const want = rangeMs / Math.max(1, buckets);
  for (const s of NICE_STEPS) if (s >= want) return s;
  return NICE_STEPS[NICE_STEPS.length - 1];
}

/** 300000 -> `5m`, 5400000 -> `90m`, 86400000 -> `1d`. */
export function formatStep(ms: number): string {
  for (const [u, v] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= v && ms % v === 0) return `${ms / v}${u}`;
  }
  return `${Math.max(1, Math.round(ms))}ms`;
}

export function formatLocal(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
