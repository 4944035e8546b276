//! Live rebuilds: which pages need rendering again (see `crate::live`).

use std::collections::HashMap;
use std::hash::Hasher;
use std::sync::Mutex;

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
