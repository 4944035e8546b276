//! `gongshi-generate`: deterministic, complete, buildable, with the promised proportions, valid
//! identifiers and a query set whose expected records are in the build.

mod common;

use common::{gongshi, read_tree};
use gongshi::domain::{canonical_decision_number, looks_like_resident_id, CmaNumber, CreditCode};
use gongshi_generate::{generate, Options};
use serde_yaml::Value;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

const N: usize = 300;

fn generated(dir: &Path, seed: u64) {
    generate(&Options {
        records: N,
        out: dir.to_path_buf(),
        seed,
    })
    .expect("generate");
}

/// Every record of a collection, read back from the YAML files.
fn records(site: &Path, collection: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let dir = site.join("data").join(collection);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read data file");
        let list: Vec<Value> = serde_yaml::from_str(&text).expect("data file is a YAML list");
        assert!(
            list.len() <= 100,
            "{} has {} records",
            f.display(),
            list.len()
        );
        out.extend(list);
    }
    out
}

fn s<'a>(record: &'a Value, key: &str) -> Option<&'a str> {
    record.get(key).and_then(Value::as_str)
}

#[test]
fn same_seed_same_bytes_other_seed_differs() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    generated(&a, 7);
    generated(&b, 7);
    generated(&c, 8);
    let (ta, tb, tc) = (read_tree(&a), read_tree(&b), read_tree(&c));
    assert!(ta.len() > 10, "only {} files", ta.len());
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (path, bytes) in &ta {
        assert!(
            tb[path] == *bytes,
            "{path} differs between two runs with one seed"
        );
    }
    assert!(
        ta.iter().any(|(p, bytes)| tc.get(p) != Some(bytes)),
        "seeds 7 and 8 gave the same site"
    );
    // Generating into a folder that already holds a site is refused, not merged.
    assert!(generate(&Options {
        records: 10,
        out: a,
        seed: 7
    })
    .is_err());
}

#[test]
fn generated_site_is_valid_builds_and_finds_its_queries() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let out = tmp.path().join("public");
    generated(&site, 42);

    // Proportions: 10% labs, 50% inspections, 35% penalties, 5% parks (±2 records).
    let mut all: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for (collection, percent) in [
        ("labs", 10),
        ("inspections", 50),
        ("penalties", 35),
        ("organic-parks", 5),
    ] {
        let recs = records(&site, collection);
        let want = N * percent / 100;
        assert!(
            recs.len().abs_diff(want) <= 2,
            "{collection}: {} records, want about {want}",
            recs.len()
        );
        all.insert(collection, recs);
    }

    // Identifiers are valid and unique where the schema says so.
    let mut codes = 0;
    for recs in all.values() {
        for r in recs {
            for key in ["credit_code", "subject_credit_code", "party_credit_code"] {
                if let Some(code) = s(r, key) {
                    CreditCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
                    codes += 1;
                }
            }
        }
    }
    assert!(codes > N / 2, "only {codes} credit codes");
    let mut cma = HashSet::new();
    for lab in &all["labs"] {
        let n = s(lab, "cma_number").expect("every lab has a CMA number");
        let parsed = CmaNumber::parse(n).unwrap_or_else(|e| panic!("{n}: {e}"));
        assert!(parsed.year() <= 2025, "CMA number {n} issued after 2025");
        assert!(cma.insert(n), "CMA number {n} twice");
    }
    let mut numbers = HashSet::new();
    let mut natural = 0;
    for p in &all["penalties"] {
        let n = s(p, "decision_number").expect("decision number");
        assert!(
            numbers.insert(canonical_decision_number(n)),
            "decision number {n} twice"
        );
        if matches!(s(p, "party_type"), Some("自然人" | "个体工商户")) {
            natural += 1;
            let id = s(p, "party_id_number").expect("a person's penalty has an id number");
            assert!(
                looks_like_resident_id(id),
                "{id} is not a valid resident id"
            );
            assert!(s(p, "operator_phone").is_some());
        }
    }
    assert!(natural > 0, "no natural-person penalties");

    // References point at generated labs.
    let lab_ids: HashSet<&str> = all["labs"].iter().filter_map(|l| s(l, "id")).collect();
    let mut refs = 0;
    for (collection, key) in [("inspections", "subject_lab"), ("penalties", "related_lab")] {
        for r in &all[collection] {
            if let Some(id) = s(r, key) {
                assert!(lab_ids.contains(id), "{collection} {key} {id} is no lab");
                refs += 1;
            }
        }
    }
    assert!(refs > 0, "no references between records");

    // Notice dates make every state occur at the benchmark date.
    let published = |r: &Value| {
        s(r, "published").map(str::to_string).or_else(|| {
            r.get("published")
                .and_then(|v| serde_yaml::to_string(v).ok())
                .map(|t| t.trim().to_string())
        })
    };
    let dates: Vec<String> = all.values().flatten().filter_map(published).collect();
    assert!(
        dates.iter().any(|d| d.as_str() > "2025-06-30"),
        "nothing embargoed"
    );
    assert!(
        dates.iter().any(|d| d.as_str() < "2022-06-01"),
        "nothing old enough to expire"
    );
    assert!(
        all.values().flatten().any(|r| r.get("withdrawn").is_some()),
        "nothing withdrawn"
    );

    // The library's check: no errors (late publications are warnings).
    let checked = gongshi::pipeline::check(
        &site,
        common::date("2025-06-30"),
        gongshi::load::DEFAULT_MAX_FILE_BYTES,
    )
    .unwrap_or_else(|d| panic!("check failed: {d:?}"));
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "check errors: {errors:?}");

    let run = gongshi(&[
        "build",
        "--site",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        "2025-06-30",
    ]);
    assert!(
        run.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );

    // Every expected record of the query set is on notice in the build.
    let text = std::fs::read_to_string(site.join("queries.json")).expect("queries.json");
    let queries: Vec<serde_json::Value> =
        serde_json::from_str(&text).expect("queries.json is JSON");
    let mut kinds = HashSet::new();
    for q in &queries {
        let kind = q["kind"].as_str().expect("kind");
        kinds.insert(kind.to_string());
        let query = q["query"].as_str().expect("query");
        assert!(!query.is_empty());
        match &q["expected"] {
            serde_json::Value::Null => assert!(
                matches!(kind, "common" | "no_hit" | "phrase" | "city_kind"),
                "{kind} without expected"
            ),
            e => {
                let (c, id) = (e["collection"].as_str().unwrap(), e["id"].as_str().unwrap());
                assert!(
                    out.join(c).join(format!("{id}.json")).is_file(),
                    "{kind} \"{query}\": {c}/{id} not in the build"
                );
            }
        }
        // A piece of a name (its start, or its middle) is held by one name alone: the records
        // holding it name the same party.
        if kind == "name_piece" || kind == "name_middle" {
            let names: HashSet<&str> = all
                .values()
                .flatten()
                .flat_map(|r| ["name", "subject_name", "party_name"].map(|k| s(r, k)))
                .flatten()
                .filter(|n| n.contains(query))
                .collect();
            assert!(
                query.chars().count() >= 4 && names.len() == 1,
                "{kind} {query} is in {} names",
                names.len()
            );
        }
    }
    for kind in [
        "name",
        "name_piece",
        "credit_code",
        "credit_code_prefix",
        "cma_number",
        "decision_number",
        "short_name",
        "name_middle",
        "decision_unbracketed",
        "decision_no_hao",
        "labelled_ident",
        "spaced_ident",
        "phrase",
        "city_kind",
        "common",
        "no_hit",
    ] {
        assert!(kinds.contains(kind), "no {kind} query");
    }
    let forms: HashSet<char> = queries
        .iter()
        .filter(|q| q["kind"] == "decision_number")
        .filter_map(|q| {
            q["query"]
                .as_str()?
                .chars()
                .find(|c| "〔[(（【".contains(*c))
        })
        .collect();
    assert_eq!(forms.len(), 5, "bracket forms: {forms:?}");
}
