// Shared by the browser test scripts: a static server over a built site, headless Debian chromium
// with a fresh profile, a log of every request the browser makes, CSP checks, and reading the
// site's own datasets to know what the pages must show.

import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
export const CHROME_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.ndjson': 'application/x-ndjson',
  '.xml': 'application/xml',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

/** The built site folder given on the command line. */
export function siteDir() {
  const dir = process.argv[2];
  if (!dir || !fs.existsSync(path.join(dir, 'index.html'))) {
    fail(`usage: node ${path.basename(process.argv[1])} <built site folder> (no index.html in ${dir})`);
  }
  return path.resolve(dir);
}

/**
 * Serves `root` on 127.0.0.1 (a free port) the way a plain static host does: folders answer with
 * their index.html, a folder URL without its slash is redirected, anything else missing gets
 * /404.html with status 404, a single byte range gets 206. Query strings are ignored.
 */
export async function serve(root) {
  const server = http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.join(root, path.normalize(rel));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    let stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat?.isDirectory()) {
      if (!rel.endsWith('/')) {
        res.writeHead(301, { location: `${rel}/` }).end();
        return;
      }
      file = path.join(file, 'index.html');
      stat = fs.statSync(file, { throwIfNoEntry: false });
    }
    let status = 200;
    if (!stat?.isFile()) {
      status = 404;
      file = path.join(root, '404.html');
    }
    const type = TYPES[path.extname(file)] || 'application/octet-stream';
    const headers = { 'content-type': type, 'cache-control': 'max-age=3600', 'accept-ranges': 'bytes' };
    // One byte range, as the search client asks for pieces of its pack files.
    const range = status === 200 && /^bytes=(\d*)-(\d*)$/.exec(req.headers.range || '');
    let from = 0;
    let to = fs.statSync(file).size - 1;
    if (range) {
      const size = to + 1;
      from = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
      to = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (from > to) {
        res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
        return;
      }
      status = 206;
      headers['content-range'] = `bytes ${from}-${to}/${size}`;
    }
    headers['content-length'] = to - from + 1;
    res.writeHead(status, headers);
    if (req.method === 'HEAD' || to < from) res.end();
    else fs.createReadStream(file, { start: from, end: to }).pipe(res);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { origin: `http://127.0.0.1:${port}`, port, close: () => new Promise((ok) => server.close(ok)) };
}

/** Every request the browser made, by URL; `offsite()` lists those not to `origin`. */
export class RequestLog {
  constructor(origin) {
    this.origin = origin;
    this.urls = [];
    this.missing = [];
  }
  watch(context) {
    context.on('request', (r) => this.urls.push(r.url()));
    context.on('response', (r) => r.status() === 404 && this.missing.push(r.url()));
    return context;
  }
  offsite() {
    return this.urls.filter((u) => !(u.startsWith(`${this.origin}/`) || u.startsWith('data:') || u === 'about:blank'));
  }
}

/**
 * A browser context over a brand-new empty profile (removed on close), every request logged.
 * `options` go to the context (viewport, javaScriptEnabled, acceptDownloads, ...).
 */
export async function openBrowser(log, options = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gongshi-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROME,
    headless: true,
    args: CHROME_ARGS,
    locale: 'zh-CN',
    ...options,
  });
  log.watch(context);
  const close = context.close.bind(context);
  context.close = async () => {
    await close();
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return context;
}

/** Attributes of every `<tag ...>` in `html` (quoted or not, as a minifier leaves them). */
export function tags(html, tag) {
  const out = [];
  for (const m of html.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'gi'))) {
    const attrs = {};
    for (const a of m[1].matchAll(/([^\s=/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g)) {
      attrs[a[1].toLowerCase()] = (a[2] || '').replace(/^["']|["']$/g, '');
    }
    out.push(attrs);
  }
  return out;
}

/** The CSP of an HTML document's meta tag, as directive -> source list. */
export function parseCsp(html) {
  const meta = tags(html, 'meta').find((a) => a['http-equiv']?.toLowerCase() === 'content-security-policy');
  if (!meta) return null;
  const csp = new Map();
  for (const part of meta.content.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) csp.set(name.toLowerCase(), sources);
  }
  return csp;
}

/**
 * Problems with a page's CSP: it must exist, allow scripts only from the site itself (no inline,
 * no eval) and name no other origin anywhere.
 */
export function cspProblems(html) {
  const csp = parseCsp(html);
  if (!csp) return ['no <meta http-equiv="Content-Security-Policy">'];
  const problems = [];
  if (!csp.has('default-src')) problems.push('no default-src');
  const scripts = csp.get('script-src') || csp.get('default-src') || [];
  for (const bad of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"]) {
    if (scripts.includes(bad)) problems.push(`script-src allows ${bad}`);
  }
  if (!['object-src', 'default-src'].some((d) => (csp.get(d) || []).includes("'none'") && (d === 'object-src' || !csp.has('object-src')))) {
    problems.push("object-src is not 'none'");
  }
  for (const [name, sources] of csp) {
    for (const s of sources) {
      const keyword = s.startsWith("'");
      const local = s === 'data:' && ['img-src', 'font-src'].includes(name);
      if (!keyword && !local) problems.push(`${name} allows ${s} (another origin)`);
    }
  }
  return problems;
}

/** Every .html file under `root`, as '/'-separated paths relative to it. */
export function htmlFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.html')) out.push(path.relative(root, p).split(path.sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

export function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

export function check(cond, message) {
  if (!cond) throw new Error(message);
}

/** Runs the test body, then the offsite check; prints failures and exits non-zero on any. */
export async function main(body) {
  const root = siteDir();
  const server = await serve(root);
  const log = new RequestLog(server.origin);
  try {
    await body({ root, origin: server.origin, log });
    const off = log.offsite();
    check(off.length === 0, `requests left the test server:\n  ${off.join('\n  ')}`);
    console.log(`ok: ${log.urls.length} requests, all to ${server.origin}`);
  } catch (e) {
    console.error(`FAIL: ${e.stack || e}`);
    process.exitCode = 1;
  } finally {
    await server.close();
  }
}
