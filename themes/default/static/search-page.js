// gongshi search client, the /search/ page: follows search-engine.js in the site's
// static/search.js (src/render/theme.rs joins them), whose functions it uses; runs only where
// #search-form exists.

// ------------------------------------------------------------------ the /search/ page

function marked(text, terms, ident) {
  const frag = document.createDocumentFragment();
  const spans = [];
  if (ident) {
    if (canonicalKey(text).startsWith(ident)) spans.push([0, text.length]);
  } else {
    for (const t of tokenize(text)) if (terms.has(t.t)) spans.push([t.a, t.b]);
  }
  let at = 0;
  for (const [a, b] of spans) {
    if (b <= at) continue;
    const from = Math.max(a, at);
    if (from > at) frag.append(text.slice(at, from));
    const m = document.createElement('mark');
    m.textContent = text.slice(from, b);
    frag.append(m);
    at = b;
  }
  frag.append(text.slice(at));
  return frag;
}

// A window of `text` (about SNIPPET characters) starting a little before its first match.
const SNIPPET = 90;
function around(text, terms, ident) {
  const first = ident ? -1 : tokenize(text).find((t) => terms.has(t.t))?.a ?? -1;
  if (text.length <= SNIPPET) return text;
  const from = first > 20 ? first - 20 : 0;
  return (from ? '…' : '') + text.slice(from, from + SNIPPET) + (from + SNIPPET < text.length ? '…' : '');
}

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  e.append(...kids);
  return e;
}

// One result: kind and date, the title, and one snippet around the first match (no field twice).
function result(d, man, terms, ident) {
  const c = man.collections[d.c];
  const link = el('a', { href: `../${c.key}/${d.id}/` }, marked(d.t, terms, ident));
  const meta = el('p', { class: 'result-meta' }, el('span', { class: 'result-collection' }, c.title));
  if (d.d) meta.append(' · ', el('time', { class: 'result-date' }, d.d));
  const item = el('li', null, meta, el('h2', null, link));
  if (d.s) item.append(el('p', { class: 'snippet' }, marked(around(d.s, terms, ident), terms, ident)));
  return item;
}

function page() {
  const $ = (id) => document.getElementById(id);
  const form = $('search-form');
  const input = $('q');
  const status = $('search-status');
  const results = $('search-results');
  const facets = $('search-facets');
  const pager = $('search-pager');
  const say = (key, n) => (status.dataset[key] || '').replace('{n}', n);
  const base = new URL('../search/', import.meta.url);
  // Files a server sent whole although a range was asked (no Range support): sliced here.
  const whole = new Map();
  const inline = $('search-manifest');
  const engine = createEngine(async (p, a, b) => {
    if (whole.has(p)) return (await whole.get(p))?.subarray(a, b) ?? null;
    const ranged = a !== undefined;
    const headers = ranged ? { Range: `bytes=${a}-${b - 1}` } : {};
    // Ranges bypass the HTTP cache: Chromium lets one request per URL use the cache at a time,
    // so ranges of one file asked for together would otherwise wait for each other.
    const cache = ranged ? 'no-store' : 'default';
    const r = await fetch(new URL(p, base), { credentials: 'same-origin', headers, cache });
    if (!r.ok) return null;
    const buf = new Uint8Array(await r.arrayBuffer());
    if (!ranged || r.status === 206) return buf;
    whole.set(p, Promise.resolve(buf));
    return buf.subarray(a, b);
  }, inline ? JSON.parse(inline.textContent) : null);
  // The manifest, organisation pages titled as the theme names them.
  const manifest = () => {
    const man = engine.manifest();
    for (const c of man.collections) c.title ||= say('org');
    return man;
  };
  const state = () => {
    const u = new URLSearchParams(location.search);
    const filters = u.getAll('f').map((f) => [f.slice(0, f.indexOf(':')), f.slice(f.indexOf(':') + 1)]).filter((f) => f[0]);
    return { q: u.get('q') || '', filters, page: Math.max(0, (parseInt(u.get('p'), 10) || 1) - 1) };
  };
  const href = (s) => {
    const u = new URLSearchParams();
    if (s.q) u.set('q', s.q);
    for (const [k, v] of s.filters) u.append('f', `${k}:${v}`);
    if (s.page) u.set('p', s.page + 1);
    return `?${u}`;
  };
  const go = (s) => {
    history.pushState(null, '', href(s));
    run();
  };
  let seq = 0;
  // Says that a first page's order is not final, with a button that ranks it whole.
  let note = null;
  async function run(full = false) {
    const s = state();
    input.value = s.q;
    const mine = ++seq;
    results.replaceChildren();
    note?.remove();
    facets.replaceChildren();
    pager.replaceChildren();
    if (!s.q.trim()) {
      status.textContent = '';
      return;
    }
    status.textContent = say('loading');
    // For the benchmark: where the (latest) query starts, apart from the page's own start-up.
    if (globalThis.performance?.mark) {
      performance.clearMarks('gongshi-query');
      performance.mark('gongshi-query');
    }
    // Every pair of the query is marked, also those the lookup leaves out (a legal form).
    const terms = new Set(tokenize(s.q).map((t) => t.t));
    // The first results as soon as they are final (the status still says loading), then all.
    let final = false;
    const show = (mode, hits) => {
      if (mine !== seq || (!final && hits.length <= results.children.length)) return;
      const ident = mode === 'ident' ? parseQuery(s.q).key : null;
      results.replaceChildren(...hits.map((h) => result(h.doc, manifest(), terms, ident)));
    };
    let r;
    try {
      r = await engine.search({ q: s.q, filters: s.filters, page: s.page, size: 10, full, early: (e) => show(e.mode, e.hits) });
    } catch (e) {
      if (mine === seq) status.textContent = say('error');
      return;
    }
    if (mine !== seq) return;
    final = true;
    const man = manifest();
    // The count is exact when complete, else a lower bound ("at least").
    const count = r.complete ? 'found' : 'about';
    // No match yet is not no match when the first page stopped at its budget.
    const none = r.ranked === false ? 'notYet' : 'none';
    status.textContent = r.total ? say(r.mode === 'partial' ? 'partial' : count, r.total) : say(none);
    show(r.mode, r.hits);
    if (r.ranked === false) {
      const all = el('button', { type: 'button' }, say('rankAll'));
      all.addEventListener('click', () => {
        input.focus();
        run(true);
      });
      note = r.total ? el('p', { class: 'search-note' }, say('unranked'), ' ', all) : el('p', { class: 'search-note' }, all);
      status.after(note);
    }
    // Facets and pager after the results are on screen, in a task of their own.
    setTimeout(() => mine === seq && rest(s, r, man), 0);
  }
  function rest(s, r, man) {
    const active = (k, v) => s.filters.some((f) => f[0] === k && f[1] === v);
    // Each facet group under its heading, folded away on narrow screens so that the results
    // come first; open on wide ones.
    const wide = globalThis.matchMedia?.('(min-width: 48em)').matches ?? true;
    for (const g of engine.facetCounts(r.matched)) {
      const label = g.label || say('collection');
      const box = el('details', { role: 'group', 'aria-label': label, class: 'facet-group' }, el('summary', null, label));
      if (wide || g.values.some(([v]) => active(g.key, v))) box.open = true;
      for (const [v, n] of g.values.slice(0, 12)) {
        const label = g.key === 'collection' ? man.collections.find((c) => c.key === v).title : v;
        const on = active(g.key, v);
        const b = el('button', { type: 'button', 'aria-pressed': String(on) }, `${label} (${n})`);
        b.addEventListener('click', () => {
          const filters = on ? s.filters.filter((f) => !(f[0] === g.key && f[1] === v)) : [...s.filters, [g.key, v]];
          go({ ...s, filters, page: 0 });
        });
        box.append(b);
      }
      facets.append(box);
    }
    // Groups left out because some matches' facets are not known (see facetCounts).
    if (r.matched.some((h) => !h.f)) facets.append(el('p', { class: 'facet-note' }, say('facetsPartial')));
    if (s.filters.length) {
      const b = el('button', { type: 'button' }, say('clear'));
      b.addEventListener('click', () => go({ ...s, filters: [], page: 0 }));
      facets.append(b);
    }
    const last = Math.ceil(r.total / 10) - 1;
    const nav = (p, key) => {
      const a = el('a', { href: href({ ...s, page: p }) }, say(key));
      a.addEventListener('click', (e) => {
        e.preventDefault();
        go({ ...s, page: p });
        input.focus();
      });
      return a;
    };
    if (s.page > 0) pager.append(nav(s.page - 1, 'prev'));
    // Unsettled counts are lower bounds: a further page may hold more.
    if ((s.page < last || !r.complete) && r.hits.length === 10) pager.append(' ', nav(s.page + 1, 'next'));
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go({ q: input.value, filters: [], page: 0 });
  });
  addEventListener('popstate', () => run());
  // The manifest is preloaded by the page's head; fetch it even without a query, so that the
  // first query typed does not wait for it.
  engine.prepare().catch(() => {});
  run();
}

if (typeof document !== 'undefined' && document.getElementById('search-form')) page();
