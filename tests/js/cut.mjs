// How the browser engine (themes/default/static/search-engine.js) cuts text, for tests/search_forms.rs
// to compare with the index's tokenizers. Input: a file (named on the command line) holding a
// JSON array of strings. Output: per string {tokens, key, labelled, ident, terms, units, numbered}.
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const client = path.join(here, '../../themes/default/static/search-engine.js');
const { tokenize, canonicalKey, parseQuery, numberedKey } = await import(pathToFileURL(client).href);

const strings = JSON.parse(await readFile(process.argv[2], 'utf8'));
const out = strings.map((s) => {
  const p = parseQuery(s);
  return {
    tokens: tokenize(s).map((t) => t.t),
    key: canonicalKey(s),
    labelled: p.labelled,
    ident: p.ident,
    parsed_key: p.key,
    terms: p.text.terms,
    units: p.text.units,
    numbered: numberedKey(p),
  };
});
process.stdout.write(JSON.stringify(out));
