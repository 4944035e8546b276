//! Scale benchmark: first times the disk yardstick (100,000 files of 6 KB from one
//! thread), then generates synthetic sites, builds them with the release binary and prints
//! per-stage time, peak memory, files and bytes, the ratio to the file system's floor measured
//! in the same run (two floors: the same files written from every core, and from one thread as
//! the anchor measures it), `check` time, the `serve` one-record rebuild latency, and
//! optionally the search benchmark (`bench/search.mjs`; with `--hugo` it also runs the queries through Pagefind).
//!
//! With `--hugo`, the same published records are also written as a Hugo site (hugo_site.rs,
//! templates in bench/hugo/layouts; not timed), built by Debian's `hugo` and indexed by Pagefind
//! (bench/package.json), each timed like gongshi, with the ratios. Pagefind runs under an
//! address-space cap (`--pagefind-mem-gb`, default 12) and only up to `--pagefind-max` records
//! (default 50,000): it ran out of 24 GB at 100,000 records in earlier measurements.
//!
//! cargo bench --bench scale -- [--records 10000,100000] [--million] [--search] [--work DIR]
//!     [--hugo [--pagefind-max N] [--pagefind-mem-gb G]] [--floor-of OUT] [--runs K]
//!     [--gongshi BIN]
//!
//! Up to 100,000 records the build and the floor each run `--runs` times (default 3), in turn,
//! and the ratio is of their medians: one run of either varies by 10% or more on this disk.

// In a folder of their own: cargo takes every file directly under benches/ for a benchmark.
#[path = "scale/compare.rs"]
mod compare;
#[path = "scale/hugo_site.rs"]
mod hugo_site;

use rayon::prelude::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const AS_OF: &str = "2025-06-30";
/// The binary timed: cargo's release build, or `--gongshi BIN` (e.g. the profile-optimised
/// one from scripts/pgo-build.sh).
static GONGSHI: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

fn gongshi() -> &'static Path {
    GONGSHI.get_or_init(|| PathBuf::from(env!("CARGO_BIN_EXE_gongshi")))
}

struct Options {
    records: Vec<u64>,
    search: bool,
    work: PathBuf,
    hugo: bool,
    pagefind_max: u64,
    pagefind_mem_gb: u64,
    /// Only measure the floor of this existing output, several times.
    floor_of: Option<PathBuf>,
    /// Builds and floors per size up to 100,000 records (one above: a million-record output
    /// takes 19 GB).
    runs: u64,
}

impl Options {
    fn runs_for(&self, n: u64) -> u64 {
        if n > 100_000 {
            1
        } else {
            self.runs.max(1)
        }
    }
}

fn options() -> Options {
    let mut opts = Options {
        records: vec![10_000, 100_000],
        search: false,
        work: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-scale"),
        hugo: false,
        pagefind_max: 50_000,
        pagefind_mem_gb: 12,
        floor_of: None,
        runs: 3,
    };
    let number = |v: Option<String>, what: &str| -> u64 {
        let v = v.unwrap_or_else(|| panic!("{what} needs a number"));
        v.replace('_', "").parse().expect(what)
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--records" => {
                let list = args.next().expect("--records 10000,100000");
                opts.records = list
                    .split(',')
                    .map(|n| n.trim().replace('_', "").parse().expect("a record count"))
                    .collect();
            }
            "--million" => opts.records.push(1_000_000),
            "--search" => opts.search = true,
            "--work" => opts.work = PathBuf::from(args.next().expect("--work DIR")),
            "--hugo" => opts.hugo = true,
            "--pagefind-max" => opts.pagefind_max = number(args.next(), "--pagefind-max"),
            "--pagefind-mem-gb" => opts.pagefind_mem_gb = number(args.next(), "--pagefind-mem-gb"),
            "--floor-of" => {
                opts.floor_of = Some(PathBuf::from(args.next().expect("--floor-of DIR")))
            }
            "--runs" => opts.runs = number(args.next(), "--runs"),
            "--gongshi" => {
                let bin = PathBuf::from(args.next().expect("--gongshi BIN"));
                let bin = std::fs::canonicalize(&bin)
                    .unwrap_or_else(|e| panic!("--gongshi {}: {e}", bin.display()));
                GONGSHI.set(bin).expect("--gongshi given once");
            }
            "--bench" => {}
            other => panic!("unknown option {other}"),
        }
    }
    opts
}

/// Wall time and the child's peak RSS (from wait4), with its stderr kept in a file.
struct Measured {
    seconds: f64,
    peak_rss: u64,
    /// The child's user and kernel CPU seconds.
    user: f64,
    sys: f64,
    ok: bool,
    /// The signal that ended the child, if one did (an abort after a failed allocation).
    signal: Option<i32>,
    stderr: String,
    /// What every CPU of the machine did meanwhile, the kernel's writeback threads included.
    machine: MachineCpu,
}

/// CPU seconds of the whole machine by kind, from /proc/stat: the child's own figures leave out
/// the kernel threads that write its pages back, and say nothing of cores left idle.
#[derive(Debug, Clone, Copy, Default)]
struct MachineCpu {
    user: f64,
    kernel: f64,
    idle: f64,
}

impl MachineCpu {
    fn now() -> MachineCpu {
        let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
        let ticks: Vec<f64> = stat
            .lines()
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .skip(1)
            .filter_map(|t| t.parse().ok())
            .collect();
        // SAFETY: sysconf only reads a constant.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
        let at = |i: usize| ticks.get(i).copied().unwrap_or(0.0) / hz;
        // user nice system idle iowait irq softirq steal
        MachineCpu {
            user: at(0) + at(1),
            kernel: at(2) + at(5) + at(6),
            idle: at(3) + at(4),
        }
    }

    fn since(self, earlier: MachineCpu) -> MachineCpu {
        MachineCpu {
            user: self.user - earlier.user,
            kernel: self.kernel - earlier.kernel,
            idle: self.idle - earlier.idle,
        }
    }

    fn describe(&self) -> String {
        format!(
            "machine {:.2} s user, {:.2} s kernel, {:.2} s idle",
            self.user, self.kernel, self.idle
        )
    }
}

// The child is reaped by wait4, which (unlike Child::wait) also returns its rusage.
#[allow(clippy::zombie_processes)]
fn measure(cmd: &mut Command, log: &Path) -> Measured {
    let file = std::fs::File::create(log).expect("log file");
    let machine = MachineCpu::now();
    let started = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(file)
        .spawn()
        .expect("spawn");
    let mut status = 0;
    // SAFETY: rusage is plain data filled in by the kernel; pid is our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert!(pid > 0, "wait4 failed");
    let seconds = started.elapsed().as_secs_f64();
    let machine = MachineCpu::now().since(machine);
    Measured {
        machine,
        seconds,
        peak_rss: usage.ru_maxrss as u64 * 1024,
        user: seconds_of(usage.ru_utime),
        sys: seconds_of(usage.ru_stime),
        ok: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        signal: libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status)),
        stderr: std::fs::read_to_string(log).unwrap_or_default(),
    }
}

fn seconds_of(t: libc::timeval) -> f64 {
    t.tv_sec as f64 + t.tv_usec as f64 / 1e6
}

/// This process's user and kernel CPU seconds so far.
fn own_cpu() -> (f64, f64) {
    // SAFETY: rusage is plain data filled in by the kernel.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    (seconds_of(usage.ru_utime), seconds_of(usage.ru_stime))
}

fn mb(bytes: u64) -> String {
    format!("{:.0} MB", bytes as f64 / 1048576.0)
}

fn remove(path: &Path) {
    if path.exists() {
        std::fs::remove_dir_all(path).expect("remove old bench output");
        *LAST_DELETE.lock().expect("lock") = Some(Instant::now());
    }
}

static LAST_DELETE: std::sync::Mutex<Option<Instant>> = std::sync::Mutex::new(None);

/// ext4 without a journal (as on this machine: /sys/fs/ext4/<dev>/journal_task is `<none>`)
/// skips every inode freed in the last 60 s when it allocates one, and in the last 360 s once
/// the inode's table block is dirty again (`recently_deleted` in fs/ext4/ialloc.c), which the
/// allocation itself makes it. After deleting a large tree, creating files costs up to six times
/// more kernel time for six minutes (measured: the floor at 100,000 records took 6.7 s of kernel
/// time on a settled disk and 30–60 s within minutes of a delete). So the bench deletes everything
/// it will write before it starts, waits that window out once, and deletes nothing else until
/// its timed steps are over: the build and the floor start from the same state.
const RECENTLY_DELETED: Duration = Duration::from_secs(361);

fn settle(work: &Path) {
    let in_this_run = LAST_DELETE
        .lock()
        .expect("lock")
        .take()
        .map(|d| d.elapsed());
    let since_last_bench = std::fs::metadata(deleted_mark(work))
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok());
    let Some(since) = in_this_run.into_iter().chain(since_last_bench).min() else {
        return;
    };
    let _ = Command::new("sync").status();
    if let Some(wait) = RECENTLY_DELETED.checked_sub(since) {
        println!(
            "(waiting {:.0} s for the file system to settle after deleting old output)",
            wait.as_secs_f64()
        );
        std::thread::sleep(wait);
    }
}

/// Touched when a bench deletes its outputs at the end, so that a bench started within six
/// minutes of it waits too.
fn deleted_mark(work: &Path) -> PathBuf {
    work.join("last-delete")
}

fn mark_deleted(work: &Path) {
    if LAST_DELETE.lock().expect("lock").is_some() {
        std::fs::write(deleted_mark(work), b"").expect("write the delete mark");
    }
}

/// Every directory a run for `n` records writes.
fn work_dirs(opts: &Options, n: u64) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = ["site", "out", "serve", "hugo-site", "hugo-out"]
        .iter()
        .map(|kind| opts.work.join(format!("{kind}-{n}")))
        .collect();
    dirs.extend(repeat_dirs(opts, n));
    dirs
}

/// Where build run `run` (from 1) writes: the first into `out-N`, which the later steps use.
fn build_dir(opts: &Options, n: u64, run: u64) -> PathBuf {
    if run == 1 {
        opts.work.join(format!("out-{n}"))
    } else {
        opts.work.join(format!("out-{n}-run{run}"))
    }
}

fn floor_dir(opts: &Options, n: u64, run: u64, writers: Writers) -> PathBuf {
    match writers {
        Writers::Pool => opts.work.join(format!("floor-{n}-run{run}")),
        Writers::One => opts.work.join(format!("floor1-{n}-run{run}")),
    }
}

/// The floors and the outputs of builds after the first: deleted once the bench is over.
fn repeat_dirs(opts: &Options, n: u64) -> Vec<PathBuf> {
    let runs = opts.runs_for(n);
    (1..=runs)
        .flat_map(|run| [Writers::Pool, Writers::One].map(|w| floor_dir(opts, n, run, w)))
        .chain((2..=runs).map(|run| build_dir(opts, n, run)))
        .collect()
}

fn main() {
    // `cargo test --all-targets` runs bench binaries too, without `--bench`: only `cargo bench`
    // should generate and build sites of 100,000 records.
    if !std::env::args().any(|a| a == "--bench") {
        println!("scale benchmark: run it with `cargo bench --bench scale`");
        return;
    }
    let opts = options();
    std::fs::create_dir_all(&opts.work).expect("work dir");
    if let Some(out) = &opts.floor_of {
        let floors: Vec<(PathBuf, Writers)> = (1..=3)
            .flat_map(|run| {
                [Writers::Pool, Writers::One].map(|w| {
                    let name = format!("floor-only-{run}-{}", w.threads());
                    (opts.work.join(name), w)
                })
            })
            .collect();
        floors.iter().for_each(|(f, _)| remove(f));
        settle(&opts.work);
        for (floor, writers) in &floors {
            let figures = file_system_floor(out, floor, *writers);
            println!("floor            {}", figures.describe());
        }
        floors.iter().for_each(|(f, _)| remove(f));
        mark_deleted(&opts.work);
        return;
    }
    if opts.hugo {
        compare::ensure_tools();
    }
    println!(
        "gongshi scale benchmark, {} cores, timing {}",
        rayon::current_num_threads(),
        gongshi().display()
    );
    let anchor = opts.work.join("anchor");
    remove(&anchor);
    for &n in &opts.records {
        work_dirs(&opts, n).iter().for_each(|d| remove(d));
    }
    settle(&opts.work);
    let figures = anchor_floor(&anchor);
    println!(
        "disk anchor     {}\n                (the issue set its targets on a disk that took about 7 s)",
        figures.describe_as(&format!(
            "{ANCHOR_FILES} files of {} KB",
            ANCHOR_FILE_BYTES / 1024
        ))
    );
    for &n in &opts.records {
        bench_one(&opts, n);
    }
    // Only now: a delete slows every file created in the next six minutes (see `settle`).
    remove(&anchor);
    for &n in &opts.records {
        repeat_dirs(&opts, n).iter().for_each(|d| remove(d));
    }
    mark_deleted(&opts.work);
}

fn bench_one(opts: &Options, n: u64) {
    let site = opts.work.join(format!("site-{n}"));
    let out = opts.work.join(format!("out-{n}"));
    let log = opts.work.join(format!("log-{n}.txt"));
    println!("\n== {n} records");
    // In-process: the generator is a development crate beside the product binary.
    let started = Instant::now();
    gongshi_generate::generate(&gongshi_generate::Options {
        records: n as usize,
        out: site.clone(),
        seed: 1,
    })
    .unwrap_or_else(|e| panic!("generate failed: {e}"));
    println!("generate        {:>8.2} s", started.elapsed().as_secs_f64());

    check_site(&site, &log);
    let runs = opts.runs_for(n);
    let (mut builds, mut floors, mut one_thread_floors) = timed_runs(opts, n, &site, &out, &log);
    let peak = builds.iter().map(peak_of).max().unwrap_or(0);
    builds.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    floors.sort_by(|a, b| a.seconds().total_cmp(&b.seconds()));
    one_thread_floors.sort_by(|a, b| a.seconds().total_cmp(&b.seconds()));
    let built = &builds[builds.len() / 2];
    let floor = &floors[floors.len() / 2];
    let one_thread = &one_thread_floors[one_thread_floors.len() / 2];
    for line in built.stderr.lines().filter(|l| l.starts_with("stage ")) {
        println!("  {line}");
    }
    let (files, bytes) = tree_size(&out);
    let median = if runs > 1 { "median of runs, " } else { "" };
    println!(
        "build           {:>8.2} s  {:>8} peak  {files} files  {}  ({median}cpu {:.2} s user, {:.2} s kernel; {})",
        built.seconds,
        mb(peak),
        mb(bytes),
        built.user,
        built.sys,
        built.machine.describe()
    );
    // Two floors: writers on every core, and one writer, as the issue's anchor ("100,000 files
    // of 6 KB from one thread") measures it. Neither is always the faster on this disk.
    for floor in [floor, one_thread] {
        println!(
            "floor           {}  build/floor = {:.2}",
            floor.describe(),
            built.seconds / floor.seconds()
        );
    }
    if serves(n) {
        let rebuild = serve_rebuild(&site, &opts.work.join(format!("serve-{n}")));
        println!("serve rebuild   {rebuild:>8.2} s  (one record edited until its page is served)");
    }
    if opts.search {
        // With --hugo, Pagefind also runs the same queries (where it fits, as for its indexing).
        let pagefind = opts.hugo && n <= opts.pagefind_max;
        run_search_bench(&out, &site.join("queries.json"), pagefind);
    }
    if opts.hugo {
        let render_seconds = built
            .stderr
            .lines()
            .find_map(|l| l.strip_prefix("stage render"))
            .and_then(|l| l.split_whitespace().next()?.parse().ok())
            .unwrap_or(f64::NAN);
        let gongshi = compare::Figures {
            seconds: built.seconds,
            peak_rss: peak,
            files,
            bytes,
        };
        compare::run(opts, n, &site, &out, &gongshi, render_seconds);
    }
}

/// `gongshi check` of the site, timed.
fn check_site(site: &Path, log: &Path) {
    let checked = measure(
        Command::new(gongshi())
            .args(["check", "--as-of", AS_OF])
            .arg("--site")
            .arg(site),
        log,
    );
    assert!(checked.ok, "check failed: {}", tail(&checked.stderr));
    println!(
        "check           {:>8.2} s  {:>8}",
        checked.seconds,
        mb(checked.peak_rss)
    );
}

/// Each run's build, then the file system's floors with writers on every core and with one.
/// Builds and floors take turns, so a drift of the disk's speed touches both alike.
fn timed_runs(
    opts: &Options,
    n: u64,
    site: &Path,
    out: &Path,
    log: &Path,
) -> (Vec<Measured>, Vec<Floor>, Vec<Floor>) {
    let runs = opts.runs_for(n);
    let mut builds = Vec::new();
    let mut floors = Vec::new();
    let mut one_thread_floors = Vec::new();
    for run in 1..=runs {
        let free_before = free_bytes(&opts.work);
        let built = measure(
            Command::new(gongshi())
                .args(["build", "--timings", "--as-of", AS_OF])
                .arg("--site")
                .arg(site)
                .arg("--out")
                .arg(build_dir(opts, n, run)),
            log,
        );
        assert!(built.ok, "build failed: {}", tail(&built.stderr));
        if run == 1 {
            let used = free_before.saturating_sub(free_bytes(&opts.work));
            check_space_for_runs(opts, n, runs, used);
        }
        let floor = file_system_floor(out, &floor_dir(opts, n, run, Writers::Pool), Writers::Pool);
        let one_thread =
            file_system_floor(out, &floor_dir(opts, n, run, Writers::One), Writers::One);
        if runs > 1 {
            println!(
                "run {run}: build {:>6.2} s (cpu {:.2} s user, {:.2} s kernel; {})\n       floor {}  this run's build/floor = {:.2}\n       floor {}  this run's build/floor = {:.2}",
                built.seconds,
                built.user,
                built.sys,
                built.machine.describe(),
                floor.describe(),
                built.seconds / floor.seconds(),
                one_thread.describe(),
                built.seconds / one_thread.seconds()
            );
        }
        builds.push(built);
        floors.push(floor);
        one_thread_floors.push(one_thread);
    }
    (builds, floors, one_thread_floors)
}

/// The bytes the file system holding `dir` has free for this user (delayed allocation counted:
/// ext4 reserves a file's blocks when it is written).
fn free_bytes(dir: &Path) -> u64 {
    let path = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()).expect("no NUL in path");
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is a NUL-terminated string and `stat` a statvfs the call fills.
    let rc = unsafe { libc::statvfs(path.as_ptr(), &mut stat) };
    assert_eq!(rc, 0, "statvfs {}", dir.display());
    stat.f_bavail * stat.f_frsize
}

/// Whether a size also times a one-record edit under `gongshi serve` (which builds the site once
/// more).
fn serves(n: u64) -> bool {
    n <= 20_000
}

/// Disk space the rest of a size's runs take, once run 1's build has taken `build_bytes`: its
/// two floors, then three trees of the same size per further run, all kept until the runs end,
/// and the serve step's own build.
fn space_for_remaining_runs(build_bytes: u64, runs: u64, serve: bool) -> u64 {
    build_bytes * (3 * runs - 1 + u64::from(serve))
}

/// Stops the bench before the disk fills halfway through its runs (it keeps every run's output
/// until the timed steps are over; see `settle`), saying what is needed.
fn check_space_for_runs(opts: &Options, n: u64, runs: u64, build_bytes: u64) {
    let needed = space_for_remaining_runs(build_bytes, runs, serves(n)) + build_bytes / 20;
    let free = free_bytes(&opts.work);
    if needed > free {
        eprintln!(
            "not enough disk space for {runs} runs at {n} records: the first build took {} on disk, \
             so its floors and the later runs need about {} more in {}, which has {} free. \
             Free some space, give --work a larger disk, or pass fewer --runs (what this run \
             wrote stays in the work folder until the next bench run deletes it).",
            mb(build_bytes),
            mb(needed),
            opts.work.display(),
            mb(free)
        );
        std::process::exit(2);
    }
}

/// A build's peak memory: the larger of wait4's figure and the stages' own peaks (the build
/// resets the kernel's high-water mark per stage for --timings, which also lowers wait4's).
fn peak_of(built: &Measured) -> u64 {
    let stage_peak_mb = built
        .stderr
        .lines()
        .filter(|l| l.starts_with("stage "))
        .filter_map(|l| l.trim_end().strip_suffix(" MB peak"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    built.peak_rss.max(stage_peak_mb << 20)
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

fn tree_size(root: &Path) -> (u64, u64) {
    walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .fold((0, 0), |(f, b), e| {
            (f + 1, b + e.metadata().map(|m| m.len()).unwrap_or(0))
        })
}

/// Who writes a floor's files: the rayon pool (one thread per core) or one thread.
#[derive(Debug, Clone, Copy)]
enum Writers {
    Pool,
    One,
}

impl Writers {
    fn threads(self) -> usize {
        match self {
            Writers::Pool => rayon::current_num_threads(),
            Writers::One => 1,
        }
    }
}

/// The floor's two phases: writing and the final sync, with the CPU they took.
struct Floor {
    threads: usize,
    write: f64,
    sync: f64,
    user: f64,
    sys: f64,
    machine: MachineCpu,
}

impl Floor {
    fn seconds(&self) -> f64 {
        self.write + self.sync
    }

    fn describe(&self) -> String {
        self.describe_as("same files and bytes")
    }

    fn describe_as(&self, what: &str) -> String {
        format!(
            "{:>8.2} s  ({what}, {}, no other work: write {:.2} s, sync {:.2} s; cpu {:.2} s user, {:.2} s kernel; {})",
            self.seconds(),
            match self.threads {
                1 => "1 thread".to_string(),
                n => format!("{n} threads"),
            },
            self.write,
            self.sync,
            self.user,
            self.sys,
            self.machine.describe()
        )
    }
}

/// Writes the same directories, files and byte counts as `out` into `floor` from `writers`,
/// then syncs as the build does: what the disk costs with no other work.
fn file_system_floor(out: &Path, floor: &Path, writers: Writers) -> Floor {
    let mut dirs = Vec::new();
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(out).into_iter().flatten() {
        let rel = entry
            .path()
            .strip_prefix(out)
            .expect("inside")
            .to_path_buf();
        if entry.file_type().is_dir() {
            dirs.push(rel);
        } else if entry.file_type().is_file() {
            files.push((rel, entry.metadata().map(|m| m.len()).unwrap_or(0) as usize));
        }
    }
    write_tree(floor, &dirs, &files, writers)
}

/// The issue's yardstick for the disk its targets were set on: "writing 100,000 files of 6 KB
/// from one thread takes about 7 s". Written once per bench, before any build, so that a reader
/// can tell whether the ratios come from a disk like that one: on a faster disk the build's CPU
/// weighs more against the floor, and its ratio rises.
const ANCHOR_FILES: usize = 100_000;
const ANCHOR_FILE_BYTES: usize = 6 * 1024;
/// The anchor's files go 1,000 to a folder, as a site's pages spread over folders.
const ANCHOR_FILES_PER_DIR: usize = 1_000;

fn anchor_floor(dir: &Path) -> Floor {
    let dirs: Vec<PathBuf> = (0..ANCHOR_FILES / ANCHOR_FILES_PER_DIR)
        .map(|d| PathBuf::from(format!("{d:03}")))
        .collect();
    let files: Vec<(PathBuf, usize)> = (0..ANCHOR_FILES)
        .map(|i| {
            let folder = &dirs[i / ANCHOR_FILES_PER_DIR];
            (folder.join(format!("{i}.html")), ANCHOR_FILE_BYTES)
        })
        .collect();
    write_tree(dir, &dirs, &files, Writers::One)
}

/// Creates `dirs` under `root`, writes each file with that many filler bytes from `writers`, and
/// flushes as the build does, timing the writing and the final sync apart.
fn write_tree(
    root: &Path,
    dirs: &[PathBuf],
    files: &[(PathBuf, usize)],
    writers: Writers,
) -> Floor {
    assert!(
        !root.exists(),
        "{} is left from an earlier run",
        root.display()
    );
    let filler = vec![b'x'; files.iter().map(|f| f.1).max().unwrap_or(0)];
    let (user0, sys0) = own_cpu();
    let machine = MachineCpu::now();
    let started = Instant::now();
    std::fs::create_dir_all(root).expect("floor root");
    for dir in dirs {
        std::fs::create_dir_all(root.join(dir)).expect("floor dir");
    }
    // The build's own flushing, so both sides put their files on disk the same way.
    let flush = gongshi::output::BackgroundFlush::start(root);
    let write_one = |(rel, size): &(PathBuf, usize)| {
        let mut file = std::fs::File::create(root.join(rel)).expect("floor file");
        file.write_all(&filler[..*size]).expect("floor write");
    };
    match writers {
        Writers::Pool => files.par_iter().for_each(write_one),
        Writers::One => files.iter().for_each(write_one),
    }
    let write = started.elapsed().as_secs_f64();
    match flush {
        Some(flush) => flush.finish(),
        None => gongshi::output::sync_tree(root),
    }
    let seconds = started.elapsed().as_secs_f64();
    let (user1, sys1) = own_cpu();
    let machine = MachineCpu::now().since(machine);
    Floor {
        machine,
        threads: writers.threads(),
        write,
        sync: seconds - write,
        user: user1 - user0,
        sys: sys1 - sys0,
    }
}

/// Starts `gongshi serve`, edits one record and times until the server returns its new page.
fn serve_rebuild(site: &Path, out: &Path) -> f64 {
    let port = 18_000 + (std::process::id() % 1000) as u16;
    let log_path = out.with_extension("log");
    let log = std::fs::File::create(&log_path).expect("serve log");
    let server = Command::new(gongshi())
        .args(["serve", "--as-of", AS_OF, "--port", &port.to_string()])
        .arg("--site")
        .arg(site)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("serve");
    let _server = KillOnDrop(server);
    let file = first_data_file(&site.join("data/labs"));
    let original = std::fs::read_to_string(&file).expect("data file");
    let (id, name) = first_record(&original);
    let page = format!("/labs/{id}/");
    wait_for(port, &page, &name, Duration::from_secs(600), &log_path);
    let marker = "基准测试更新";
    let edited = original.replacen(&name, &format!("{name}{marker}"), 1);
    assert!(edited.contains(marker), "edit applied");
    let started = Instant::now();
    std::fs::write(&file, edited).expect("edit");
    wait_for(port, &page, marker, Duration::from_secs(60), &log_path);
    let seconds = started.elapsed().as_secs_f64();
    std::fs::write(&file, original).expect("restore");
    seconds
}

/// Stops the preview server however the measurement ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn first_data_file(dir: &Path) -> PathBuf {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("labs folder")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files.into_iter().next().expect("a labs file")
}

fn first_record(yaml: &str) -> (String, String) {
    let value = |key: &str| {
        yaml.lines()
            .find_map(|l| l.trim_start_matches("- ").trim().strip_prefix(key))
            .map(|v| v.trim().trim_matches('"').to_string())
            .expect("key in the first record")
    };
    (value("id:"), value("name:"))
}

/// Polls until `path` shows `text`. `gongshi serve` keeps serving the last good build when one
/// fails (a full disk, say), so its log is watched too: a failed build ends the wait at once.
fn wait_for(port: u16, path: &str, text: &str, limit: Duration, serve_log: &Path) {
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Some(body) = http_get(port, path) {
            if body.contains(text) {
                return;
            }
        }
        let log = std::fs::read_to_string(serve_log).unwrap_or_default();
        assert!(
            !log.contains("build failed"),
            "gongshi serve's build failed:\n{}",
            tail(&log)
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("{path} never showed {text}");
}

fn http_get(port: u16, path: &str) -> Option<String> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut body = String::new();
    stream.read_to_string(&mut body).ok()?;
    Some(body)
}

fn run_search_bench(out: &Path, queries: &Path, pagefind: bool) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/search.mjs");
    let status = Command::new("node")
        .arg(script)
        .arg(out)
        .arg(queries)
        // Each query's median of three cold runs: Chromium's cold start on a small VM varies
        // by tens of milliseconds from one run to the next.
        .args(["--runs", "3"])
        .arg("--gongshi")
        .arg(gongshi())
        .args(pagefind.then_some("--pagefind"))
        .status()
        .expect("node bench/search.mjs (is node installed?)");
    assert!(status.success(), "search benchmark failed");
}
