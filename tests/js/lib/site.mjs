// What a built site publishes, read from its own datasets (/data/*.json, datapackage.json), so
// the browser tests compute what each page must show instead of hard-coding it.

import fs from 'node:fs';
import path from 'node:path';

const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
const DECISION_NUMBER = /〔\d{4}〕\d+号/;

/** Collections in catalogue order: { key, title, records, fields } with records as exported. */
export function readSite(root) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'data/datapackage.json'), 'utf8'));
  const seen = new Set();
  const collections = [];
  for (const r of pkg.resources) {
    const key = path.basename(r.path, path.extname(r.path));
    if (seen.has(key) || !fs.existsSync(path.join(root, 'data', `${key}.json`))) continue;
    seen.add(key);
    const json = JSON.parse(fs.readFileSync(path.join(root, 'data', `${key}.json`), 'utf8'));
    const records = Array.isArray(json) ? json : json.records;
    collections.push({ key, title: r.title, fields: r.schema?.fields || [], records });
  }
  return { collections, byKey: Object.fromEntries(collections.map((c) => [c.key, c])) };
}

/** The plain values of a record field (lists flattened, objects skipped). */
export function values(v) {
  if (v == null) return [];
  if (Array.isArray(v)) return v.flatMap(values);
  if (typeof v === 'object') return v.id ? [String(v.id)] : [];
  return [String(v)];
}

/** Whether record `rec` belongs on the facet page of `field` = `value` (years are facets too). */
export function inFacet(rec, field, value) {
  return values(rec[field]).some((v) => v === value || (/^\d{4}$/.test(value) && v.startsWith(`${value}-`)));
}

/** The first record and field whose value looks like `pattern` (a credit code, a decision number). */
export function findValue(site, pattern) {
  for (const c of site.collections) {
    for (const rec of c.records) {
      for (const [field, v] of Object.entries(rec)) {
        const hit = values(v).find((x) => pattern.test(x));
        if (hit && field !== 'id') return { collection: c, rec, field, value: hit };
      }
    }
  }
  return null;
}

export const isCreditCode = CREDIT_CODE;
export const isDecisionNumber = DECISION_NUMBER;

/** A record referring to another collection's record: { from, rec, field, to, target }. */
export function findRef(site, toKey) {
  const to = site.byKey[toKey];
  if (!to) return null;
  const ids = new Map(to.records.map((r) => [r.id, r]));
  for (const c of site.collections) {
    if (c.key === toKey) continue;
    for (const rec of c.records) {
      for (const [field, v] of Object.entries(rec)) {
        if (field === 'id') continue;
        const id = values(v).find((x) => ids.has(x));
        if (id) return { from: c, rec, field, to, target: ids.get(id) };
      }
    }
  }
  return null;
}

/** Rows of a CSV text (RFC 4180 quoting), BOM removed. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}
