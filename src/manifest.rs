//! `data/manifest.json`: each published record's collection, id and content hash, and the as-of
//! date. Every build writes one; the next build reads it for its change list, and the output
//! guard recognises an earlier output by it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const MANIFEST_FORMAT: &str = "gongshi-manifest/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub as_of: NaiveDate,
    pub records: Vec<ManifestEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub collection: String,
    pub id: String,
    /// `sha256:` and the hex digest of the record's JSON file.
    pub hash: String,
}

impl Manifest {
    pub fn to_json(&self) -> Vec<u8> {
        // One record per line: small diffs between builds, readable, still plain JSON.
        let mut out = format!(
            "{{\"format\":{},\"as_of\":\"{}\",\"records\":[",
            serde_json::Value::from(self.format.as_str()),
            self.as_of
        );
        for (i, r) in self.records.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            out.push_str(&serde_json::to_string(r).unwrap_or_default());
        }
        out.push_str("\n]}\n");
        out.into_bytes()
    }
}

/// Where the earlier manifest comes from: `--previous` (a manifest file, or a build's output
/// folder) when given, else the current output folder, read before the new build replaces it.
#[derive(Debug)]
pub enum PreviousError {
    /// `--previous` was given but cannot be used.
    Unusable(PathBuf, String),
    /// The output folder's manifest cannot be used; the build goes on without a change list.
    Ignored(PathBuf, String),
}

pub fn read_previous(
    explicit: Option<&Path>,
    out: &Path,
) -> Result<Option<Manifest>, PreviousError> {
    match explicit {
        Some(p) => {
            let file = if p.is_dir() {
                p.join("data/manifest.json")
            } else {
                p.to_path_buf()
            };
            read_manifest(&file)
                .map(Some)
                .map_err(|e| PreviousError::Unusable(file, e))
        }
        None => {
            let file = out.join("data/manifest.json");
            if !file.is_file() {
                return Ok(None);
            }
            read_manifest(&file)
                .map(Some)
                .map_err(|e| PreviousError::Ignored(file, e))
        }
    }
}

pub fn read_manifest(path: &Path) -> Result<Manifest, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let manifest: Manifest =
        serde_json::from_slice(&bytes).map_err(|e| format!("not a gongshi manifest: {e}"))?;
    if manifest.format != MANIFEST_FORMAT {
        return Err(format!(
            "manifest format \"{}\" is not \"{MANIFEST_FORMAT}\"",
            manifest.format
        ));
    }
    Ok(manifest)
}
