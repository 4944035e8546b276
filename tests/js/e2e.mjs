// Journeys a person takes through the built site in headless chromium, each step asserting what
// they would see (texts, links, counts) as computed from the site's own datasets.
// Usage: node tests/js/e2e.mjs <built site folder>

import fs from 'node:fs';
import path from 'node:path';
import { main, openBrowser, check, cspProblems, htmlFiles } from './lib/harness.mjs';
import { readSite, inFacet, findValue, findRef, isCreditCode, isDecisionNumber, parseCsv } from './lib/site.mjs';

const text = (loc) => loc.innerText().then((s) => s.trim());
const pathOf = (url) => new URL(url).pathname;
const recordPath = (key, id) => `/${key}/${id}/`;

/** Clicks `link` and waits until the page has moved to another URL. */
async function follow(page, link) {
  const before = page.url();
  await Promise.all([page.waitForURL((u) => u.href !== before), link.click()]);
}

/** The number in a listing's summary line ("<strong>N</strong> records on notice"). */
const shownCount = async (page) => Number(await text(page.locator('.summary strong')));

/** Record page paths of every row of a listing, following its "next" links to the end. */
async function pageThrough(page, pageSize) {
  const seen = [];
  let pages = 0;
  for (;;) {
    pages++;
    const hrefs = await page.locator('table.records tbody th a').evaluateAll((as) => as.map((a) => a.href));
    check(hrefs.length > 0 && hrefs.length <= pageSize, `${page.url()}: ${hrefs.length} rows (page size ${pageSize})`);
    seen.push(...hrefs.map(pathOf));
    const next = page.locator('.pager a[rel=next]');
    if ((await next.count()) === 0) break;
    await follow(page, next);
    const status = await text(page.locator('.pager p'));
    check(status.includes(String(pages + 1)), `pager says "${status}" on page ${pages + 1}`);
  }
  return { seen, pages };
}

async function homeAndCollections(page, origin, site) {
  await page.goto(`${origin}/`);
  const title = await page.title();
  check((await text(page.locator('h1'))).length > 0 && title.includes(await text(page.locator('h1'))), 'home h1 is the site title');
  for (const c of site.collections) {
    const card = page.locator('.cards a', { has: page.locator('.card-title', { hasText: c.title }) });
    const count = await text(card.locator('.count'));
    check(count.startsWith(`${c.records.length} `), `home card ${c.title}: "${count}", expected ${c.records.length}`);
  }
  for (const c of site.collections) {
    await page.goto(`${origin}/`);
    await page.locator('.main-nav').getByRole('link', { name: c.title, exact: true }).click();
    await page.waitForURL(`${origin}/${c.key}/`);
    check((await text(page.locator('h1'))) === c.title, `${c.key}: h1 is "${await text(page.locator('h1'))}"`);
    const current = await text(page.locator('.main-nav a[aria-current=page]'));
    check(current === c.title, `${c.key}: nav marks "${current}" as current`);
    check((await shownCount(page)) === c.records.length, `${c.key}: listing says ${await shownCount(page)}, data has ${c.records.length}`);
  }
  console.log(`ok: home and ${site.collections.length} collections via the navigation`);
}

async function paging(page, origin, site, pageSize) {
  const c = [...site.collections].sort((a, b) => b.records.length - a.records.length)[0];
  await page.goto(`${origin}/${c.key}/`);
  const { seen, pages } = await pageThrough(page, pageSize);
  const expected = c.records.map((r) => recordPath(c.key, r.id)).sort();
  check(pages === Math.ceil(c.records.length / pageSize), `${c.key}: ${pages} listing pages for ${c.records.length} records`);
  check(JSON.stringify([...seen].sort()) === JSON.stringify(expected), `${c.key}: paging showed ${seen.length} records, expected ${expected.length}`);
  console.log(`ok: paged through ${pages} pages of ${c.key} (${seen.length} records)`);
}

async function facet(page, origin, site, pageSize) {
  const c = site.collections.find((x) => x.records.length > 1) || site.collections[0];
  await page.goto(`${origin}/${c.key}/`);
  const item = page.locator('.facets details[open] li').first();
  const link = item.locator('a');
  const value = await text(link);
  const claimed = Number(await text(item.locator('.count')));
  await follow(page, link);
  const field = pathOf(page.url()).split('/')[2];
  const expected = c.records.filter((r) => inFacet(r, field, value)).map((r) => recordPath(c.key, r.id)).sort();
  check(expected.length > 0, `${c.key}: no record has ${field} = ${value}`);
  check(claimed === expected.length, `${c.key}: facet ${field}=${value} claims ${claimed}, data has ${expected.length}`);
  check((await shownCount(page)) === expected.length, `${c.key}: facet page says ${await shownCount(page)}`);
  check((await text(page.locator('.summary'))).includes(value), 'facet page names the active filter');
  const { seen } = await pageThrough(page, pageSize);
  check(JSON.stringify(seen.sort()) === JSON.stringify(expected), `${c.key} ${field}=${value}: listed ${seen}, expected ${expected}`);
  console.log(`ok: facet ${c.key} ${field} = ${value} lists its ${expected.length} records`);
}

async function referenceAndBack(page, origin, site) {
  const ref = findRef(site, 'labs') || site.collections.map((c) => findRef(site, c.key)).find(Boolean);
  check(ref, 'no record refers to another (the sample needs one)');
  const from = recordPath(ref.from.key, ref.rec.id);
  const to = recordPath(ref.to.key, ref.target.id);
  // Open the record from its listing, as a person would.
  await page.goto(`${origin}/${ref.from.key}/`);
  for (;;) {
    const row = page.locator(`table.records tbody th a[href$="${ref.rec.id}/"]`);
    if (await row.count()) {
      await Promise.all([page.waitForURL(`${origin}${from}`), row.click()]);
      break;
    }
    const next = page.locator('.pager a[rel=next]');
    check(await next.count(), `${from} is on no page of its listing`);
    await follow(page, next);
  }
  const fromTitle = await text(page.locator('h1'));
  const csp = cspProblems(await page.content());
  check(csp.length === 0, `${from}: ${csp.join('; ')}`);
  const idShown = await text(page.locator('.notice-meta code'));
  check(idShown === ref.rec.id, `${from} shows id ${idShown}`);
  const refLink = page.locator(`.fields a[href$="${ref.to.key}/${ref.target.id}/"]`);
  const linkText = await text(refLink.first());
  await Promise.all([page.waitForURL(`${origin}${to}`), refLink.first().click()]);
  check((await text(page.locator('h1'))) === linkText, `${to}: h1 is not the link text "${linkText}"`);
  const back = page.locator(`.backlinks a[href$="${ref.from.key}/${ref.rec.id}/"]`);
  check((await text(back)) === fromTitle, `${to} lists no back-link to "${fromTitle}"`);
  await page.goBack();
  check(pathOf(page.url()) === from && (await text(page.locator('h1'))) === fromTitle, 'browser back returns to the record');
  await page.goForward();
  await Promise.all([page.waitForURL(`${origin}${from}`), back.click()]);
  console.log(`ok: ${from} -> ${to} -> back (history and back-link)`);
}

/** Types `query` into the header box, submits, and waits for the results to settle. */
async function headerSearch(page, query) {
  await page.locator('#header-q').fill(query);
  await Promise.all([page.waitForURL(/\/search\/\?q=/), page.locator('#header-q').press('Enter')]);
  return settled(page);
}

async function settled(page) {
  const status = page.locator('#search-status');
  await page.waitForFunction(() => {
    const s = document.getElementById('search-status');
    return s.textContent.trim() && s.textContent !== s.dataset.loading;
  });
  const hits = await page.locator('#search-results > li h2 a').evaluateAll((as) => as.map((a) => ({ path: new URL(a.href).pathname, title: a.textContent })));
  return { status: await text(status), hits };
}

async function search(page, origin, site) {
  const named = site.collections.find((c) => c.key === 'labs') || site.collections[0];
  const rec = named.records[named.records.length - 1];
  const name = await (async () => {
    await page.goto(`${origin}${recordPath(named.key, rec.id)}`);
    return text(page.locator('h1'));
  })();
  let r = await headerSearch(page, name);
  // Other records may carry the same name (an inspection of that lab): all of them rank first.
  check(r.hits.some((h) => h.path === recordPath(named.key, rec.id)), `search "${name}": ${recordPath(named.key, rec.id)} not among ${JSON.stringify(r.hits)}`);
  check(r.hits[0]?.title === name, `search "${name}": first hit ${JSON.stringify(r.hits[0])}`);
  check(r.status.includes(String(r.hits.length)) || r.hits.length === 10, `search "${name}": status "${r.status}" for ${r.hits.length} hits`);
  check((await page.locator('#search-results mark').count()) > 0, `search "${name}" highlights nothing`);

  const code = findValue(site, isCreditCode);
  check(code, 'no credit code in the data');
  await page.goto(`${origin}/`);
  r = await headerSearch(page, code.value.toLowerCase());
  const owners = code.collection.records.filter((x) => Object.values(x).includes(code.value)).map((x) => recordPath(code.collection.key, x.id));
  // The organisation's page comes first where it has one, its own record right after.
  const top = r.hits[0]?.path;
  const ownerShown = owners.some((o) => r.hits.slice(0, 2).some((h) => h.path === o));
  check(owners.includes(top) || (top === `/org/${code.value}/` && ownerShown), `search ${code.value}: first hit ${JSON.stringify(r.hits[0])}, expected its organisation page or one of ${owners}`);

  const decision = findValue(site, isDecisionNumber);
  check(decision, 'no decision number in the data');
  const typed = decision.value.replace('〔', '[').replace('〕', ']');
  r = await headerSearch(page, typed);
  check(r.hits[0]?.path === recordPath(decision.collection.key, decision.rec.id), `search ${typed}: first hit ${JSON.stringify(r.hits[0])}`);
  console.log(`ok: header search by name, credit code and ${typed}`);

  // A broad query, then filtering by collection, then opening a result.
  const broad = site.collections.map((c) => c.title).find(() => true);
  const city = findValue(site, /^..市$/);
  const q = city ? city.value.slice(0, 2) : broad.slice(0, 2);
  r = await headerSearch(page, q);
  const buttons = page.locator('#search-facets [role=group] button');
  check((await buttons.count()) > 0, `search "${q}" offers no filters`);
  const collections = page.locator('#search-facets [role=group]').first().locator('button');
  const first = await text(collections.first());
  const m = first.match(/^(.*) \((\d+)\)$/);
  check(m, `filter button "${first}"`);
  await collections.first().click();
  await page.waitForURL(/f=/);
  const pressed = await collections.first().getAttribute('aria-pressed');
  const after = await settled(page);
  check(pressed === 'true', 'the chosen filter is marked pressed');
  check(after.status.includes(m[2]), `filtered by ${m[1]}: status "${after.status}", button said ${m[2]}`);
  const kinds = await page.locator('#search-results .result-collection').allInnerTexts();
  check(kinds.length > 0 && kinds.every((k) => k === m[1]), `filtered by ${m[1]}, results from ${[...new Set(kinds)]}`);
  const open = page.locator('#search-results > li h2 a').first();
  const openTitle = await text(open);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/search/')), open.click()]);
  check((await text(page.locator('h1'))) === openTitle, `opened result "${openTitle}", page h1 "${await text(page.locator('h1'))}"`);
  console.log(`ok: search "${q}", filter ${m[1]} (${m[2]}), opened "${openTitle}"`);
}

async function downloadCsv(page, origin, site) {
  await page.goto(`${origin}/`);
  await page.locator('.main-nav a[href$="data/"]').click();
  await page.waitForURL(`${origin}/data/`);
  const c = site.collections[0];
  const row = page.locator(`#c-${c.key} table.data-files tbody tr`, { has: page.locator(`a[href="${c.key}.csv"]`) });
  const claimed = Number(await text(row.locator('td').nth(1)));
  const [download] = await Promise.all([page.waitForEvent('download'), row.locator('a').click()]);
  check(download.suggestedFilename() === `${c.key}.csv`, `downloaded as ${download.suggestedFilename()}`);
  const bytes = fs.readFileSync(await download.path());
  check(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf, 'CSV starts with a UTF-8 BOM');
  const rows = parseCsv(bytes.toString('utf8')).filter((r) => r.some((x) => x));
  check(rows[0].includes('id'), `CSV header ${rows[0]}`);
  const ids = rows.slice(1).map((r) => r[rows[0].indexOf('id')]).sort();
  const expected = c.records.map((r) => r.id).sort();
  check(JSON.stringify(ids) === JSON.stringify(expected), `CSV ids ${ids.length}, data ${expected.length}`);
  check(claimed === expected.length, `catalogue says ${claimed} records for ${c.key}.csv`);
  console.log(`ok: downloaded /data/${c.key}.csv from the catalogue: ${ids.length} records`);
}

/** Every generated HTML file carries the CSP, not only the pages the journeys visit. */
function everyPageHasCsp(root) {
  const files = htmlFiles(root);
  for (const f of files) {
    const problems = cspProblems(fs.readFileSync(path.join(root, f), 'utf8'));
    check(problems.length === 0, `${f}: ${problems.join('; ')}`);
  }
  console.log(`ok: all ${files.length} HTML files carry a strict Content-Security-Policy`);
}

await main(async ({ root, origin, log }) => {
  const site = readSite(root);
  everyPageHasCsp(root);
  const context = await openBrowser(log, { acceptDownloads: true });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} (${m.location().url} on ${page.url()})`));
    // The page size is what the fullest listing's first page shows.
    let pageSize = 0;
    for (const c of site.collections) {
      await page.goto(`${origin}/${c.key}/`);
      pageSize = Math.max(pageSize, await page.locator('table.records tbody tr').count());
    }
    check(pageSize > 0, 'listings show no rows');
    await homeAndCollections(page, origin, site);
    await paging(page, origin, site, pageSize);
    await facet(page, origin, site, pageSize);
    await referenceAndBack(page, origin, site);
    await search(page, origin, site);
    await downloadCsv(page, origin, site);
    check(errors.length === 0, `console errors (CSP violations show here):\n  ${errors.join('\n  ')}`);
  } finally {
    await context.close();
  }
});
