// gongshi search client, its engine: queries the static shards the build exported from its
// tantivy index (formats: src/search/shards.rs; query rules: src/search/mod.rs). No
// dependencies; fetches only same-origin relative URLs. It runs under Node for the parity
// tests (tests/js/parity.mjs). The site's static/search.js is this file followed by
// search-page.js (src/render/theme.rs joins them: one request, one module).

const CAND = 400; // lists this short are loaded whole
const VERIFY = 48; // candidates checked per round by random access
const EPS = 0.01; // stop when no unseen record can beat the last shown by more than 1 %
const ROUNDS = 10;
// Index bytes after which a first page that has matches reads no further blocks: it shows the
// matches found, says their order is not final, and counts them as a lower bound. A query with
// no match yet reads on until it has one, up to HARD.
const BUDGET = 140000;
// Bytes after which even a first page with no match yet stops (saying so, with the button that
// ranks whole): with the page's own files and the results' display data, a cold query stays
// under 200 kB.
const HARD = 157500;
// Bytes of blocks an anchoring unit's lists may have: loaded whole in the second round, they
// name every record that can match, so the other lists are only checked for those records.
const ANCHOR = 16384;
// A list checked for an anchor's records is read whole in ordinal order (its page directory
// and pages, one request) when that is at most this many bytes, rather than page by page in
// later rounds.
const PAGED = 24576;
// Bytes a query with no key may read in its second round to have its whole answer there: its
// anchor and every other list in record order.
const WHOLE = 98304;
// Bytes a query with no key and no anchor may read in its second round to have every list in
// record order: its whole answer, ranked, though without the facets of most matches.
const ORDERED = 122880;
// Records the key finds rank first, by their key score: such a score is TIER + key score.
const TIER = 2 ** 36;

const fold = (c) => {
  const u = c.codePointAt(0);
  return u >= 0xff01 && u <= 0xff5e ? String.fromCodePoint(u - 0xfee0) : u === 0x3000 ? ' ' : c;
};
const isCjk = (u) =>
  u === 0x3007 || (u >= 0x3040 && u <= 0x30ff) || (u >= 0x3400 && u <= 0x4dbf) ||
  (u >= 0x4e00 && u <= 0x9fff) || (u >= 0xf900 && u <= 0xfaff) || (u >= 0x20000 && u <= 0x2ffff);
const WORD = /[\p{Alphabetic}\p{N}]/u;

/** Text tokens with UTF-16 offsets into `text`: CJK bigrams, lowercased words. */
export function tokenize(text) {
  const out = [];
  let run = [];
  let cls = 0;
  const flush = (end) => {
    if (cls === 1 && run.length === 1) out.push({ t: run[0][1], a: run[0][0], b: end });
    else if (cls === 1) {
      for (let i = 0; i + 1 < run.length; i++) {
        out.push({ t: run[i][1] + run[i + 1][1], a: run[i][0], b: i + 2 < run.length ? run[i + 2][0] : end });
      }
    } else if (cls === 2) out.push({ t: run.map((r) => lower(r[1])).join(''), a: run[0][0], b: end });
    run = [];
  };
  let i = 0;
  for (const raw of text) {
    const c = fold(raw);
    const k = isCjk(c.codePointAt(0)) ? 1 : WORD.test(c) ? 2 : 0;
    if (k !== cls && run.length) flush(i);
    cls = k;
    if (k) run.push([i, c]);
    i += raw.length;
  }
  if (run.length) flush(i);
  return out;
}

// Letters lowercased one by one, as the index does (no context rules such as a final sigma).
const lower = (c) => c.toLowerCase();

/** The key form of a name or identifier: folded, lowercased, only letters, digits and CJK. */
export const canonicalKey = (s) =>
  [...s].map(fold).map((c) => (isCjk(c.codePointAt(0)) ? c : WORD.test(c) ? lower(c) : '')).join('');

const isCjkPair = (t) => {
  const cs = [...t];
  return cs.length === 2 && cs.every((c) => isCjk(c.codePointAt(0)));
};

// Legal forms a Han run's text query leaves to the key (src/search/parse.rs says why).
const LEGAL_FORMS = ['股份有限公司', '有限责任公司', '有限公司'];

/**
 * Distinct terms, the units (Han characters, words) a match covers, each with its terms, and
 * how many parts (Han runs, words) the query typed apart.
 */
export function textQuery(q) {
  const terms = [];
  const units = [];
  let parts = 0;
  const term = (t) => {
    const i = terms.indexOf(t);
    return i < 0 ? terms.push(t) - 1 : i;
  };
  const unit = (u) => {
    const v = [...new Set(u)].sort((x, y) => x - y);
    if (v.length && !units.some((w) => w.length === v.length && w.every((x, i) => x === v[i]))) units.push(v);
  };
  const hanRun = (chars) => {
    parts++;
    let run = chars;
    // The longest legal form the run ends with, if two characters or more are left.
    for (const form of LEGAL_FORMS) {
      const f = [...form];
      if (run.length >= f.length && f.every((c, i) => run[run.length - f.length + i] === c)) {
        if (run.length - f.length >= 2) run = run.slice(0, run.length - f.length);
        break;
      }
    }
    const looked = [];
    for (let a = 0; a + 1 < run.length; a++) looked.push([a, term(run[a] + run[a + 1])]);
    for (let c = 0; c < run.length; c++) unit(looked.filter(([a]) => a === c || a + 1 === c).map(([, t]) => t));
  };
  let run = [];
  let end = 0; // where the run's last bigram ends
  for (const t of tokenize(q)) {
    if (isCjkPair(t.t)) {
      const pair = [...t.t];
      if (run.length && t.a < end) run.push(pair[1]);
      else {
        if (run.length) hanRun(run);
        run = pair;
      }
      end = t.b;
    } else {
      if (run.length) hanRun(run);
      run = [];
      parts++;
      unit([term(t.t)]);
    }
  }
  if (run.length) hanRun(run);
  return { terms, units, parts };
}

// Labels typed before an identifier, in key form, longest first (src/search/tokenize.rs).
const LABELS = ['统一社会信用代码', '资质认定证书编号', '处罚决定书文号', '社会信用代码', '资质认定编号', '决定书文号', '信用代码', '证书编号', '任务编号', '文号', '编号', 'cma'];
const MIN_PREFIX = 6;
const MIN_NAME_KEY = 4;

/** A query as both sides read it: label, key, whether an identifier, text query. */
export function parseQuery(q) {
  const whole = canonicalKey(q);
  const label = LABELS.find((l) => whole.startsWith(l) && /[0-9]/.test(whole.slice(l.length)));
  if (label) return { labelled: true, key: whole.slice(label.length), ident: true, text: { terms: [], units: [], parts: 0 } };
  const digits = (whole.match(/[0-9]/g) || []).length;
  return { labelled: false, key: whole, ident: [...whole].length >= MIN_PREFIX && digits >= 4, text: textQuery(q) };
}

/** For an identifier query that may be a decision number missing its 号, the key with 号. */
export function numberedKey(p) {
  const short = [...p.key].length <= 10;
  const han = [...p.key].some((c) => isCjk(c.codePointAt(0)));
  return p.ident && /[0-9]$/.test(p.key) && (short || han) ? `${p.key}号` : null;
}

const fnv = (bytes) => {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
};

function reader(buf) {
  let i = 0;
  return {
    end: () => i >= buf.length,
    v() {
      let x = 0;
      let s = 1;
      let b;
      do {
        b = buf[i++];
        x += (b & 127) * s;
        s *= 128;
      } while (b & 128);
      return x;
    },
    u16() {
      i += 2;
      return buf[i - 2] | (buf[i - 1] << 8);
    },
    bytes(n) {
      i += n;
      return buf.subarray(i - n, i);
    },
  };
}

/**
 * The search engine over a built site's `search/` folder. `load(path, from, to)` resolves to
 * the bytes (Uint8Array) of a file under it, or of its byte range [from, to) when given, or
 * null when missing. `manifest`: the parsed `manifest.json` when the caller has it already
 * (the search page carries it inline), else it is fetched. `budget`: the bytes a first page may
 * read; `limits`: {anchor, whole, ordered, hard}, the plans' limits in bytes (tests set them,
 * to follow one plan or another on a small site).
 */
export function createEngine(load, manifest = null, { budget = BUDGET, limits = {} } = {}) {
  const limit = { anchor: ANCHOR, whole: WHOLE, ordered: ORDERED, hard: HARD, ...limits };
  let man = manifest;
  const files = new Map();
  // Range reads asked for in the same turn are merged per file when they lie close together:
  // a request costs a round trip (on a phone, ~100 ms) and a browser runs six at a time, so
  // reading 16 kB between two pages of one list (about 13 ms at 10 Mbit/s) costs less than
  // asking for them apart.
  const GAP = 16384;
  let queue = [];
  // Bytes asked for, and their count when the current search started; the current search's
  // number (a newer search stops an older one at its next round, see rank()).
  let spent = 0;
  let base = 0;
  let current = 0;
  const flush = () => {
    const byFile = new Map();
    for (const r of queue) (byFile.get(r.p) || byFile.set(r.p, []).get(r.p)).push(r);
    queue = [];
    for (const [p, rs] of byFile) {
      rs.sort((x, y) => x.a - y.a);
      for (let i = 0; i < rs.length; ) {
        let j = i;
        let b = rs[i].b;
        while (j + 1 < rs.length && rs[j + 1].a <= b + GAP) b = Math.max(b, rs[++j].b);
        const a = rs[i].a;
        const part = rs.slice(i, j + 1);
        // Counted when asked for, so that a read still in flight counts for the search that asked.
        spent += b - a;
        load(p, a, b).then(
          (buf) => {
            part.forEach((r) => r.ok(buf && buf.length >= r.b - a ? buf.subarray(r.a - a, r.b - a) : null));
          },
          (e) => part.forEach((r) => r.no(e)),
        );
        i = j + 1;
      }
    }
  };
  const get = (p, a, b) => {
    const k = a === undefined ? p : `${p}@${a}-${b}`;
    if (b <= a) return Promise.resolve(new Uint8Array());
    if (!files.has(k)) {
      if (a === undefined) files.set(k, load(p).then((buf) => ((spent += buf ? buf.length : 0), buf)));
      else {
        if (!queue.length) queueMicrotask(flush);
        files.set(k, new Promise((ok, no) => queue.push({ p, a, b, ok, no })));
      }
    }
    return files.get(k);
  };
  const dec = new TextDecoder();
  const json = async (p) => JSON.parse(dec.decode(await get(p)));
  const hex = (x) => x.toString(16);
  const enc = new TextEncoder();
  const dq = (q) => Math.exp(q / man.q_scale - man.q_offset);
  const coll = (o) => {
    const cs = man.collections;
    let c = 0;
    while (c + 1 < cs.length && cs[c + 1].start <= o) c++;
    return c;
  };
  const postings = (r, n, base, facets, into) => {
    let o = base;
    for (let k = 0; k < n && !r.end(); k++) {
      o += r.v();
      const q = r.u16();
      let f = null;
      if (facets) {
        f = [];
        for (let j = man.collections[coll(o)].facets.length; j > 0; j--) f.push(r.v());
      }
      into.set(o, { q, f });
    }
    return into;
  };

  // The term `key`'s entry among dictionary entries `buf`: its list state, or undefined.
  const scan = (buf, key) => {
    const r = reader(buf);
    while (!r.end()) {
      const t = r.bytes(r.v());
      const x = r.v();
      const df = Math.floor(x / 2);
      const same = t.length === key.length && t.every((b, i) => b === key[i]);
      if (x % 2) {
        const id = r.v();
        const shift = r.v();
        // Where the term's region lies in its list file: block 0, the page directory, blocks 1...
        let at = r.v();
        let nb = 0;
        for (let c = 0; c < df; nb++) c += man.block0 * 4 ** nb;
        const bl = [];
        for (let k = 0; k < nb; k++) bl.push(r.v());
        const pd = r.v();
        const pl = r.v();
        if (same) {
          // Block 0, the page directory, the pages, then blocks 1...
          const pat = at + bl[0] + pd;
          const bo = [at];
          at = pat + pl;
          for (let k = 1; k < nb; k++) {
            bo.push(at);
            at += bl[k];
          }
          const x = `x/${hex(Math.floor(id / 2 ** man.x_pack_bits))}.bin`;
          // thr: the highest score not yet loaded; before any block, the highest there is.
          return { df, x, bo, bl, pd, pat, pl, nb, span: 2 ** shift, p: new Map(), pv: new Map(), next: 0, n: 0, thr: 65535, done: false, paged: false };
        }
      } else {
        const p = postings(r, df, 0, true, new Map());
        if (same) return { df, p, done: true, thr: 0 };
      }
    }
    return undefined;
  };

  // A bucket's slot, at a place the term's hash gives, then its tail when the slot names one.
  async function lookup(term) {
    const key = enc.encode(term);
    const bucket = (fnv(key) & ((1 << man.shard_bits) - 1)) >>> 0;
    const pb = man.dict_pack_bits;
    const file = `t/${hex(bucket >>> pb)}.bin`;
    const at = (bucket & ((1 << pb) - 1)) * man.dict_slot;
    const slot = await get(file, at, at + man.dict_slot);
    if (!slot || slot.length < man.dict_slot) return null;
    const r = reader(slot);
    const found = scan(r.bytes(r.v()), key);
    if (found) return found;
    const tail = r.v();
    if (!tail) return null;
    const tailAt = r.v();
    return scan((await get(file, tailAt, tailAt + tail)) || new Uint8Array(), key) || null;
  }

  async function block(L) {
    const k = L.next++;
    const m = postings(reader((await get(L.x, L.bo[k], L.bo[k] + L.bl[k])) || new Uint8Array()), Infinity, 0, true, new Map());
    let min = Infinity;
    for (const [o, x] of m) {
      L.p.set(o, x);
      min = Math.min(min, x.q);
    }
    L.thr = Math.min(L.thr || Infinity, min);
    L.n += m.size;
    if (L.n >= L.df) L.done = true;
  }

  async function whole(L) {
    const jobs = [];
    for (let b = L.next; b < L.nb; b++) jobs.push(block(L));
    await Promise.all(jobs);
    L.done = true;
  }

  // Byte offsets of the ordinal pages, from the page directory `buf`.
  const offsets = (L, buf) => {
    const r = reader(buf || new Uint8Array());
    const off = [L.pat];
    while (!r.end()) off.push(off[off.length - 1] + r.v());
    return off;
  };

  // The page directory, read right after block 0.
  const dir = (L) => (L.dir = L.dir || get(L.x, L.pat - L.pd, L.pat).then((buf) => (L.off = offsets(L, buf))));

  // The directory and every page at once: the whole list in ordinal order, without facets.
  // Whether a record has the term is then known for every record.
  function paged(L) {
    L.paged = true;
    const all = get(L.x, L.pat - L.pd, L.pat + L.pl);
    L.dir = all.then((buf) => (L.off = offsets(L, buf && buf.subarray(0, L.pd))));
    return all.then(async (buf) => {
      const off = await L.dir;
      for (let k = 0; k + 1 < off.length; k++) {
        const page = buf ? buf.subarray(off[k] - L.pat + L.pd, off[k + 1] - L.pat + L.pd) : new Uint8Array();
        L.pv.set(k, postings(reader(page), Infinity, k * L.span, false, new Map()));
      }
    });
  }

  // What reading pages `checks` ([list, page number]) costs, merged as flush() merges the ranges
  // of one file: a round's checks count against the budget like its blocks. A page whose list's
  // directory is not in yet counts nothing.
  function pagesBytes(checks) {
    const byFile = new Map();
    for (const [L, k] of checks) {
      if (!L.off || L.pv.has(k) || k + 1 >= L.off.length) continue;
      (byFile.get(L.x) || byFile.set(L.x, []).get(L.x)).push([L.off[k], L.off[k + 1]]);
    }
    let n = 0;
    for (const rs of byFile.values()) {
      rs.sort((x, y) => x[0] - y[0]);
      let [a, b] = rs[0];
      for (const [x, y] of rs.slice(1)) {
        if (x <= b + GAP) b = Math.max(b, y);
        else {
          n += b - a;
          [a, b] = [x, y];
        }
      }
      n += b - a;
    }
    return n;
  }

  async function page(L, k) {
    if (!L.pv.has(k)) {
      L.pv.set(k, null);
      const off = await dir(L);
      const buf = k + 1 < off.length ? await get(L.x, off[k], off[k + 1]) : null;
      L.pv.set(k, postings(reader(buf || new Uint8Array()), Infinity, k * L.span, false, new Map()));
    }
  }

  // Score (q) of record o in list L: > 0 present, -1 absent, 0 unknown yet.
  const state = (L, o) => {
    const x = L.p.get(o);
    if (x) return x.q;
    if (L.done) return -1;
    const pg = L.pv.get(Math.floor(o / L.span));
    return pg ? (pg.get(o) || { q: -1 }).q : L.paged ? -1 : 0;
  };

  // Whether record o, of facets f (null: not known), passes the filters; a facet filter needs f.
  const passes = (o, f, filters) => {
    const c = man.collections[coll(o)];
    return filters.every(([k, v]) => {
      if (k === 'collection') return c.key === v;
      if (!f) return false;
      const j = c.facets.findIndex((x) => x.key === k);
      return j >= 0 && f[j] > 0 && c.facets[j].values[f[j] - 1] === v;
    });
  };

  const prepare = async () => (man = man || (await json('manifest.json')));

  // A term no record has: a list known whole and empty.
  const absent = () => ({ df: 0, p: new Map(), done: true, thr: 0 });

  // Where each record seen in a loaded posting stands (see rank()): `exact`, settled matches
  // with their scores; `open`, records that may match, with an upper bound of their score and
  // the lists not known for them yet, rarest first.
  function standings(lists, key, units, need, order, filters) {
    const seen = new Map();
    for (const L of lists) for (const [o, x] of L.p) if (!seen.has(o)) seen.set(o, x.f);
    // A list read in record order names every record that has it; their facets, unless a block
    // has them too, are not known (null).
    for (const L of lists) if (L.paged) for (const pg of L.pv.values()) for (const o of pg?.keys() || []) if (!seen.has(o)) seen.set(o, null);
    const exact = [];
    const open = [];
    for (const [o, f] of seen) {
      if (!passes(o, f, filters)) continue;
      const st = lists.map((L) => state(L, o));
      const keyed = st[key];
      if (keyed > 0) {
        exact.push({ o, f, s: TIER + dq(keyed) });
        continue;
      }
      let lo = 0;
      let hi = 0;
      for (const u of units) {
        if (u.some((i) => st[i] > 0)) lo++;
        if (u.some((i) => st[i] >= 0)) hi++;
      }
      if (keyed < 0 && (!units.length || hi < need)) continue;
      let s = 0;
      let ub = 0;
      const miss = [];
      for (const i of order) {
        if (i === key) continue;
        if (st[i] > 0) s += dq(st[i]);
        else if (st[i] === 0) {
          ub += dq(lists[i].thr);
          miss.push(lists[i]);
        }
      }
      ub += s;
      if (keyed === 0) {
        ub = Math.max(ub, TIER + dq(lists[key].thr));
        miss.push(lists[key]);
      }
      if (miss.length) open.push({ o, f, ub, miss });
      else if (units.length && lo >= need) exact.push({ o, f, s });
    }
    return { exact, open };
  }

  // Ranks the records of `lists` (rarest first in `order`) for the first K results. A record
  // matches when it is in the key list `key` (an index; then its score is TIER + its key
  // score) or, when there are units, covers at least `need` of `units` (each a list of list
  // indices, any of which covers it; its score is the sum of its terms'). Loads blocks and
  // checks candidates' pages round by round, as long as an unseen or unsettled record could
  // still reach the K-th score; after ROUNDS rounds, loads the lists whole so that every result
  // can be reached. A first page that has matches stops instead where the next round's reads
  // (blocks and pages) would pass the budget (then `cut`). `settled(exact, n)` hears after each
  // round that the first n of the matches so far are final. `mine`: the search's number; a newer search ends
  // this one. Returns the matches ranked and whether nothing is left unsettled.
  async function rank(lists, key, units, need, K, filters, deep, settled, mine) {
    // Lists that alone cover a unit first (a record missing one is ruled out), rarest first.
    const alone = new Set(units.filter((u) => u.length === 1).map((u) => u[0]));
    const order = lists.map((_, i) => i).sort((x, y) => alone.has(y) - alone.has(x) || lists[x].df - lists[y].df);
    const checked = new Set();
    // A first page that has found matches stops reading at the budget; a later one reads on
    // (every result is reachable).
    const over = (bytes, found) => !deep && found > 0 && spent - base + bytes > budget;
    for (let round = 0; ; round++) {
      if (mine !== current) throw new Error('superseded by a newer search');
      const { exact, open } = standings(lists, key, units, need, order, filters);
      exact.sort((x, y) => y.s - x.s || x.o - y.o);
      // A record in no loaded posting: in none of the lists known whole.
      const live = lists.map((L) => !L.done && !L.paged);
      let coverable = 0;
      for (const u of units) if (u.some((i) => live[i])) coverable++;
      let unseen = -Infinity;
      if (live[key]) unseen = TIER + dq(lists[key].thr);
      else if (units.length && coverable >= need) {
        unseen = 0;
        for (const [i, L] of lists.entries()) if (live[i]) unseen += dq(L.thr);
      }
      if (settled) {
        const bound = open.reduce((m, d) => Math.max(m, d.ub), unseen);
        let n = 0;
        while (n < exact.length && exact[n].s > bound) n++;
        settled(exact, n);
      }
      const bar = exact.length >= K ? exact[K - 1].s * (1 + EPS) : -Infinity;
      const todo = open.filter((d) => d.ub > bar).sort((x, y) => y.ub - x.ub || x.o - y.o);
      const more = unseen > bar;
      if (!todo.length && !more) return { exact, complete: !open.length && unseen === -Infinity };
      if (round >= ROUNDS) {
        // Past the round limit, the lists are loaded whole: for a later page always (every
        // result must be reachable); for the first page only when that stays small, else the
        // page shows the results settled so far and the count is a lower bound.
        let rest = 0;
        for (const L of lists) if (!L.done) for (let k = L.next; k < L.nb; k++) rest += L.bl[k];
        if (over(rest, exact.length)) return { exact, complete: false, cut: true };
        await Promise.all(lists.map((L) => (L.done ? 0 : whole(L))));
        continue;
      }
      // Lists whose next block this round reads: those that may still name a better record.
      let next = more || !todo.length ? lists.filter((L) => !L.done) : [];
      const nextBytes = (L) => (L.next < L.nb ? L.bl[L.next] : 0);
      // A candidate is first checked against its rarest missing list only, which rules most
      // candidates out for one read; one that survives is checked against all at once. When
      // no unseen record can match and every candidate fits in this round, each is checked
      // against all its missing lists at once: one round rather than two.
      const last = unseen === -Infinity && todo.length <= VERIFY;
      const checksOf = (n) =>
        todo.slice(0, n).flatMap((d) => (last || checked.has(d.o) ? d.miss : d.miss.slice(0, 1)).map((L) => [L, Math.floor(d.o / L.span)]));
      let verify = VERIFY;
      let checks = checksOf(verify);
      const blocks = next.reduce((n, L) => n + nextBytes(L), 0);
      if (over(blocks + pagesBytes(checks), exact.length)) return { exact, complete: false, cut: true };
      // A first page with no match yet, past its budget, reads on one block at a time (the
      // smallest next): blocks grow fourfold, and reading every list's at once overshoots. Past
      // HARD it reads no block and checks fewer candidates, and stops when even one check would
      // pass HARD.
      if (next.length > 1 && over(blocks, 1)) next = [next.reduce((a, L) => (nextBytes(L) < nextBytes(a) ? L : a))];
      const hard = (n) => !deep && spent - base + n > limit.hard;
      if (next.length && hard(nextBytes(next[0]) + pagesBytes(checks)) && checks.length) next = [];
      while (!next.length && verify > 1 && hard(pagesBytes(checks))) checks = checksOf((verify = Math.floor(verify / 2)));
      if (hard(next.reduce((n, L) => n + nextBytes(L), 0) + pagesBytes(checks)) || (!next.length && !checks.length)) {
        return { exact, complete: false, cut: true };
      }
      for (const d of todo.slice(0, verify)) checked.add(d.o);
      await Promise.all([...next.map(block), ...checks.map(([L, k]) => page(L, k))]);
    }
  }

  // The second round of a search: what it reads of each list once the dictionary has answered.
  // Lists of at most CAND postings are read whole. When the key's list is small and some unit's
  // lists (the anchor) have at most ANCHOR bytes of blocks, every match is the key's or among
  // the anchor's records: the anchor is read whole, and each other list in ordinal order, whole
  // when at most PAGED bytes (its matches are then settled without another round), else page
  // by page for the records that need it, after its best block (whose lowest score bounds what
  // the list can add to a record, so that most candidates need no check). Otherwise each list's
  // best block comes first, with its page directory when candidates will need checking, unless
  // the words of a query typed apart fit in ORDERED read in record order (see below).
  function secondRound(lists, key, units, filters, apart) {
    const small = (L) => L.done || L.df <= CAND;
    const blockBytes = (u) => u.reduce((n, i) => n + (lists[i].done ? 0 : lists[i].bl.reduce((a, b) => a + b, 0)), 0);
    // A unit no list of which any record has: only the key can match (or a partial match).
    const possible = units.length && units.every((u) => u.some((i) => lists[i].df));
    const best = possible && small(lists[key]) ? units.reduce((a, u) => (blockBytes(u) < blockBytes(a) ? u : a)) : [];
    // Lists to check the anchor's records against, and what reading them in record order costs.
    const others = lists.filter((L, i) => L.df && i !== key && !best.includes(i));
    const anchor = others.length ? best : [];
    const rest = others.reduce((n, L) => n + (L.done || L.df <= CAND ? 0 : L.pd + L.pl), 0);
    // With no key to show first, a query whose anchor and other lists together fit in WHOLE is
    // read that way whatever the anchor's size, when the anchor names at most half the records
    // of each other list (else the best blocks of lists that large settle a first page sooner):
    // its answer is then known in the second round.
    const count = anchor.reduce((n, i) => n + lists[i].df, 0);
    const selective = others.every((L) => L.done || L.df <= CAND || 2 * count <= L.df);
    const all = anchor.length > 0 && !lists[key].df && selective && blockBytes(anchor) + rest <= limit.whole;
    const anchored = all || (anchor.length > 0 && blockBytes(anchor) <= limit.anchor);
    const several = lists.filter((L) => !L.done).length > 1;
    // Two common words typed apart (a city and a kind): no list small enough to anchor, and
    // their best blocks seldom share a record, so ranking them block by block takes many
    // rounds. When their lists in record order fit in ORDERED they are read so: every match
    // and its score is then known in this round. Their facets are not (pages carry none), so a
    // facet filter rules this out. The pairs of one run (有限公司) mostly occur together: their
    // best blocks settle the first page sooner and cheaper.
    const long = lists.filter((L) => !L.done && L.df > CAND);
    const ordered =
      apart && !anchored && !lists[key].df && long.length > 1 && filters.every(([k]) => k === 'collection') &&
      long.reduce((n, L) => n + L.pd + L.pl, 0) <= Math.min(limit.ordered, budget - (spent - base));
    if (ordered) return lists.map((L) => (L.done ? 0 : L.df <= CAND ? whole(L) : paged(L)));
    // A list up to twice PAGED is read whole too when the anchor names a record for each of its
    // pages: checking them would read most pages anyway, over several rounds.
    const pageable = (L) => all || L.pd + L.pl <= PAGED || (L.pd + L.pl <= 2 * PAGED && anchored && count >= man.n / L.span);
    return lists.map((L, i) => {
      if (L.done) return 0;
      if (L.df <= CAND || (anchored && anchor.includes(i))) return whole(L);
      if (anchored) return pageable(L) ? paged(L) : Promise.all([block(L), dir(L)]);
      return several ? Promise.all([block(L), dir(L)]) : block(L);
    });
  }

  // Matches that lists read in record order named have no facets yet. The blocks of the unit
  // that costs least to read whole name every match (each has one of its terms) with its
  // facets: they are read with the display data when the budget allows. Else the facet counts
  // leave out the groups they cannot count whole (see facetCounts).
  async function facetsOf(lists, units, exact) {
    if (!units.length || exact.every((h) => h.f)) return;
    const left = (i) => (lists[i].done ? 0 : lists[i].bl.slice(lists[i].next).reduce((a, b) => a + b, 0));
    const cost = (u) => u.reduce((n, i) => n + left(i), 0);
    const u = units.reduce((a, v) => (cost(v) < cost(a) ? v : a));
    if (spent - base + cost(u) > budget) return;
    await Promise.all(u.map((i) => (lists[i].done ? 0 : whole(lists[i]))));
    for (const h of exact) for (const L of lists) if (!h.f && L.p.has(h.o)) h.f = L.p.get(h.o).f;
  }

  // Display data of the ranked matches `hs`, as results.
  const shown = (hs) =>
    Promise.all(
      hs.map(async (h) => {
        const pb = 2 ** man.doc_pack_bits;
        const at = (h.o % pb) * man.doc_slot;
        const bytes = await get(`d/${hex(Math.floor(h.o / pb))}.bin`, at, at + man.doc_slot);
        return { ord: h.o, score: h.s >= TIER ? h.s - TIER : h.s, doc: JSON.parse(dec.decode(bytes)) };
      }),
    );

  // `early({mode, hits})`, when given, hears the page's first results as soon as they are final,
  // before the count and the rest of the page are.
  // `full`: rank the first page whatever it reads (a later page always does).
  async function search({ q = '', filters = [], page: pg = 0, size = 10, early = null, full = false }) {
    await prepare();
    base = spent;
    const mine = ++current;
    const K = (pg + 1) * size;
    const P = parseQuery(q);
    // The key and every term are looked up at once: one round of requests.
    // A key shorter than a name (MIN_NAME_KEY) is not looked up, unless an identifier.
    const keyed = P.key && (P.ident || [...P.key].length >= MIN_NAME_KEY) ? lookup('#' + P.key) : Promise.resolve(null);
    const nk = numberedKey(P);
    const numbered = nk ? lookup('#' + nk) : Promise.resolve(null);
    // An identifier's key usually finds it, and then its text is not searched: the text's
    // lookups wait for the key's answer. Any other query looks everything up at once.
    const text = () => (P.labelled ? [] : P.text.terms.map(lookup));
    const looked = P.ident ? null : text();
    const keyL = await keyed;
    const numL = await numbered;
    let mode = 'text';
    let lists;
    let key;
    let units;
    if (P.labelled || (P.ident && (keyL || numL))) {
      // The key, or the key with 号 (which counts twice), finds the record.
      mode = 'ident';
      lists = [keyL || absent(), numL || absent(), absent()];
      key = 2;
      units = [[0, 1]];
    } else {
      lists = [...(await Promise.all(looked || text())).map((L) => L || absent()), keyL || absent()];
      key = lists.length - 1;
      units = P.text.units;
    }
    if (!lists.some((L) => L.df)) return { mode, total: 0, complete: true, ranked: true, hits: [], matched: [] };
    let told = pg * size;
    const settled = early && ((exact, n) => {
      const upto = Math.min(n, K);
      if (upto > told) {
        told = upto;
        shown(exact.slice(pg * size, upto)).then((hits) => early({ mode, hits }), () => {});
      }
    });
    // The key's list known whole: its records are the first tier, final now (rank() says so
    // again after its first round, when the blocks below are in).
    const K0 = lists[key];
    if (early && mode === 'text' && K0.done && K0.df) {
      const first = [...K0.p].filter(([o, x]) => passes(o, x.f, filters)).map(([o, x]) => ({ o, f: x.f, s: TIER + dq(x.q) }));
      first.sort((x, y) => y.s - x.s || x.o - y.o);
      settled(first, first.length);
    }
    await Promise.all(secondRound(lists, key, units, filters, P.text.parts > 1));
    const deep = pg > 0 || full;
    let r = await rank(lists, key, units, units.length, K, filters, deep, settled, mine);
    if (!r.exact.length && !r.cut && mode === 'text') {
      // No record holds every part: the records holding at least half of them, said partial.
      // (A first page stopped before finding one says so instead: matches may exist.)
      r = await rank(lists, key, units, Math.ceil(units.length / 2), K, filters, deep, null, mine);
      if (r.exact.length) mode = 'partial';
    }
    const { exact } = r;
    let total = exact.length;
    // One list that can match and no filters: its document frequency is the number of matches.
    const live = lists.filter((L) => L.df);
    const single = live.length === 1 && units.length <= 1 && !filters.length && mode !== 'partial';
    if (single) total = Math.max(total, live[0].df);
    const complete = r.complete || single;
    const facets = facetsOf(lists, units, exact);
    const hits = await shown(exact.slice(pg * size, K));
    await facets;
    // ranked: false when the first page stopped at its budget: its hits are matches, but
    // better ones may exist.
    return { mode, total, complete, ranked: !r.cut, hits, matched: exact };
  }

  /**
   * Facet counts over the matched records: [{key, label, values: [[value, count]]}]. A group
   * is left out when some match's facets are not known (a first page read in record order):
   * its counts would be short. The collection group is always whole.
   */
  function facetCounts(matched) {
    const known = matched.every((h) => h.f);
    const groups = new Map();
    const add = (key, label, value, field) => {
      if (!groups.has(key)) groups.set(key, { key, label, field, values: new Map() });
      const g = groups.get(key).values;
      g.set(value, (g.get(value) || 0) + 1);
    };
    for (const { o, f } of matched) {
      const c = man.collections[coll(o)];
      add('collection', null, c.key, c.title);
      if (known) c.facets.forEach((x, j) => f[j] && add(x.key, x.label, x.values[f[j] - 1]));
    }
    return [...groups.values()].map((g) => ({ ...g, values: [...g.values].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)) }));
  }

  return { search, facetCounts, prepare, manifest: () => man };
}
