//! All writing goes through [`Staging`]: files are written into a fresh directory beside `--out`
//! and swapped in only when the whole build succeeded, so a failed or killed build leaves the
//! previous output exactly as it was. Leftover staging directories of killed builds are removed
//! by the next build. Only a folder that is missing, empty or an earlier output is replaced
//! (see [`crate::out_guard`]); every staging directory carries the output mark from the start.

pub use crate::digest::{sha256_hex, sha256_hex_of_parts};

mod flush;
pub mod guard;
pub mod overlay;
mod stream;

pub use flush::{sync_tree, BackgroundFlush};
use stream::STREAM_BUFFER;
pub use stream::{StagedFile, WrittenFile};

use guard::{self as out_guard, OUTPUT_MARK, OUTPUT_MARK_TEXT};
use overlay::{content_hash, OutputIndex, Overlay};
use sha2::{Digest, Sha256};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("refusing to write outside the output directory: {0}")]
    UnsafePath(String),
    #[error("refusing to build into \"{}\": {reason}", .out.display())]
    Refused {
        out: PathBuf,
        reason: guard::Refusal,
    },
}

/// Wraps an I/O error with the path it happened at.
pub(crate) fn io_at(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

const STAGING_MARK: &str = ".gongshi-staging-";
const OLD_MARK: &str = ".gongshi-old-";

/// A directory being filled with the next build's output.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    files: AtomicU64,
    bytes: AtomicU64,
    /// A view writes into another staging directory and keeps its own counts; it can neither
    /// commit nor discard (see [`Staging::view`]).
    is_view: bool,
    /// Set for a live rebuild (see [`crate::live`]): the staging directory receives only what
    /// changed, and [`Staging::publish_changes`] moves it over the output in place.
    overlay: Option<Arc<Overlay>>,
    /// Puts written files on disk while the build is still computing (see [`BackgroundFlush`]).
    flush: Option<BackgroundFlush>,
}

impl Staging {
    /// Creates a fresh staging directory next to `out` (same file system, so the swap is a rename).
    pub fn new(out: &Path) -> Result<Self, OutputError> {
        Self::create(out, true)
    }

    /// Only a full build flushes as it writes: a live rebuild after the first writes a handful
    /// of files and publishes them without a flush.
    fn create(out: &Path, flush_as_written: bool) -> Result<Self, OutputError> {
        let out = out_guard::resolve(out)?;
        out_guard::ensure_replaceable(&out)?;
        let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
            // Only the root has neither, and it holds the site or the system.
            return Err(OutputError::Refused {
                out,
                reason: out_guard::Refusal::NotAnOutput,
            });
        };
        let parent = parent.to_path_buf();
        let name = name.to_string_lossy().to_string();
        std::fs::create_dir_all(&parent).map_err(io_at(&parent))?;
        clean_leftovers(&out);
        let dir = parent.join(format!(".{name}{STAGING_MARK}{}", std::process::id()));
        if std::fs::symlink_metadata(&dir).is_ok() {
            // This process's own name: left by an earlier build of a process with the same id.
            remove_if_ours(&dir);
        }
        std::fs::create_dir(&dir).map_err(io_at(&dir))?;
        // Marked before anything else, so a leftover of a killed build is known to be ours; a
        // live rebuild publishes it again over the same bytes.
        let mark = dir.join(OUTPUT_MARK);
        std::fs::write(&mark, OUTPUT_MARK_TEXT).map_err(io_at(&mark))?;
        let flush = flush_as_written
            .then(|| BackgroundFlush::start(&dir))
            .flatten();
        Ok(Staging {
            flush,
            dir,
            out,
            files: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            is_view: false,
            overlay: None,
        })
    }

    /// A staging directory for a live rebuild of `out`, which holds the files of `previous`.
    pub fn live(out: &Path, previous: OutputIndex) -> Result<Self, OutputError> {
        let first = previous.files.is_empty();
        let mut staging = Staging::create(out, first)?;
        staging.overlay = Some(Arc::new(Overlay::new(previous)));
        Ok(staging)
    }

    pub fn overlay(&self) -> Option<&Overlay> {
        self.overlay.as_deref()
    }

    /// A second handle on the same directory with its own file and byte counts, for a stage that
    /// runs beside others; fold its counts back with [`Staging::absorb`].
    pub fn view(&self) -> Staging {
        Staging {
            dir: self.dir.clone(),
            out: self.out.clone(),
            files: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            is_view: true,
            overlay: self.overlay.clone(),
            flush: None,
        }
    }

    /// Adds a view's counts to this staging's.
    pub fn absorb(&self, view: &Staging) {
        self.note_written(view.files_written(), view.bytes_written());
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` at `rel` (a '/'-separated path inside the output), creating folders.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.path_for(rel)?;
        if let Some(overlay) = &self.overlay {
            if overlay.unchanged(rel, content_hash(bytes)) {
                return Ok(());
            }
        }
        // The folder usually exists (pages' folders are made beforehand). Asking for it anyway
        // costs a failed mkdir, which takes the grandparent folder's lock: two threads writing
        // pages under `labs/` then spin on it, and that doubled the build's kernel time.
        let written = match std::fs::write(&path, bytes) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(io_at(parent))?;
                }
                std::fs::write(&path, bytes)
            }
            other => other,
        };
        written.map_err(io_at(&path))?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Opens `rel` for writing piece by piece: for files too large to hold whole (a dataset
    /// of hundreds of megabytes at a million records). Nothing is counted until
    /// [`StagedFile::finish`].
    pub fn stream(&self, rel: &str) -> Result<StagedFile<'_>, OutputError> {
        let path = self.path_for(rel)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_at(parent))?;
        }
        let file = std::fs::File::create(&path).map_err(io_at(&path))?;
        Ok(StagedFile {
            staging: self,
            rel: rel.to_string(),
            file: io::BufWriter::with_capacity(STREAM_BUFFER, file),
            path,
            sha256: Sha256::new(),
            len: 0,
        })
    }

    /// Creates a directory (and its parents) inside the staging directory.
    pub fn make_dir(&self, rel: &str) -> Result<(), OutputError> {
        if self.overlay.as_ref().is_some_and(|o| !o.is_first()) {
            // A live rebuild writes few files; `write` makes their folders.
            return Ok(());
        }
        let path = self.path_for(rel.trim_end_matches('/'))?;
        std::fs::create_dir_all(&path).map_err(io_at(&path))
    }

    /// Resolves `rel` inside the staging directory, refusing anything that could leave it.
    pub fn path_for(&self, rel: &str) -> Result<PathBuf, OutputError> {
        let rel_path = Path::new(rel);
        let safe = !rel.is_empty()
            && !rel.contains('\\')
            && rel_path
                .components()
                .all(|c| matches!(c, Component::Normal(_)));
        if !safe {
            return Err(OutputError::UnsafePath(rel.to_string()));
        }
        Ok(self.dir.join(rel_path))
    }

    /// A folder that a stage fills itself (the tantivy index): a live rebuild replaces it whole.
    pub fn whole_dir(&self, rel: &str) -> Result<PathBuf, OutputError> {
        let path = self.path_for(rel)?;
        if let Some(overlay) = &self.overlay {
            let mut whole = overlay.whole_dirs.lock().unwrap_or_else(|e| e.into_inner());
            whole.push(rel.to_string());
        }
        Ok(path)
    }

    /// Counts files that a stage wrote itself under [`Staging::path_for`] (e.g. a tantivy index).
    pub fn note_written(&self, files: u64, bytes: u64) {
        self.files.fetch_add(files, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    pub fn files_written(&self) -> u64 {
        self.files.load(Ordering::Relaxed)
    }

    pub fn bytes_written(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Makes the staged tree the output: an atomic exchange where the OS offers one. On failure
    /// the staged tree is removed and the previous output is left in place.
    pub fn commit(mut self) -> Result<(), OutputError> {
        if self.is_view {
            return Ok(());
        }
        match self.flush.take() {
            Some(flush) => flush.finish(),
            None => sync_tree(&self.dir),
        }
        let swapped = self.swap();
        if swapped.is_err() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
        swapped
    }

    fn swap(&self) -> Result<(), OutputError> {
        // Checked again: the folder may have changed while the build ran.
        out_guard::ensure_replaceable(&self.out)?;
        if std::fs::symlink_metadata(&self.out).is_err() {
            std::fs::rename(&self.dir, &self.out).map_err(io_at(&self.out))?;
            return Ok(());
        }
        if exchange(&self.dir, &self.out).is_ok() {
            // `self.dir` now holds the previous output.
            let _ = std::fs::remove_dir_all(&self.dir);
            return Ok(());
        }
        let parent = self.out.parent().unwrap_or(Path::new("/"));
        let name = self
            .out
            .file_name()
            .map_or("out".into(), |n| n.to_string_lossy().to_string());
        let old = parent.join(format!(".{name}{OLD_MARK}{}", std::process::id()));
        std::fs::rename(&self.out, &old).map_err(io_at(&old))?;
        if let Err(e) = std::fs::rename(&self.dir, &self.out) {
            let _ = std::fs::rename(&old, &self.out);
            return Err(io_at(&self.out)(e));
        }
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    }

    /// Live rebuild: moves what has been staged so far over the output, file by file (each
    /// rename is atomic, so the server never reads half a file). Before the first live build
    /// there is nothing to update in place: everything waits for [`Staging::finish_live`].
    pub fn publish_changes(&self) -> Result<(), OutputError> {
        let Some(overlay) = &self.overlay else {
            return Ok(());
        };
        if overlay.is_first() {
            return Ok(());
        }
        let whole = overlay
            .whole_dirs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        for rel in &whole {
            let staged = self.path_for(rel)?;
            if staged.is_dir() {
                let live = self.out.join(rel);
                let _ = std::fs::remove_dir_all(&live);
                if let Some(parent) = live.parent() {
                    std::fs::create_dir_all(parent).map_err(io_at(parent))?;
                }
                std::fs::rename(&staged, &live).map_err(io_at(&live))?;
            }
        }
        for entry in walkdir::WalkDir::new(&self.dir).sort_by_file_name() {
            let entry = entry.map_err(|e| OutputError::Io {
                path: self.dir.clone(),
                source: e.into(),
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(&self.dir).unwrap_or(entry.path());
            let live = self.out.join(rel);
            if let Some(parent) = live.parent() {
                std::fs::create_dir_all(parent).map_err(io_at(parent))?;
            }
            std::fs::rename(entry.path(), &live).map_err(io_at(&live))?;
        }
        Ok(())
    }

    /// Live rebuild: publishes the rest, deletes the files this build no longer has, and
    /// returns the index of the output for the next rebuild. The first live build has no
    /// output to update and is swapped in whole, as a full build is.
    pub fn finish_live(self) -> Result<OutputIndex, OutputError> {
        let Some(overlay) = self.overlay.clone() else {
            self.commit()?;
            return Ok(OutputIndex::default());
        };
        if overlay.is_first() {
            self.commit()?;
            return Ok(overlay.take_index());
        }
        self.publish_changes()?;
        for rel in overlay.vanished() {
            let _ = std::fs::remove_file(self.out.join(&rel));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        Ok(overlay.take_index())
    }

    /// Throws the staged files away (the build failed).
    pub fn discard(self) {
        if self.is_view {
            return;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Removes staging and old-output directories left by builds that were killed before they
/// finished: only folders (not links) named as ours that are empty or carry the output mark.
fn clean_leftovers(out: &Path) {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return;
    };
    let name = name.to_string_lossy();
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let entry_name = entry.file_name().to_string_lossy().to_string();
        let named_ours = [STAGING_MARK, OLD_MARK]
            .iter()
            .any(|mark| entry_name.starts_with(&format!(".{name}{mark}")));
        let pid = entry_name
            .rsplit('-')
            .next()
            .and_then(|p| p.parse::<u32>().ok());
        let alive = pid
            .is_some_and(|p| p != std::process::id() && Path::new(&format!("/proc/{p}")).exists());
        if named_ours && !alive {
            remove_if_ours(&entry.path());
        }
    }
}

/// Deletes `dir` if it is a folder gongshi wrote (empty, or marked as an output).
fn remove_if_ours(dir: &Path) {
    let is_folder = std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir());
    let ours = out_guard::is_empty_dir(dir).unwrap_or(false) || out_guard::is_earlier_output(dir);
    if is_folder && ours {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave_the_output() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = Staging::new(&tmp.path().join("public")).unwrap();
        for bad in ["../x", "/etc/passwd", "a/../../b", "a\\b", ""] {
            assert!(staging.write(bad, b"x").is_err(), "{bad}");
        }
        staging.write("a/b/index.html", b"ok").unwrap();
        staging.commit().unwrap();
        assert_eq!(
            std::fs::read(tmp.path().join("public/a/b/index.html")).unwrap(),
            b"ok"
        );
    }

    #[test]
    fn streamed_files_are_hashed_counted_and_kept_inside() {
        use std::io::Write;
        let tmp = tempfile::tempdir().unwrap();
        let staging = Staging::new(&tmp.path().join("public")).unwrap();
        assert!(staging.stream("../escape.csv").is_err());
        let mut file = staging.stream("data/big.csv").unwrap();
        for _ in 0..1000 {
            file.write_all(b"0123456789").unwrap();
        }
        let written = file.finish().unwrap();
        let whole = b"0123456789".repeat(1000);
        assert_eq!(written.len, 10_000);
        assert_eq!(written.sha256, sha256_hex(&whole));
        assert_eq!(
            sha256_hex_of_parts(&[&whole[..3], &whole[3..]]),
            written.sha256
        );
        assert_eq!(
            (staging.files_written(), staging.bytes_written()),
            (1, 10_000)
        );
        staging.commit().unwrap();
        assert_eq!(
            std::fs::read(tmp.path().join("public/data/big.csv")).unwrap(),
            whole
        );
    }

    #[test]
    fn a_live_rebuild_drops_a_streamed_file_that_did_not_change() {
        use std::io::Write;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let first = Staging::live(&out, OutputIndex::default()).unwrap();
        let mut file = first.stream("data/a.csv").unwrap();
        file.write_all(b"same").unwrap();
        file.finish().unwrap();
        let index = first.finish_live().unwrap();
        assert!(index.files.contains_key("data/a.csv"));

        let second = Staging::live(&out, index).unwrap();
        let mut file = second.stream("data/a.csv").unwrap();
        file.write_all(b"same").unwrap();
        let written = file.finish().unwrap();
        assert_eq!(written.sha256, sha256_hex(b"same"));
        assert_eq!(
            second.files_written(),
            0,
            "an unchanged file is not written again"
        );
        assert!(!second.dir().join("data/a.csv").exists());
        second.finish_live().unwrap();
        assert_eq!(std::fs::read(out.join("data/a.csv")).unwrap(), b"same");
    }

    #[test]
    fn commit_replaces_previous_output_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let first = Staging::new(&out).unwrap();
        first.write("old.html", b"1").unwrap();
        first.commit().unwrap();
        let second = Staging::new(&out).unwrap();
        second.write("new.html", b"2").unwrap();
        second.commit().unwrap();
        assert!(!out.join("old.html").exists());
        assert_eq!(std::fs::read(out.join("new.html")).unwrap(), b"2");
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    }
}
