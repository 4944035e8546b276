// A query whose first page stops at the search budget: the page shows matches, says their order
// is not final, and its button ranks them whole. The budget is made small and anchoring is turned
// off here (the script is rewritten in flight) so that a test-sized site reaches the budget. With
// the hard limit made tiny too, the page stops before any match: it says so (not "no results")
// and the same button ranks whole.
// Usage: node tests/js/rank-all.mjs <built site folder> <query>

import { main, openBrowser, check } from './lib/harness.mjs';

const query = process.argv[3];

// The page, with search.js's limits rewritten in flight; `rewritten()` says whether they were.
async function limitedPage(browser, limits) {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 360, height: 800 });
  let done = false;
  await page.route('**/static/search.js*', async (route) => {
    const response = await route.fetch();
    let body = await response.text();
    for (const [name, bytes] of Object.entries(limits)) body = body.replace(new RegExp(`const ${name} = \\d+;`), `const ${name} = ${bytes};`);
    done = Object.entries(limits).every(([name, bytes]) => body.includes(`const ${name} = ${bytes};`));
    await route.fulfill({ response, body });
  });
  return { page, rewritten: () => done };
}

// Ranked whole by the button: the note goes, ten results, focus stays in the search box.
async function rankWhole(page) {
  await page.click('.search-note button');
  await page.waitForFunction(() => !document.querySelector('.search-note') && document.querySelectorAll('#search-results li').length === 10, null, { timeout: 20000 });
  check(await page.evaluate(() => document.activeElement?.id === 'q'), 'focus stays on the search box');
}

main(async ({ origin, log }) => {
  check(query, 'usage: node tests/js/rank-all.mjs <built site folder> <query>');
  const browser = await openBrowser(log);
  // No anchoring either: a query with one rare part is answered whole before any budget check.
  const small = { BUDGET: 3000, ANCHOR: 0, WHOLE: 0 };
  const { page, rewritten } = await limitedPage(browser, small);
  await page.goto(`${origin}/search/?q=${encodeURIComponent(query)}`);
  await page.waitForSelector('.search-note button', { timeout: 20000 });
  check(rewritten(), 'search.js no longer declares `const BUDGET`, `const ANCHOR` and `const WHOLE` as `= <bytes>;`');
  const status = page.locator('#search-status');
  const about = (await status.getAttribute('data-about')).split('{n}')[0];
  const before = await status.textContent();
  check(before.startsWith(about), `a stopped page counts a lower bound, got "${before}"`);
  const shown = await page.locator('#search-results li').count();
  check(shown > 0, 'a stopped page shows the matches it found');
  if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/rank-all-360.png` });
  await rankWhole(page);
  // The count may stay a lower bound: the page's results are final, not every match counted.
  const after = await status.textContent();

  const none = await limitedPage(browser, { ...small, HARD: 1 });
  await none.page.goto(`${origin}/search/?q=${encodeURIComponent(query)}`);
  await none.page.waitForSelector('.search-note button', { timeout: 20000 });
  check(none.rewritten(), 'search.js no longer declares `const HARD` as `= <bytes>;`');
  const noneStatus = none.page.locator('#search-status');
  const notYet = await noneStatus.getAttribute('data-not-yet');
  const said = await noneStatus.textContent();
  check(notYet && said === notYet, `a page stopped before any match says so, got "${said}"`);
  check((await none.page.locator('#search-results li').count()) === 0, 'it shows no result');
  if (process.env.SCREENSHOT_DIR) await none.page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/rank-all-none-360.png` });
  await rankWhole(none.page);
  await browser.close();
  console.log(`ok: "${query}" stopped with ${shown} matches (${before}), ranked whole: ${after}; with no match yet: "${said}", ranked whole`);
});
