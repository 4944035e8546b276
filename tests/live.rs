//! Live rebuilds (`gongshi serve`): the output updated in place must be exactly what a full
//! build of the same site writes, while unchanged pages are neither rendered nor written.

mod common;
use common::*;
use gongshi::live::LiveState;
use gongshi::pipeline::{self, BuildOptions, BuildSummary};
use std::path::Path;

const AS_OF: &str = "2025-06-30";

fn live(site: &Path, out: &Path, state: &mut LiveState) -> (BuildSummary, f64) {
    let mut ready_at = f64::NAN;
    let mut ready = |s: f64| ready_at = s;
    let summary = pipeline::build_live(
        &BuildOptions::new(site, out, date(AS_OF)),
        pipeline::Live {
            state,
            pages_ready: &mut ready,
        },
    )
    .expect("live build");
    (summary, ready_at)
}

/// A full build into a copy of `before` (so it reads the same earlier manifest).
fn full_build_over(
    site: &Path,
    before: &Path,
    dir: &Path,
) -> std::collections::BTreeMap<String, Vec<u8>> {
    copy_tree(before, dir);
    build(site, dir, AS_OF).expect("full build");
    read_tree(dir)
}

fn assert_same_tree(live_out: &Path, reference: &std::collections::BTreeMap<String, Vec<u8>>) {
    let got = read_tree(live_out);
    let missing: Vec<&String> = reference.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<&String> = got.keys().filter(|k| !reference.contains_key(*k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}, extra {extra:?}"
    );
    let differing: Vec<&String> = reference
        .keys()
        .filter(|k| got[*k] != reference[*k])
        .collect();
    assert!(
        differing.is_empty(),
        "files differ from a full build: {differing:?}"
    );
}

#[test]
fn live_rebuilds_match_full_builds_and_skip_unchanged_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("good"), &site);
    let out = tmp.path().join("out");
    let mut state = LiveState::default();

    let (first, _) = live(&site, &out, &mut state);
    let pages_total = first.rendered_pages.expect("live summary");
    assert!(pages_total > 10, "first live build renders every page");
    let reference = tmp.path().join("ref-1");
    build(&site, &reference, AS_OF).expect("full build");
    assert_same_tree(&out, &read_tree(&reference));

    // Nothing changed: nothing rendered, nothing written. (The rebuild before compares the
    // records with the first build, which had no earlier manifest: its change list differs.)
    live(&site, &out, &mut state);
    let (again, _) = live(&site, &out, &mut state);
    assert_eq!(again.rendered_pages, Some(0));
    // Only the tantivy index is rewritten whole (it is one library's folder, replaced as such).
    let index_files = std::fs::read_dir(out.join(gongshi::search::INDEX_DIR))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_type().unwrap().is_file())
        .count() as u64;
    assert!(again.files <= index_files, "{} files written", again.files);

    // One record renamed: few pages rendered, pages served before the rest, output exact.
    let before = tmp.path().join("before-edit");
    copy_tree(&out, &before);
    let labs = site.join("data/labs/labs.yaml");
    let yaml = std::fs::read_to_string(&labs).unwrap();
    std::fs::write(
        &labs,
        yaml.replace("西安甲检测有限公司", "西安甲检测技术有限公司"),
    )
    .unwrap();
    let (edited, ready_at) = live(&site, &out, &mut state);
    let rendered = edited.rendered_pages.unwrap();
    assert!(
        rendered > 0 && rendered < pages_total / 2,
        "{rendered} of {pages_total}"
    );
    assert!(
        ready_at.is_finite(),
        "pages were published before the datasets"
    );
    let page = std::fs::read_to_string(out.join("labs/xa-alpha/index.html")).unwrap();
    assert!(page.contains("西安甲检测技术有限公司"));
    assert_same_tree(
        &out,
        &full_build_over(&site, &before, &tmp.path().join("ref-2")),
    );

    // One record removed: its page and dataset file go away.
    let before = tmp.path().join("before-removal");
    copy_tree(&out, &before);
    let yaml = std::fs::read_to_string(&labs).unwrap();
    let start = yaml.find("- id: xa-gamma").unwrap();
    let end = yaml[start + 1..]
        .find("\n- id:")
        .map_or(yaml.len(), |i| start + 2 + i);
    std::fs::write(&labs, format!("{}{}", &yaml[..start], &yaml[end..])).unwrap();
    live(&site, &out, &mut state);
    assert!(!out.join("labs/xa-gamma/index.html").exists());
    assert_same_tree(
        &out,
        &full_build_over(&site, &before, &tmp.path().join("ref-3")),
    );
}

#[test]
fn a_failed_live_rebuild_keeps_the_output_and_the_next_one_recovers() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("good"), &site);
    let out = tmp.path().join("out");
    let mut state = LiveState::default();
    live(&site, &out, &mut state);
    let good = read_tree(&out);

    let labs = site.join("data/labs/labs.yaml");
    let yaml = std::fs::read_to_string(&labs).unwrap();
    std::fs::write(
        &labs,
        yaml.replace("credit_code: 91330201MA282UF146", "credit_code: nonsense"),
    )
    .unwrap();
    let mut ready = |_: f64| panic!("no pages may be published by an invalid site");
    let failed = pipeline::build_live(
        &BuildOptions::new(&site, &out, date(AS_OF)),
        pipeline::Live {
            state: &mut state,
            pages_ready: &mut ready,
        },
    );
    assert!(failed.is_err());
    assert_same_tree(&out, &good);

    std::fs::write(&labs, &yaml).unwrap();
    live(&site, &out, &mut state);
    let (recovered, _) = live(&site, &out, &mut state);
    assert_eq!(
        recovered.rendered_pages,
        Some(0),
        "state kept across the failure"
    );
}
