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

#[cfg(test)]
mod tests {
    use super::*;

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
