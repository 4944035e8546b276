//! Makes the tantivy index directory byte-identical across builds of the same published set.
//! Tantivy names segments with random UUIDs, orders segments by those UUIDs and leaves lock and
//! bookkeeping files behind; the site must not change when its inputs do not. So the build
//! indexes with one thread (documents stay in record order), merges every segment into one in
//! record order, then renames that segment after a hash of its content.

use super::SearchError;
use sha2::{Digest, Sha256};
use std::path::Path;
use tantivy::index::SegmentId;
use tantivy::{Index, IndexWriter, TantivyDocument};

/// The fast field holding each document's record ordinal, by which segments are merged (the
/// index schema declares it; see `index`).
pub const ORD: &str = "ord";

/// Files tantivy leaves that say nothing about the index content.
const BOOKKEEPING: [&str; 3] = [
    ".managed.json",
    ".tantivy-meta.lock",
    ".tantivy-writer.lock",
];

/// Merges all committed segments into one, keeping the record order: segments are ordered by
/// their smallest record ordinal, and one indexing thread means each holds a run of records.
pub fn merge_in_record_order(
    index: &Index,
    mut writer: IndexWriter<TantivyDocument>,
) -> Result<(), SearchError> {
    let mut segments: Vec<(u64, SegmentId)> = Vec::new();
    {
        let reader = index.reader()?;
        let searcher = reader.searcher();
        for segment in searcher.segment_readers() {
            let first = segment.fast_fields().u64(ORD)?.min_value();
            segments.push((first, segment.segment_id()));
        }
    }
    segments.sort();
    if segments.len() > 1 {
        let ids: Vec<SegmentId> = segments.iter().map(|&(_, id)| id).collect();
        writer.merge(&ids).wait()?;
    }
    writer.garbage_collect_files().wait()?;
    writer.wait_merging_threads()?;
    Ok(())
}

/// Renames the single segment after a hash of its files and removes bookkeeping files, so two
/// builds of the same records leave the same bytes.
pub fn rename_segment_by_content(dir: &Path) -> Result<(), SearchError> {
    let meta_path = dir.join("meta.json");
    let meta = std::fs::read_to_string(&meta_path)?;
    let old_ids = segment_ids(&meta)?;
    let mut meta_out = meta.clone();
    for (old_in_meta, old) in old_ids {
        let mut files: Vec<_> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(&old))
            .collect();
        files.sort();
        let mut hash = Sha256::new();
        for name in &files {
            hash.update(&name.as_bytes()[old.len()..]);
            hash.update(std::fs::read(dir.join(name))?);
        }
        let new = hex::encode(&hash.finalize()[..16]);
        for name in &files {
            let renamed = format!("{new}{}", &name[old.len()..]);
            std::fs::rename(dir.join(name), dir.join(renamed))?;
        }
        meta_out = meta_out.replace(&old_in_meta, &new);
    }
    std::fs::write(&meta_path, meta_out)?;
    for name in BOOKKEEPING {
        match std::fs::remove_file(dir.join(name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    Ok(())
}

/// Each segment's id as meta.json spells it, and as file names spell it (no dashes).
fn segment_ids(meta: &str) -> Result<Vec<(String, String)>, SearchError> {
    let parsed: serde_json::Value = serde_json::from_str(meta)
        .map_err(|e| SearchError::Usage(format!("unreadable tantivy meta.json: {e}")))?;
    let ids = parsed["segments"]
        .as_array()
        .map(|segments| {
            segments
                .iter()
                .filter_map(|s| s["segment_id"].as_str())
                .map(|id| (id.to_string(), id.replace('-', "")))
                .collect()
        })
        .unwrap_or_default();
    Ok(ids)
}
