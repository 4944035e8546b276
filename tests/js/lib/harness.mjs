// Shared by the browser test scripts: a static server over a built site, headless Debian chromium
// with a fresh profile, a log of every request the browser makes, CSP checks, and reading the
// site's own datasets to know what the pages must show.

import { spawn } from 'node:child_process';
import net from 'node:net';
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

/** The built site folder given on the command line. */
export function siteDir() {
  const dir = process.argv[2];
  if (!dir || !fs.existsSync(path.join(dir, 'index.html'))) {
    fail(`usage: node ${path.basename(process.argv[1])} <built site folder> (no index.html in ${dir})`);
  }
  return path.resolve(dir);
}

export const NGINX = process.env.NGINX_PATH || '/usr/sbin/nginx';
/** The deployment the docs describe (docs/deploy/nginx.conf), which the tests serve with. */
export const NGINX_CONF = new URL('../../../docs/deploy/nginx.conf', import.meta.url);

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * Serves `root` on 127.0.0.1 (a free port) with Debian's nginx and the server block of
 * docs/deploy/nginx.conf, its `listen` and `root` lines pointed at the port and the site, so the
 * browser tests exercise the documented deployment: folders answer with their index.html, a
 * folder URL without its slash is redirected, anything else missing gets /404.html with 404,
 * byte ranges get 206, text is gzipped.
 */
export async function serve(root) {
  if (!fs.existsSync(NGINX)) fail(`${NGINX} is missing (apt package nginx-light); run bash scripts/test-deps.sh`);
  const documented = fs.readFileSync(NGINX_CONF, 'utf8');
  const port = await freePort();
  const block = documented
    .replace(/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${port};`)
    .replace(/^(\s*)root \/srv\/gongshi\/public;$/m, `$1root ${root};`);
  if (!block.includes(`127.0.0.1:${port}`) || !block.includes(`root ${root};`)) {
    fail('docs/deploy/nginx.conf no longer has the `listen 80;` and `root /srv/gongshi/public;` lines the tests replace');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongshi-nginx-'));
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((t) => `${t}_temp_path ${dir}/${t};`)
    .join(' ');
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `daemon off; master_process off; worker_processes 1; pid ${dir}/nginx.pid;\n` +
      `error_log ${dir}/error.log warn;\nevents { worker_connections 256; }\n` +
      `http { access_log off; ${temps}\n${block}\n}\n`,
  );
  const nginx = spawn(NGINX, ['-e', `${dir}/error.log`, '-p', dir, '-c', `${dir}/nginx.conf`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  nginx.stderr.on('data', (d) => (stderr += d));
  let exited = false;
  nginx.on('exit', () => (exited = true));
  for (let i = 0; i < 100 && !(await accepts(port)); i++) {
    if (exited) break;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  if (exited || !(await accepts(port))) {
    const log = fs.existsSync(`${dir}/error.log`) ? fs.readFileSync(`${dir}/error.log`, 'utf8') : '';
    fail(`nginx did not start on port ${port}:\n${stderr}${log}`);
  }
  const close = () =>
    new Promise((ok) => {
      nginx.once('exit', () => {
        fs.rmSync(dir, { recursive: true, force: true });
        ok();
      });
      nginx.kill('SIGQUIT');
    });
  return { origin: `http://127.0.0.1:${port}`, port, close };
}

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
// Browsers still open: a failed check skips a script's own close, and an open browser keeps its
// connections to the test server alive, so the server would never finish closing.
const openBrowsers = new Set();

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
    openBrowsers.delete(context);
    await close();
    fs.rmSync(profile, { recursive: true, force: true });
  };
  openBrowsers.add(context);
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
    for (const context of [...openBrowsers]) await context.close().catch(() => {});
    await server.close();
  }
}
