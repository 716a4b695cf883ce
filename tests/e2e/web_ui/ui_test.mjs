#!/usr/bin/env node
// Browser test of the web UI (/select/vmui/) against a running server, with Debian's Chromium
// driven by playwright-core.
//
//   node ui_test.mjs --url http://127.0.0.1:PORT/select/vmui/ \
//       [--ingest-url http://127.0.0.1:PORT] [--screenshots DIR] [--chromium /usr/bin/chromium]
//
// It ingests its own rows (a unique `run` field) through <ingest-url>/insert/jsonline (default:
// the --url's origin), then: runs a query and checks the table rows, the hits histogram, the JSON
// and stream views, a bad query's error with its position marked in the editor, live tail (a row
// ingested after the tail started must arrive; pause holds rows back, resume shows them) and the
// stats view's chart. One PNG per view goes to the screenshots dir. Exits non-zero with a clear
// message on the first failure; the whole run is bounded (default 55 s).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const args = {
  url: '',
  'ingest-url': '',
  screenshots: 'screenshots',
  chromium: process.env.CHROMIUM || '/usr/bin/chromium',
  'total-timeout': '55',
  headful: '',
};
for (let i = 2; i < process.argv.length; i++) {
  const m = /^--([a-z-]+)(?:=(.*))?$/.exec(process.argv[i]);
  if (!m || !(m[1] in args)) {
    console.error(`ui_test: unknown argument ${process.argv[i]}`);
    process.exit(2);
  }
  args[m[1]] = m[2] ?? (m[1] === 'headful' ? '1' : process.argv[++i]);
}
if (!args.url) {
  console.error('usage: node ui_test.mjs --url http://127.0.0.1:PORT/select/vmui/ [--ingest-url URL] [--screenshots DIR]');
  process.exit(2);
}
const uiUrl = args.url.endsWith('/') ? args.url : args.url + '/';
const ingestBase = (args['ingest-url'] || new URL(uiUrl).origin).replace(/\/+$/, '');
const shots = path.resolve(args.screenshots);
fs.mkdirSync(shots, { recursive: true });

const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
let passed = 0;
let browser = null;
let page = null;

const watchdog = setTimeout(() => {
  console.error(`FAIL: the whole run took more than ${args['total-timeout']} s`);
  console.log(`ui_test: ${passed} passed, 1 failed`);
  process.exit(1);
}, Number(args['total-timeout']) * 1000);

class Failure extends Error {}
function fail(msg) {
  throw new Failure(msg);
}

async function step(name, fn) {
  try {
    await fn();
  } catch (e) {
    const msg = e instanceof Failure ? e.message : (e && e.stack) || String(e);
    console.error(`FAIL [${elapsed()}] ${name}: ${msg}`);
    if (page) {
      await page.screenshot({ path: path.join(shots, 'failure.png'), fullPage: true, timeout: 3000 }).catch(() => {});
      console.error(`  page URL: ${page.url()}`);
      console.error(`  screenshot: ${path.join(shots, 'failure.png')}`);
    }
    console.log(`ui_test: ${passed} passed, 1 failed`);
    await browser?.close().catch(() => {});
    process.exit(1);
  }
  passed++;
  console.log(`ok   [${elapsed()}] ${name}`);
}

/** Polls fn until it returns a truthy value; fails with what() after timeoutMs. */
async function waitFor(what, fn, timeoutMs = 10_000, everyMs = 100) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) fail(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? ` (${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function ingest(rows) {
  const body = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const url = `${ingestBase}/insert/jsonline?_stream_fields=app`;
  let resp;
  try {
    resp = await fetch(url, { method: 'POST', body, signal: AbortSignal.timeout(5000) });
  } catch (e) {
    fail(`cannot POST to ${url}: ${e.message}`);
  }
  if (!resp.ok) fail(`POST ${url}: HTTP ${resp.status} ${await resp.text()}`);
}

const tid = (id) => `[data-testid="${id}"]`;
const shot = (name) => page.screenshot({ path: path.join(shots, name), timeout: 5000 });
const attr = (sel, name) => page.locator(sel).first().getAttribute(name, { timeout: 3000 });

async function setQuery(q) {
  const input = page.locator(tid('query-input'));
  await input.fill(q);
  await page.keyboard.press('Escape'); // closes autocomplete if it opened
}

async function runAndWait() {
  await page.locator(tid('run-button')).click();
  await waitFor('the query to finish', async () => {
    const s = await attr(tid('status'), 'data-state');
    return s === 'done' || s === 'error';
  });
}

// ---- seed rows ----
const runId = `uit${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const N = 24;
const levels = ['info', 'warn', 'error'];
const seedNow = Date.now();
await step('ingest seed rows', async () => {
  const rows = [];
  for (let i = 0; i < N; i++) {
    rows.push({
      _time: new Date(seedNow - (N - i) * 20_000).toISOString(),
      _msg: `ui test row ${i} ${runId}`,
      app: i % 2 ? 'uitest-b' : 'uitest-a',
      level: levels[i % 3],
      run: runId,
    });
  }
  await ingest(rows);
});

await step('launch chromium', async () => {
  if (!fs.existsSync(args.chromium)) fail(`no Chromium at ${args.chromium} (apt-get install chromium, or pass --chromium)`);
  browser = await chromium.launch({
    executablePath: args.chromium,
    headless: !args.headful,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    timeout: 15_000,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(uiUrl).origin }).catch(() => {});
  page = await context.newPage();
  page.setDefaultTimeout(8000);
  page.on('pageerror', (e) => {
    console.error(`FAIL: uncaught exception in the page: ${e.message}`);
    console.log(`ui_test: ${passed} passed, 1 failed`);
    process.exit(1);
  });
});

await step('open the UI', async () => {
  const resp = await page.goto(uiUrl, { waitUntil: 'load', timeout: 10_000 });
  if (!resp || !resp.ok()) fail(`GET ${uiUrl}: HTTP ${resp?.status()}`);
  await page.locator(tid('query-input')).waitFor({ state: 'visible', timeout: 5000 });
  await page.locator(tid('run-button')).waitFor({ state: 'visible', timeout: 5000 });
});

await step('autocomplete suggests field names and values', async () => {
  const input = page.locator(tid('query-input'));
  await input.fill('');
  await input.pressSequentially('lev', { delay: 20 });
  await waitFor('a `level` suggestion', async () => {
    const items = await page.locator(tid('autocomplete-item')).allTextContents();
    return items.some((t) => t.includes('level'));
  }, 5000);
  await page.keyboard.press('Enter'); // accepts: level:
  await waitFor('the editor to read `level:`', async () => (await input.inputValue()) === 'level:', 3000);
  await waitFor('value suggestions after `level:`', async () => {
    const items = await page.locator(tid('autocomplete-item')).allTextContents();
    return items.some((t) => t.includes('info'));
  }, 5000);
  await page.keyboard.press('Escape');
});

const query = `run:${runId}`;
await step('run a query and see the table rows', async () => {
  await setQuery(query);
  await page.locator(tid('range-1h')).click(); // also runs
  // Freshly ingested rows may take a moment to become searchable: rerun until all are there.
  await waitFor(`${N} rows in the summary`, async () => {
    await runAndWait();
    const st = await attr(tid('status'), 'data-state');
    if (st === 'error') fail(`the query failed: ${await page.locator(tid('error-box')).innerText()}`);
    return Number(await attr(tid('results-summary'), 'data-rows')) === N;
  }, 15_000, 500);
  const rows = page.locator(tid('result-row'));
  const count = await rows.count();
  if (count < 5 || count > N) fail(`want 5..${N} rendered rows, got ${count}`);
  const first = await rows.first().innerText();
  if (!first.includes(`ui test row ${N - 1} ${runId}`)) fail(`the first row (newest) should be row ${N - 1}, got: ${first}`);
  const texts = (await rows.allInnerTexts()).join('\n');
  for (const i of [0, 5, 12]) if (!texts.includes(`ui test row ${i} ${runId}`)) fail(`row ${i} is not in the table`);
  const hash = decodeURIComponent(new URL(page.url()).hash);
  if (!hash.includes(`query=${query}`) || !hash.includes('view=table') || !hash.includes('start=now-1h')) {
    fail(`the URL does not reflect the state: ${hash}`);
  }
});

await step('histogram shows the hits', async () => {
  await page.locator(`${tid('histogram')} canvas`).first().waitFor({ state: 'attached', timeout: 5000 });
  await waitFor(`histogram total ${N}`, async () => Number(await attr(tid('histogram-summary'), 'data-total')) === N, 8000);
  const buckets = Number(await attr(tid('histogram-summary'), 'data-buckets'));
  if (!(buckets > 0)) fail(`no non-empty histogram buckets (${buckets})`);
  const box = await page.locator(`${tid('histogram')} canvas`).first().boundingBox();
  if (!box || box.width < 100 || box.height < 50) fail(`histogram canvas too small: ${JSON.stringify(box)}`);
  await shot('table.png');
});

await step('expand a row, copy it, click a value to filter', async () => {
  await page.locator(tid('row-expand')).first().click();
  const details = page.locator(tid('row-details')).first();
  await details.waitFor({ state: 'visible', timeout: 3000 });
  const text = await details.innerText();
  for (const f of ['level', 'app', 'run', runId]) if (!text.includes(f)) fail(`row details lack ${f}: ${text}`);
  const copy = page.locator(tid('row-copy')).first();
  await copy.click();
  await waitFor('the copy button to say copied', async () => (await copy.innerText()) === 'copied', 3000);
  // Click the first row's _msg value: adds _msg:="…" to the query.
  await page.locator(`${tid('result-row')} [data-field="_msg"] ${tid('field-value')}`).first().click();
  await waitFor('the filtered query to return 1 row', async () => {
    const st = await attr(tid('status'), 'data-state');
    return st === 'done' && Number(await attr(tid('results-summary'), 'data-rows')) === 1;
  }, 8000);
  const q = await page.locator(tid('query-input')).inputValue();
  if (!q.includes(`_msg:="ui test row ${N - 1} ${runId}"`)) fail(`the query did not get the filter: ${q}`);
  await setQuery(query);
  await runAndWait();
  await waitFor(`${N} rows again`, async () => Number(await attr(tid('results-summary'), 'data-rows')) === N, 5000);
});

await step('column picker and query history', async () => {
  await page.locator(tid('columns-button')).click();
  await page.locator(tid('column-toggle-level')).check();
  await waitFor('a level column', async () => (await page.locator('.vt-head').innerText()).includes('level'), 3000);
  const cell = await page.locator(`${tid('result-row')} [data-field="level"]`).first().innerText();
  if (!levels.includes(cell)) fail(`the level cell reads "${cell}"`);
  if (!decodeURIComponent(page.url()).includes('columns=_time,_msg,level')) fail(`the URL lacks the columns: ${page.url()}`);
  await page.locator(tid('column-toggle-level')).uncheck();
  await page.keyboard.press('Escape');
  await page.locator(tid('history-button')).click();
  const items = await page.locator(tid('history-item')).allInnerTexts();
  if (!items.includes(query)) fail(`the history lacks ${query}: ${items.join(' | ')}`);
  await page.locator(tid('history-button')).click(); // closes
});

await step('histogram: drag and click zoom into a time range', async () => {
  const over = page.locator(tid('histogram-overlay'));
  const b = await over.boundingBox();
  if (!b) fail('no histogram overlay');
  // The rows are in the last ~9 minutes of the hour: drag over the right quarter.
  const y = b.y + b.height / 2;
  await page.mouse.move(b.x + b.width * 0.75, y);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width * 0.87, y, { steps: 4 });
  await page.mouse.move(b.x + b.width - 2, y, { steps: 4 });
  await page.mouse.up();
  const start = page.locator(tid('range-start'));
  await waitFor('an absolute start after the drag', async () => /^\d{4}-\d\d-\d\dT/.test(await start.inputValue()), 3000);
  await waitFor('the zoomed query', async () => (await attr(tid('status'), 'data-state')) === 'done', 5000);
  const s1 = Date.parse(await start.inputValue());
  const e1 = Date.parse(await page.locator(tid('range-end')).inputValue());
  if (!(e1 - s1 > 5 * 60_000 && e1 - s1 < 20 * 60_000)) fail(`the drag zoomed to ${(e1 - s1) / 1000} s, want about 15 min`);
  const n = Number(await attr(tid('results-summary'), 'data-rows'));
  if (n < 1 || n > N) fail(`the zoomed range has ${n} rows`);
  const hash = decodeURIComponent(new URL(page.url()).hash);
  if (!hash.includes(`start=${await start.inputValue()}`)) fail(`the URL lacks the zoomed start: ${hash}`);
  // A click zooms into the one bucket under the pointer.
  const b2 = await over.boundingBox();
  await page.mouse.click(b2.x + b2.width * 0.5, b2.y + b2.height / 2);
  await waitFor('a one-bucket range after the click', async () => {
    const s2 = Date.parse(await start.inputValue());
    const e2 = Date.parse(await page.locator(tid('range-end')).inputValue());
    return s2 >= s1 && e2 <= e1 + 60_000 && e2 - s2 < 60_000;
  }, 3000);
  await page.locator(tid('range-1h')).click();
  await waitFor(`${N} rows over the last hour again`, async () => {
    const st = await attr(tid('status'), 'data-state');
    return st === 'done' && Number(await attr(tid('results-summary'), 'data-rows')) === N;
  }, 5000);
});

await step('tenant selector: another AccountID sees none of the rows', async () => {
  const acc = page.locator(tid('tenant-account'));
  await acc.fill('7');
  await acc.press('Enter');
  await waitFor('0 rows for AccountID 7', async () => {
    const st = await attr(tid('status'), 'data-state');
    return st === 'done' && Number(await attr(tid('results-summary'), 'data-rows')) === 0;
  }, 5000);
  if (!decodeURIComponent(page.url()).includes('account=7')) fail(`the URL lacks account=7: ${page.url()}`);
  await acc.fill('0');
  await acc.press('Enter');
  await waitFor(`${N} rows for AccountID 0`, async () => {
    const st = await attr(tid('status'), 'data-state');
    return st === 'done' && Number(await attr(tid('results-summary'), 'data-rows')) === N;
  }, 5000);
});

await step('10k rows: the table stays virtualised', async () => {
  const BULK = 10_000;
  const rows = [];
  const base = Date.now() - 120_000;
  for (let i = 0; i < BULK; i++) {
    rows.push({ _time: new Date(base - (BULK - i) * 150).toISOString(), _msg: `bulk row ${i}`, app: 'uitest-bulk', level: levels[i % 3], run: `${runId}bulk` });
  }
  await ingest(rows);
  await setQuery(`run:${runId}bulk`);
  const limit = page.locator(tid('limit-input'));
  await limit.fill(String(BULK));
  await limit.press('Enter'); // runs
  let ms = 0;
  await waitFor(`${BULK} rows`, async () => {
    const t = Date.now();
    await runAndWait();
    ms = Date.now() - t;
    return Number(await attr(tid('results-summary'), 'data-rows')) === BULK;
  }, 15_000, 300);
  const inDom = await page.locator(tid('result-row')).count();
  if (inDom < 10 || inDom > 150) fail(`${inDom} table rows in the DOM for ${BULK} results (want only the visible ones)`);
  await page.locator(tid('results-table')).evaluate((el) => (el.scrollTop = el.scrollHeight));
  await page.locator(`${tid('result-row')}[data-index="${BULK - 1}"]`).waitFor({ state: 'visible', timeout: 3000 });
  const last = await page.locator(`${tid('result-row')}[data-index="${BULK - 1}"]`).innerText();
  if (!last.includes('bulk row 0')) fail(`the last row should be the oldest, got: ${last}`);
  console.log(`     ${BULK} rows fetched and rendered in ${ms} ms, ${inDom} rows in the DOM`);
  await setQuery(query);
  await limit.fill('1000');
  await limit.press('Enter'); // runs
  await waitFor(`${N} rows again`, async () => Number(await attr(tid('results-summary'), 'data-rows')) === N, 5000);
});

await step('JSON view', async () => {
  await page.locator(tid('view-tab-json')).click();
  await page.locator(tid('json-view')).waitFor({ state: 'visible', timeout: 3000 });
  const n = await page.locator(tid('json-row')).count();
  if (n !== N) fail(`want ${N} JSON rows, got ${n}`);
  const first = await page.locator(tid('json-row')).first().innerText();
  let obj;
  try {
    obj = JSON.parse(first.replace(/^\s*copy\s*/, ''));
  } catch {
    fail(`the first JSON row is not pretty JSON: ${first}`);
  }
  if (obj._msg !== `ui test row ${N - 1} ${runId}` || obj.run !== runId) fail(`unexpected JSON row: ${first}`);
  if (!first.includes('\n  "_msg"')) fail('the JSON is not pretty-printed');
  if (!decodeURIComponent(page.url()).includes('view=json')) fail(`the URL lacks view=json: ${page.url()}`);
  await shot('json.png');
});

await step('stream view', async () => {
  await page.locator(tid('view-tab-stream')).click();
  await page.locator(tid('stream-view')).waitFor({ state: 'visible', timeout: 3000 });
  const groups = await page.locator(tid('stream-group')).count();
  if (groups !== 2) fail(`want 2 stream groups, got ${groups}`);
  const text = await page.locator(tid('stream-view')).innerText();
  if (!text.includes('uitest-a') || !text.includes('uitest-b')) fail(`stream names missing: ${text.slice(0, 300)}`);
  const rows = await page.locator(tid('stream-row')).count();
  if (rows !== N) fail(`want ${N} rows across the streams, got ${rows}`);
  await shot('stream.png');
});

await step('bad query: error shown, position marked', async () => {
  await page.locator(tid('view-tab-table')).click();
  const bad = `${query} foo) bar`;
  await setQuery(bad);
  await runAndWait();
  const box = page.locator(tid('error-box'));
  await box.waitFor({ state: 'visible', timeout: 3000 });
  const msg = await box.innerText();
  const m = /at position (\d+)/.exec(msg);
  if (!m) fail(`the error names no position: ${msg}`);
  const mark = page.locator(tid('query-error-highlight'));
  await mark.waitFor({ state: 'visible', timeout: 3000 });
  const marked = await mark.innerText();
  const at = Number(await mark.getAttribute('data-pos'));
  if (marked !== ')' || at !== bad.indexOf(')')) fail(`want ")" marked at ${bad.indexOf(')')}, got "${marked}" at ${at}`);
  if (Number(m[1]) !== bad.indexOf(')') + 1) fail(`server position ${m[1]} vs ${bad.indexOf(')') + 1}`);
  await shot('error.png');
  // Editing clears the mark.
  await setQuery(query);
  if ((await mark.count()) !== 0) fail('the error mark stayed after editing the query');
});

await step('live tail: a new row arrives; pause holds rows, resume shows them', async () => {
  await page.locator(tid('view-tab-tail')).click();
  await page.locator(tid('tail-toggle')).click();
  const status = tid('tail-status');
  await waitFor('the tail to stream', async () => (await attr(status, 'data-state')) === 'streaming', 8000);
  await ingest([{ _time: new Date().toISOString(), _msg: `tail row 1 ${runId}`, app: 'uitest-a', level: 'info', run: runId }]);
  const row1 = page.locator(tid('tail-row'), { hasText: `tail row 1 ${runId}` });
  await row1.first().waitFor({ state: 'visible', timeout: 12_000 });
  const seeded = await page.locator(tid('tail-row'), { hasText: 'ui test row' }).count();
  if (seeded !== 0) fail(`tail showed ${seeded} old rows (it should show only new ones)`);

  await page.locator(tid('tail-pause')).click();
  await waitFor('paused', async () => (await attr(status, 'data-state')) === 'paused', 3000);
  await ingest([{ _time: new Date().toISOString(), _msg: `tail row 2 ${runId}`, app: 'uitest-b', level: 'warn', run: runId }]);
  await waitFor('the paused tail to hold the new row', async () => /1 new rows? held/.test(await page.locator(status).innerText()), 12_000);
  if ((await page.locator(tid('tail-row'), { hasText: `tail row 2 ${runId}` }).count()) !== 0) fail('a row showed while paused');
  await page.locator(tid('tail-pause')).click(); // resume
  await page.locator(tid('tail-row'), { hasText: `tail row 2 ${runId}` }).first().waitFor({ state: 'visible', timeout: 3000 });
  const texts = await page.locator(tid('tail-row')).allInnerTexts();
  if (!texts[0].includes('tail row 2')) fail(`the newest row should be on top: ${texts.join(' | ')}`);
  await shot('tail.png');
  await page.locator(tid('tail-toggle')).click(); // stop
  await waitFor('the tail to stop', async () => (await attr(status, 'data-state')) === 'idle', 3000);
});

await step('stats view: chart and table', async () => {
  await setQuery(`${query} | stats by (level) count() c`);
  await page.locator(tid('view-tab-stats')).click();
  await waitFor('the stats query', async () => {
    const s = await attr(tid('status'), 'data-state');
    if (s === 'error') fail(`stats failed: ${await page.locator(tid('error-box')).innerText()}`);
    return s === 'done';
  }, 8000);
  await page.locator(`${tid('stats-chart')} canvas`).first().waitFor({ state: 'attached', timeout: 5000 });
  const series = Number(await attr(tid('stats-summary'), 'data-series'));
  if (series !== 3) fail(`want 3 series (one per level), got ${series}`);
  const rows = await page.locator(tid('stats-row')).count();
  if (rows < 1) fail('the stats table has no rows');
  const head = await page.locator(`${tid('stats-table')} thead`).innerText();
  for (const l of levels) if (!head.includes(`level="${l}"`)) fail(`stats table lacks the ${l} series: ${head}`);
  // The counts over the steps add up to what was ingested (2 rows came in during the tail check).
  const total = await page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="stats-table"] td.num')].reduce((s, td) => s + (Number(td.textContent) || 0), 0),
  );
  if (total !== N + 2) fail(`the stats table sums to ${total}, want ${N + 2}`);
  await shot('stats.png');
});

await step('reload restores the view from the URL; phone-sized layout', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload({ waitUntil: 'load', timeout: 10_000 });
  await waitFor('the reloaded stats view', async () => (await attr(tid('status'), 'data-state')) === 'done', 8000);
  if (!(await page.locator(tid('stats-view')).isVisible())) fail('the reload did not come back to the stats view');
  const q = await page.locator(tid('query-input')).inputValue();
  if (q !== `${query} | stats by (level) count() c`) fail(`the reload lost the query: ${q}`);
  await page.locator(tid('view-tab-table')).click();
  await waitFor('table rows on the phone', async () => (await page.locator(tid('result-row')).count()) > 0, 8000);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 2) fail(`the page scrolls sideways on a phone by ${overflow}px`);
  await shot('mobile.png');
});

clearTimeout(watchdog);
await browser.close();
console.log(`ui_test: ${passed} passed, 0 failed (${elapsed()}, screenshots in ${shots})`);
process.exit(0);
