//! Search: a tantivy index of the published record set ([`index`], with the tokenizers of
//! [`tokenize`]), its static export as shards a browser fetches only as needed ([`shards`],
//! reading the index's terms in order from [`terms`]), and
//! the `gongshi search` side that queries the tantivy index ([`query`]).
//!
//! Scoring is tantivy's BM25 over our tokens, summed over boosted fields. The export reads the
//! index back and stores, per term and record, the record's whole score contribution for that
//! term (quantised to 16 bits on a log scale), so the browser only adds numbers and the two
//! sides rank alike. Query semantics, shared by both sides (docs/search.md says them for
//! users; [`tokenize::parse_query`] reads a query):
//! - a query's key (its letters, digits and Han characters, lowercased) is looked up once, as
//!   `#key`, among identifiers (any prefix of six characters or more, see [`prefix`]) and whole
//!   names (the `names_self` and `names_party` fields, also without their legal form);
//! - a query that reads as an identifier (a leading label such as `CMA` or `文号`, or six
//!   characters with four digits) and has key matches returns those; a decision number typed
//!   without 号 also looks up `key号`, which ranks the record numbered exactly so first;
//! - otherwise a record matches when the key finds it (the first tier, scored by the key alone)
//!   or when it covers every unit of the text query (each character of a Han run by either
//!   bigram it is part of, each word itself; scored by the sum over the terms it holds). With
//!   no match at all, records covering at least half the units are returned in `partial` mode;
//! - filters (`field=value`, `collection=<key>`) restrict without scoring;
//! - ranking is tier first, then score descending, then record ordinal ascending. The first
//!   tier needs nothing but the key's list, so the browser shows it after one lookup and the
//!   display data, while the text tier is still being settled.
//!
//! Besides the records, the index holds one document per organisation with a page, after the
//! records ([`orgs`]): an organisation's name or credit code finds its page first. They hold no
//! text, and text fields' BM25 statistics (document count, mean length) count records only
//! ([`index::record_count`]), so they change no record's text score.

mod canonical;
mod dict;
mod display;
pub mod index;
pub mod orgs;
pub mod parse;
pub mod prefix;
pub mod query;
pub mod shards;
mod terms;
pub mod tokenize;

use crate::config::SiteConfig;
use crate::notice::PublishedSet;
use crate::output::{OutputError, Staging};

/// Where the tantivy index lives inside the output.
pub const INDEX_DIR: &str = "search/index";

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("no search index at {0} (run `gongshi build` first)")]
    Missing(String),
    #[error("{0}")]
    Usage(String),
    #[error("search index: {0} segments, where the export reads one")]
    Segments(usize),
}

/// What the search stage wrote, for the build summary.
#[derive(Debug, Clone, Default)]
pub struct SearchStats {
    pub records: u64,
    pub terms: u64,
    pub shards: u64,
    /// `search/manifest.json`, which the search page also carries inline (it saves a cold
    /// query a fetch).
    pub manifest: String,
}

/// Builds the tantivy index into the staging directory and exports its static shards.
pub fn write(
    config: &SiteConfig,
    set: &PublishedSet,
    staging: &Staging,
) -> Result<SearchStats, SearchError> {
    let dir = staging.whole_dir(INDEX_DIR)?;
    std::fs::create_dir_all(&dir)?;
    let built = index::build(config, set, &dir)?;
    let mut files = 0u64;
    let mut bytes = 0u64;
    for entry in std::fs::read_dir(&dir)? {
        let meta = entry?.metadata()?;
        if meta.is_file() {
            files += 1;
            bytes += meta.len();
        }
    }
    staging.note_written(files, bytes);
    shards::export(config, set, &built, staging)
}
