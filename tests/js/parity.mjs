// Runs the browser search engine (themes/default/static/search-engine.js) under Node against a built
// site, for tests/search_parity.rs. Input (a file named on the command line, or stdin):
//   {"out": "<build output dir>", "queries": [{"q": "...", "filters": [["k", "v"]], "page": 0, "size": 10,
//   "budget": bytes (optional), "limits": {"anchor", "whole", "ordered", "hard"} (optional), "full": false}]}
// Output: one JSON array, per query {mode, total, complete, ranked, hits: [{collection, id, score}], files, bytes, rounds,
// facets: [[group key, [[value, count]]]]}
// where files/bytes count the requests and bytes a cold query fetched, rounds its sequential
// rounds of range reads.
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const client = path.join(here, '../../themes/default/static/search-engine.js');
const { createEngine } = await import(pathToFileURL(client).href);

async function input() {
  if (process.argv[2]) return readFile(process.argv[2], 'utf8');
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

const { out, queries } = JSON.parse(await input());
const cache = new Map();
// The bytes of a file under search/, read once (the engine asks for ranges of it).
async function file(p) {
  if (!cache.has(p)) {
    try {
      const b = await readFile(path.join(out, 'search', p));
      cache.set(p, new Uint8Array(b.buffer, b.byteOffset, b.length));
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
      cache.set(p, null);
    }
  }
  return cache.get(p);
}
const results = [];
for (const q of queries) {
  // A new engine per query: every query starts cold, as in a fresh browser tab.
  let files = 0;
  let bytes = 0;
  // Sequential rounds of range reads (the manifest, read whole, is inline in a real page): a
  // read asked for after another has ended is in a later round than that one.
  let ended = 0;
  let rounds = 0;
  const engine = createEngine(async (p, a, b) => {
    const round = ended + 1;
    if (a !== undefined) rounds = Math.max(rounds, round);
    const whole = await file(p);
    if (a !== undefined) ended = Math.max(ended, round);
    if (!whole) return null;
    const part = a === undefined ? whole : whole.subarray(a, b);
    files += 1;
    bytes += part.length;
    return part;
  }, null, { ...(q.budget ? { budget: q.budget } : {}), limits: q.limits || {} });
  const r = await engine.search({ q: q.q, filters: q.filters || [], page: q.page || 0, size: q.size || 10, full: !!q.full });
  const man = engine.manifest();
  results.push({
    mode: r.mode,
    total: r.total,
    complete: r.complete,
    ranked: r.ranked,
    hits: r.hits.map((h) => ({ collection: man.collections[h.doc.c].key, id: h.doc.id, score: h.score })),
    files,
    bytes,
    rounds,
    facets: engine.facetCounts(r.matched).map((g) => [g.key, g.values]),
  });
}
process.stdout.write(JSON.stringify(results));
