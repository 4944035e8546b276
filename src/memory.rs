//! Resources per build stage, for `--timings` and the benchmark: peak resident memory and CPU
//! time. Linux keeps a high-water mark (VmHWM) that `/proc/self/clear_refs` can reset, so each
//! stage reports its own peak; elsewhere the figures are 0.

use std::sync::atomic::{AtomicU64, Ordering};

/// The process's CPU time (user and kernel, all threads) at the last [`take_cpu_seconds`].
static CPU_MICROS_SEEN: AtomicU64 = AtomicU64::new(0);

fn process_cpu_micros() -> u64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return 0;
    }
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    micros(usage.ru_utime) + micros(usage.ru_stime)
}

/// CPU seconds the process used since the last call (or since it started): divided by a
/// stage's wall time, how many cores the stage kept busy.
pub fn take_cpu_seconds() -> f64 {
    let now = process_cpu_micros();
    let before = CPU_MICROS_SEEN.swap(now, Ordering::Relaxed);
    now.saturating_sub(before) as f64 / 1e6
}

/// The peak resident set size in bytes since the last call, then starts a new measurement.
pub fn take_peak_rss() -> u64 {
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| parse_vm_hwm(&status))
        .unwrap_or(0);
    // Writing 5 resets the high-water mark to the current RSS (Linux 4.0+); failure only means
    // the next stage's figure includes this one's peak.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    peak
}

fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// `mi_option_purge_delay` and `mi_option_allow_thp` in mimalloc 2's include/mimalloc.h
/// (libmimalloc-sys names no constants for them); the test below checks them against their
/// defaults and their neighbours'.
///
/// mimalloc 2 rather than 3 (the crate's default): at 100,000 records on tmpfs, 16 alternating
/// builds, 0.09-0.13 s less user time (5.53-5.58 s against 5.66-5.67 s) for a peak 20 MB
/// higher (418 against 396 MB).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 37;

/// Tunes the allocator for a short-lived build that allocates and frees in waves (a page's
/// context, a dataset's rows).
///
/// By default mimalloc hands freed memory back to the OS after a delay (10 ms in mimalloc 2,
/// a second in mimalloc 3), and the next wave faults it in again: at 100,000 records that was
/// 1 s of kernel and 1.5 s of user time (mimalloc 3). A build keeps what it freed instead;
/// peak memory rises (233 → 440 MB at 100,000 records) and stays far under the limits.
///
/// mimalloc also asks for transparent huge pages on its arenas, so the first touch of each
/// 2 MB span zeroes all of it (and may compact memory to find one) even where little is used.
/// At 100,000 records, zeroing huge pages was 8% of a build's CPU samples on disk (with them
/// off, 1.6% of a system-wide profile's); written to tmpfs, where the disk does not blur it,
/// the build took 1.4-1.5 s of kernel time against 1.7-2.1 s, and its peak fell from 550 to
/// 500-520 MB. mimalloc reserves its first arena before `main`, so its own option comes too
/// late for that one; the process-wide switch covers every mapping.
///
/// Called first in `main` by every binary whose global allocator is mimalloc (the `gongshi`
/// binary and the search benchmark), so they allocate alike.
pub fn tune_allocator() {
    // SAFETY: sets two of mimalloc's runtime options, which it reads on each purge and map.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
        libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0);
    }
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and only sets a flag of this process.
    // Failing (an old kernel) only costs the zeroing, so the result is not checked.
    #[cfg(target_os = "linux")]
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allocator_options_are_the_ones_we_set() {
        // SAFETY: reads options.
        let get = |option| unsafe { libmimalloc_sys::mi_option_get(option) };
        // mimalloc 2's defaults: purge delay 10 ms between eager_commit_delay (1) and
        // use_numa_nodes (0); THP allowed (1), the last option, after generic_collect (10000).
        assert_eq!(
            [
                MI_OPTION_PURGE_DELAY - 1,
                MI_OPTION_PURGE_DELAY,
                MI_OPTION_PURGE_DELAY + 1
            ]
            .map(get),
            [1, 10, 0]
        );
        assert_eq!(
            [MI_OPTION_ALLOW_THP - 1, MI_OPTION_ALLOW_THP].map(get),
            [10_000, 1]
        );
        tune_allocator();
        assert_eq!(get(MI_OPTION_PURGE_DELAY), -1);
        assert_eq!(get(MI_OPTION_ALLOW_THP), 0);
        #[cfg(target_os = "linux")]
        {
            // SAFETY: PR_GET_THP_DISABLE takes no pointer and returns the flag.
            let thp_disabled = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
            assert_eq!(thp_disabled, 1);
        }
    }

    #[test]
    fn reads_the_high_water_mark_in_bytes() {
        let status = "Name:\tgongshi\nVmPeak:\t  900 kB\nVmHWM:\t    1234 kB\nVmRSS:\t 1000 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(1234 * 1024));
        assert_eq!(parse_vm_hwm("Name:\tx\n"), None);
    }

    #[test]
    fn cpu_time_counts_work_done_between_calls() {
        // The process-wide counter, not `take_cpu_seconds`, whose shared mark other tests'
        // builds move.
        // Spinning until 100 ms are counted, rather than for a fixed time: on a busy machine
        // 200 ms of wall time may be far less CPU time.
        let before = process_cpu_micros();
        let started = std::time::Instant::now();
        let mut x = 0u64;
        while process_cpu_micros() - before < 100_000 && started.elapsed().as_secs() < 20 {
            for _ in 0..10_000 {
                x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
            }
        }
        let used = process_cpu_micros() - before;
        assert!(used >= 100_000, "20 s of spinning counted as {used} µs");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_stage_that_allocates_reports_at_least_that_much() {
        take_peak_rss();
        let block = vec![1u8; 64 << 20];
        std::hint::black_box(&block);
        assert!(take_peak_rss() >= 64 << 20);
    }
}
