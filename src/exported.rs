//! What export wrote, as plain data: the pages that describe the datasets (`/data/`,
//! `/changes/`) are made by render from it, so neither output stage imports the other.

use chrono::NaiveDate;
use serde::Serialize;

/// What a build's export reports for the pages.
#[derive(Debug)]
pub struct ExportReport {
    pub catalogue: Catalogue,
    /// What changed since the earlier build's manifest, when one was known.
    pub changes: Option<ChangeList>,
}

/// What the `/data/` catalogue page shows.
#[derive(Debug)]
pub struct Catalogue {
    pub collections: Vec<CollectionEntry>,
    /// The data package and the manifest.
    pub package_files: Vec<DataFile>,
    /// The size of `/data/SHA256SUMS`, as people read it.
    pub sums_size: String,
    pub has_changes: bool,
    /// Some collection has statuses derived from dates.
    pub has_derived: bool,
    /// A schema.org `Dataset`, safe to embed in a script element.
    pub json_ld: String,
    pub total_records: usize,
}

/// One file under `/data/`.
#[derive(Debug, Clone, Serialize)]
pub struct DataFile {
    /// File name inside `/data/`.
    pub name: String,
    pub format: &'static str,
    pub media_type: &'static str,
    /// Data rows, for the record files.
    pub records: Option<usize>,
    pub bytes: usize,
    pub size: String,
    pub sha256: String,
}

impl DataFile {
    pub fn new(
        name: String,
        format: &'static str,
        media_type: &'static str,
        records: Option<usize>,
        bytes: &[u8],
    ) -> Self {
        let written = crate::output::WrittenFile {
            len: bytes.len() as u64,
            sha256: crate::digest::sha256_hex(bytes),
        };
        Self::written(name, format, media_type, records, written)
    }

    /// A file of `written.len` bytes with the given hash, e.g. one streamed to disk
    /// ([`crate::output::StagedFile`]).
    pub fn written(
        name: String,
        format: &'static str,
        media_type: &'static str,
        records: Option<usize>,
        written: crate::output::WrittenFile,
    ) -> Self {
        let bytes = usize::try_from(written.len).unwrap_or(usize::MAX);
        DataFile {
            name,
            format,
            media_type,
            records,
            bytes,
            size: human_size(bytes),
            sha256: written.sha256,
        }
    }
}

/// `12.3 KB`: binary multiples, one decimal.
pub fn human_size(bytes: usize) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// One row of a collection's data dictionary.
#[derive(Debug, Clone, Serialize)]
pub struct DictionaryRow {
    pub key: String,
    pub label: String,
    pub ty: String,
    pub meaning: String,
    pub example: String,
}

/// What the catalogue shows of one collection.
#[derive(Debug, Serialize)]
pub struct CollectionEntry {
    pub key: String,
    pub title: String,
    pub description: String,
    pub records: usize,
    pub files: Vec<DataFile>,
    pub dictionary: Vec<DictionaryRow>,
    /// Why a format is missing (XLSX over Excel's row limit).
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TakedownReason {
    Expired,
    Withdrawn,
    /// No longer in the data at all (deleted, or moved back under embargo).
    Removed,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub collection: String,
    pub id: String,
    /// Absolute URL of the record page (or its notice-ended page).
    pub url: String,
    /// The record's title; `None` for records taken down (their content is no longer public).
    pub title: Option<String>,
    /// Added: the publication day; corrected: the newest correction day after the earlier
    /// build, else this build's day; taken down: the day it ended, when known.
    pub date: Option<NaiveDate>,
    /// Corrections' summaries, or the withdrawal reason.
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<TakedownReason>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeList {
    pub since: NaiveDate,
    pub as_of: NaiveDate,
    pub added: Vec<Change>,
    pub corrected: Vec<Change>,
    pub taken_down: Vec<Change>,
}
