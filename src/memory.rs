//! Peak resident memory per build stage, for `--timings` and the benchmark. Linux keeps a
//! high-water mark (VmHWM) that `/proc/self/clear_refs` can reset, so each stage reports its own
//! peak; elsewhere the figures are 0.

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

    #[cfg(target_os = "linux")]
    #[test]
    fn a_stage_that_allocates_reports_at_least_that_much() {
        take_peak_rss();
        let block = vec![1u8; 64 << 20];
        std::hint::black_box(&block);
        assert!(take_peak_rss() >= 64 << 20);
    }
}
