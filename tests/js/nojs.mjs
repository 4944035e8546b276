// With JavaScript disabled, every published record is reachable from the home page through the
// listings and facet pages, and /search/ says how to browse instead.
// Usage: node tests/js/nojs.mjs <built site folder>

import { main, openBrowser, check } from './lib/harness.mjs';
import { readSite } from './lib/site.mjs';

await main(async ({ root, origin, log }) => {
  const site = readSite(root);
  const wanted = new Map();
  for (const c of site.collections) for (const r of c.records) wanted.set(`/${c.key}/${r.id}/`, false);
  const context = await openBrowser(log, { javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    // Breadth first from home over browsing pages only: record pages are reached, not crawled.
    const queue = ['/'];
    const visited = new Set(queue);
    let reached = 0;
    while (queue.length && reached < wanted.size) {
      const at = queue.shift();
      const res = await page.goto(`${origin}${at}`);
      check(res.ok(), `${at}: HTTP ${res.status()}`);
      const links = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.href));
      for (const href of links) {
        const u = new URL(href);
        if (u.origin !== origin) continue;
        const p = u.pathname;
        if (wanted.has(p)) {
          if (!wanted.get(p)) reached++;
          wanted.set(p, true);
          continue;
        }
        const top = p.split('/')[1];
        const browsing = p.endsWith('/') && site.byKey[top];
        if (browsing && !visited.has(p)) {
          visited.add(p);
          queue.push(p);
        }
      }
    }
    const missing = [...wanted].filter(([, v]) => !v).map(([k]) => k);
    check(missing.length === 0, `not reachable without JavaScript (${missing.length}):\n  ${missing.slice(0, 20).join('\n  ')}`);
    console.log(`ok: all ${wanted.size} records reached from home through ${visited.size} browsing pages, JS off`);

    // An organisation page is reached from a lab's page and lists its records, JS off.
    const lab = site.collections.find((c) => c.key === 'labs')?.records[0];
    if (lab) {
      await page.goto(`${origin}/labs/${lab.id}/`);
      const orgLink = page.locator('a.org').first();
      check((await orgLink.count()) === 1, `/labs/${lab.id}/ has no link to its organisation page`);
      const res = await page.goto(await orgLink.evaluate((a) => a.href));
      check(res.ok(), `organisation page: HTTP ${res.status()}`);
      const own = await page.locator('table.records a[href]').evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
      check(own.includes(`/labs/${lab.id}/`), `the organisation page does not list /labs/${lab.id}/`);
      console.log(`ok: ${new URL(page.url()).pathname} reached from /labs/${lab.id}/ and lists ${own.length} records, JS off`);
    }

    await page.goto(`${origin}/search/`);
    const help = page.locator('.noscript');
    check(await help.isVisible(), '/search/ shows no browsing help without JavaScript');
    const helpText = (await help.innerText()).trim();
    for (const c of site.collections) {
      const link = help.getByRole('link', { name: c.title, exact: true });
      check((await link.count()) === 1, `/search/ help has no link to ${c.title}`);
      check(new URL(await link.evaluate((a) => a.href)).pathname === `/${c.key}/`, `/search/ help link to ${c.title}`);
      check(helpText.includes(`${c.records.length}`), `/search/ help does not give the ${c.title} count ${c.records.length}`);
    }
    console.log(`ok: /search/ without JavaScript: "${helpText.split('\n')[0]}"`);
  } finally {
    await context.close();
  }
});
