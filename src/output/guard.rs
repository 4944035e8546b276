//! What `--out` may be. A build replaces its output folder whole and deletes the previous one,
//! so it may only replace a folder that is missing, empty, or marked as an earlier gongshi
//! output; and never one that is, contains or lies among the site's own sources, even when
//! empty (the next build would read its own output as records or templates).

use super::{io_at, OutputError};
use std::io;
use std::path::{Component, Path, PathBuf};

/// The file every output carries, so the next build knows the folder is its own to replace.
pub const OUTPUT_MARK: &str = ".gongshi-output";

/// What [`OUTPUT_MARK`] holds: the same bytes in every build (output is deterministic).
pub const OUTPUT_MARK_TEXT: &str = "This folder is the output of `gongshi build`. \
The next build replaces it whole: keep nothing else in it.\n";

/// Outputs written before [`OUTPUT_MARK`] existed carry their change-list manifest here.
const LEGACY_MARK: &str = "data/manifest.json";

/// Folders of the site the build reads (or git keeps): the output may not lie inside them.
const SOURCE_FOLDERS: [&str; 5] = ["data", "content", "themes", "calendar", ".git"];

/// Why a folder cannot be the output, with what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("it is the site folder itself; pick an output folder such as public/")]
    SiteItself,
    #[error(
        "it contains the site folder {}; pick an output folder such as public/ inside the site",
        .0.display()
    )]
    ContainsSite(PathBuf),
    #[error(
        "it lies inside the site's {0}/ folder, which the build reads; \
         pick an output folder such as public/"
    )]
    InsideSources(String),
    #[error("it is a file, not a folder; pick another path")]
    NotAFolder,
    #[error("it is a symbolic link to nothing; remove the link or pick another path")]
    DanglingLink,
    #[error(
        "it is a folder with files in it that gongshi did not write (it has no {OUTPUT_MARK} \
         mark of an earlier build); the build would delete them. Empty it or pick a new folder"
    )]
    NotAnOutput,
}

/// Checks that `out` may receive the build of the site at `site` and returns it resolved
/// (absolute, symbolic links and `..` followed). Writes nothing.
pub fn check(site: &Path, out: &Path) -> Result<PathBuf, OutputError> {
    let resolved = resolve(out)?;
    let refuse = |reason| OutputError::Refused {
        out: resolved.clone(),
        reason,
    };
    // A missing site is left to the configuration loader, which says so more clearly.
    if let Ok(site) = std::fs::canonicalize(site) {
        if resolved == site {
            return Err(refuse(Refusal::SiteItself));
        }
        if site.starts_with(&resolved) {
            return Err(refuse(Refusal::ContainsSite(site)));
        }
        if let Some(folder) = SOURCE_FOLDERS
            .iter()
            .find(|f| resolved.starts_with(site.join(f)))
        {
            return Err(refuse(Refusal::InsideSources(folder.to_string())));
        }
    }
    ensure_replaceable(&resolved)?;
    Ok(resolved)
}

/// Fails unless the resolved path `out` is missing, an empty folder or an earlier output.
pub fn ensure_replaceable(out: &Path) -> Result<(), OutputError> {
    let refuse = |reason| OutputError::Refused {
        out: out.to_path_buf(),
        reason,
    };
    let meta = match std::fs::symlink_metadata(out) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_at(out)(e)),
    };
    if meta.file_type().is_symlink() {
        // `resolve` follows every link that leads somewhere.
        return Err(refuse(Refusal::DanglingLink));
    }
    if !meta.is_dir() {
        return Err(refuse(Refusal::NotAFolder));
    }
    if is_empty_dir(out).map_err(io_at(out))? || is_earlier_output(out) {
        Ok(())
    } else {
        Err(refuse(Refusal::NotAnOutput))
    }
}

/// Whether `dir` (a folder, not a link) is one gongshi wrote: it carries the output mark, or
/// the manifest of an output written before the mark existed.
pub fn is_earlier_output(dir: &Path) -> bool {
    let mark = dir.join(OUTPUT_MARK);
    if std::fs::symlink_metadata(&mark).is_ok_and(|m| m.is_file()) {
        return true;
    }
    crate::manifest::read_manifest(&dir.join(LEGACY_MARK)).is_ok()
}

pub fn is_empty_dir(dir: &Path) -> io::Result<bool> {
    Ok(std::fs::read_dir(dir)?.next().is_none())
}

/// `path` made absolute with every symbolic link and `..` resolved, as far as it exists; the
/// missing rest is appended as written (it holds no links), `..` in it removing a name.
pub fn resolve(path: &Path) -> Result<PathBuf, OutputError> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        let cwd = std::env::current_dir().map_err(io_at(Path::new(".")))?;
        cwd.join(path)
    };
    let mut resolved = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved.push(component),
            Component::CurDir => {}
            // `resolved` has no links left, so its parent is the real one.
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                resolved.push(name);
                match std::fs::canonicalize(&resolved) {
                    Ok(real) => resolved = real,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io_at(&resolved)(e)),
                }
            }
        }
    }
    Ok(resolved)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn resolves_dots_and_links_of_existing_and_missing_parts() {
        let tmp = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(tmp.path()).unwrap();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::os::unix::fs::symlink(root.join("a/b"), root.join("link")).unwrap();
        assert_eq!(resolve(&root.join("a/./b/../b")).unwrap(), root.join("a/b"));
        assert_eq!(resolve(&root.join("link/..")).unwrap(), root.join("a"));
        assert_eq!(
            resolve(&root.join("link/new/../other")).unwrap(),
            root.join("a/b/other")
        );
    }

    #[test]
    fn a_manifest_of_another_program_is_no_mark() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("data")).unwrap();
        std::fs::write(tmp.path().join("data/manifest.json"), "{\"name\":\"x\"}").unwrap();
        assert!(!is_earlier_output(tmp.path()));
        assert!(matches!(
            ensure_replaceable(tmp.path()),
            Err(OutputError::Refused {
                reason: Refusal::NotAnOutput,
                ..
            })
        ));
        std::fs::write(tmp.path().join(OUTPUT_MARK), OUTPUT_MARK_TEXT).unwrap();
        assert!(ensure_replaceable(tmp.path()).is_ok());
    }

    #[test]
    fn a_folder_changed_during_the_build_is_kept_and_the_staging_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let staging = crate::output::Staging::new(&out).unwrap();
        staging.write("index.html", b"new").unwrap();
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("mine.txt"), "kept").unwrap();
        assert!(matches!(
            staging.commit(),
            Err(OutputError::Refused {
                reason: Refusal::NotAnOutput,
                ..
            })
        ));
        assert_eq!(
            std::fs::read_to_string(out.join("mine.txt")).unwrap(),
            "kept"
        );
        let names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "staging removed: {names:?}");
    }

    #[test]
    fn a_dangling_link_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let link = tmp.path().join("out");
        std::os::unix::fs::symlink(tmp.path().join("gone"), &link).unwrap();
        let resolved = resolve(&link).unwrap();
        assert!(matches!(
            ensure_replaceable(&resolved),
            Err(OutputError::Refused {
                reason: Refusal::DanglingLink,
                ..
            })
        ));
    }
}
