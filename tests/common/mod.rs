//! Helpers shared by the integration tests: fixture copies, builds, and reading output trees.
#![allow(dead_code)]

use chrono::NaiveDate;
use gongshi::pipeline::{self, BuildOptions, BuildSummary};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

/// Copies a directory tree (files only, no symlinks) into `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).expect("inside fixture");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Builds `site` into `out` at `as_of` with the library.
pub fn build(site: &Path, out: &Path, as_of: &str) -> Result<BuildSummary, pipeline::BuildError> {
    pipeline::build(&BuildOptions::new(site, out, date(as_of)))
}

/// Builds `site` into `out` at `as_of` with the real binary; panics with its messages if it fails.
pub fn build_with_binary(site: &Path, out: &Path, as_of: &str) {
    let run = Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args(["build", "--as-of", as_of, "--site"])
        .arg(site)
        .arg("--out")
        .arg(out)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run gongshi");
    assert!(
        run.status.success(),
        "build of {} failed:\n{}",
        site.display(),
        String::from_utf8_lossy(&run.stderr)
    );
}

/// A generated site of `records` records (`seed`) built with the real binary at `as_of`: the
/// temporary folder holding both, the site (with the generator's `queries.json`) and the output.
pub fn generated_build(
    records: usize,
    seed: u64,
    as_of: &str,
) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let site = dir.path().join("site");
    let out = dir.path().join("public");
    gongshi_generate::generate(&gongshi_generate::Options {
        records,
        out: site.clone(),
        seed,
    })
    .expect("generate");
    build_with_binary(&site, &out, as_of);
    (dir, site, out)
}

/// The generator's queries of the given kinds, from a generated site's `queries.json`.
pub fn generated_queries(site: &Path, kinds: &[&str]) -> Vec<String> {
    let text = std::fs::read_to_string(site.join("queries.json")).expect("queries.json");
    let all: Vec<serde_json::Value> = serde_json::from_str(&text).expect("queries json");
    all.iter()
        .filter(|x| kinds.iter().any(|k| x["kind"] == *k))
        .filter_map(|x| x["query"].as_str().map(str::to_string))
        .collect()
}

/// Every file of a tree, by '/'-separated relative path.
pub fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.expect("walk output");
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(root)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(rel, std::fs::read(entry.path()).expect("read output"));
        }
    }
    files
}

pub fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Runs the built `gongshi` binary.
/// Runs gongshi; its messages are in the site's language (Chinese for the zh-CN fixtures).
pub fn gongshi(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run gongshi")
}

/// Runs gongshi with `--lang en`, for tests that assert on English messages.
pub fn gongshi_en(args: &[&str]) -> std::process::Output {
    let mut with_lang = vec!["--lang", "en"];
    with_lang.extend_from_slice(args);
    gongshi(&with_lang)
}

/// All bytes of every output file, with zip containers (XLSX) expanded, for leak scans.
pub fn all_output_bytes(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (path, bytes) in read_tree(root) {
        if bytes.starts_with(b"PK\x03\x04") {
            let mut archive =
                zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).expect("zip container");
            for i in 0..archive.len() {
                let mut member = archive.by_index(i).expect("zip member");
                let name = format!("{path}!{}", member.name());
                let mut data = Vec::new();
                std::io::Read::read_to_end(&mut member, &mut data).expect("unzip");
                out.push((name, data));
            }
        }
        out.push((path, bytes));
    }
    out
}

pub fn contains(haystack: &[u8], needle: &str) -> bool {
    let needle = needle.as_bytes();
    haystack.windows(needle.len()).any(|w| w == needle)
}
pub mod search;
