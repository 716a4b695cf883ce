// The hits histogram: uPlot bars, one per time bucket. Click a bar to zoom into its bucket, or
// drag across bars to zoom into the selected span.
import uPlot from 'uplot';
import { h, setChildren } from './dom';
import type { HitsSeries } from './api';
import { formatStep } from './time';

export class Histogram {
  readonly root: HTMLElement;
  private chartBox: HTMLDivElement;
  private summary: HTMLDivElement;
  private plot: uPlot | null = null;
  private xs: number[] = [];
  private stepSec = 60;
  private ro: ResizeObserver;

  constructor(private onZoom: (startMs: number, endMs: number) => void) {
    this.chartBox = h('div', { class: 'hist-chart', testid: 'histogram-chart' });
    this.summary = h('div', { class: 'hist-summary', testid: 'histogram-summary', 'data-total': '0', 'data-buckets': '0' });
    this.root = h('section', { class: 'hist', testid: 'histogram' }, this.summary, this.chartBox);
    this.ro = new ResizeObserver(() => {
      if (this.plot) this.plot.setSize({ width: this.width(), height: this.height() });
    });
    this.ro.observe(this.chartBox);
  }

  private width(): number {
    return Math.max(200, this.chartBox.clientWidth || 600);
  }

  private height(): number {
    return window.innerWidth < 600 ? 110 : 140;
  }

  setLoading(): void {
    this.summary.classList.add('loading');
  }

  setError(msg: string): void {
    this.summary.classList.remove('loading');
    this.summary.setAttribute('data-total', '0');
    this.summary.setAttribute('data-buckets', '0');
    if (this.plot) this.plot.setData([this.xs, this.xs.map(() => null)], false);
    setChildren(this.summary, h('span', { class: 'muted' }, 'hits: ' + msg));
  }

  /** Buckets of stepMs from startMs to endMs, counts from the server's series summed. */
  setData(series: HitsSeries[], startMs: number, endMs: number, stepMs: number): void {
    this.summary.classList.remove('loading');
    const first = Math.floor(startMs / stepMs) * stepMs;
    const n = Math.max(1, Math.min(5000, Math.ceil((endMs - first) / stepMs)));
    const xs: number[] = [];
    const ys: (number | null)[] = [];
    for (let i = 0; i < n; i++) {
      xs.push((first + i * stepMs) / 1000);
      ys.push(0);
    }
    let total = 0;
    let outside = 0;
    for (const s of series) {
      s.timestamps.forEach((ts, i) => {
        const t = Date.parse(ts);
        const v = Number(s.values[i]) || 0;
        total += v;
        const k = Math.floor((t - first) / stepMs);
        if (k >= 0 && k < n) ys[k] = (ys[k] as number) + v;
        else outside += v;
      });
    }
    const nonEmpty = ys.filter((v) => (v as number) > 0).length;
    for (let i = 0; i < n; i++) if (ys[i] === 0) ys[i] = null; // no bar at all for an empty bucket
    this.xs = xs;
    this.stepSec = stepMs / 1000;
    this.summary.setAttribute('data-total', String(total));
    this.summary.setAttribute('data-buckets', String(nonEmpty));
    setChildren(
      this.summary,
      h('b', null, total.toLocaleString('en-US')),
      ` hits in ${nonEmpty} of ${n} buckets of ${formatStep(stepMs)}`,
      outside ? ` (${outside} outside the range)` : '',
      h('span', { class: 'muted hint' }, ' · click a bar or drag to zoom'),
    );
    // A new chart per result: its x scale is the queried range, not the data's extent.
    this.plot?.destroy();
    this.plot = new uPlot(this.options(first / 1000, endMs / 1000), [xs, ys], this.chartBox);
  }

  private options(min: number, max: number): uPlot.Options {
    const self = this;
    let downX = -1;
    return {
      width: this.width(),
      height: this.height(),
      legend: { show: false },
      padding: [8, 8, 0, 0],
      cursor: {
        drag: { x: true, y: false, setScale: false },
        points: { show: false },
      },
      scales: {
        x: { time: true, range: () => [min, max] },
        y: { range: (_u, _lo, hi) => [0, Math.max(1, (hi ?? 0) * 1.1)] },
      },
      axes: [
        { stroke: '#666', grid: { stroke: '#eee' }, ticks: { stroke: '#ddd' } },
        { stroke: '#666', grid: { stroke: '#eee' }, ticks: { stroke: '#ddd' }, size: 48 },
      ],
      series: [
        {},
        {
          label: 'hits',
          fill: 'rgba(62, 120, 220, 0.55)',
          stroke: 'rgb(46, 96, 190)',
          width: 1,
          paths: uPlot.paths.bars!({ size: [0.85, 80], align: 1 }),
          points: { show: false },
        },
      ],
      hooks: {
        ready: [
          (u) => {
            u.over.addEventListener('mousedown', (e) => (downX = e.clientX));
            u.over.addEventListener('click', (e) => {
              if (Math.abs(e.clientX - downX) > 3) return; // a drag, handled by setSelect
              const left = e.clientX - u.over.getBoundingClientRect().left;
              const t = u.posToVal(left, 'x');
              const k = Math.floor((t - self.xs[0]) / self.stepSec);
              if (k < 0 || k >= self.xs.length) return;
              const start = self.xs[k];
              self.onZoom(start * 1000, (start + self.stepSec) * 1000);
            });
            u.over.setAttribute('data-testid', 'histogram-overlay');
            u.over.title = 'Click a bar or drag to zoom';
          },
        ],
        setSelect: [
          (u) => {
            if (u.select.width < 4) return;
            const a = u.posToVal(u.select.left, 'x');
            const b = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            self.onZoom(Math.round(a * 1000), Math.round(b * 1000));
          },
        ],
      },
    };
  }
}
