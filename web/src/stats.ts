// The stats view: /select/logsql/stats_query_range as a line chart (uPlot, one line per series)
// and as a table (a row per time step, a column per series).
import uPlot from 'uplot';
import { h, clear, setChildren } from './dom';
import type { MatrixSeries } from './api';
import { formatLocal, formatStep } from './time';

const COLORS = ['#3e78dc', '#e0563b', '#2e9e5b', '#a855f7', '#d4a017', '#0ea5a5', '#db2777', '#64748b', '#84cc16', '#f97316'];

export function seriesName(m: Record<string, string>): string {
  const labels = Object.entries(m)
    .filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return (m.__name__ ?? '') + (labels.length ? `{${labels.join(', ')}}` : '');
}

export class StatsView {
  readonly root: HTMLDivElement;
  private chartBox: HTMLDivElement;
  private tableBox: HTMLDivElement;
  private summary: HTMLDivElement;
  private plot: uPlot | null = null;

  constructor() {
    this.summary = h('div', { class: 'stats-summary muted small', testid: 'stats-summary', 'data-series': '0' });
    this.chartBox = h('div', { class: 'stats-chart', testid: 'stats-chart' });
    this.tableBox = h('div', { class: 'stats-table-wrap' });
    this.root = h('div', { class: 'stats-view', testid: 'stats-view' }, this.summary, this.chartBox, this.tableBox);
    new ResizeObserver(() => {
      if (this.plot) this.plot.setSize({ width: this.width(), height: 280 });
    }).observe(this.chartBox);
  }

  private width(): number {
    return Math.max(240, this.chartBox.clientWidth || 600);
  }

  clear(message: string): void {
    this.plot?.destroy();
    this.plot = null;
    clear(this.chartBox);
    clear(this.tableBox);
    this.summary.setAttribute('data-series', '0');
    setChildren(this.summary, message);
  }

  setData(result: MatrixSeries[], startMs: number, endMs: number, stepMs: number, note: string): void {
    this.plot?.destroy();
    this.plot = null;
    clear(this.chartBox);
    clear(this.tableBox);
    const times = new Set<number>();
    for (const s of result) for (const [t] of s.values) times.add(Number(t));
    const xs = [...times].sort((a, b) => a - b);
    const index = new Map(xs.map((t, i) => [t, i]));
    const names = result.map((s) => seriesName(s.metric));
    const ys = result.map((s) => {
      const col: (number | null)[] = new Array(xs.length).fill(null);
      for (const [t, v] of s.values) col[index.get(Number(t))!] = Number(v);
      return col;
    });
    this.summary.setAttribute('data-series', String(result.length));
    this.summary.setAttribute('data-points', String(xs.length));
    setChildren(this.summary, `${result.length} series, ${xs.length} steps of ${formatStep(stepMs)}`, note ? ` · ${note}` : '');
    if (!result.length) return;
    const opts: uPlot.Options = {
      width: this.width(),
      height: 280,
      cursor: { points: { size: 6 } },
      legend: { show: true, live: true },
      scales: { x: { time: true, range: () => [Math.floor(startMs / stepMs) * stepMs / 1000, endMs / 1000] } },
      axes: [
        { stroke: '#666', grid: { stroke: '#eee' } },
        { stroke: '#666', grid: { stroke: '#eee' }, size: 56 },
      ],
      series: [
        {},
        ...names.map((n, i) => ({
          label: n,
          stroke: COLORS[i % COLORS.length],
          width: 2,
          spanGaps: false,
          points: { show: xs.length < 60, size: 4 },
        })),
      ],
    };
    this.plot = new uPlot(opts, [xs, ...ys] as uPlot.AlignedData, this.chartBox);

    const table = h('table', { class: 'stats-table', testid: 'stats-table' });
    table.appendChild(h('thead', null, h('tr', null, h('th', null, 'time'), names.map((n) => h('th', null, n)))));
    const tbody = h('tbody');
    for (let i = xs.length - 1; i >= 0; i--) {
      tbody.appendChild(
        h(
          'tr',
          { testid: 'stats-row' },
          h('td', { class: 'nowrap' }, formatLocal(xs[i] * 1000)),
          ys.map((col) => h('td', { class: 'num' }, col[i] === null ? '' : String(col[i]))),
        ),
      );
    }
    table.appendChild(tbody);
    this.tableBox.appendChild(table);
  }
}
