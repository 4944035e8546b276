// The Nu HTML Checker (vnu-jar, run with the system Java) over a few pages of every template:
// zero errors allowed. Usage: node tests/js/vnu.mjs <built site folder>

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { siteDir, htmlFiles, fail } from './lib/harness.mjs';

const jar = path.join(path.dirname(createRequire(import.meta.url).resolve('vnu-jar/package.json')), 'build/dist/vnu.jar');
const PER_KIND = 2;

/** Which template wrote a page, told by the markup only that template emits, and for which collection. */
function kindIn(rel, html) {
  const k = kind(rel, html);
  return ['record', 'list', 'list-page-2+', 'facet_index', 'takedown'].includes(k) ? `${k} ${rel.split('/')[0]}` : k;
}

function kind(rel, html) {
  if (rel === '404.html') return '404';
  if (html.includes('id="search-form"') || html.includes('id=search-form')) return 'search';
  if (/class="?record"?[ >]/.test(html)) return 'record';
  if (/class="?listing"?[ >]/.test(html)) return /rel="?prev/.test(html) ? 'list-page-2+' : 'list';
  if (/class="?facet-index"?[ >]/.test(html)) return 'facet_index';
  if (/class="?data-facts"?[ >]/.test(html)) return 'data';
  if (/class="?changes"?[ >]/.test(html)) return 'changes';
  if (rel === 'index.html') return 'index';
  if (/<article class="?prose"?[ >]/.test(html)) return 'page';
  return 'takedown';
}

const root = siteDir();
const byKind = new Map();
for (const rel of htmlFiles(root)) {
  const k = kindIn(rel, fs.readFileSync(path.join(root, rel), 'utf8'));
  if (!byKind.has(k)) byKind.set(k, []);
  if (byKind.get(k).length < PER_KIND) byKind.get(k).push(rel);
}
for (const k of ['index', 'list', 'record', 'search', 'data', 'page', '404']) {
  if (![...byKind.keys()].some((x) => x.split(' ')[0] === k)) fail(`no page of template ${k} found in ${root}`);
}
const files = [...byKind.values()].flat();
let out = '';
try {
  execFileSync('java', ['-jar', jar, '--errors-only', '--format', 'text', ...files.map((f) => path.join(root, f))], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
} catch (e) {
  out = `${e.stdout || ''}${e.stderr || ''}`.trim() || String(e);
}
for (const [k, fs_] of byKind) console.log(`vnu ${k.padEnd(28)} ${fs_.join(', ')}`);
if (out) fail(`Nu HTML Checker errors:\n${out}`);
console.log(`ok: ${files.length} pages of ${byKind.size} kinds (template × collection), no HTML errors`);
