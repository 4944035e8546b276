//! Times the search stage (`gongshi::search::write`) alone, on a site loaded the way the build
//! loads it, so that changes to indexing and export can be measured without writing whole sites.
//!
//! `cargo run --release --example search_bench -- SITE [--as-of YYYY-MM-DD] [--runs N]
//! [--scratch DIR] [--keep DIR]`
//!
//! Each run writes into a fresh staging directory under `--scratch` (default: /dev/shm, so the
//! disk stays free for others' benchmarks) and prints its wall time and the process's user and
//! kernel CPU over the stage. Output is deleted after each run, except the last run's with
//! `--keep DIR` (moved there, for diffing two versions' output).

use anyhow::{bail, Context as _};
use chrono::NaiveDate;
use gongshi::output::Staging;
use std::path::PathBuf;
use std::time::Instant;

// The `gongshi` binary's allocator and its tuning, so allocation costs are the build's.
#[path = "../src/allocator.rs"]
mod allocator;

/// (user, system) CPU seconds of the whole process so far.
fn cpu() -> (f64, f64) {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut u);
        u
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (secs(usage.ru_utime), secs(usage.ru_stime))
}

fn main() -> anyhow::Result<()> {
    allocator::tune();
    let mut args = std::env::args().skip(1);
    let mut site = None;
    let mut as_of = NaiveDate::from_ymd_opt(2025, 6, 30).context("date")?;
    let mut runs = 1usize;
    let mut scratch = PathBuf::from("/dev/shm");
    let mut keep: Option<PathBuf> = None;
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--as-of" => as_of = value()?.parse()?,
            "--runs" => runs = value()?.parse()?,
            "--scratch" => scratch = value()?.into(),
            "--keep" => keep = Some(value()?.into()),
            _ if site.is_none() => site = Some(PathBuf::from(&arg)),
            _ => bail!("unexpected argument {arg}"),
        }
    }
    let site = site.context("usage: search_bench SITE [--as-of D] [--runs N] [--keep DIR]")?;

    let checked =
        match gongshi::pipeline::check(&site, as_of, gongshi::load::DEFAULT_MAX_FILE_BYTES) {
            Ok(c) => c,
            Err(diags) => bail!(
                "site does not load:\n{}",
                diags
                    .iter()
                    .map(|d| d.human(gongshi::messages::Lang::En))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        };
    let mut config = checked.config;
    if !config.site.base_url.ends_with('/') {
        config.site.base_url.push('/');
    }
    let set = gongshi::notice::publish(&config, checked.dataset, as_of);

    let out = scratch.join(format!("search-bench-{}", std::process::id()));
    for run in 0..runs {
        let staging = Staging::new(&out)?;
        let (user0, sys0) = cpu();
        let wall = Instant::now();
        let stats = gongshi::search::write(&config, &set, &staging)?;
        let wall = wall.elapsed().as_secs_f64();
        let (user1, sys1) = cpu();
        println!(
            "run {run}: wall {wall:.3} s, user {:.3} s, sys {:.3} s ({} records, {} terms, {} files)",
            user1 - user0,
            sys1 - sys0,
            stats.records,
            stats.terms,
            stats.shards,
        );
        match &keep {
            Some(dir) if run + 1 == runs => {
                if dir.exists() {
                    std::fs::remove_dir_all(dir)?;
                }
                std::fs::rename(staging.dir(), dir)?;
            }
            _ => staging.discard(),
        }
    }
    Ok(())
}
