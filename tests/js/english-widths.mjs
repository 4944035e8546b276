// The English UI (`language: en`), whose headings are longer and do not wrap: no listing, record
// or organisation page is wider than the window at 1280 or 360 px; wide tables scroll inside
// their own box. Usage: node tests/js/english-widths.mjs <built site folder>

import { main, openBrowser, check } from './lib/harness.mjs';
import { readSite } from './lib/site.mjs';

main(async ({ root, origin, log }) => {
  const site = readSite(root);
  const paths = ['/', '/stats/', '/data/'];
  for (const c of site.collections) {
    paths.push(`/${c.key}/`);
    if (c.records.length > 0) paths.push(`/${c.key}/${c.records[0].id}/`);
  }
  const browser = await openBrowser(log);
  const problems = [];
  for (const width of [1280, 360]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    for (const p of paths) {
      await page.goto(`${origin}${p}`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      if (wide > 1) problems.push(`${p} at ${width}px is ${wide}px wider than the window`);
    }
    await page.close();
  }
  await browser.close();
  check(problems.length === 0, problems.join('\n'));
  console.log(`ok: ${paths.length} English pages fit at 1280 and 360 px`);
});
