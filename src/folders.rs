//! The collection folders' entries: each record page's folder (`<collection>/<id>/`) and each
//! record's JSON file (`<collection>/<id>.json`), made by threads of their own ahead of the
//! pages that go into the folders.
//!
//! Creating entries of one folder from several threads at once makes the threads spin on that
//! folder's lock, and each creation mostly waits on the disk (ext4 reads the inode table block
//! of each new inode). Made in line on one thread, the record folders kept a core idle for
//! seconds at 100,000 records, and so did the record files at the end of the export. Made by
//! these threads, one collection folder per thread at a time, while the listings are rendered,
//! they overlap the pages' work.

use crate::config::SiteConfig;
use crate::notice::{PublicRecord, PublishedSet};
use crate::output::{OutputError, Staging};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};

/// The contents of a record's JSON file: its collection's index and the record.
pub type RecordFile<'a> = dyn Fn(usize, &PublicRecord) -> Vec<u8> + Sync + 'a;

/// Threads making entries. Two threads keep a collection's pages from waiting on its folders
/// while another collection's are made: each creation mostly waits on the disk, and the two
/// threads wait at once. They never work in the same collection folder (see above).
pub const FOLDER_THREADS: usize = 2;

/// A piece of work in one collection folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Task {
    /// The folders of every published and taken-down record of a collection.
    RecordFolders(usize),
    /// The JSON file of every published record of a collection.
    RecordFiles(usize),
}

impl Task {
    fn collection(self) -> usize {
        match self {
            Task::RecordFolders(ci) | Task::RecordFiles(ci) => ci,
        }
    }
}

/// How far the folder threads have come, shared with the threads that render pages.
pub struct Folders {
    progress: Mutex<Progress>,
    advanced: Condvar,
    /// Set when the pages or a folder thread failed: the rest is no longer needed.
    abandoned: AtomicBool,
}

struct Progress {
    /// Tasks not yet taken, in the order the pages need them: every collection's folders,
    /// then the record files, which nothing waits for.
    waiting: Vec<Task>,
    /// Per collection: a thread is making entries in its folder.
    busy: Vec<bool>,
    /// Per collection: all its record folders exist.
    ready: Vec<bool>,
    /// Folder threads that have not stopped yet.
    running: usize,
    /// A folder thread failed: collections not ready by then never will be.
    failed: bool,
}

impl Progress {
    fn stopped(&self) -> bool {
        self.failed || self.running == 0
    }
}

/// Marks a folder thread stopped when it leaves [`Folders::make_entries`] in any way.
struct StopOnDrop<'f> {
    folders: &'f Folders,
    succeeded: bool,
}

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        let succeeded = self.succeeded;
        if !succeeded {
            self.folders.abandon();
        }
        self.folders.announce(|p| {
            p.running -= 1;
            p.failed |= !succeeded;
        });
    }
}

impl Folders {
    /// Work for `threads` calls of [`Folders::make_entries`] over `collections` collections.
    pub fn new(collections: usize, threads: usize) -> Folders {
        let waiting = (0..collections)
            .map(Task::RecordFolders)
            .chain((0..collections).map(Task::RecordFiles))
            .collect();
        Folders {
            progress: Mutex::new(Progress {
                waiting,
                busy: vec![false; collections],
                ready: vec![false; collections],
                running: threads,
                failed: false,
            }),
            advanced: Condvar::new(),
            abandoned: AtomicBool::new(false),
        }
    }

    /// One folder thread's work: takes tasks until none is left, each the first waiting one
    /// in a collection folder no other thread is in. Record folders are announced per
    /// collection once they all exist; the record files are `record_file`'s bytes.
    pub fn make_entries(
        &self,
        config: &SiteConfig,
        set: &PublishedSet,
        staging: &Staging,
        record_file: &RecordFile,
    ) -> Result<(), OutputError> {
        // However this ends (done, failed, abandoned or panicking), waiters are released.
        let mut stop = StopOnDrop {
            folders: self,
            succeeded: false,
        };
        while let Some(task) = self.take() {
            let ci = task.collection();
            let (c, pc) = (&config.collections[ci], &set.collections[ci]);
            match task {
                Task::RecordFolders(_) => {
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
                }
                Task::RecordFiles(_) => {
                    for r in &pc.records {
                        if self.abandoned.load(Ordering::Relaxed) {
                            return Ok(());
                        }
                        let path = format!("{}/{}.json", c.key, r.record.id);
                        staging.write(&path, &record_file(ci, r))?;
                    }
                }
            }
            self.announce(|p| {
                p.busy[ci] = false;
                if let Task::RecordFolders(_) = task {
                    p.ready[ci] = true;
                }
            });
        }
        stop.succeeded = true;
        Ok(())
    }

    /// The next task for a folder thread, marking its collection busy; `None` once every
    /// task is taken or the work is abandoned.
    fn take(&self) -> Option<Task> {
        let mut progress = self.progress.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if progress.waiting.is_empty() || self.abandoned.load(Ordering::Relaxed) {
                return None;
            }
            let free = progress
                .waiting
                .iter()
                .position(|t| !progress.busy[t.collection()]);
            if let Some(i) = free {
                let task = progress.waiting.remove(i);
                progress.busy[task.collection()] = true;
                return Some(task);
            }
            progress = self
                .advanced
                .wait(progress)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Waits until collection `ci`'s folders exist; `Err` when making them failed (the folder
    /// thread reports why).
    pub fn wait_for(&self, ci: usize) -> Result<(), FoldersFailed> {
        let progress = self.progress.lock().unwrap_or_else(|e| e.into_inner());
        let progress = self
            .advanced
            .wait_while(progress, |p| !p.ready[ci] && !p.stopped())
            .unwrap_or_else(|e| e.into_inner());
        if progress.ready[ci] {
            Ok(())
        } else {
            Err(FoldersFailed)
        }
    }

    /// Tells the folder threads to stop: the pages failed.
    pub fn abandon(&self) {
        self.abandoned.store(true, Ordering::Relaxed);
        // A thread waiting for a busy collection looks again.
        self.announce(|_| {});
    }

    fn announce(&self, change: impl FnOnce(&mut Progress)) {
        let mut progress = self.progress.lock().unwrap_or_else(|e| e.into_inner());
        change(&mut progress);
        self.advanced.notify_all();
    }
}

/// Making the entries failed; [`Folders::make_entries`]'s error says why.
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

    #[test]
    fn makes_every_record_folder_and_each_published_record_file() {
        let (config, set) = good_site();
        let dir = tempfile::tempdir().expect("tempdir");
        let staging = Staging::new(&dir.path().join("out")).expect("staging");
        let folders = Folders::new(config.collections.len(), FOLDER_THREADS);
        let file = |ci: usize, r: &PublicRecord| format!("{ci} {}", r.record.id).into_bytes();
        std::thread::scope(|scope| {
            let threads: Vec<_> = (0..FOLDER_THREADS)
                .map(|_| scope.spawn(|| folders.make_entries(&config, &set, &staging, &file)))
                .collect();
            for thread in threads {
                thread.join().expect("no panic").expect("made");
            }
        });
        let mut files = 0;
        for (ci, (c, pc)) in config.collections.iter().zip(&set.collections).enumerate() {
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
        let folders = Folders::new(config.collections.len(), 1);
        let made = folders.make_entries(&config, &set, &staging, &|_, _| Vec::new());
        let message = made
            .expect_err("cannot make folders under a file")
            .to_string();
        assert!(message.contains(second.as_str()), "{message}");
        assert!(folders.wait_for(0).is_ok());
        assert!(folders.wait_for(1).is_err());
        staging.discard();
    }

    #[test]
    fn waiting_returns_only_once_the_collection_is_announced() {
        let folders = Arc::new(Folders::new(2, 1));
        let waiter = {
            let folders = Arc::clone(&folders);
            std::thread::spawn(move || folders.wait_for(1).is_ok())
        };
        folders.announce(|p| p.ready[0] = true);
        std::thread::sleep(Duration::from_millis(50));
        assert!(!waiter.is_finished(), "collection 1 is not ready yet");
        folders.announce(|p| p.ready[1] = true);
        assert!(waiter.join().expect("waiter"));
        assert!(folders.wait_for(0).is_ok());
    }

    #[test]
    fn a_failure_releases_every_waiter_with_an_error() {
        let folders = Arc::new(Folders::new(3, 2));
        let waiters: Vec<_> = (0..3)
            .map(|ci| {
                let folders = Arc::clone(&folders);
                std::thread::spawn(move || folders.wait_for(ci).is_err())
            })
            .collect();
        folders.announce(|p| p.ready[0] = true);
        // One of two threads failing is enough.
        drop(StopOnDrop {
            folders: &folders,
            succeeded: false,
        });
        let failed: Vec<bool> = waiters.into_iter().map(|w| w.join().expect("w")).collect();
        assert_eq!(failed, [false, true, true]);
    }

    #[test]
    fn threads_take_tasks_in_order_never_two_in_one_collection_folder() {
        let folders = Arc::new(Folders::new(2, 2));
        assert_eq!(folders.take(), Some(Task::RecordFolders(0)));
        assert_eq!(folders.take(), Some(Task::RecordFolders(1)));
        // Collection 0's folders are done; its record files come next.
        folders.announce(|p| p.busy[0] = false);
        assert_eq!(folders.take(), Some(Task::RecordFiles(0)));
        // Both collection folders are busy: the last task waits for collection 1's.
        let taker = {
            let folders = Arc::clone(&folders);
            std::thread::spawn(move || folders.take())
        };
        std::thread::sleep(Duration::from_millis(50));
        assert!(!taker.is_finished(), "collection 1's folder is busy");
        folders.announce(|p| p.busy[1] = false);
        assert_eq!(taker.join().expect("taker"), Some(Task::RecordFiles(1)));
        assert_eq!(folders.take(), None);
    }

    #[test]
    fn abandoning_releases_a_thread_waiting_for_a_task() {
        let folders = Arc::new(Folders::new(1, 2));
        assert_eq!(folders.take(), Some(Task::RecordFolders(0)));
        let taker = {
            let folders = Arc::clone(&folders);
            std::thread::spawn(move || folders.take())
        };
        std::thread::sleep(Duration::from_millis(50));
        assert!(!taker.is_finished(), "collection 0's folder is busy");
        folders.abandon();
        assert_eq!(taker.join().expect("taker"), None);
    }
}
