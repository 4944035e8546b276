//! A new bureau's first build: collections configured, no records yet. The site builds, its
//! search works and answers "no results" on both sides (the browser engine and `gongshi
//! search`), and the build is deterministic like any other.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const AS_OF: &str = "2024-04-15";

/// The `good` fixture with every record file removed: empty `data/<collection>/` folders.
fn empty_site(tmp: &Path) -> PathBuf {
    let site = tmp.join("site");
    copy_tree(&fixture("good"), &site);
    for entry in walkdir::WalkDir::new(site.join("data")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            std::fs::remove_file(entry.path()).unwrap();
        }
    }
    site
}

fn build_into(site: &Path, out: &Path) -> std::process::Output {
    gongshi_en(&[
        "build",
        "--site",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        AS_OF,
    ])
}

/// Runs `queries` through the browser search engine under Node (tests/js/parity.mjs).
fn browser_engine(out: &Path, queries: &[&str]) -> Vec<Value> {
    let node = Command::new("node").arg("--version").output();
    assert!(
        matches!(&node, Ok(o) if o.status.success()),
        "node is required for this test (install Node.js 18+ or run scripts/test-deps.sh)"
    );
    let input = serde_json::json!({
        "out": out,
        "queries": queries.iter().map(|q| serde_json::json!({"q": q})).collect::<Vec<_>>(),
    });
    let file = out.parent().unwrap().join("queries.json");
    std::fs::write(&file, serde_json::to_vec(&input).unwrap()).unwrap();
    let run = Command::new("node")
        .arg(repo_root().join("tests/js/parity.mjs"))
        .arg(&file)
        .stdin(Stdio::null())
        .output()
        .expect("run node");
    assert!(
        run.status.success(),
        "the browser engine failed on the empty index:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_slice(&run.stdout).expect("parity.mjs output")
}

#[test]
fn a_site_without_records_builds_and_searches() {
    let tmp = tempfile::tempdir().unwrap();
    let site = empty_site(tmp.path());
    let check = gongshi_en(&["check", "--site", site.to_str().unwrap(), "--as-of", AS_OF]);
    assert_eq!(check.status.code(), Some(0));

    let out = tmp.path().join("public");
    let run = build_into(&site, &out);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("0 records on notice"), "{stderr}");
    for page in ["index.html", "labs/index.html", "search/index.html"] {
        assert!(out.join(page).is_file(), "{page}");
    }
    let manifest: Value = serde_json::from_str(&read(&out, "search/manifest.json")).unwrap();
    assert_eq!(manifest["n"], 0);
    assert_eq!(manifest["collections"].as_array().map(Vec::len), Some(2));

    let cli = gongshi_en(&["search", "--out", out.to_str().unwrap(), "检测", "--json"]);
    assert_eq!(
        cli.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    let cli: Value = serde_json::from_slice(&cli.stdout).expect("search --json");
    assert_eq!(cli["total"], 0);
    assert_eq!(cli["hits"].as_array().map(Vec::len), Some(0));

    for answer in browser_engine(&out, &["检测", "91330201MA282UF146", "lab"]) {
        assert_eq!(answer["total"], 0, "{answer}");
        assert_eq!(answer["hits"].as_array().map(Vec::len), Some(0), "{answer}");
    }
}

#[test]
fn two_builds_of_an_empty_site_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let site = empty_site(tmp.path());
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert_eq!(build_into(&site, &a).status.code(), Some(0));
    assert_eq!(build_into(&site, &b).status.code(), Some(0));
    assert!(read_tree(&a) == read_tree(&b), "the two builds differ");
}
