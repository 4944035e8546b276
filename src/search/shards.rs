//! The static export of the tantivy index, for the browser client. Everything is fetched only
//! as a query needs it; nothing grows with the number of records on every query.
//!
//! Small pieces are packed into few files (a site build is bound by the file system: one file
//! per piece was ~80,000 files at 100,000 records), and every piece a query needs first lies at
//! a place the client computes or the previous piece names, so that it costs one HTTP range
//! request. Requests, not bytes, are what a cold query waits for: each costs a Chromium fetch
//! (~10 ms of CPU on a small machine, whether requests run in parallel or not), while a few
//! hundred bytes more in a response cost nothing measurable.
//!
//! - `search/manifest.json`: constants, collections (ordinal ranges, facet value lists). Its
//!   size depends on the configuration and the facet values, not on the number of records.
//! - `search/t/<k>.bin`: the term dictionary, hash-partitioned (FNV-1a of the term's UTF-8
//!   bytes, low `shard_bits` bits) into buckets; bucket `b` is slot `b & (2^DICT_PACK_BITS - 1)`
//!   of pack `k = b >> DICT_PACK_BITS` (hex). A pack is its slots of [`DICT_SLOT`] bytes, then
//!   the tails of buckets too big for their slot. A slot is: varint length of its entries, the
//!   entries, varint length of the bucket's tail (0: none) and, when there is one, varint byte
//!   offset of the tail in the pack, then zeros to the slot's end (an all-zero slot is an empty
//!   bucket). There are enough buckets that tails are rare (see [`dict_shard_bits`]). Entry:
//!   varint term length, term bytes, varint `df << 1 | external`; then either the whole posting
//!   list (when `df <=` [`INLINE_MAX`]), or varint term id, varint page shift, varint `at` (byte
//!   offset of the term's region in its list file), one varint length per impact block and the
//!   varint length of the page directory. Text terms are the tokens themselves; identifier
//!   terms are `#` and an identifier prefix, one for every prefix a query may use (see
//!   [`super::prefix`]), so a prefix query costs the client one lookup like any other.
//! - `search/x/<id >> X_PACK_BITS>.bin`: the lists of external terms, one region per term, the
//!   regions concatenated (no header: entries address them). A region is: impact block 0, the
//!   page directory (one varint byte length per page), impact blocks 1.., then the pages. Block
//!   b holds the postings ranked `[B0·(4^b − 1)/3, B0·(4^(b+1) − 1)/3)` by score (ties by
//!   ordinal), so the first page of results needs only block 0 and the smallest score loaded
//!   bounds the rest; block 0 and the directory are adjacent so a query of several terms reads
//!   both at once. Page k holds ordinals `[k << shift, (k + 1) << shift)` (about
//!   [`PAGE_TARGET`] postings), for checking whether a given record has the term.
//! - `search/d/<ord >> DOC_PACK_BITS>.bin`: display data of each record, JSON padded with
//!   spaces to [`DOC_SLOT`] bytes, in slot `ord & (2^DOC_PACK_BITS - 1)`. Text that would not
//!   fit is shortened (the snippet first; see [`fit_display`]).
//!
//! A posting is: varint ordinal delta (from the previous posting, or from the page start), the
//! score as u16 little-endian (see [`quantise`]), and in dictionary entries and impact blocks
//! one varint per facet field of the record's collection (0 = none, else 1 + the value's index
//! in the manifest's list).

use super::index::{facet_value, Built};
use super::terms::IndexParts;
use super::{SearchError, SearchStats};
use crate::config::{FacetKind, SiteConfig};
use crate::notice::PublishedSet;
use crate::output::Staging;
use crate::record::Value;
use serde_json::json;

pub const INLINE_MAX: usize = 24;
pub const BLOCK0: usize = 128;
pub const PAGE_TARGET: u64 = 64;
/// Bytes of a dictionary slot.
pub const DICT_SLOT: usize = 1024;
/// Bytes of a record's display slot.
pub const DOC_SLOT: usize = 768;
/// Dictionary buckets per pack file: `2^DICT_PACK_BITS`.
pub const DICT_PACK_BITS: u32 = 6;
/// External terms per pack file.
pub const X_PACK_BITS: u32 = 5;
/// Records' display data per pack file.
pub const DOC_PACK_BITS: u32 = 10;
/// Score quantisation: `q = round((ln s + Q_OFFSET) · Q_SCALE)`, clamped to 1..=65535.
pub const Q_SCALE: f64 = 2048.0;
pub const Q_OFFSET: f64 = 12.0;
/// How many characters of a record's searchable text its result snippet keeps.
const SNIPPET_CHARS: usize = 240;
/// Key fields shown under a result's title.
const KEY_FIELDS: usize = 3;

pub fn quantise(score: f32) -> u16 {
    let q = ((f64::from(score).max(1e-30).ln() + Q_OFFSET) * Q_SCALE).round();
    q.clamp(1.0, 65535.0) as u16
}

pub fn dequantise(q: u16) -> f64 {
    (f64::from(q) / Q_SCALE - Q_OFFSET).exp()
}

/// FNV-1a, 32 bits: the shard of a term (the client computes the same).
pub fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Size of block `b` of an impact-ordered list.
pub fn block_len(b: u32) -> usize {
    BLOCK0 << (2 * b)
}

/// Per-record facet codes, and the value lists they index.
struct Facets {
    /// Per collection: (field key, label, values).
    lists: Vec<Vec<(String, String, Vec<String>)>>,
    /// Codes of record `ord` at `offset[c] + (ord - start[c]) * width[c]`.
    codes: Vec<u32>,
    start: Vec<u64>,
    offset: Vec<usize>,
    width: Vec<usize>,
}

impl Facets {
    fn new(config: &SiteConfig, set: &PublishedSet) -> Facets {
        let mut f = Facets {
            lists: vec![],
            codes: vec![],
            start: vec![],
            offset: vec![],
            width: vec![],
        };
        let mut ord = 0u64;
        for (c, published) in config.collections.iter().zip(&set.collections) {
            let fields: Vec<(usize, FacetKind)> = c
                .fields
                .iter()
                .enumerate()
                .filter_map(|(i, d)| d.facet.map(|k| (i, k)))
                .collect();
            let values: Vec<Vec<Option<String>>> = published
                .records
                .iter()
                .map(|r| {
                    fields
                        .iter()
                        .map(|&(i, k)| r.record.value(i).and_then(|v| facet_value(k, v)))
                        .collect()
                })
                .collect();
            let mut lists = Vec::new();
            for (j, &(i, _)) in fields.iter().enumerate() {
                let mut distinct: Vec<String> =
                    values.iter().filter_map(|v| v[j].clone()).collect();
                distinct.sort();
                distinct.dedup();
                lists.push((c.fields[i].key.clone(), c.fields[i].label.clone(), distinct));
            }
            f.start.push(ord);
            f.offset.push(f.codes.len());
            f.width.push(fields.len());
            for v in &values {
                for (j, value) in v.iter().enumerate() {
                    let code = value
                        .as_ref()
                        .and_then(|s| lists[j].2.binary_search(s).ok())
                        .map_or(0, |i| i as u32 + 1);
                    f.codes.push(code);
                }
            }
            f.lists.push(lists);
            ord += published.records.len() as u64;
        }
        f
    }

    fn of(&self, ord: u32) -> &[u32] {
        let ord = u64::from(ord);
        let c = self.start.partition_point(|&s| s <= ord) - 1;
        let at = self.offset[c] + (ord - self.start[c]) as usize * self.width[c];
        &self.codes[at..at + self.width[c]]
    }
}

/// Encodes postings (sorted by ordinal) from `base`.
fn encode(out: &mut Vec<u8>, postings: &[(u32, u16)], base: u32, facets: Option<&Facets>) {
    let mut prev = base;
    for &(ord, q) in postings {
        varint(out, u64::from(ord - prev));
        prev = ord;
        out.extend_from_slice(&q.to_le_bytes());
        if let Some(f) = facets {
            for &code in f.of(ord) {
                varint(out, u64::from(code));
            }
        }
    }
}

/// Sums the contributions of one record's several fields (in field order, like the searcher).
fn merge(mut list: Vec<(u32, f32)>) -> Vec<(u32, u16)> {
    // A term of one field (most terms) is already in ordinal order, without repeats.
    if !list.is_sorted_by_key(|p| p.0) {
        list.sort_by_key(|p| p.0);
    }
    let mut out: Vec<(u32, u16)> = Vec::with_capacity(list.len());
    let mut sum: Option<(u32, f32)> = None;
    for (ord, s) in list {
        match &mut sum {
            Some(last) if last.0 == ord => last.1 += s,
            _ => {
                if let Some((o, s)) = sum {
                    out.push((o, quantise(s)));
                }
                sum = Some((ord, s));
            }
        }
    }
    if let Some((o, s)) = sum {
        out.push((o, quantise(s)));
    }
    out
}

/// The smallest shift whose pages hold about [`PAGE_TARGET`] postings of a list of `df`.
fn page_shift(df: usize, n: u64) -> u32 {
    let span = (PAGE_TARGET * n / df.max(1) as u64).max(1);
    64 - (span - 1).leading_zeros()
}

/// How many impact blocks a list of `df` postings has.
pub fn block_count(df: usize) -> usize {
    let (mut covered, mut b) = (0usize, 0u32);
    while covered < df {
        covered += block_len(b);
        b += 1;
    }
    b as usize
}

/// How many ordinal pages a list of `df` postings among `n` records has.
fn page_count(df: usize, n: u64) -> usize {
    (((n.max(1) - 1) >> page_shift(df, n)) + 1) as usize
}

/// Buffers [`external_region`] reuses from one term to the next.
#[derive(Default)]
struct RegionScratch {
    ranked: Vec<u64>,
    block: Vec<(u32, u16)>,
    directory: Vec<u8>,
    pages: Vec<u8>,
}

/// Appends the region of one external term (see the module comment) to `out`. Returns the
/// lengths of its impact blocks and of its page directory.
fn external_region(
    postings: &[(u32, u16)],
    n: u64,
    facets: &Facets,
    scratch: &mut RegionScratch,
    out: &mut Vec<u8>,
) -> (Vec<u64>, u64) {
    let RegionScratch {
        ranked,
        block,
        directory,
        pages,
    } = scratch;
    let shift = page_shift(postings.len(), n);
    let mut rest = postings;
    directory.clear();
    pages.clear();
    for k in 0..page_count(postings.len(), n) as u64 {
        let end = ((k + 1) << shift) as u32;
        let cut = rest.partition_point(|p| p.0 < end);
        let before = pages.len();
        encode(pages, &rest[..cut], (k << shift) as u32, None);
        varint(directory, (pages.len() - before) as u64);
        rest = &rest[cut..];
    }
    // Score descending, then ordinal, as one integer key: ordinals are unique in a list, so
    // the unstable sort is deterministic.
    ranked.clear();
    ranked.extend(
        postings
            .iter()
            .map(|&(ord, q)| (u64::from(u16::MAX - q) << 32) | u64::from(ord)),
    );
    ranked.sort_unstable();
    let mut lens = Vec::new();
    let (mut start, mut b) = (0usize, 0u32);
    while start < ranked.len() {
        let end = (start + block_len(b)).min(ranked.len());
        block.clear();
        block.extend(
            ranked[start..end]
                .iter()
                .map(|&key| (key as u32, u16::MAX - (key >> 32) as u16)),
        );
        block.sort_unstable_by_key(|p| p.0);
        let before = out.len();
        encode(out, block, 0, Some(facets));
        lens.push((out.len() - before) as u64);
        // The directory sits between block 0 and the others.
        if b == 0 {
            out.extend_from_slice(directory);
        }
        start = end;
        b += 1;
    }
    out.extend_from_slice(pages);
    (lens, directory.len() as u64)
}

/// Bits of the dictionary's bucket number: enough buckets that one fills at most 60% of a slot
/// on average, so that a bucket outgrowing its slot (its tail costs a second request) is rare.
fn dict_shard_bits(total_entry_bytes: usize) -> u32 {
    (total_entry_bytes * 5)
        .div_ceil(3 * DICT_SLOT)
        .max(1)
        .next_power_of_two()
        .trailing_zeros()
}

fn varint_len(v: u64) -> usize {
    (64 - (v | 1).leading_zeros() as usize).div_ceil(7)
}

/// One dictionary pack file from the entries `(slot, entry)` of its buckets, sorted by slot.
pub fn dict_pack(entries: &[(usize, &[u8])]) -> Vec<u8> {
    let slots = 1usize << DICT_PACK_BITS;
    let mut out = vec![0u8; slots * DICT_SLOT];
    let mut tails = Vec::new();
    let mut rest = entries;
    for slot in 0..slots {
        let count = rest.partition_point(|e| e.0 <= slot);
        let (mine, after) = rest.split_at(count);
        rest = after;
        let total: usize = mine.iter().map(|e| e.1.len()).sum();
        let split = if varint_len(total as u64) + total < DICT_SLOT {
            mine.len()
        } else {
            // Room for the three varints: head length < 2^14, tail length and offset < 2^35.
            let (mut used, mut k) = (0, 0);
            while k < mine.len() && used + mine[k].1.len() + 12 <= DICT_SLOT {
                used += mine[k].1.len();
                k += 1;
            }
            k
        };
        let mut bytes = Vec::with_capacity(DICT_SLOT);
        varint(
            &mut bytes,
            mine[..split].iter().map(|e| e.1.len() as u64).sum(),
        );
        for e in &mine[..split] {
            bytes.extend_from_slice(e.1);
        }
        let tail_len: usize = mine[split..].iter().map(|e| e.1.len()).sum();
        varint(&mut bytes, tail_len as u64);
        if tail_len > 0 {
            varint(&mut bytes, (out.len() + tails.len()) as u64);
            for e in &mine[split..] {
                tails.extend_from_slice(e.1);
            }
        }
        out[slot * DICT_SLOT..slot * DICT_SLOT + bytes.len()].copy_from_slice(&bytes);
    }
    out.extend_from_slice(&tails);
    out
}

/// Dictionary entries in term order, in one buffer (there is one per term: hundreds of
/// thousands at 100,000 records).
#[derive(Default)]
struct DictEntries {
    bytes: Vec<u8>,
    /// (term hash, byte range in `bytes`).
    entries: Vec<(u32, std::ops::Range<usize>)>,
}

impl DictEntries {
    /// Adds a term's entry: its bytes, document frequency and whether its list is external,
    /// then what `rest` writes.
    fn push(&mut self, term: &[u8], df: usize, external: bool, rest: impl FnOnce(&mut Vec<u8>)) {
        let start = self.bytes.len();
        varint(&mut self.bytes, term.len() as u64);
        self.bytes.extend_from_slice(term);
        varint(&mut self.bytes, ((df as u64) << 1) | u64::from(external));
        rest(&mut self.bytes);
        self.entries.push((fnv1a(term), start..self.bytes.len()));
    }

    /// Writes the entries into `2^shard_bits` buckets. Returns the number of files.
    fn write(&self, shard_bits: u32, staging: &Staging) -> Result<u64, SearchError> {
        let mask = (1u32 << shard_bits) - 1;
        let buckets = mask as usize + 1;
        // Entries by bucket, each bucket's in term order (a counting sort, which is stable), so
        // output is deterministic; `starts[b]` is where bucket b's entries begin.
        let mut starts = vec![0usize; buckets + 1];
        for (hash, _) in &self.entries {
            starts[(hash & mask) as usize + 1] += 1;
        }
        for b in 0..buckets {
            starts[b + 1] += starts[b];
        }
        let slot_mask = (1usize << DICT_PACK_BITS) - 1;
        let mut next = starts.clone();
        let mut by_bucket: Vec<(usize, &[u8])> = vec![(0, &[]); self.entries.len()];
        for (hash, range) in &self.entries {
            let bucket = (hash & mask) as usize;
            by_bucket[next[bucket]] = (bucket & slot_mask, &self.bytes[range.clone()]);
            next[bucket] += 1;
        }
        let packs = buckets.div_ceil(1 << DICT_PACK_BITS);
        for k in 0..packs {
            let first = starts[k << DICT_PACK_BITS];
            let end = starts[((k + 1) << DICT_PACK_BITS).min(buckets)];
            let pack = dict_pack(&by_bucket[first..end]);
            staging.write(&format!("search/t/{k:x}.bin"), &pack)?;
        }
        Ok(packs as u64)
    }
}

/// Where an external term's region went, as its dictionary entry names it.
struct PlacedRegion {
    /// The term's id: its file is `id >> X_PACK_BITS`.
    id: u64,
    /// Byte offset of the region in its file.
    at: u64,
    /// Byte lengths of the impact blocks.
    blocks: Vec<u64>,
    /// Byte length of the page directory.
    directory: u64,
}

/// The external terms' list files (`search/x/`), each written as soon as its
/// `2^X_PACK_BITS` regions are in.
struct ListFiles<'a> {
    staging: &'a Staging,
    next_id: u64,
    file: Vec<u8>,
    written: u64,
    scratch: RegionScratch,
}

impl<'a> ListFiles<'a> {
    fn new(staging: &'a Staging) -> Self {
        ListFiles {
            staging,
            next_id: 0,
            file: Vec::new(),
            written: 0,
            scratch: RegionScratch::default(),
        }
    }

    /// Appends the region of the next external term.
    fn push(
        &mut self,
        postings: &[(u32, u16)],
        n: u64,
        facets: &Facets,
    ) -> Result<PlacedRegion, SearchError> {
        let (id, at) = (self.next_id, self.file.len() as u64);
        let (blocks, directory) =
            external_region(postings, n, facets, &mut self.scratch, &mut self.file);
        self.next_id += 1;
        if self.next_id & ((1 << X_PACK_BITS) - 1) == 0 {
            self.flush()?;
        }
        Ok(PlacedRegion {
            id,
            at,
            blocks,
            directory,
        })
    }

    /// Writes the file being filled, if it has anything. Returns how many list files have been
    /// written in all.
    fn flush(&mut self) -> Result<u64, SearchError> {
        if !self.file.is_empty() {
            let k = (self.next_id - 1) >> X_PACK_BITS;
            self.staging
                .write(&format!("search/x/{k:x}.bin"), &self.file)?;
            self.file.clear();
            self.written += 1;
        }
        Ok(self.written)
    }
}

/// Display data of one record in a result list: collection index, id, title, date (the
/// decision date where the collection has one, else the publication date), key fields (label,
/// value) and snippet (the searched fields but the title). The search page shows kind, date,
/// title and the snippet; the key fields are for other clients.
#[derive(serde::Serialize)]
struct Display<'a> {
    c: usize,
    id: &'a str,
    t: String,
    d: String,
    f: Vec<[String; 2]>,
    s: String,
}

fn display<'a>(config: &SiteConfig, c: usize, record: &'a crate::record::Record) -> Display<'a> {
    let collection = &config.collections[c];
    let title = record
        .value(collection.title_field)
        .map(Value::plain_text)
        .unwrap_or_default();
    let key_fields: Vec<[String; 2]> = collection
        .listed
        .iter()
        .filter_map(|&i| {
            let v = record.value(i)?;
            Some([collection.fields[i].label.clone(), v.plain_text()])
        })
        .take(KEY_FIELDS)
        .collect();
    let mut snippet = String::new();
    let mut chars = 0;
    for (i, f) in collection.fields.iter().enumerate() {
        if i == collection.title_field || (f.search_weight <= 0.0 && f.identifier.is_none()) {
            continue;
        }
        if let Some(v) = record.value(i) {
            if !snippet.is_empty() {
                snippet.push_str(" · ");
                chars += 3;
            }
            let text = v.text();
            chars += text.chars().count();
            snippet.push_str(&text);
        }
        if chars >= SNIPPET_CHARS {
            break;
        }
    }
    if let Some((cut, _)) = snippet.char_indices().nth(SNIPPET_CHARS) {
        snippet.truncate(cut);
    }
    let date = collection
        .notice
        .decision_date_field
        .and_then(|i| record.value(i))
        .map(Value::plain_text)
        .unwrap_or_else(|| record.notice.published.to_string());
    Display {
        c,
        id: record.id.as_str(),
        t: title,
        d: date,
        f: key_fields,
        s: snippet,
    }
}

/// Makes `text` at least `excess` bytes shorter as JSON, ending it with "…" (or empties it).
fn shorten(text: &mut String, excess: usize) {
    const ELLIPSIS: &str = "…";
    // A character costs at least its UTF-8 length in JSON; the ellipsis costs exactly its own.
    let need = excess + ELLIPSIS.len();
    let mut removed = 0;
    while removed < need {
        match text.pop() {
            Some(c) => removed += c.len_utf8(),
            None => return,
        }
    }
    text.push_str(ELLIPSIS);
}

/// The display JSON padded with spaces to [`DOC_SLOT`] bytes, shortening the snippet, then the
/// key fields' values (last first), then the title, then dropping the key fields, until it fits.
fn fit_display(mut d: Display) -> Result<Vec<u8>, SearchError> {
    loop {
        let mut bytes = serde_json::to_vec(&d).map_err(std::io::Error::from)?;
        let Some(excess) = bytes.len().checked_sub(DOC_SLOT) else {
            bytes.resize(DOC_SLOT, b' ');
            return Ok(bytes);
        };
        let excess = excess.max(1);
        if !d.s.is_empty() {
            shorten(&mut d.s, excess);
        } else if let Some(v) = d.f.iter_mut().rev().find(|f| f[1].chars().count() > 1) {
            shorten(&mut v[1], excess);
        } else if d.t.chars().count() > 1 {
            shorten(&mut d.t, excess);
        } else if !d.f.is_empty() {
            d.f.clear();
        } else {
            return Err(SearchError::Usage(format!(
                "record {:?}: its search result does not fit {DOC_SLOT} bytes",
                d.id
            )));
        }
    }
}

/// Writes every record's display slot, `2^DOC_PACK_BITS` records per file. Returns the number
/// of files.
fn write_displays(
    config: &SiteConfig,
    set: &PublishedSet,
    staging: &Staging,
) -> Result<u64, SearchError> {
    let mut docs = Vec::new();
    for (c, published) in set.collections.iter().enumerate() {
        for r in &published.records {
            docs.push((c, &r.record));
        }
    }
    let chunks: Vec<_> = docs.chunks(1 << DOC_PACK_BITS).collect();
    chunks.iter().enumerate().try_for_each(|(k, chunk)| {
        let mut bytes = Vec::with_capacity(chunk.len() * DOC_SLOT);
        for (c, record) in chunk.iter() {
            bytes.extend(fit_display(display(config, *c, record))?);
        }
        staging
            .write(&format!("search/d/{k:x}.bin"), &bytes)
            .map_err(SearchError::from)
    })?;
    Ok(chunks.len() as u64)
}

/// Adds a term's dictionary entry, with its postings inline or, past [`INLINE_MAX`], as the
/// next region of the list files.
fn add_term(
    term: &[u8],
    postings: &[(u32, u16)],
    n: u64,
    facets: &Facets,
    dictionary: &mut DictEntries,
    lists: &mut ListFiles,
) -> Result<(), SearchError> {
    let df = postings.len();
    if df <= INLINE_MAX {
        dictionary.push(term, df, false, |entry| {
            encode(entry, postings, 0, Some(facets))
        });
        return Ok(());
    }
    let placed = lists.push(postings, n, facets)?;
    dictionary.push(term, df, true, |entry| {
        varint(entry, placed.id);
        varint(entry, u64::from(page_shift(df, n)));
        varint(entry, placed.at);
        for &len in &placed.blocks {
            varint(entry, len);
        }
        varint(entry, placed.directory);
    });
    Ok(())
}

/// Writes the manifest, dictionary shards, posting files and display chunks, taking the terms
/// one at a time from the merged term stream (see [`super::terms`]): only the dictionary
/// entries are held until the end.
///
/// This runs on the search thread alone, not the rayon pool. A full build keeps the pool busy
/// with pages and datasets, and export work handed to it waited behind them: search then ended
/// after the pages, with a core idle (0.4 s at 100,000 records).
pub fn export(
    config: &SiteConfig,
    set: &PublishedSet,
    built: &Built,
    staging: &Staging,
) -> Result<SearchStats, SearchError> {
    let n = built.docs;
    let facets = Facets::new(config, set);
    let parts = IndexParts::open(built)?;
    let mut terms = parts.terms()?;
    let mut dictionary = DictEntries::default();
    let mut lists = ListFiles::new(staging);
    while let Some((term, list)) = terms.next_term()? {
        add_term(&term, &merge(list), n, &facets, &mut dictionary, &mut lists)?;
    }
    let terms_count = dictionary.entries.len() as u64;
    let shard_bits = dict_shard_bits(dictionary.bytes.len());
    let mut files = dictionary.write(shard_bits, staging)?;
    files += lists.flush()?;
    files += write_displays(config, set, staging)?;

    let collections: Vec<_> = config
        .collections
        .iter()
        .zip(&set.collections)
        .enumerate()
        .map(|(c, (col, published))| {
            let lists: Vec<_> = facets.lists[c]
                .iter()
                .map(|(key, label, values)| json!({ "key": key, "label": label, "values": values }))
                .collect();
            json!({
                "key": col.key, "title": col.title, "start": facets.start[c],
                "count": published.records.len(), "facets": lists,
            })
        })
        .collect();
    let manifest = json!({
        "version": 4, "n": n, "shard_bits": shard_bits, "inline_max": INLINE_MAX,
        "block0": BLOCK0, "dict_pack_bits": DICT_PACK_BITS, "dict_slot": DICT_SLOT,
        "x_pack_bits": X_PACK_BITS, "doc_pack_bits": DOC_PACK_BITS, "doc_slot": DOC_SLOT, "q_scale": Q_SCALE, "q_offset": Q_OFFSET,
        "collections": collections,
    });
    let manifest = serde_json::to_string(&manifest).map_err(std::io::Error::from)?;
    staging.write("search/manifest.json", manifest.as_bytes())?;
    Ok(SearchStats {
        records: n,
        terms: terms_count,
        shards: files,
        manifest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantised_scores_keep_order_and_precision() {
        for s in [0.001f32, 0.37, 1.0, 5.5, 42.0] {
            let back = dequantise(quantise(s));
            assert!(
                (back - f64::from(s)).abs() / f64::from(s) < 0.0003,
                "{s} {back}"
            );
        }
        assert!(quantise(1.0) < quantise(1.01));
    }

    #[test]
    fn fnv_matches_reference() {
        assert_eq!(fnv1a(b""), 0x811c_9dc5);
        assert_eq!(fnv1a(b"a"), 0xe40c_292c);
    }

    fn read_varint(bytes: &[u8], at: &mut usize) -> u64 {
        let (mut v, mut shift) = (0u64, 0);
        loop {
            let b = bytes[*at];
            *at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return v;
            }
            shift += 7;
        }
    }

    /// The entries of slot `slot` of a dictionary pack, as the client reads them: the slot,
    /// then its tail when it names one.
    fn slot_entries(pack: &[u8], slot: usize) -> Vec<u8> {
        let bytes = &pack[slot * DICT_SLOT..(slot + 1) * DICT_SLOT];
        let mut at = 0;
        let head = read_varint(bytes, &mut at) as usize;
        let mut entries = bytes[at..at + head].to_vec();
        at += head;
        let tail = read_varint(bytes, &mut at) as usize;
        if tail > 0 {
            let tail_at = read_varint(bytes, &mut at) as usize;
            entries.extend_from_slice(&pack[tail_at..tail_at + tail]);
        }
        entries
    }

    #[test]
    fn dictionary_slots_hold_their_buckets_and_tails() {
        let entry = |slot: usize, i: usize| (slot, format!("<{slot}:{i}:{}>", "x".repeat(i % 50)));
        // Slot 3 overflows (about 3 slots' worth), slots 0 and 63 fit, the others are empty.
        let mut entries: Vec<(usize, String)> = (0..5).map(|i| entry(0, i)).collect();
        entries.extend((0..80).map(|i| entry(3, i)));
        entries.extend((0..7).map(|i| entry(63, i)));
        let raw: Vec<(usize, &[u8])> = entries.iter().map(|(s, e)| (*s, e.as_bytes())).collect();
        let pack = dict_pack(&raw);
        assert!(pack.len() > 64 * DICT_SLOT, "slot 3 has a tail");
        for slot in 0..64 {
            let want: String = entries
                .iter()
                .filter(|e| e.0 == slot)
                .map(|e| e.1.as_str())
                .collect();
            assert_eq!(
                String::from_utf8(slot_entries(&pack, slot)).unwrap(),
                want,
                "slot {slot}"
            );
        }
        assert!(
            pack[DICT_SLOT..2 * DICT_SLOT].iter().all(|&b| b == 0),
            "empty slot is zeros"
        );
    }

    #[test]
    fn shard_bits_leave_slots_room() {
        assert_eq!(dict_shard_bits(0), 0);
        for total in [10_000usize, 1_000_000, 15_000_000] {
            let mean = total as f64 / f64::from(1u32 << dict_shard_bits(total));
            assert!(
                mean <= 0.6 * DICT_SLOT as f64 && mean > 0.3 * DICT_SLOT as f64,
                "{mean}"
            );
        }
    }

    fn sample_display(title: &str, value: &str, snippet: &str) -> Display<'static> {
        Display {
            c: 1,
            id: "rec-1",
            t: title.into(),
            d: "2025-06-30".into(),
            f: vec![
                ["城市".into(), value.into()],
                ["状态".into(), "有效".into()],
            ],
            s: snippet.into(),
        }
    }

    #[test]
    fn displays_fill_their_slot_exactly() {
        let small = fit_display(sample_display("西安检测", "西安市", "检测 · \"引号\"")).unwrap();
        assert_eq!(small.len(), DOC_SLOT);
        let json: serde_json::Value = serde_json::from_slice(&small).unwrap();
        assert_eq!(json["s"], "检测 · \"引号\"", "text that fits is kept whole");
        assert_eq!(json["f"][0][1], "西安市");

        let long = "很长的名称".repeat(100);
        for (title, value, snippet) in [
            ("短", "西安市", long.as_str()),
            (long.as_str(), long.as_str(), long.as_str()),
            ("短", "\u{1}\"".repeat(300).as_str(), ""),
        ] {
            let bytes = fit_display(sample_display(title, value, snippet)).unwrap();
            assert_eq!(bytes.len(), DOC_SLOT);
            let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(json["id"], "rec-1");
            let shown = json["s"].as_str().unwrap();
            assert!(shown.is_empty() || shown.ends_with('…'), "{shown}");
        }
        let bytes = fit_display(sample_display(&long, &long, &long)).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert!(json["t"].as_str().unwrap().starts_with("很长的名称"));
    }

    #[test]
    fn block_count_covers_the_list() {
        assert_eq!(block_count(1), 1);
        assert_eq!(block_count(BLOCK0), 1);
        assert_eq!(block_count(BLOCK0 + 1), 2);
        assert_eq!(block_count(BLOCK0 * 5), 2);
        assert_eq!(block_count(BLOCK0 * 5 + 1), 3);
    }

    #[test]
    fn pages_hold_about_the_target() {
        assert_eq!(page_shift(100_000, 100_000), 6);
        assert_eq!(page_shift(25, 100), 8);
        assert_eq!(page_shift(1, 1), 6);
    }
}
