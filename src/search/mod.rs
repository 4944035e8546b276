//! Search: a tantivy index of the published record set ([`index`], with the tokenizers of
//! [`tokenize`]), its static export as shards a browser fetches only as needed ([`shards`],
//! reading the index's terms in order from [`terms`]), and
//! the `gongshi search` side that queries the tantivy index ([`query`]).
//!
//! Scoring is tantivy's BM25 over our tokens, summed over boosted fields. The export reads the
//! index back and stores, per term and record, the record's whole score contribution for that
//! term (quantised to 16 bits on a log scale), so the browser only adds numbers and the two
//! sides rank alike. Query semantics, shared by both sides:
//! - a query that looks like an identifier (see [`tokenize::ident_query`]) and exists in the
//!   index is looked up as a prefix in the identifier fields (see [`prefix`]: an identifier
//!   is found by any of its prefixes of six characters or more, or whole);
//! - otherwise every text token of the query must occur (in any text field), and a record's
//!   score is the sum over tokens and fields;
//! - filters (`field=value`, `collection=<key>`) restrict without scoring;
//! - ranking is score descending, then record ordinal ascending.

mod canonical;
pub mod index;
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
