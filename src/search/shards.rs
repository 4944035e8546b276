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
//!   The organisation documents ([`super::orgs`]) are its last collection, keyed `org`, with no
//!   title (the search page names them) and no facets.
//! - `search/t/<k>.bin`: the term dictionary, hash-partitioned (FNV-1a of the term's UTF-8
//!   bytes, low `shard_bits` bits) into buckets; bucket `b` is slot `b & (2^DICT_PACK_BITS - 1)`
//!   of pack `k = b >> DICT_PACK_BITS` (hex). A pack is its slots of [`DICT_SLOT`] bytes, then
//!   the tails of buckets too big for their slot. A slot is: varint length of its entries, the
//!   entries, varint length of the bucket's tail (0: none) and, when there is one, varint byte
//!   offset of the tail in the pack, then zeros to the slot's end (an all-zero slot is an empty
//!   bucket). There are enough buckets that tails are rare (see [`dict_shard_bits`]). Entry:
//!   varint term length, term bytes, varint `df << 1 | external`; then either the whole posting
//!   list (when `df <=` [`INLINE_MAX`]), or varint term id, varint page shift, varint `at` (byte
//!   offset of the term's region in its list file), one varint length per impact block, the
//!   varint length of the page directory and that of the pages. Text terms are the tokens
//!   themselves; identifier terms are `#` and an identifier prefix, one for every prefix a query
//!   may use (see [`super::prefix`]), so a prefix query costs the client one lookup like any
//!   other.
//! - `search/x/<id >> X_PACK_BITS>.bin`: the lists of external terms, one region per term, the
//!   regions concatenated (no header: entries address them). A region is: impact block 0, the
//!   page directory (one varint byte length per page), the pages, then impact blocks 1... Block
//!   b holds the postings ranked `[B0·(4^b − 1)/3, B0·(4^(b+1) − 1)/3)` by score (ties by
//!   ordinal), so the first page of results needs only block 0 and the smallest score loaded
//!   bounds the rest; block 0 and the directory are adjacent so a query of several terms reads
//!   both at once. Page k holds ordinals `[k << shift, (k + 1) << shift)` (about
//!   [`PAGE_TARGET`] postings), for checking whether a given record has the term. The directory
//!   and the pages are adjacent too: together they are the whole list in ordinal order, which a
//!   query checking many records against a mid-sized list reads in one request.
//! - `search/d/<ord >> DOC_PACK_BITS>.bin`: display data of each record or organisation
//!   ([`super::display`]), JSON padded with
//!   spaces to [`DOC_SLOT`] bytes, in slot `ord & (2^DOC_PACK_BITS - 1)`. Text that would not
//!   fit is shortened (the snippet first; see [`fit_display`]).
//!
//! A posting is: varint ordinal delta (from the previous posting, or from the page start), the
//! score as u16 little-endian (see [`quantise`]), and in dictionary entries and impact blocks
//! one varint per facet field of the record's collection (0 = none, else 1 + the value's index
//! in the manifest's list).

pub use super::dict::dict_pack;
use super::dict::{dict_shard_bits, DictEntries};
use super::display::write_displays;
use super::index::{facet_value, Built};
use super::orgs::ORG_KEY;
use super::terms::IndexParts;
use super::{SearchError, SearchStats};
use crate::config::{FacetKind, SiteConfig};
use crate::notice::PublishedSet;
use crate::output::Staging;
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

pub(super) fn varint(out: &mut Vec<u8>, mut v: u64) {
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
    /// The records' facets, then `orgs` organisation documents', which have none.
    fn new(config: &SiteConfig, set: &PublishedSet, orgs: usize) -> Facets {
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
        if orgs > 0 {
            f.lists.push(Vec::new());
            f.start.push(ord);
            f.offset.push(f.codes.len());
            f.width.push(0);
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
/// lengths of its impact blocks, of its page directory and of its pages.
fn external_region(
    postings: &[(u32, u16)],
    n: u64,
    facets: &Facets,
    scratch: &mut RegionScratch,
    out: &mut Vec<u8>,
) -> (Vec<u64>, u64, u64) {
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
        // The directory and the pages sit between block 0 and the others.
        if b == 0 {
            out.extend_from_slice(directory);
            out.extend_from_slice(pages);
        }
        start = end;
        b += 1;
    }
    (lens, directory.len() as u64, pages.len() as u64)
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
    /// Byte length of the pages.
    pages: u64,
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
        let (blocks, directory, pages) =
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
            pages,
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
        varint(entry, placed.pages);
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
    let facets = Facets::new(config, set, built.orgs.len());
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
    files += write_displays(config, set, &built.orgs, staging)?;

    let mut collections: Vec<_> = config
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
    if !built.orgs.is_empty() {
        // Titled by the search page (its theme names organisation pages).
        collections.push(json!({
            "key": ORG_KEY, "title": null, "start": facets.start[config.collections.len()],
            "count": built.orgs.len(), "facets": [],
        }));
    }
    let manifest = json!({
        "version": 5, "n": n, "shard_bits": shard_bits, "inline_max": INLINE_MAX,
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
