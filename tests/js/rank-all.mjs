// A query whose first page stops at the search budget: the page shows matches, says their order
// is not final, and its button ranks them whole. The budget is made small and anchoring is turned
// off here (the script is rewritten in flight) so that a test-sized site reaches the budget.
// Usage: node tests/js/rank-all.mjs <built site folder> <query>

import { main, openBrowser, check } from './lib/harness.mjs';

const query = process.argv[3];

main(async ({ origin, log }) => {
  check(query, 'usage: node tests/js/rank-all.mjs <built site folder> <query>');
  const browser = await openBrowser(log);
  const page = await browser.newPage();
  await page.setViewportSize({ width: 360, height: 800 });
  let rewritten = false;
  await page.route('**/static/search.js*', async (route) => {
    const response = await route.fetch();
    const text = await response.text();
    // No anchoring either: a query with one rare part is answered whole before any budget check.
    const small = text
      .replace(/const BUDGET = \d+;/, 'const BUDGET = 3000;')
      .replace(/const ANCHOR = \d+;/, 'const ANCHOR = 0;')
      .replace(/const WHOLE = \d+;/, 'const WHOLE = 0;');
    rewritten = ['BUDGET = 3000', 'ANCHOR = 0', 'WHOLE = 0'].every((s) => small.includes(`const ${s};`));
    await route.fulfill({ response, body: small });
  });
  await page.goto(`${origin}/search/?q=${encodeURIComponent(query)}`);
  await page.waitForSelector('.search-note button', { timeout: 20000 });
  check(rewritten, 'search.js no longer declares `const BUDGET`, `const ANCHOR` and `const WHOLE` as `= <bytes>;`');
  const status = page.locator('#search-status');
  const about = (await status.getAttribute('data-about')).split('{n}')[0];
  const before = await status.textContent();
  check(before.startsWith(about), `a stopped page counts a lower bound, got "${before}"`);
  const shown = await page.locator('#search-results li').count();
  check(shown > 0, 'a stopped page shows the matches it found');
  if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/rank-all-360.png` });
  await page.click('.search-note button');
  await page.waitForFunction(() => !document.querySelector('.search-note') && document.querySelectorAll('#search-results li').length === 10, null, { timeout: 20000 });
  // The count may stay a lower bound: the page's results are final, not every match counted.
  const after = await status.textContent();
  check(await page.evaluate(() => document.activeElement?.id === 'q'), 'focus stays on the search box');
  await browser.close();
  console.log(`ok: "${query}" stopped with ${shown} matches (${before}), ranked whole: ${after}`);
});
