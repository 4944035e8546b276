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

/// Each page's context hash from the previous live build. A page is rendered again only when
/// its hash changed: the hash covers the template, the page's own context and everything every
/// page shares (site settings, strings, navigation counts, the theme's sources).
#[derive(Debug, Default)]
pub struct PageMemo {
    previous: HashMap<String, u64>,
    current: Mutex<HashMap<String, u64>>,
    /// Pages this build rendered (their hash was new), for the summary and tests.
    rendered: std::sync::atomic::AtomicU64,
}

impl PageMemo {
    /// Records the page's hash; true when the previous build rendered the same context.
    pub fn unchanged(&self, path: &str, hash: u64) -> bool {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        current.insert(path.to_string(), hash);
        let same = self.previous.get(path) == Some(&hash);
        if !same {
            self.rendered
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        same
    }

    /// Starts counting the pages of a new build.
    pub fn start_build(&self) {
        self.rendered.store(0, std::sync::atomic::Ordering::Relaxed);
    }

    /// How many pages the last build rendered.
    pub fn rendered(&self) -> u64 {
        self.rendered.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Makes this build's hashes the ones the next build compares against.
    pub fn advance(&mut self) {
        let current = std::mem::take(self.current.get_mut().unwrap_or_else(|e| e.into_inner()));
        self.previous = current;
    }

    /// After a failed build: the next one compares against the last good build again.
    pub fn reset_current(&mut self) {
        self.current
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// What `gongshi serve` keeps between rebuilds.
#[derive(Debug, Default)]
pub struct LiveState {
    pub output: OutputIndex,
    pub pages: PageMemo,
}

/// A hasher fed through `std::io::Write`, to hash serialised contexts without building strings.
pub struct HashWriter(pub std::collections::hash_map::DefaultHasher);

impl HashWriter {
    pub fn new() -> Self {
        HashWriter(std::collections::hash_map::DefaultHasher::new())
    }
}

impl Default for HashWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
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

    #[test]
    fn memo_compares_with_the_last_good_build() {
        let mut memo = PageMemo::default();
        assert!(!memo.unchanged("x/", 1));
        memo.advance();
        assert!(memo.unchanged("x/", 1));
        assert!(!memo.unchanged("x/", 2));
        memo.reset_current();
        assert!(memo.unchanged("x/", 1));
    }
}
