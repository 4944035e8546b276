// At 360×640 no page scrolls sideways and wide tables scroll inside their own box; a record page
// prints without navigation and with the full URL of every link. Screenshots go to
// $SCREENSHOT_DIR (default target/browser-screenshots) for a person to look at.
// Usage: node tests/js/mobile-print.mjs <built site folder>

import fs from 'node:fs';
import path from 'node:path';
import { main, openBrowser, check } from './lib/harness.mjs';
import { samplePages } from './lib/pages.mjs';
import { readSite, findRef } from './lib/site.mjs';

const WIDTH = 360;
const shots = process.env.SCREENSHOT_DIR || path.resolve('target/browser-screenshots');

/** Tables wider than their box must sit in a box that scrolls sideways by itself. */
const tableProblems = () =>
  [...document.querySelectorAll('table')].flatMap((t) => {
    const box = t.closest('.table-scroll') || t.parentElement;
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
    const r = box.getBoundingClientRect();
    const fits = t.scrollWidth <= box.clientWidth + 1;
    if (r.right > innerWidth + 1) return [`table box ends at ${r.right}px`];
    return fits || scrolls ? [] : [`table ${t.className} is ${t.scrollWidth}px wide in a ${box.clientWidth}px box that does not scroll`];
  });

/**
 * The header leaves most of a phone's screen to the page (at most about 120px of 640), and a
 * listing's filters come before its rows, folded, so they are found without paging past them.
 */
const phoneLayout = () => {
  const out = [];
  const header = document.querySelector('.site-header').getBoundingClientRect().height;
  if (header > 120) out.push(`header is ${Math.round(header)}px tall`);
  const filters = document.querySelector('.facets details.filters');
  const rows = document.querySelector('table.records');
  if (filters && rows && !(filters.compareDocumentPosition(rows) & Node.DOCUMENT_POSITION_FOLLOWING)) out.push('filters come after the rows');
  return out;
};

/** In print a record page shows no navigation, and every link is followed by its absolute URL. */
async function printCheck(page, record) {
  const print = await page.evaluate(() => {
    const hidden = (sel) => [...document.querySelectorAll(sel)].every((e) => getComputedStyle(e).display === 'none');
    const links = [...document.querySelectorAll('main a[href]')].filter((a) => a.offsetParent !== null);
    return {
      hidden: ['.site-header', '.main-nav', '.site-footer', '.skip-link', '.breadcrumb'].filter((s) => document.querySelector(s) && !hidden(s)),
      links: links.map((a) => ({ href: a.href, text: a.textContent.trim(), after: getComputedStyle(a, '::after').content })),
      source: document.querySelector('.print-only') && getComputedStyle(document.querySelector('.print-only')).display,
    };
  });
  check(print.hidden.length === 0, `printed ${record} shows ${print.hidden.join(', ')}`);
  check(print.links.length > 0, `printed ${record} has no links to check`);
  // Internal links print the site's public address, not the test server's: same path.
  // A link whose text is already its absolute address needs nothing after it.
  const shown = (l) => {
    if (URL.canParse(l.text) && new URL(l.text).href === l.href) return true; // shown as itself
    const m = l.after.match(/(https?:\/\/[^\s")]+|mailto:[^\s")]+)/);
    if (!m) return false;
    const [a, b] = [new URL(m[1]), new URL(l.href)];
    return a.protocol === 'mailto:' ? m[1] === l.href : a.pathname + a.search === b.pathname + b.search;
  };
  const bare = print.links.filter((l) => !shown(l));
  check(bare.length === 0, `printed ${record}, links without their full URL:\n  ${bare.map((l) => `${l.href} ::after ${l.after}`).join('\n  ')}`);
  check(print.source && print.source !== 'none', `printed ${record} does not show its source URL`);
  console.log(`ok: print of ${record}: no navigation, ${print.links.length} links with full URLs`);
}

await main(async ({ root, origin, log }) => {
  fs.mkdirSync(shots, { recursive: true });
  const context = await openBrowser(log, { viewport: { width: WIDTH, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  try {
    const page = await context.newPage();
    const pages = await samplePages(page, origin, root);
    const listing = pages.find((p) => p.name === 'listing').path;
    pages.push({ name: 'listing-2', path: `${listing}page/2/` }, { name: 'not-found', path: '/no/such/page/' });
    // A record of every collection: each has its own long values (codes, lists, markdown).
    const site = readSite(root);
    const external = [];
    for (const c of site.collections) {
      const withLinks = c.records.find((r) => Object.values(r).some((v) => typeof v === 'string' && v.startsWith('http')));
      pages.push({ name: `record-${c.key}`, path: `/${c.key}/${(withLinks || c.records[0]).id}/` });
      if (withLinks) external.push(`/${c.key}/${withLinks.id}/`);
    }
    const problems = [];
    for (const p of pages) {
      const res = await page.goto(`${origin}${p.path}`);
      if (p.name === 'listing-2' && res.status() === 404) continue;
      if (p.waitFor) await page.waitForSelector(p.waitFor);
      if (await page.evaluate(() => document.querySelector('details.filters')?.open)) problems.push(`${p.path}: filters are unfolded on a phone`);
      // Open every <details> so folded tables (the data dictionary) are measured too.
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
      const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
      if (width > WIDTH) {
        const culprits = await page.evaluate((w) => [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-scroll'))
          .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)}px)`), WIDTH);
        problems.push(`${p.path}: scrolls sideways, ${width}px wide: ${culprits.join(', ')}`);
      }
      problems.push(...(await page.evaluate(tableProblems)).map((x) => `${p.path}: ${x}`));
      problems.push(...(await page.evaluate(phoneLayout)).map((x) => `${p.path}: ${x}`));
      await page.screenshot({ path: path.join(shots, `mobile-${p.name}.png`), fullPage: true });
      console.log(`mobile ${p.name.padEnd(9)} ${p.path}: page ${width}px wide`);
    }
    check(problems.length === 0, `at ${WIDTH}px:\n  ${problems.join('\n  ')}`);

    // Search on a phone: the first result's title is on screen without scrolling past the filters,
    // each filter group has a heading and is folded, and a result shows one snippet.
    const city = site.collections.flatMap((c) => c.records.map((r) => r.city)).find((v) => typeof v === 'string' && v.length > 2);
    const word = city ? city.slice(0, 2) : '有限';
    await page.goto(`${origin}/search/?q=${encodeURIComponent(word)}`);
    await page.waitForSelector('#search-results > li');
    await page.waitForSelector('#search-facets details');
    const layout = await page.evaluate(() => {
      const first = document.querySelector('#search-results > li h2').getBoundingClientRect();
      const groups = [...document.querySelectorAll('#search-facets details')];
      return {
        firstBottom: first.bottom,
        facetsTop: document.getElementById('search-facets').getBoundingClientRect().top,
        headed: groups.every((g) => g.querySelector('summary')?.textContent.trim()),
        folded: groups.every((g) => !g.open),
        snippets: [...document.querySelectorAll('#search-results > li')].every((li) => li.querySelectorAll('.snippet').length <= 1 && !li.querySelector('dl')),
      };
    });
    await page.screenshot({ path: path.join(shots, 'mobile-search.png') });
    check(layout.firstBottom <= 640, `search at ${WIDTH}px: the first result's title ends at ${layout.firstBottom}px, below the screen`);
    check(layout.facetsTop >= layout.firstBottom, 'search at 360px: filters come before the first result');
    check(layout.headed && layout.folded, `search at ${WIDTH}px: filter groups need headings and folding (${JSON.stringify(layout)})`);
    check(layout.snippets, `search at ${WIDTH}px: a result shows one snippet and no field list`);
    console.log(`ok: search at ${WIDTH}px: first result's title ends at ${Math.round(layout.firstBottom)}px, filters folded below`);

    // Print a record that refers to another, the one it refers to (back-links), one with a web site.
    const ref = findRef(site, 'labs') || site.collections.map((c) => findRef(site, c.key)).find(Boolean);
    const printed = ref ? [`/${ref.from.key}/${ref.rec.id}/`, `/${ref.to.key}/${ref.target.id}/`] : [pages.find((p) => p.name === 'record').path];
    printed.push(...external.slice(0, 1));
    for (const [i, record] of printed.entries()) {
      await page.emulateMedia({ media: 'screen' });
      await page.goto(`${origin}${record}`);
      await page.emulateMedia({ media: 'print' });
      await printCheck(page, record);
      await page.screenshot({ path: path.join(shots, `print-record-${i + 1}.png`), fullPage: true });
    }
    await page.pdf({ path: path.join(shots, 'print-record.pdf'), format: 'A4' });
    console.log(`screenshots in ${shots}`);
  } finally {
    await context.close();
  }
});
