//! Finding and reading data files: walks `data/<collection>/` for `.yaml`/`.yml` files, refuses
//! what must not be read (symlinks, files over the size limit, non-UTF-8 text) and parses each
//! into positioned YAML nodes, one per record.

use crate::config::SiteConfig;
use crate::diagnostic::Diagnostic;
use crate::messages::Msg;
use crate::yaml::{self, Node, NodeKind};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use walkdir::WalkDir;

pub const DATA_DIR: &str = "data";
/// Default upper bound on one data file's size.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A data file found under a collection's folder.
#[derive(Debug, Clone)]
pub struct DataFile {
    pub collection: usize,
    /// Relative to the site directory, for diagnostics.
    pub rel_path: Arc<PathBuf>,
    pub abs_path: PathBuf,
}

/// Lists every data file in a stable order; problems with the tree itself come back as
/// diagnostics (a folder for no collection is an error, a stray file a warning).
pub fn discover(config: &SiteConfig) -> (Vec<DataFile>, Vec<Diagnostic>) {
    let data_dir = config.root.join(DATA_DIR);
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let Ok(entries) = std::fs::read_dir(&data_dir) else {
        return (files, diags);
    };
    let mut names: Vec<_> = entries.flatten().map(|e| e.file_name()).collect();
    names.sort();
    for name in names {
        let name = name.to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        let rel = Path::new(DATA_DIR).join(&name);
        if !data_dir.join(&name).is_dir() || is_symlink(&data_dir.join(&name)) {
            diags.push(Diagnostic::warning(&rel, 0, Msg::StrayEntry));
            continue;
        }
        let Some(ci) = config.collections.iter().position(|c| c.key == name) else {
            let known: Vec<_> = config.collections.iter().map(|c| c.key.as_str()).collect();
            diags.push(Diagnostic::error(
                &rel,
                0,
                Msg::UnknownFolder {
                    name: name.to_string(),
                    known: known.join(", "),
                    suggestion: did_you_mean(&name, &known),
                },
            ));
            continue;
        };
        walk_collection(config, ci, &mut files, &mut diags);
    }
    (files, diags)
}

fn walk_collection(
    config: &SiteConfig,
    collection: usize,
    files: &mut Vec<DataFile>,
    diags: &mut Vec<Diagnostic>,
) {
    let dir = config
        .root
        .join(DATA_DIR)
        .join(&config.collections[collection].key);
    let mut seen_lowercase: HashMap<String, PathBuf> = HashMap::new();
    let walker = WalkDir::new(&dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| relative(&config.root, p))
                    .unwrap_or_default();
                diags.push(Diagnostic::error(
                    &path,
                    0,
                    Msg::CannotRead {
                        error: e.to_string(),
                    },
                ));
                continue;
            }
        };
        let rel = relative(&config.root, entry.path());
        if entry.path_is_symlink() {
            diags.push(Diagnostic::warning(&rel, 0, Msg::Symlink));
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if !(name.ends_with(".yaml") || name.ends_with(".yml")) {
            diags.push(Diagnostic::warning(&rel, 0, Msg::NotYaml));
            continue;
        }
        let lower = rel.to_string_lossy().to_lowercase();
        if let Some(other) = seen_lowercase.insert(lower, rel.clone()) {
            diags.push(Diagnostic::warning(&rel, 0, Msg::CaseCollision { other }));
        }
        files.push(DataFile {
            collection,
            rel_path: Arc::new(rel),
            abs_path: entry.path().to_path_buf(),
        });
    }
}

fn is_symlink(p: &Path) -> bool {
    p.symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Reads one data file and returns its record nodes (a mapping is one record, a sequence many).
pub fn read_records(file: &DataFile, max_bytes: u64) -> Result<Vec<Node>, Box<Diagnostic>> {
    let rel = file.rel_path.as_path();
    let io_err = |e: std::io::Error| {
        let error = e.to_string();
        Diagnostic::error(rel, 0, Msg::CannotRead { error })
    };
    let size = std::fs::symlink_metadata(&file.abs_path)
        .map_err(io_err)?
        .len();
    if size > max_bytes {
        return Err(Diagnostic::error(
            rel,
            0,
            Msg::FileTooLarge {
                size,
                max: max_bytes,
            },
        )
        .into());
    }
    let bytes = std::fs::read(&file.abs_path).map_err(io_err)?;
    parse_records(rel, &bytes)
}

/// Parses the bytes of one data file into record nodes (a mapping is one record, a list many).
pub fn parse_records(rel: &Path, bytes: &[u8]) -> Result<Vec<Node>, Box<Diagnostic>> {
    let text = decode(bytes).map_err(|(line, msg)| Diagnostic::error(rel, line, msg))?;
    let root = yaml::parse_document(text)
        .map_err(|e| Diagnostic::error(rel, e.line, Msg::Yaml(e.message)).at_col(e.col))?;
    match root {
        None => Err(Diagnostic::warning(rel, 0, Msg::EmptyFile).into()),
        Some(node) => match node.kind {
            NodeKind::Map(_) => Ok(vec![node]),
            NodeKind::Seq(items) => Ok(items.into_vec()),
            NodeKind::Scalar { .. } => Err(Diagnostic::error(rel, node.line, Msg::SingleValue)
                .at_col(node.col)
                .into()),
        },
    }
}

/// Checks the bytes are UTF-8 text (a BOM is accepted) and returns the text.
fn decode(bytes: &[u8]) -> Result<&str, (usize, Msg)> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err((0, Msg::Utf16));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    // simdutf8 checks the (mostly non-ASCII) text several times faster than std; on failure
    // std's check gives the offset for the message.
    let text = simdutf8::basic::from_utf8(bytes)
        .or_else(|_| std::str::from_utf8(bytes))
        .map_err(|e| {
            let offset = e.valid_up_to();
            let line = 1 + bytes[..offset].iter().filter(|b| **b == b'\n').count();
            (line, Msg::InvalidUtf8 { offset })
        })?;
    // memchr's vectorised search: this scans every byte of every data file.
    if let Some(pos) = memchr::memchr(0, text.as_bytes()) {
        let line = 1 + text[..pos].matches('\n').count();
        return Err((line, Msg::NulByte { offset: pos }));
    }
    Ok(text)
}

/// The close candidate to suggest (`did you mean "x"?`), if there is one.
pub fn did_you_mean(word: &str, candidates: &[&str]) -> Option<String> {
    // Ties go to the first candidate in sort order, so the suggestion does not depend on the
    // order candidates come in (record ids come from a hash set).
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_rejects_non_utf8_with_offset() {
        let (line, msg) = decode(b"a: 1\nb: \xff\n").unwrap_err();
        assert_eq!(line, 2);
        assert_eq!(msg, Msg::InvalidUtf8 { offset: 8 });
        assert_eq!(decode(b"\xff\xfea\x00").unwrap_err().1, Msg::Utf16);
        assert_eq!(
            decode(b"a: \x00").unwrap_err().1,
            Msg::NulByte { offset: 3 }
        );
        assert_eq!(decode(b"\xef\xbb\xbfa: 1").unwrap(), "a: 1");
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("credit_cod", &["credit_code", "city"]).as_deref(),
            Some("credit_code")
        );
        assert_eq!(did_you_mean("zzz", &["credit_code"]), None);
        // Equally close candidates: the same suggestion whatever their order.
        let tied = ["lab-0000012", "lab-0000021", "lab-0000013", "lab-0000031"];
        let first = did_you_mean("lab-0000011", &tied);
        assert_eq!(first.as_deref(), Some("lab-0000012"));
        let mut reversed = tied;
        reversed.reverse();
        assert_eq!(did_you_mean("lab-0000011", &reversed), first);
    }
}
