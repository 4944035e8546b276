// axe-core at WCAG 2.1 A and AA over one page of each kind: zero violations allowed.
// Usage: node tests/js/axe.mjs <built site folder>

import fs from 'node:fs';
import { createRequire } from 'node:module';
import { main, openBrowser, check } from './lib/harness.mjs';
import { samplePages } from './lib/pages.mjs';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

await main(async ({ root, origin, log }) => {
  const context = await openBrowser(log);
  try {
    const page = await context.newPage();
    const pages = await samplePages(page, origin, root);
    const failures = [];
    for (const p of pages) {
      await page.goto(`${origin}${p.path}`);
      if (p.waitFor) await page.waitForSelector(p.waitFor);
      // Evaluated through the DevTools protocol, which the page's CSP does not govern.
      await page.evaluate(axeSource);
      const result = await page.evaluate(
        (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
        TAGS,
      );
      const v = result.violations;
      console.log(`axe ${p.name.padEnd(8)} ${p.path}: ${v.length} violations, ${result.passes.length} rules passed`);
      for (const x of v) {
        failures.push(`${p.path}: ${x.id} (${x.impact}) ${x.help}\n    ${x.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\n/g, ' ')}`).join('\n    ')}`);
      }
    }
    check(failures.length === 0, `axe WCAG 2.1 AA violations:\n  ${failures.join('\n  ')}`);
  } finally {
    await context.close();
  }
});
