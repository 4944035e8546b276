//! `--hugo`: the same published records built by Hugo (pages only) and indexed by Pagefind,
//! timed like gongshi's build in the same run, then printed beside it with the ratios.

use super::{mb, measure, tree_size, Measured, Options, AS_OF};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One tool's wall time, peak memory and output.
pub struct Figures {
    pub seconds: f64,
    pub peak_rss: u64,
    pub files: u64,
    pub bytes: u64,
}

fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("bench")
}

/// Installs Hugo and Pagefind when missing (bench/deps.sh), or stops with what to run.
pub fn ensure_tools() {
    if hugo_version().is_none() || pagefind_binary().is_none() {
        let status = Command::new("bash")
            .arg(bench_dir().join("deps.sh"))
            .status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("bench/deps.sh could not install Hugo and Pagefind");
        }
    }
    let Some(version) = hugo_version() else {
        eprintln!("--hugo needs Hugo on PATH: run `sudo apt-get install -y hugo`");
        std::process::exit(2);
    };
    if pagefind_binary().is_none() {
        eprintln!("--hugo needs Pagefind: run `npm ci --prefix bench`");
        std::process::exit(2);
    }
    println!("comparing with {version}");
}

fn hugo_version() -> Option<String> {
    let out = Command::new("hugo").arg("version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The binary the npm package's `pagefind` command runs, called directly so that the memory
/// cap and wait4's peak apply to the indexer rather than to node.
fn pagefind_binary() -> Option<PathBuf> {
    let platforms = std::fs::read_dir(bench_dir().join("node_modules/@pagefind")).ok()?;
    platforms
        .flatten()
        .map(|p| p.path().join("bin/pagefind_extended"))
        .find(|p| p.is_file())
}

pub fn run(
    opts: &Options,
    n: u64,
    site: &Path,
    gongshi_out: &Path,
    gongshi: &Figures,
    render_seconds: f64,
) {
    let hugo_site = opts.work.join(format!("hugo-site-{n}"));
    let hugo_out = opts.work.join(format!("hugo-out-{n}"));
    let log = opts.work.join(format!("log-hugo-{n}.txt"));
    let started = std::time::Instant::now();
    let written = super::hugo_site::write(site, &hugo_site, AS_OF.parse().expect("as-of date"))
        .unwrap_or_else(|e| panic!("writing the Hugo site: {e:#}"));
    println!(
        "hugo content    {:>8.2} s  (not timed below: {} record pages, {} taken down)",
        started.elapsed().as_secs_f64(),
        written.records,
        written.taken_down
    );

    assert!(
        !hugo_out.exists(),
        "{} is left from an earlier run",
        hugo_out.display()
    );
    let built = measure(
        Command::new("hugo")
            .arg("--quiet")
            .arg("--source")
            .arg(&hugo_site)
            .arg("--destination")
            .arg(&hugo_out),
        &log,
    );
    assert!(built.ok, "hugo failed: {}", super::tail(&built.stderr));
    let hugo = figures(&built, &hugo_out);
    print_line("hugo", &hugo);

    // Hugo also writes `page/1/` of every paginated listing, a redirect to the listing itself.
    let redirects = walkdir::WalkDir::new(&hugo_out)
        .into_iter()
        .flatten()
        .filter(|e| e.path().ends_with("page/1/index.html"))
        .count();
    println!(
        "html pages      gongshi {}  hugo {} ({redirects} of them page/1/ redirects)",
        html_pages(gongshi_out),
        html_pages(&hugo_out)
    );

    let pagefind = if n > opts.pagefind_max {
        println!(
            "pagefind        skipped: {n} records > --pagefind-max {}",
            opts.pagefind_max
        );
        None
    } else {
        run_pagefind(opts, n, &hugo_out)
    };

    print_comparison(n, gongshi, &hugo, pagefind, render_seconds);
}

/// gongshi's figures against Hugo's, and against Hugo and Pagefind together.
fn print_comparison(
    n: u64,
    gongshi: &Figures,
    hugo: &Figures,
    pagefind: Option<Figures>,
    render_seconds: f64,
) {
    println!("-- {n} records: gongshi (pages+datasets+search) vs Hugo (pages) vs Hugo+Pagefind");
    print_line("gongshi", gongshi);
    print_line("hugo", hugo);
    println!(
        "  gongshi/hugo         wall {:.2}  peak {:.2}  (gongshi pages alone: {render_seconds:.2} s, {:.2} of hugo)",
        gongshi.seconds / hugo.seconds,
        gongshi.peak_rss as f64 / hugo.peak_rss as f64,
        render_seconds / hugo.seconds
    );
    if let Some(pf) = pagefind {
        let both = Figures {
            seconds: hugo.seconds + pf.seconds,
            peak_rss: hugo.peak_rss.max(pf.peak_rss),
            files: hugo.files + pf.files,
            bytes: hugo.bytes + pf.bytes,
        };
        print_line("pagefind", &pf);
        print_line("hugo+pagefind", &both);
        println!(
            "  gongshi/(hugo+pagefind)  wall {:.2}  peak {:.2}  files {:.2}  bytes {:.2}",
            gongshi.seconds / both.seconds,
            gongshi.peak_rss as f64 / both.peak_rss as f64,
            gongshi.files as f64 / both.files as f64,
            gongshi.bytes as f64 / both.bytes as f64
        );
    }
}

/// Indexes Hugo's output in place, under an address-space cap so that running out of memory
/// ends Pagefind, not the machine.
fn run_pagefind(opts: &Options, n: u64, hugo_out: &Path) -> Option<Figures> {
    let before = tree_size(hugo_out);
    let cap = opts.pagefind_mem_gb << 30;
    let mut cmd = Command::new(pagefind_binary().expect("checked at start"));
    cmd.arg("--site").arg(hugo_out);
    // SAFETY: setrlimit is async-signal-safe and touches only the child about to exec.
    unsafe {
        cmd.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: cap,
                rlim_max: cap,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    let run = measure(&mut cmd, &opts.work.join(format!("log-pagefind-{n}.txt")));
    if !run.ok {
        // A failed allocation aborts a Rust program; some callers of mmap crash instead.
        let oom = matches!(run.signal, Some(libc::SIGABRT | libc::SIGSEGV))
            || run.stderr.contains("memory allocation")
            || run.stderr.contains("out of memory");
        if oom {
            println!(
                "pagefind        out of memory at the {} GB cap after {:.2} s ({})",
                opts.pagefind_mem_gb,
                run.seconds,
                run.signal
                    .map_or("no signal".to_string(), |s| format!("signal {s}"))
            );
        } else {
            println!("pagefind        failed: {}", super::tail(&run.stderr));
        }
        return None;
    }
    let after = tree_size(hugo_out);
    Some(Figures {
        seconds: run.seconds,
        peak_rss: run.peak_rss,
        files: after.0 - before.0,
        bytes: after.1 - before.1,
    })
}

fn figures(run: &Measured, out: &Path) -> Figures {
    let (files, bytes) = tree_size(out);
    Figures {
        seconds: run.seconds,
        peak_rss: run.peak_rss,
        files,
        bytes,
    }
}

fn print_line(name: &str, f: &Figures) {
    println!(
        "{name:<15} {:>8.2} s  {:>8} peak  {} files  {}",
        f.seconds,
        mb(f.peak_rss),
        f.files,
        mb(f.bytes)
    );
}

fn html_pages(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .count()
}
