#!/usr/bin/env node
// Search benchmark: serves a built site on 127.0.0.1 and runs each query COLD (a new browser
// context, empty cache) through /search/?q=... in headless Chromium, counting every byte
// transferred after the HTML page and the time from the HTML's arrival to the results rendered.
//
//   node bench/search.mjs SITE_DIR QUERIES.json [--pagefind] [--no-gzip] [--runs N] [--waterfall]
//
// QUERIES.json: [{"kind": "name", "query": "...", "expected": {"collection": "labs", "id": "x"} | null}]
// Needs playwright-core (npm ci --prefix tests/js) and Chromium at /usr/bin/chromium
// (apt-get install -y chromium). --pagefind also indexes the site with Pagefind (bench/package.json) into a
// copy and runs the same queries through Pagefind's own JS API, for comparison.
import { createServer } from 'node:http';
import { createReadStream, existsSync, readFileSync, statSync, mkdtempSync, cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { gzipSync, createGzip } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return false;
  args.splice(i, 1);
  return true;
};
const option = (name, def) => {
  const i = args.indexOf(name);
  if (i < 0) return def;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const withPagefind = flag('--pagefind');
const gzip = !flag('--no-gzip');
// --waterfall: print each query's requests (start and end, ms from the HTML's arrival).
const waterfall = flag('--waterfall');
// --runs N: run the query set N times (each query cold every time) and take each query's median.
const repeat = Math.max(1, parseInt(option('--runs', '1'), 10) || 1);
const chromiumPath = option('--chromium', '/usr/bin/chromium');
// --gongshi BIN: also compare each query's top 10 in the browser with `BIN search` on the
// site's tantivy index (the parity the search issue asks for, at this site's size).
const gongshiBin = option('--gongshi', null);
// --delay MS: the server holds every response MS ms, as a distant host would (time to first
// results then shows the sequential rounds of requests).
const delay = Math.max(0, parseInt(option('--delay', '0'), 10) || 0);
// --no-typed: skip the second pass that types each query into a loaded page.
const noTyped = flag('--no-typed');
const [siteArg, queriesArg] = args;
if (!siteArg || !queriesArg) {
  console.error('usage: node bench/search.mjs SITE_DIR QUERIES.json [--pagefind] [--no-gzip]');
  process.exit(2);
}
const site = path.resolve(siteArg);
const queries = JSON.parse(readFileSync(queriesArg, 'utf8'));

const require = createRequire(path.join(here, '../tests/js/package.json'));
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  console.error('playwright-core missing: run `npm ci --prefix tests/js`');
  process.exit(2);
}
if (!existsSync(chromiumPath)) {
  console.error(`no Chromium at ${chromiumPath}: apt-get install -y chromium (or --chromium PATH)`);
  process.exit(2);
}

// ------------------------------------------------------------------ a tiny static server
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.json': 'application/json', '.css': 'text/css', '.bin': 'application/octet-stream',
  '.svg': 'image/svg+xml', '.xml': 'application/xml', '.wasm': 'application/wasm',
};
// What a typical static host compresses on the fly.
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.json', '.css', '.svg', '.xml']);

// The server also tallies what it sends (status line, headers and body, as on the wire before
// TCP): Pagefind fetches its index from a Web Worker, whose requests the page's Resource Timing
// does not list, so its bytes are counted here. Pages named in `server.untallied` are left out.
function serve(root) {
  const server = createServer((req, res) => (delay ? setTimeout(() => handle(req, res), delay) : handle(req, res)));
  function handle(req, res) {
    let rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!server.untallied.has(rel)) {
      server.tally.requests += 1;
      const write = res.write.bind(res);
      const end = res.end.bind(res);
      const count = (chunk, encoding) => {
        if (chunk && typeof chunk !== 'function') server.tally.bytes += Buffer.byteLength(chunk, typeof encoding === 'string' ? encoding : undefined);
      };
      res.write = (chunk, encoding, cb) => (count(chunk, encoding), write(chunk, encoding, cb));
      res.end = (chunk, encoding, cb) => (count(chunk, encoding), end(chunk, encoding, cb));
      res.on('finish', () => (server.tally.bytes += (res._header || '').length));
    }
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.join(root, path.normalize(rel));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    const size = statSync(file).size;
    const ext = path.extname(file);
    const headers = { 'content-type': TYPES[ext] || 'application/octet-stream', 'accept-ranges': 'bytes', 'cache-control': 'no-cache' };
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || '');
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start >= size || end < start) {
        res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
        return;
      }
      res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': end - start + 1 });
      createReadStream(file, { start, end }).pipe(res);
      return;
    }
    if (gzip && COMPRESSIBLE.has(ext) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
      res.writeHead(200, { ...headers, 'content-encoding': 'gzip', vary: 'accept-encoding' });
      createReadStream(file).pipe(createGzip()).pipe(res);
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': size });
    createReadStream(file).pipe(res);
  }
  server.tally = { bytes: 0, requests: 0 };
  server.untallied = new Set();
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ------------------------------------------------------------------ measurement helpers
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const kb = (b) => `${(b / 1000).toFixed(1)} kB`;

// Bytes and requests after the HTML page, from Resource Timing (transferSize: headers + body
// as sent, so compression counts) plus the HTML's arrival time as the clock's origin.
const COLLECT = () => {
  const res = performance.getEntriesByType('resource');
  const nav = performance.getEntriesByType('navigation')[0];
  return {
    bytes: res.reduce((s, r) => s + (r.transferSize || r.encodedBodySize || 0), 0),
    requests: res.length,
    origin: nav ? nav.responseEnd : 0,
    entries: res.map((r) => ({
      name: r.name.replace(location.origin, '').replace(/\?v=[^&]*/, ''),
      start: r.startTime - (nav ? nav.responseEnd : 0),
      end: r.responseEnd - (nav ? nav.responseEnd : 0),
      size: r.transferSize || r.encodedBodySize || 0,
    })),
    dcl: nav ? nav.domContentLoadedEventStart - nav.responseEnd : 0,
  };
};

// Sequential rounds of the search index's requests (files under /search/ but the page's own
// scripts): a request is in round k + 1 when the latest of the requests that had ended before
// it started is in round k. With --delay, each round costs at least the delay.
function rounds(entries) {
  const data = entries.filter((e) => /\/search\/(manifest\.json|[a-z]\/)/.test(e.name)).sort((a, b) => a.start - b.start);
  const round = [];
  for (const [i, e] of data.entries()) {
    let r = 1;
    for (let j = 0; j < i; j++) if (data[j].end <= e.start) r = Math.max(r, round[j] + 1);
    round.push(r);
  }
  return Math.max(0, ...round);
}

// Each query cold: a new browser context (empty cache). `typed`: the search page is loaded and
// idle first, then the query is typed and submitted, as a visitor does on the page; else the
// page is opened at /search/?q=..., as a shared link is.
async function runGongshi(browser, base, typed = false) {
  const runs = [];
  for (let k = 0; k < repeat; k++) runs.push(await runGongshiOnce(browser, base, typed));
  // Per query, the median of its runs' times (bytes, requests and results do not vary).
  return runs[0].map((first, i) => ({
    ...first,
    ms: median(runs.map((r) => r[i].ms)),
    queryMs: median(runs.map((r) => r[i].queryMs)),
  }));
}

async function runGongshiOnce(browser, base, typed) {
  const out = [];
  for (const item of queries) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(() => {
      // First: the first result shown (or a final status with none).
      const watch = () => {
        const list = document.getElementById('search-results');
        const status = document.getElementById('search-status');
        if (!list || !status) return;
        const check = () => {
          const n = list.children.length;
          const s = status.textContent;
          const loading = status.dataset.loading;
          if (window.__first === undefined && (n > 0 || (s && s !== loading))) window.__first = performance.now();
          // Done: the final status (the page may show its first results before).
          if (window.__done === undefined && s && s !== loading) {
            window.__done = performance.now();
            console.log('gongshi-bench-done');
          }
        };
        new MutationObserver(check).observe(document.body, { childList: true, subtree: true, characterData: true });
      };
      document.addEventListener('DOMContentLoaded', watch);
    });
    // Waiting on a console message, not page.waitForFunction: that would make Playwright inject
    // and compile its own script in the page while the query runs (~75 ms of the page's main
    // thread on this machine), a cost no visitor pays.
    const finished = page.waitForEvent('console', { predicate: (m) => m.text() === 'gongshi-bench-done', timeout: 30000 });
    if (typed) {
      await page.goto(`${base}/search/`);
      await page.locator('#q').fill(item.query);
      await page.waitForTimeout(300); // the page idle, as when a visitor starts typing
      await page.locator('#q').press('Enter');
    } else {
      await page.goto(`${base}/search/?q=${encodeURIComponent(item.query)}`);
    }
    await finished;
    await page.waitForTimeout(50); // let Resource Timing settle for the last fetches
    const m = await page.evaluate(COLLECT);
    const done = await page.evaluate(() => window.__done);
    const queryStart = await page.evaluate(() => performance.getEntriesByName('gongshi-query')[0]?.startTime ?? NaN);
    const links = await page.$$eval('#search-results li h2 a', (as) => as.map((a) => new URL(a.href).pathname));
    const first = await page.evaluate(() => window.__first);
    const index = m.entries.filter((e) => /\/search\/(manifest\.json|[a-z]\/)/.test(e.name));
    const firstRounds = rounds(m.entries.filter((e) => e.start < first - m.origin));
    out.push({ ...item, bytes: m.bytes, requests: m.requests, indexRequests: index.length, rounds: rounds(m.entries), firstRounds, ms: done - m.origin, queryMs: done - queryStart, firstMs: first - queryStart, links });
    if (waterfall) {
      console.log(`\n[${item.kind}] ${item.query}: ${(done - m.origin).toFixed(0)} ms, DOMContentLoaded at ${m.dcl.toFixed(0)} ms, query started at ${(queryStart - m.origin).toFixed(0)} ms`);
      for (const e of m.entries) console.log(`  ${e.start.toFixed(0).padStart(5)} -> ${e.end.toFixed(0).padStart(5)} ms ${String(e.size).padStart(6)} B  ${e.name}`);
    }
    await context.close();
  }
  return out;
}

async function runPagefind(browser, base, server) {
  const out = [];
  server.untallied.add('/pagefind-bench.html');
  for (const item of queries) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/pagefind-bench.html`);
    server.tally = { bytes: 0, requests: 0 };
    const r = await page.evaluate(async (q) => {
      const t0 = performance.now();
      const pf = await import('/pagefind/pagefind.js');
      const s = await pf.search(q);
      const data = await Promise.all(s.results.slice(0, 10).map((x) => x.data()));
      const ms = performance.now() - t0;
      const res = performance.getEntriesByType('resource');
      return { ms, bytes: res.reduce((a, r) => a + (r.transferSize || r.encodedBodySize || 0), 0), requests: res.length, links: data.map((d) => new URL(d.url, location.href).pathname) };
    }, item.query);
    // The server's count: it includes the worker's requests, which Resource Timing misses.
    out.push({ ...item, ...r, bytes: server.tally.bytes, requests: server.tally.requests, pageBytes: r.bytes });
    await context.close();
  }
  return out;
}

function report(name, results, typed = null) {
  const bytes = results.map((r) => r.bytes);
  const ms = results.map((r) => r.ms);
  const reqs = results.map((r) => r.requests);
  console.log(`\n== ${name}: ${results.length} cold queries`);
  console.log(`bytes per query: median ${kb(median(bytes))}, worst ${kb(Math.max(...bytes))} (p95 ${kb(pct(bytes, 95))})`);
  console.log(`requests per query: median ${median(reqs)}, worst ${Math.max(...reqs)}`);
  console.log(`time to results: median ${median(ms).toFixed(0)} ms, p95 ${pct(ms, 95).toFixed(0)} ms, worst ${Math.max(...ms).toFixed(0)} ms (from the HTML's arrival)`);
  const qms = results.map((r) => r.queryMs).filter((x) => Number.isFinite(x));
  if (qms.length) {
    console.log(`query to results: median ${median(qms).toFixed(0)} ms, p95 ${pct(qms, 95).toFixed(0)} ms, worst ${Math.max(...qms).toFixed(0)} ms (from the client starting the query, cold)`);
  }
  if (typed) {
    const tms = typed.map((r) => r.queryMs).filter((x) => Number.isFinite(x));
    console.log(`typed query to results: median ${median(tms).toFixed(0)} ms, p95 ${pct(tms, 95).toFixed(0)} ms, worst ${Math.max(...tms).toFixed(0)} ms (query typed into the loaded page, empty cache)`);
  }
  qualityTable(name, results.map((r) => ({ ...r, links: r.links })));
  costTable(name, results);
  for (const r of results.filter((r) => r.expected && !r.links.slice(0, 10).some((l) => l.endsWith(`/${r.expected.collection}/${r.expected.id}/`)))) {
    console.log(`  miss [${r.kind}] ${r.query} -> want ${r.expected.collection}/${r.expected.id}, got ${r.links.slice(0, 3).join(' ') || '(nothing)'}`);
  }
}

// Per kind, median/max: sequential rounds of index requests until the first results show
// and until the final status; requests in all (the page's own 4 files included) and to the
// index; bytes; time (ms from the client starting the query) to the first results and to all.
function costTable(name, results) {
  console.log(`\ncost (${name}), median/max: kind | queries | rounds first | rounds all | requests | index req | bytes med | bytes max | first ms | all ms`);
  const mm = (rs, f) => {
    const xs = rs.map(f).filter((x) => Number.isFinite(x));
    return `${median(xs)}/${Math.max(...xs)}`;
  };
  const ms = (rs, f) => median(rs.map(f).filter((x) => Number.isFinite(x))).toFixed(0);
  const row = (kind, rs) =>
    console.log(
      `  ${kind.padEnd(22)} ${String(rs.length).padStart(3)} | ${mm(rs, (r) => r.firstRounds).padStart(5)} | ${mm(rs, (r) => r.rounds).padStart(5)} | ${mm(rs, (r) => r.requests).padStart(6)} | ${mm(rs, (r) => r.indexRequests).padStart(6)} | ${kb(median(rs.map((r) => r.bytes))).padStart(8)} | ${kb(Math.max(...rs.map((r) => r.bytes))).padStart(8)} | ${ms(rs, (r) => r.firstMs).padStart(5)} | ${ms(rs, (r) => r.queryMs).padStart(5)}`,
    );
  for (const kind of new Set(results.map((r) => r.kind))) row(kind, results.filter((r) => r.kind === kind));
  row('all', results);
}

// Per kind: how often the expected record is first, in the top 3, in the top 10, and how many
// queries found nothing at all (`links`: result paths in order).
function qualityTable(name, results) {
  console.log(`\nquality (${name}): kind | queries | first | top 3 | top 10 | none`);
  const kinds = [...new Set(results.map((r) => r.kind))];
  for (const kind of kinds) {
    const kq = results.filter((r) => r.kind === kind);
    const rs = kq.filter((r) => r.expected);
    const want = (r) => `/${r.expected.collection}/${r.expected.id}/`;
    const within = (n) => rs.filter((r) => r.links.slice(0, n).some((l) => l.endsWith(want(r)))).length;
    const none = kq.filter((r) => r.links.length === 0).length;
    const of = (x) => (rs.length ? `${x}/${rs.length}` : '-');
    console.log(`  ${kind.padEnd(22)} ${String(kq.length).padStart(3)} | ${of(within(1)).padStart(6)} | ${of(within(3)).padStart(6)} | ${of(within(10)).padStart(6)} | ${none}/${kq.length}`);
  }
}

function parity(results) {
  const differ = [];
  const cliResults = [];
  for (const r of results) {
    const run = execFileSync(gongshiBin, ['search', '--out', site, '--json', '--limit', '10', '--', r.query]);
    const cli = JSON.parse(run.toString()).hits.map((h) => `/${h.collection}/${h.id}/`);
    cliResults.push({ ...r, links: cli });
    const browser = r.links.slice(0, 10).map((l) => l.replace(/^.*?(\/[^/]+\/[^/]+\/)$/, '$1'));
    if (cli.join() !== browser.join()) differ.push(`  [${r.kind}] ${r.query}: browser ${browser.slice(0, 3).join(' ')} cli ${cli.slice(0, 3).join(' ')}`);
  }
  qualityTable('gongshi search, the CLI', cliResults);
  console.log(`parity with \`gongshi search\`: ${results.length - differ.length}/${results.length} queries with the same top 10 in the same order`);
  for (const d of differ) console.log(d);
}

const launch = () =>
  chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });

const clientJs = path.join(site, 'static/search.js');
if (!existsSync(clientJs)) {
  console.error(`${clientJs} missing: is ${site} a built gongshi site?`);
  process.exit(2);
}
const js = readFileSync(clientJs);
console.log(`site ${site}; server gzip ${gzip ? 'on' : 'off'}; ${repeat} run(s) per query`);
console.log(`client JS: ${kb(js.length)} raw, ${kb(gzipSync(js, { level: 9 }).length)} gzip`);

const server = await serve(site);
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();
try {
  const fromLink = await runGongshi(browser, base);
  report('gongshi', fromLink, noTyped ? null : await runGongshi(browser, base, true));
  if (gongshiBin) parity(fromLink);
} finally {
  await browser.close();
  server.close();
}

if (withPagefind) {
  const copy = mkdtempSync(path.join(tmpdir(), 'pagefind-bench-'));
  try {
    cpSync(site, copy, { recursive: true });
    const t0 = Date.now();
    // The version pinned in bench/package.json (bench/deps.sh installs it), as scale.rs --hugo uses.
    const pinned = path.join(here, 'node_modules/.bin/pagefind');
    const [cmd, pre] = existsSync(pinned) ? [pinned, []] : ['npx', ['-y', 'pagefind@1.6.0']];
    execFileSync(cmd, [...pre, '--site', copy, '--force-language', 'zh'], { stdio: ['ignore', 'ignore', 'inherit'] });
    console.log(`\npagefind indexing: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const html = '<!doctype html><meta charset="utf-8"><title>pagefind bench</title>';
    (await import('node:fs')).writeFileSync(path.join(copy, 'pagefind-bench.html'), html);
    const pfServer = await serve(copy);
    const pfBase = `http://127.0.0.1:${pfServer.address().port}`;
    const b = await launch();
    try {
      const results = await runPagefind(b, pfBase, pfServer);
      report('pagefind', results);
      console.log(`(pagefind bytes as the server sent them; the page's Resource Timing saw a median ${kb(median(results.map((r) => r.pageBytes)))})`);
    } finally {
      await b.close();
      pfServer.close();
    }
  } catch (e) {
    console.log(`\npagefind: not run (${e.message.split('\n')[0]})`);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
