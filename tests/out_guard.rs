//! `--out` may only name a folder the build is free to replace: missing, empty, or an earlier
//! gongshi output. Everything else is refused before anything is written, with exit code 2 and
//! a reason; the site, its git folder and untracked files survive. Runs the real binary from
//! inside the site, as a person would.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const AS_OF: &str = "2024-04-15";

/// A site in `<tmp>/site` with a git folder and an untracked file the build must not touch.
fn site_with_history(tmp: &Path) -> PathBuf {
    let site = tmp.join("site");
    copy_tree(&fixture("good"), &site);
    std::fs::create_dir_all(site.join(".git/refs")).unwrap();
    std::fs::write(site.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(site.join("notes-untracked.txt"), "keep me\n").unwrap();
    site
}

/// Runs `gongshi build --out <out>` from inside `site` (the default `--site .`).
fn build_from(site: &Path, out: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args(["--lang", "en", "build", "--as-of", AS_OF, "--out", out])
        .current_dir(site)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run gongshi")
}

/// Every file under `root`, dot folders included, and the names directly in it.
fn snapshot(root: &Path) -> (BTreeMap<String, Vec<u8>>, Vec<String>) {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    (read_tree(root), names)
}

fn assert_refused(run: &Output, reason: &str) {
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("refusing to build into") && stderr.contains(reason),
        "expected the reason \"{reason}\": {stderr}"
    );
}

#[test]
fn the_site_folder_its_parent_and_its_data_are_refused_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_history(tmp.path());
    let absolute = std::fs::canonicalize(&site).unwrap();
    let cases = [
        (".", "it is the site folder itself"),
        (absolute.to_str().unwrap(), "it is the site folder itself"),
        ("./data/..", "it is the site folder itself"),
        ("..", "it contains the site folder"),
        ("data", "inside the site's data/ folder"),
        ("data/labs", "inside the site's data/ folder"),
        ("content", "inside the site's content/ folder"),
        (".git", "inside the site's .git/ folder"),
    ];
    let (site_before, _) = snapshot(&site);
    let (_, parent_before) = snapshot(tmp.path());
    assert!(site_before.contains_key(".git/HEAD"));
    for (out, reason) in cases {
        let run = build_from(&site, out);
        assert_refused(&run, reason);
        assert!(
            String::from_utf8_lossy(&run.stderr).contains("public/"),
            "{out}: the error says what to do instead"
        );
        let (site_after, _) = snapshot(&site);
        assert!(
            site_after == site_before,
            "--out {out} changed the site: {:?}",
            site_after.keys().collect::<Vec<_>>()
        );
        assert_eq!(
            snapshot(tmp.path()).1,
            parent_before,
            "--out {out} left something beside the site"
        );
    }
}

#[test]
fn a_folder_with_files_gongshi_did_not_write_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_history(tmp.path());
    let mine = tmp.path().join("mine");
    std::fs::create_dir_all(mine.join("photos")).unwrap();
    std::fs::write(mine.join("photos/a.jpg"), "jpeg").unwrap();
    let run = build_from(&site, mine.to_str().unwrap());
    assert_refused(&run, "gongshi did not write");
    assert!(String::from_utf8_lossy(&run.stderr).contains("Empty it or pick a new folder"));
    assert_eq!(read(&mine, "photos/a.jpg"), "jpeg");
    let names = snapshot(tmp.path()).1;
    assert_eq!(names, ["mine", "site"], "no staging folder left");

    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    assert_refused(
        &build_from(&site, file.to_str().unwrap()),
        "it is a file, not a folder",
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn a_link_to_the_site_is_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_history(tmp.path());
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&site, &link).unwrap();
    let (before, _) = snapshot(&site);
    assert_refused(
        &build_from(&site, link.to_str().unwrap()),
        "it is the site folder itself",
    );
    assert!(snapshot(&site).0 == before);
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
}

#[test]
fn new_empty_and_earlier_output_folders_are_built_into() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_history(tmp.path());
    // The normal case: a new folder inside the site, then built again over itself.
    for _ in 0..2 {
        let run = build_from(&site, "public");
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    let public = site.join("public");
    assert!(public.join("index.html").is_file());
    assert!(public.join(".gongshi-output").is_file(), "output is marked");
    assert_eq!(read(&site, "notes-untracked.txt"), "keep me\n");
    assert!(site.join(".git/HEAD").is_file());

    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let run = build_from(&site, empty.to_str().unwrap());
    assert_eq!(run.status.code(), Some(0));
    assert!(empty.join("index.html").is_file());

    // An output written before the mark existed is known by its manifest.
    std::fs::remove_file(public.join(".gongshi-output")).unwrap();
    std::fs::write(public.join("stale.html"), "old").unwrap();
    let run = build_from(&site, "public");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!public.join("stale.html").exists());
    assert!(public.join(".gongshi-output").is_file());
    let names = snapshot(&site).1;
    assert!(
        !names.iter().any(|n| n.contains("gongshi-")),
        "no staging leftovers: {names:?}"
    );
}

#[test]
fn leftover_cleanup_deletes_only_what_gongshi_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_history(tmp.path());
    // Named like leftovers of a killed build (a process id that cannot be running).
    let foreign = site.join(".public.gongshi-staging-4000000000");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("thesis.docx"), "years of work").unwrap();
    let ours = site.join(".public.gongshi-old-4000000001");
    std::fs::create_dir(&ours).unwrap();
    std::fs::write(ours.join(".gongshi-output"), "").unwrap();
    std::fs::write(ours.join("index.html"), "old").unwrap();
    let run = build_from(&site, "public");
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(
        read(&foreign, "thesis.docx"),
        "years of work",
        "a folder without the mark is not ours"
    );
    assert!(!ours.exists(), "a marked leftover is removed");
}

#[test]
fn serve_refuses_the_site_folder_too() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_history(tmp.path());
    let (before, _) = snapshot(&site);
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args([
            "--lang", "en", "serve", "--as-of", AS_OF, "--port", "0", "--out", ".",
        ])
        .current_dir(&site)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gongshi serve");
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve kept running with --out set to the site");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("it is the site folder itself"), "{stderr}");
    assert!(snapshot(&site).0 == before, "serve changed the site");
}
