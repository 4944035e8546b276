// The representative pages the accessibility, Lighthouse and mobile checks visit: one of each
// kind a person meets, found by browsing the built site rather than by hard-coded paths.

import { readSite, findRef } from './site.mjs';

/** [{ name, path }] for home, a listing, a facet page, a record, search with results, /data/, a content page. */
export async function samplePages(page, origin, root) {
  const site = readSite(root);
  const listing = [...site.collections].sort((a, b) => b.records.length - a.records.length)[0];
  await page.goto(`${origin}/${listing.key}/`);
  const facet = await page.locator('.facets a').first().getAttribute('href');
  const ref = findRef(site, 'labs') || site.collections.map((c) => findRef(site, c.key)).find(Boolean);
  const record = ref ? `/${ref.from.key}/${ref.rec.id}/` : `/${listing.key}/${listing.records[0].id}/`;
  await page.goto(`${origin}${record}`);
  const title = (await page.locator('h1').innerText()).trim();
  // The organisation page of the record's first linked credit code (every sample lab has one).
  const orgHref = await page.locator('a.org').first().getAttribute('href', { timeout: 2000 }).catch(() => null);
  const org = orgHref && new URL(orgHref, `${origin}${record}`).pathname;
  // A record with a location shows the schematic map; /stats/ holds the charts, linked from home.
  const located = site.collections.find((c) => c.fields.some((f) => f.type === 'geopoint'));
  const place = located && located.records.length ? `/${located.key}/${located.records[0].id}/` : null;
  await page.goto(`${origin}/`);
  const statsHref = await page.locator('a[href$="stats/"]').first().getAttribute('href', { timeout: 2000 }).catch(() => null);
  const stats = statsHref && new URL(statsHref, `${origin}/`).pathname;
  const content = await page
    .locator('.footer-links a')
    .evaluateAll((as) => as.map((a) => new URL(a.href).pathname).find((p) => p !== '/data/'));
  if (!facet || !content) throw new Error(`sample pages: facet link ${facet}, content page ${content}`);
  return [
    { name: 'home', path: '/' },
    { name: 'listing', path: `/${listing.key}/` },
    { name: 'facet', path: new URL(facet, `${origin}/${listing.key}/`).pathname },
    { name: 'record', path: record },
    { name: 'search', path: `/search/?q=${encodeURIComponent(title)}`, waitFor: '#search-results li' },
    { name: 'data', path: '/data/' },
    { name: 'content', path: content },
    ...(org ? [{ name: 'organisation', path: org }] : []),
    ...(stats ? [{ name: 'stats', path: stats }] : []),
    ...(place ? [{ name: 'place', path: place }] : []),
  ];
}
