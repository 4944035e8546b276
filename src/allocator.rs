//! The binary's allocator: mimalloc, tuned for a short-lived build. Not part of the library, so
//! code that links gongshi keeps its own allocator; the search benchmark includes this file.

// Rendering allocates many short strings on every thread; mimalloc keeps that off the profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` and `mi_option_allow_thp` in mimalloc 2's include/mimalloc.h
/// (libmimalloc-sys names no constants for them); the test below checks them against their
/// defaults and their neighbours'. mimalloc 2 rather than 3: less user time for a slightly
/// higher peak.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 37;

/// Tunes the allocator for a short-lived build that allocates and frees in waves (a page's
/// context, a dataset's rows).
///
/// By default mimalloc hands freed memory back to the OS after a delay and the next wave
/// faults it in again; a build keeps what it freed instead, for a higher peak that stays far
/// under the limits. Transparent huge pages are off: the first touch of each 2 MB span would
/// zero all of it even where little is used. mimalloc reserves its first arena before `main`,
/// so its own option comes too late for that one; the process-wide switch covers every
/// mapping.
///
/// Called first in `main` by every binary that includes this file (the `gongshi` binary and
/// the search benchmark), so they allocate alike.
pub fn tune() {
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
        tune();
        assert_eq!(get(MI_OPTION_PURGE_DELAY), -1);
        assert_eq!(get(MI_OPTION_ALLOW_THP), 0);
        #[cfg(target_os = "linux")]
        {
            // SAFETY: PR_GET_THP_DISABLE takes no pointer and returns the flag.
            let thp_disabled = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
            assert_eq!(thp_disabled, 1);
        }
    }
}
