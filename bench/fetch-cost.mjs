#!/usr/bin/env node
// What one range fetch costs headless Chromium on this machine: 200 fetches of 768-byte ranges
// (20 rounds of 10 in parallel) from one loaded page of a built site, with the CPU time each
// Chromium process and this Node server spent, from /proc/<pid>/stat (10 ms resolution).
// It is why the search shards are laid out so that every step of a query is one request.
//
//   node bench/fetch-cost.mjs SITE_OUT_DIR [--chromium PATH]
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const at = args.indexOf('--chromium');
const chromiumPath = at >= 0 ? args.splice(at, 2)[1] : '/usr/bin/chromium';
const site = args[0] && path.resolve(args[0]);
const probe = site && path.join(site, 'search/d/0.bin');
if (!probe || !existsSync(probe)) {
  console.error('usage: node bench/fetch-cost.mjs SITE_OUT_DIR (a built gongshi site with search/d/0.bin)');
  process.exit(2);
}
const require = createRequire(path.join(here, '../tests/js/package.json'));
const { chromium } = require('playwright-core');

const server = createServer((req, res) => {
  let rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.join(site, path.normalize(rel));
  if (!file.startsWith(site) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404).end();
    return;
  }
  const data = readFileSync(file);
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || '');
  if (range) {
    const a = Number(range[1]);
    const b = Math.min(Number(range[2] || data.length - 1), data.length - 1);
    res.writeHead(206, { 'content-range': `bytes ${a}-${b}/${data.length}`, 'content-length': b - a + 1 });
    res.end(data.subarray(a, b + 1));
    return;
  }
  res.writeHead(200, { 'content-type': rel.endsWith('.html') ? 'text/html; charset=utf-8' : 'application/octet-stream' });
  res.end(data);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

// CPU milliseconds per kind of Chromium process.
const chromiumCpu = () => {
  const out = {};
  for (const pid of execSync('pgrep -f chromium || true').toString().split(/\s+/).filter(Boolean)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const kind = cmd.includes('--type=renderer') ? 'renderer' : cmd.includes('--type=utility') ? 'network service' : cmd.includes('--type=') ? 'other' : 'browser';
      out[kind] = (out[kind] || 0) + (Number(stat[11]) + Number(stat[12])) * 10;
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
};

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
try {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/about/`);
  const before = chromiumCpu();
  const node0 = process.cpuUsage();
  const ms = await page.evaluate(async () => {
    const t0 = performance.now();
    for (let k = 0; k < 20; k++) {
      await Promise.all([...Array(10)].map((_, i) => {
        const a = (k * 10 + i) * 768;
        return fetch('/search/d/0.bin', { headers: { Range: `bytes=${a}-${a + 767}` } }).then((r) => r.arrayBuffer());
      }));
    }
    return performance.now() - t0;
  });
  const after = chromiumCpu();
  const node = process.cpuUsage(node0);
  console.log(`200 range fetches in ${ms.toFixed(0)} ms wall (${(ms / 200).toFixed(1)} ms each, 10 at a time)`);
  for (const [kind, total] of Object.entries(after)) {
    const spent = total - (before[kind] || 0);
    if (spent > 0) console.log(`  ${kind.padEnd(16)} ${String(spent).padStart(5)} ms CPU, ${(spent / 200).toFixed(1)} ms per fetch`);
  }
  const nodeMs = (node.user + node.system) / 1000;
  console.log(`  ${'node (server)'.padEnd(16)} ${nodeMs.toFixed(0).padStart(5)} ms CPU, ${(nodeMs / 200).toFixed(1)} ms per fetch (includes Playwright's client)`);
} finally {
  await browser.close();
  server.close();
}
