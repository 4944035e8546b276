//! Live rebuilds for `gongshi serve`: the output is updated in place with only what changed.
//!
//! A full build stages a whole new tree and swaps it in, which at 10,000 records means writing
//! ~17,000 files and deleting as many, several seconds. A live rebuild instead remembers, from
//! the previous build, each output file's hash ([`OutputIndex`]) and each page's context hash
//! ([`PageMemo`]). Pages whose context did not change are not rendered again; files whose bytes
//! did not change are not written again; the few changed files are staged and then renamed
//! over the live ones, and files the new build no longer has are deleted.
//!
//! Unlike a full build, a live rebuild whose later stage fails may leave the pages updated and
//! the datasets not; serve reports the error and the next save rebuilds.

pub use crate::output::overlay::{content_hash, OutputIndex, Overlay};
pub use crate::render::memo::{HashWriter, PageMemo};

/// What `gongshi serve` keeps between rebuilds.
#[derive(Debug, Default)]
pub struct LiveState {
    pub output: OutputIndex,
    pub pages: PageMemo,
}
