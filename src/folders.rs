//! The collection folders' entries: each record page's folder (`<collection>/<id>/`) and each
//! record's JSON file (`<collection>/<id>.json`), made by a thread of their own ahead of the
//! pages that go into the folders.
//!
//! Creating entries of one folder from several threads at once makes the threads spin on that
//! folder's lock, and each creation mostly waits on the disk (ext4 reads the inode table block
//! of each new inode). Made in line on one thread, the record folders kept a core idle for
//! seconds at 100,000 records, and so did the record files at the end of the export. Made by
//! this thread while the listings are rendered, they overlap the pages' work; a full build
//! lets it finish the record files beside the export. One thread, not two: two threads (each in
//! its own collection folder) made a 100,000-record build 1-1.7 s slower, taking CPU from the pages.
//!
//! A record's file is its line of the collection's NDJSON dataset. When the export has written
//! that file by the time this thread reaches the collection's record files, which it usually has
//! on disk, the thread copies its lines instead of making every record's row and line again.

use crate::notice::{PublicRecord, PublishedSet};
use crate::output::{io_at, OutputError, Staging};
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};

/// Where the folder thread gets each published record's JSON file.
pub trait RecordFileSource: Sync {
    /// The file of record `r` of collection `ci`, made from the record.
    fn bytes(&self, ci: usize, r: &PublicRecord) -> Vec<u8>;

    /// A finished file whose lines (each with its newline) are collection `ci`'s record files,
    /// in the collection's order, when there is one yet.
    fn lines_file(&self, ci: usize) -> Option<PathBuf>;
}

/// How far the folder thread has come, shared with the threads that render pages.
#[derive(Default)]
pub struct Folders {
    progress: Mutex<Progress>,
    advanced: Condvar,
    /// Set when the pages failed: the folders are no longer needed.
    abandoned: AtomicBool,
}

#[derive(Default)]
struct Progress {
    /// Collections whose folders all exist, counted from the first.
    collections_ready: usize,
    /// The folder thread has stopped: collections not ready by then never will be.
    stopped: bool,
}

/// Marks the folder thread stopped when it leaves [`Folders::make_all`] in any way.
struct StopOnDrop<'f>(&'f Folders);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.announce(|p| p.stopped = true);
    }
}

impl Folders {
    /// Makes every collection's entries: first the folders of every published and taken-down
    /// record, collection by collection in the site's order, announcing each collection as its
    /// folders exist; then a JSON file for every published record, copied from its
    /// collection's lines file when `records` has one by then, else made by `records`.
    pub fn make_all(
        &self,
        set: &PublishedSet,
        staging: &Staging,
        records: &dyn RecordFileSource,
    ) -> Result<(), OutputError> {
        // However this ends (done, failed, abandoned or panicking), waiters are released.
        let _stopped = StopOnDrop(self);
        let collections = || set.collections.iter().map(|pc| (&pc.def, pc));
        for (c, pc) in collections() {
            let ids = pc
                .records
                .iter()
                .map(|r| &r.record.id)
                .chain(pc.taken_down.iter().map(|t| &t.id));
            for id in ids {
                if self.abandoned.load(Ordering::Relaxed) {
                    return Ok(());
                }
                staging.make_dir(&format!("{}/{id}", c.key))?;
            }
            self.announce(|p| p.collections_ready += 1);
        }
        for (ci, (c, pc)) in collections().enumerate() {
            let mut lines = match records.lines_file(ci) {
                Some(path) => Some(LinesFile::open(path)?),
                None => None,
            };
            for r in &pc.records {
                if self.abandoned.load(Ordering::Relaxed) {
                    return Ok(());
                }
                let path = format!("{}/{}.json", c.key, r.record.id);
                match lines.as_mut() {
                    Some(lines) => staging.write(&path, lines.next_line(&path)?)?,
                    None => staging.write(&path, &records.bytes(ci, r))?,
                }
            }
        }
        Ok(())
    }

    /// Waits until collection `ci`'s folders exist; `Err` when making them failed (the folder
    /// thread reports why).
    pub fn wait_for(&self, ci: usize) -> Result<(), FoldersFailed> {
        let progress = self.progress.lock().unwrap_or_else(|e| e.into_inner());
        let progress = self
            .advanced
            .wait_while(progress, |p| p.collections_ready <= ci && !p.stopped)
            .unwrap_or_else(|e| e.into_inner());
        if progress.collections_ready > ci {
            Ok(())
        } else {
            Err(FoldersFailed)
        }
    }

    /// Tells the folder thread to stop: the pages failed.
    pub fn abandon(&self) {
        self.abandoned.store(true, Ordering::Relaxed);
    }

    fn announce(&self, change: impl FnOnce(&mut Progress)) {
        let mut progress = self.progress.lock().unwrap_or_else(|e| e.into_inner());
        change(&mut progress);
        self.advanced.notify_all();
    }
}

/// A collection's lines file, read one record file at a time.
struct LinesFile {
    path: PathBuf,
    reader: BufReader<File>,
    line: Vec<u8>,
}

impl LinesFile {
    fn open(path: PathBuf) -> Result<Self, OutputError> {
        let file = File::open(&path).map_err(io_at(&path))?;
        Ok(LinesFile {
            reader: BufReader::with_capacity(1 << 16, file),
            path,
            line: Vec::new(),
        })
    }

    /// The next line with its newline: the file of the record at `rel`.
    fn next_line(&mut self, rel: &str) -> Result<&[u8], OutputError> {
        self.line.clear();
        self.reader
            .read_until(b'\n', &mut self.line)
            .map_err(io_at(&self.path))?;
        if self.line.last() != Some(&b'\n') {
            let missing = io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("no line left for {rel}"),
            );
            return Err(io_at(&self.path)(missing));
        }
        Ok(&self.line)
    }
}

/// Making the entries failed; [`Folders::make_all`]'s error says why.
#[derive(Debug)]
pub struct FoldersFailed;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SiteConfig;
    use std::path::Path;
    use std::sync::Arc;
    use std::time::Duration;

    fn good_site() -> (SiteConfig, PublishedSet) {
        let as_of = chrono::NaiveDate::from_ymd_opt(2025, 6, 30).expect("date");
        let checked = crate::pipeline::check(
            Path::new("tests/fixtures/good"),
            as_of,
            crate::load::DEFAULT_MAX_FILE_BYTES,
        )
        .unwrap_or_else(|_| panic!("the good fixture checks"));
        let set = crate::notice::publish(&checked.config, checked.dataset, as_of);
        (checked.config, set)
    }

    /// Makes each record file as "<collection index> <id>"; collection 0 may have a lines file.
    struct Source {
        lines_of_first: Option<PathBuf>,
    }

    impl RecordFileSource for Source {
        fn bytes(&self, ci: usize, r: &PublicRecord) -> Vec<u8> {
            format!("{ci} {}", r.record.id).into_bytes()
        }

        fn lines_file(&self, ci: usize) -> Option<PathBuf> {
            self.lines_of_first.clone().filter(|_| ci == 0)
        }
    }

    const MADE: Source = Source {
        lines_of_first: None,
    };

    #[test]
    fn makes_every_record_folder_and_each_published_record_file() {
        let (_config, set) = good_site();
        let dir = tempfile::tempdir().expect("tempdir");
        let staging = Staging::new(&dir.path().join("out")).expect("staging");
        let folders = Folders::default();
        let file = |ci: usize, r: &PublicRecord| MADE.bytes(ci, r);
        folders.make_all(&set, &staging, &MADE).expect("made");
        let mut files = 0;
        for (ci, pc) in set.collections.iter().enumerate() {
            let c = &pc.def;
            assert!(folders.wait_for(ci).is_ok());
            for r in &pc.records {
                let id = &r.record.id;
                assert!(staging.dir().join(format!("{}/{id}", c.key)).is_dir());
                let json = std::fs::read(staging.dir().join(format!("{}/{id}.json", c.key)));
                assert_eq!(json.expect("record file"), file(ci, r));
                files += 1;
            }
            for t in &pc.taken_down {
                assert!(staging.dir().join(format!("{}/{}", c.key, t.id)).is_dir());
                assert!(!staging
                    .dir()
                    .join(format!("{}/{}.json", c.key, t.id))
                    .exists());
            }
        }
        assert!(set.collections.iter().any(|pc| !pc.taken_down.is_empty()));
        assert_eq!(staging.files_written(), files);
        staging.discard();
    }

    #[test]
    fn a_folder_that_cannot_be_made_fails_and_releases_the_waiters() {
        let (config, set) = good_site();
        let dir = tempfile::tempdir().expect("tempdir");
        let staging = Staging::new(&dir.path().join("out")).expect("staging");
        // A file where the second collection's folder belongs.
        let second = &config.collections[1].key;
        std::fs::write(staging.dir().join(second), b"in the way").expect("blocker");
        let folders = Folders::default();
        let made = folders.make_all(&set, &staging, &MADE);
        let message = made
            .expect_err("cannot make folders under a file")
            .to_string();
        assert!(message.contains(second.as_str()), "{message}");
        assert!(folders.wait_for(0).is_ok());
        assert!(folders.wait_for(1).is_err());
        staging.discard();
    }

    #[test]
    fn record_files_are_copied_from_a_lines_file_line_by_line() {
        let (config, set) = good_site();
        let dir = tempfile::tempdir().expect("tempdir");
        let first = &set.collections[0].records;
        assert!(first.len() > 1);
        let lines: Vec<String> = (0..first.len())
            .map(|i| format!("{{\"n\":{i}}}\n"))
            .collect();
        let lines_path = dir.path().join("first.ndjson");
        std::fs::write(&lines_path, lines.concat()).expect("lines file");
        let source = Source {
            lines_of_first: Some(lines_path.clone()),
        };
        let staging = Staging::new(&dir.path().join("out")).expect("staging");
        Folders::default()
            .make_all(&set, &staging, &source)
            .expect("made");
        let read = |ci: usize, id: &crate::domain::RecordId| {
            let key = &config.collections[ci].key;
            std::fs::read(staging.dir().join(format!("{key}/{id}.json"))).expect("record file")
        };
        for (r, line) in first.iter().zip(&lines) {
            assert_eq!(read(0, &r.record.id), line.as_bytes());
        }
        for r in &set.collections[1].records {
            assert_eq!(read(1, &r.record.id), source.bytes(1, r));
        }
        staging.discard();

        // One line short: the record left without one is named, and the file.
        std::fs::write(&lines_path, lines[1..].concat()).expect("lines file");
        let staging = Staging::new(&dir.path().join("out")).expect("staging");
        let message = Folders::default()
            .make_all(&set, &staging, &source)
            .expect_err("a line is missing")
            .to_string();
        let last = &first[first.len() - 1].record.id;
        assert!(message.contains("first.ndjson"), "{message}");
        assert!(message.contains(&format!("{last}.json")), "{message}");
        staging.discard();
    }

    #[test]
    fn waiting_returns_only_once_the_collection_is_announced() {
        let folders = Arc::new(Folders::default());
        let waiter = {
            let folders = Arc::clone(&folders);
            std::thread::spawn(move || folders.wait_for(1).is_ok())
        };
        folders.announce(|p| p.collections_ready += 1);
        std::thread::sleep(Duration::from_millis(50));
        assert!(!waiter.is_finished(), "collection 1 is not ready yet");
        folders.announce(|p| p.collections_ready += 1);
        assert!(waiter.join().expect("waiter"));
        assert!(folders.wait_for(0).is_ok());
    }

    #[test]
    fn a_failure_releases_every_waiter_with_an_error() {
        let folders = Arc::new(Folders::default());
        let waiters: Vec<_> = (0..3)
            .map(|ci| {
                let folders = Arc::clone(&folders);
                std::thread::spawn(move || folders.wait_for(ci).is_err())
            })
            .collect();
        folders.announce(|p| p.collections_ready += 1);
        folders.announce(|p| p.stopped = true);
        let failed: Vec<bool> = waiters.into_iter().map(|w| w.join().expect("w")).collect();
        assert_eq!(failed, [false, true, true]);
    }
}
