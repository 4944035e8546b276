//! gongshi: a static open-data site generator for public disclosure (公示).
//!
//! The pipeline, one module per stage: [`config`] and [`load`] read the site, [`validate`] types
//! every record and masks the personal numbers in its text ([`personal`]), [`notice`] applies
//! the public-notice rules (with the date-derived values of [`derived`]) and masks personal
//! fields, and [`render`] writes the pages through [`output`]'s staging directory, [`export`]
//! writes the open datasets, feeds, sitemap and change list from the same set, and [`search`]
//! indexes it with tantivy and exports it as static shards; [`folders`] makes the record
//! folders and record files beside the pages. [`pipeline`] runs them in order; [`serve`]
//! previews the result, rebuilding in place through [`live`].

pub mod calendar;
pub mod config;
pub mod content;
pub mod derived;
pub mod diagnostic;
pub mod domain;
pub mod export;
pub mod folders;
pub mod generate;
pub mod import;
pub mod init;
pub mod live;
pub mod load;
pub mod memory;
pub mod messages;
pub mod national;
pub mod notice;
pub mod org;
pub mod out_guard;
pub mod output;
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
