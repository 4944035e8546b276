//! gongshi: a static open-data site generator for public disclosure (公示).
//!
//! The model every stage reads: [`config`] (site.yaml), [`record`] and [`domain`] (typed
//! records and identifiers), [`diagnostic`] (problem reports), and the published set of
//! [`notice`] with its [`facet`]s.
//!
//! The pipeline, one module per stage: [`config`] and [`load`] read the site, [`validate`] types
//! every record and masks the personal numbers in its text ([`personal`]), [`content`] reads
//! the markdown pages ([`markdown`]), [`notice`] applies the public-notice rules (with the
//! date-derived values of [`derived`]) and masks personal fields. Then three sibling output
//! stages, none importing another, all writing through [`output`]'s staging directory:
//! [`render`] the pages, [`export`] the open datasets, feeds, sitemap and change list (its
//! results for the pages are plain data, [`exported`]), and [`search`] the tantivy index and its
//! static shards; [`folders`] makes the record folders and record files beside the pages.
//! [`pipeline`] runs them in one schedule; [`serve`] previews the result, rebuilding in place
//! ([`live`]). [`init`] and [`import`] start a site and read spreadsheets into it.

pub mod calendar;
pub mod config;
pub mod content;
pub mod derived;
pub mod diagnostic;
pub mod digest;
pub mod domain;
pub mod export;
pub mod exported;
pub mod facet;
pub mod folders;
pub mod import;
pub mod init;
pub mod live;
pub mod load;
pub mod manifest;
pub mod markdown;
pub mod memory;
pub mod messages;
pub mod notice;
pub mod org;
pub mod output;
/// What `--out` may replace (see [`output::guard`]).
pub use output::guard as out_guard;
pub mod personal;
pub mod pipeline;
pub mod progress;
pub mod record;
pub mod render;
pub mod search;
pub mod serve;
pub mod text;
pub mod validate;
pub mod yaml;
