// A new bureau's first site, as `gongshi init` and `gongshi import` leave it: the home page, the
// imported penalties' listing and pages, an empty collection, search and the national download
// all work in headless chromium. Usage: node tests/js/new-site.mjs <built site folder>

import { main, openBrowser, check } from './lib/harness.mjs';
import { readSite } from './lib/site.mjs';

const text = (loc) => loc.innerText().then((s) => s.trim());

main(async ({ root, origin, log }) => {
  const site = readSite(root);
  const penalties = site.collections.find((c) => c.key === 'penalties');
  check(penalties && penalties.records.length > 0, 'the imported penalties are not in the datasets');
  const browser = await openBrowser(log);
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

  await page.goto(`${origin}/`);
  check((await text(page.locator('h1'))).includes('测试市市场监督管理局'), `home h1: ${await text(page.locator('h1'))}`);

  await page.goto(`${origin}/penalties/`);
  const rows = await page.locator('table.records tbody th a').count();
  check(rows === penalties.records.length, `penalties listing: ${rows} rows, data has ${penalties.records.length}`);

  await page.goto(`${origin}/labs/`);
  check((await page.locator('table.records tbody tr').count()) === 0, 'the empty labs listing shows rows');
  check((await text(page.locator('h1'))).length > 0, 'the empty labs listing has no heading');

  const rec = penalties.records[0];
  await page.goto(`${origin}/search/?q=${encodeURIComponent(rec.decision_number)}`);
  await page.waitForFunction(() => {
    const s = document.getElementById('search-status');
    return s.textContent.trim() && s.textContent !== s.dataset.loading;
  });
  const first = await page.locator('#search-results > li h2 a').first().getAttribute('href');
  check(first && first.includes(`/penalties/${rec.id}/`), `search ${rec.decision_number}: first hit ${first}`);

  await page.goto(`${origin}/data/`);
  const national = page.locator('a[href$="penalties-national.xlsx"]');
  check((await national.count()) > 0, '/data/ does not offer the national XLSX');

  check(errors.length === 0, `console errors:\n  ${errors.join('\n  ')}`);
  await browser.close();
  console.log(`ok: new site with ${penalties.records.length} imported penalties: home, listings, search, /data/`);
});
