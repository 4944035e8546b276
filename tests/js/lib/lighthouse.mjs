// Lighthouse (mobile profile, its defaults) over the sample pages, in Debian chromium launched by
// chrome-launcher with the same flags and a fresh profile as the other browser tests.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { CHROME, CHROME_ARGS, openBrowser } from './harness.mjs';
import { samplePages } from './pages.mjs';

export const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];

/** [{ name, path, scores: {category: 0..100}, failing: [audit titles] }] */
export async function lighthouseScores(root, origin, log) {
  const context = await openBrowser(log);
  let pages;
  try {
    pages = await samplePages(await context.newPage(), origin, root);
  } finally {
    await context.close();
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gongshi-lighthouse-'));
  const chrome = await chromeLauncher.launch({ chromePath: CHROME, chromeFlags: CHROME_ARGS, userDataDir: profile });
  const rows = [];
  try {
    for (const p of pages) {
      const run = await lighthouse(`${origin}${p.path}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: CATEGORIES,
      });
      const lhr = run.lhr;
      if (lhr.runtimeError) throw new Error(`${p.path}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      for (const item of lhr.audits['network-requests']?.details?.items || []) log.urls.push(item.url);
      const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c].score ?? 0) * 100)]));
      const failing = Object.values(lhr.audits)
        .filter((a) => a.score !== null && a.score < 0.9 && ['binary', 'numeric'].includes(a.scoreDisplayMode))
        .map((a) => `${a.id}${a.displayValue ? ` (${a.displayValue})` : ''}`);
      rows.push({ ...p, scores, failing });
    }
  } finally {
    await chrome.kill();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  return rows;
}

export function table(rows) {
  const head = ['page', 'path', ...CATEGORIES];
  const lines = rows.map((r) => [r.name, r.path.length > 40 ? `${r.path.slice(0, 39)}…` : r.path, ...CATEGORIES.map((c) => String(r.scores[c]))]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (l) => l.map((x, i) => (i < 2 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}
