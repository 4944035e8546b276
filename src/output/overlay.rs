//! What a live rebuild (`gongshi serve`) knows of the output it updates in place: every file's
//! hash from the previous build, and the files this build wrote or kept (see `crate::live`).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

/// A fast, deterministic 64-bit hash of bytes (the content check of live rebuilds; a collision
/// would only leave a file unrewritten in a preview).
pub fn content_hash(bytes: &[u8]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// Every file of an output, by '/'-separated path, with the hash of its bytes.
#[derive(Debug, Default, Clone)]
pub struct OutputIndex {
    pub files: HashMap<String, u64>,
}

/// The files a live build wrote or kept, collected while it runs.
#[derive(Debug)]
pub struct Overlay {
    pub previous: OutputIndex,
    pub current: Mutex<HashMap<String, u64>>,
    /// Folders written whole by another library (the tantivy index): replaced as a unit.
    pub whole_dirs: Mutex<Vec<String>>,
}

impl Overlay {
    pub fn new(previous: OutputIndex) -> Self {
        Overlay {
            previous,
            current: Mutex::new(HashMap::new()),
            whole_dirs: Mutex::new(Vec::new()),
        }
    }

    /// Records `rel` with its new hash; true when the output already holds these bytes.
    pub fn unchanged(&self, rel: &str, hash: u64) -> bool {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        current.insert(rel.to_string(), hash);
        self.previous.files.get(rel) == Some(&hash)
    }

    /// Keeps `rel` as the previous build left it (its page was not rendered again).
    pub fn keep(&self, rel: &str) -> bool {
        let Some(&hash) = self.previous.files.get(rel) else {
            return false;
        };
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        current.insert(rel.to_string(), hash);
        true
    }

    pub fn is_first(&self) -> bool {
        self.previous.files.is_empty()
    }

    pub fn take_index(&self) -> OutputIndex {
        let current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        OutputIndex {
            files: current.clone(),
        }
    }

    /// Files the previous build had and this one did not write or keep.
    pub fn vanished(&self) -> Vec<String> {
        let current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        let whole = self.whole_dirs.lock().unwrap_or_else(|e| e.into_inner());
        let mut gone: Vec<String> = self
            .previous
            .files
            .keys()
            .filter(|rel| !current.contains_key(*rel))
            .filter(|rel| !whole.iter().any(|d| rel.starts_with(&format!("{d}/"))))
            .cloned()
            .collect();
        gone.sort();
        gone
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_reports_unchanged_kept_and_vanished_files() {
        let mut previous = OutputIndex::default();
        previous.files.insert("a.html".into(), content_hash(b"a"));
        previous.files.insert("b.html".into(), content_hash(b"b"));
        previous
            .files
            .insert("gone.html".into(), content_hash(b"g"));
        previous.files.insert("search/index/x".into(), 1);
        let overlay = Overlay::new(previous);
        overlay
            .whole_dirs
            .lock()
            .unwrap()
            .push("search/index".into());
        assert!(overlay.unchanged("a.html", content_hash(b"a")));
        assert!(!overlay.unchanged("b.html", content_hash(b"B")));
        assert!(!overlay.unchanged("new.html", content_hash(b"n")));
        assert!(overlay.keep("gone.html") && !overlay.keep("never.html"));
        assert_eq!(overlay.vanished(), Vec::<String>::new());
        let overlay = Overlay::new(overlay.take_index());
        overlay.unchanged("a.html", content_hash(b"a"));
        assert_eq!(overlay.vanished(), ["b.html", "gone.html", "new.html"]);
    }
}
