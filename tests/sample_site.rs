//! The bundled sample site (repo root: site.yaml, data/, content/) at the README's as-of date:
//! it checks clean, every record lands where the notice rules put it, the datasets hold exactly
//! the records shown, and no personal value of the sample reaches any output byte.

mod common;
use common::*;
use gongshi::messages::Lang;
use serde_yaml::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const AS_OF: &str = "2025-06-30";
const COLLECTIONS: [&str; 4] = ["labs", "inspections", "penalties", "organic-parks"];

/// Every record of the sample's data folder, by collection, as written in the YAML.
fn sample_records() -> BTreeMap<&'static str, Vec<Value>> {
    COLLECTIONS
        .iter()
        .map(|c| {
            let mut records = Vec::new();
            for entry in walkdir::WalkDir::new(repo_root().join("data").join(c)).sort_by_file_name()
            {
                let entry = entry.expect("walk data");
                if entry.file_type().is_file() {
                    let text = std::fs::read_to_string(entry.path()).expect("read data");
                    let list: Vec<Value> = serde_yaml::from_str(&text).expect("a list of records");
                    records.extend(list);
                }
            }
            (*c, records)
        })
        .collect()
}

fn text<'a>(record: &'a Value, key: &str) -> Option<&'a str> {
    record.get(key).and_then(Value::as_str)
}

#[derive(Debug, PartialEq, Clone, Copy)]
enum State {
    Shown,
    TakenDown,
    Absent,
}

fn state(out: &Path, collection: &str, id: &str) -> State {
    match std::fs::read_to_string(out.join(format!("{collection}/{id}/index.html"))) {
        Err(_) => State::Absent,
        Ok(html) if html.contains(r#"name="robots""#) && html.contains("noindex") => {
            State::TakenDown
        }
        Ok(_) => State::Shown,
    }
}

fn build_sample() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("public");
    build(&repo_root(), &out, AS_OF).expect("the sample site builds");
    (tmp, out)
}

fn dataset_ids(out: &Path, collection: &str) -> BTreeSet<String> {
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&read(out, &format!("data/{collection}.json"))).expect("json dataset");
    rows.iter()
        .map(|r| r["id"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn sample_checks_clean_and_reports_its_late_notices() {
    // In the sample's own language, Chinese, as bureau staff read it.
    let out = gongshi(&[
        "check",
        "--site",
        repo_root().to_str().unwrap(),
        "--as-of",
        AS_OF,
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains(": 错误:"), "{stderr}");
    assert!(stderr.contains("0 处错误，6 条警告"), "{stderr}");
    for late in ["pen-2024-012", "insp-2025-11"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(&format!("记录“{late}”")) && l.contains("个工作日的时限")),
            "{late} reported late: {stderr}"
        );
    }
    // Parks recorded as 有效 whose certificates had all ended: file, line, record and field.
    let parks = lapsed_parks(AS_OF);
    assert_eq!(parks.len(), 4, "{parks:?}");
    for park in &parks {
        let line = yaml_line("data/organic-parks/parks.yaml", &format!("- id: {park}"));
        let at =
            format!("data/organic-parks/parks.yaml:{line}: 警告: 记录“{park}”，字段“status”：");
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with(&at) && l.contains("“有效”") && l.contains("已过期")),
            "{at} in: {stderr}"
        );
    }
}

/// The 1-based line of the first line of a sample data file that is `text`.
fn yaml_line(rel: &str, text: &str) -> usize {
    let file = std::fs::read_to_string(repo_root().join(rel)).expect("data file");
    1 + file
        .lines()
        .position(|l| l == text)
        .unwrap_or_else(|| panic!("{text} in {rel}"))
}

/// Parks recorded as 有效 whose latest certificate ended before `as_of` (read from the YAML).
fn lapsed_parks(as_of: &str) -> BTreeSet<String> {
    sample_records()["organic-parks"]
        .iter()
        .filter(|p| text(p, "status") == Some("有效"))
        .filter(|p| {
            let last = p["certificates"]
                .as_sequence()
                .expect("certificates")
                .iter()
                .filter_map(|c| text(c, "valid_until"))
                .max()
                .expect("a certificate");
            last < as_of
        })
        .map(|p| text(p, "id").expect("id").to_string())
        .collect()
}

/// A record's JSON file (`/<collection>/<id>.json`).
fn record_json(out: &Path, collection: &str, id: &str) -> serde_json::Value {
    serde_json::from_str(&read(out, &format!("{collection}/{id}.json"))).expect("record json")
}

#[test]
fn a_status_the_dates_overrule_is_derived_in_every_output() {
    let (_tmp, out) = build_sample();
    let lapsed = lapsed_parks(AS_OF);
    assert!(lapsed.len() >= 2, "{lapsed:?}");
    let dataset: Vec<serde_json::Value> =
        serde_json::from_str(&read(&out, "data/organic-parks.json")).expect("parks dataset");
    let csv = read(&out, "data/organic-parks.csv");
    let expired_facet = read(&out, "organic-parks/status/已过期/index.html");
    let valid_facet = read(&out, "organic-parks/status/有效/index.html");
    for park in &dataset {
        let id = park["id"].as_str().expect("id");
        let recorded = sample_records()["organic-parks"]
            .iter()
            .find(|p| text(p, "id") == Some(id))
            .and_then(|p| text(p, "status").map(str::to_string))
            .expect("recorded status");
        let want = if lapsed.contains(id) {
            "已过期"
        } else {
            recorded.as_str()
        };
        assert_eq!(park["status"], want, "{id} in the dataset");
        assert_eq!(
            record_json(&out, "organic-parks", id)["status"],
            want,
            "{id}.json"
        );
        let row = csv
            .lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .expect("csv row");
        assert!(row.contains(&format!(",{want},")), "{id} in the CSV: {row}");
        let page = read(&out, &format!("organic-parks/{id}/index.html"));
        assert!(page.contains(want), "{id}'s page shows {want}");
        let link = format!("organic-parks/{id}/");
        assert_eq!(
            expired_facet.contains(&link),
            lapsed.contains(id),
            "{id} 已过期 facet"
        );
        if lapsed.contains(id) {
            assert!(!valid_facet.contains(&link), "{id} is not listed as 有效");
        }
    }
    let index = gongshi::search::query::open(&out).expect("index");
    let request = gongshi::search::query::Request {
        query: "有机产业示范园区".to_string(),
        filters: vec![("status".into(), "已过期".into())],
        offset: 0,
        limit: 50,
    };
    let results = gongshi::search::query::search(&index, &request).expect("search");
    let found: BTreeSet<String> = results.hits.iter().map(|h| h.id.clone()).collect();
    assert_eq!(
        found, lapsed,
        "the 已过期 search filter finds exactly the lapsed parks"
    );
    let manifest = read(&out, "search/manifest.json");
    assert!(
        manifest.contains("已过期"),
        "the search client offers the facet value"
    );
}

#[test]
fn the_sample_builds_as_of_any_day() {
    let records = sample_records();
    for as_of in ["2000-01-01", "2021-03-15", "2030-01-01"] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("public");
        let summary = build(&repo_root(), &out, as_of).unwrap_or_else(|e| {
            let problems = match &e {
                gongshi::pipeline::BuildError::Invalid(d) => d
                    .iter()
                    .map(|d| d.human(Lang::En) + "\n")
                    .collect::<String>(),
                other => other.to_string(),
            };
            panic!("as of {as_of}: {e}\n{problems}")
        });
        for warning in &summary.warnings {
            let message = warning.human(Lang::En);
            assert!(
                !message.contains("holiday calendar"),
                "as of {as_of}, no working day past the calendar is needed: {message}"
            );
        }
        for collection in COLLECTIONS {
            for record in &records[collection] {
                let id = text(record, "id").expect("id");
                let published = text(record, "published").expect("published");
                if published > as_of {
                    assert_eq!(
                        state(&out, collection, id),
                        State::Absent,
                        "{collection}/{id} is embargoed as of {as_of}"
                    );
                }
            }
        }
        // Labs stay on notice for ever and none is withdrawn.
        for lab in &records["labs"] {
            let id = text(lab, "id").expect("id");
            let shown = text(lab, "published").expect("published") <= as_of;
            assert_eq!(
                state(&out, "labs", id) == State::Shown,
                shown,
                "labs/{id} as of {as_of}"
            );
            if !shown {
                continue;
            }
            let recorded = text(lab, "status").expect("status");
            let lapsed = recorded == "有效" && text(lab, "cert_expires").expect("expiry") < as_of;
            let want = if lapsed { "已过期" } else { recorded };
            assert_eq!(
                record_json(&out, "labs", id)["status"],
                want,
                "labs/{id} as of {as_of}"
            );
        }
        if as_of == "2000-01-01" {
            assert_eq!(summary.published, 0, "nothing was on notice in 2000");
        }
    }
}

#[test]
fn sample_is_big_enough_to_show_the_site() {
    let records = sample_records();
    let count = |c: &str| records[c].len();
    assert!(count("labs") >= 30, "labs: {}", count("labs"));
    assert!(count("inspections") >= 50);
    assert!(count("penalties") >= 40);
    assert_eq!(count("organic-parks"), 8);
    let config = std::fs::read_to_string(repo_root().join("site.yaml")).expect("site.yaml");
    let site: Value = serde_yaml::from_str(&config).expect("site.yaml parses");
    let enum_values = |name: &str| -> BTreeSet<String> {
        site["enums"][name]
            .as_sequence()
            .expect("enum")
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let used = |c: &str, field: &str| -> BTreeSet<String> {
        records[c]
            .iter()
            .filter_map(|r| text(r, field).map(str::to_string))
            .collect()
    };
    assert_eq!(
        used("inspections", "result"),
        enum_values("spot_check_results"),
        "every spot-check result category appears"
    );
    for (field, values) in [
        ("status", ["有效", "暂停", "撤销", "注销"].as_slice()),
        ("credit_class", ["A", "B", "C", "D"].as_slice()),
    ] {
        let want: BTreeSet<String> = values.iter().map(|v| v.to_string()).collect();
        assert_eq!(used("labs", field), want, "labs {field}");
    }
    let numbers: Vec<&str> = records["penalties"]
        .iter()
        .filter_map(|r| text(r, "decision_number"))
        .collect();
    let unique: BTreeSet<&str> = numbers.iter().copied().collect();
    assert_eq!(numbers.len(), unique.len(), "decision numbers unique");
}

#[test]
fn every_record_lands_where_the_notice_rules_put_it() {
    let (_tmp, out) = build_sample();
    let records = sample_records();
    // The records written to exercise one rule each (scripts/sample-data.py).
    let designed = [
        ("penalties", "pen-2025-040", State::Absent), // embargoed until 2025-07-15
        ("penalties", "pen-2025-030", State::Absent), // warning only: never published
        ("penalties", "pen-2022-008", State::TakenDown), // 3 years ended 2025-02-28
        ("penalties", "pen-2025-003", State::TakenDown), // 3 months ended 2025-04-09
        ("penalties", "pen-2025-021", State::Shown),  // 3 months, until 2025-08-19
        ("penalties", "pen-2024-009", State::TakenDown), // withdrawn 2025-03-10
        ("penalties", "pen-2024-011", State::TakenDown), // notice_until (credit repair)
        ("penalties", "pen-2022-006", State::Shown),  // restriction until 2029-12-31
        ("inspections", "insp-2021-01", State::TakenDown),
        ("inspections", "insp-2025-01", State::Shown),
        ("labs", "lab-001", State::Shown),
    ];
    for (collection, id, want) in designed {
        assert_eq!(state(&out, collection, id), want, "{collection}/{id}");
    }
    let withdrawn = read(&out, "penalties/pen-2024-009/index.html");
    assert!(withdrawn.contains("2025-03-10") && withdrawn.contains("经行政复议"));
    assert!(
        !withdrawn.contains("陕市监罚〔2024〕9号"),
        "no content on a takedown page"
    );

    for collection in COLLECTIONS {
        let shown: BTreeSet<String> = records[collection]
            .iter()
            .map(|r| text(r, "id").expect("id").to_string())
            .filter(|id| state(&out, collection, id) == State::Shown)
            .collect();
        assert!(!shown.is_empty(), "{collection} shows records");
        assert_eq!(
            dataset_ids(&out, collection),
            shown,
            "{collection}: the dataset holds exactly the records shown"
        );
        let listing = read(&out, &format!("{collection}/index.html"));
        assert!(
            listing.contains(&shown.len().to_string()),
            "{collection} listing states its count {}",
            shown.len()
        );
    }
    for hidden in ["pen-2025-040", "pen-2025-030", "pen-2024-009"] {
        for (path, bytes) in read_tree(&out) {
            if path.ends_with(".html") && !path.contains(hidden) {
                assert!(!contains(&bytes, hidden), "{path} mentions {hidden}");
            }
        }
    }
}

#[test]
fn corrections_and_references_show_on_record_pages() {
    let (_tmp, out) = build_sample();
    let page = read(&out, "penalties/pen-2024-018/index.html");
    let newer = page.find("补充处罚依据条款").expect("newer correction");
    let older = page.find("更正罚款金额").expect("older correction");
    assert!(newer < older, "newest correction first");
    let lab_penalty = read(&out, "penalties/pen-2024-015/index.html");
    assert!(
        lab_penalty.contains("labs/lab-005/"),
        "a penalty links the lab it concerns"
    );
    let home = read(&out, "index.html");
    for link in ["labs/", "inspections/", "penalties/", "organic-parks/"] {
        assert!(home.contains(link), "home links {link}");
    }
    for page in ["about", "policy", "contact"] {
        let html = read(&out, &format!("{page}/index.html"));
        assert!(html.contains("<h1"), "{page} renders");
        assert!(home.contains(&format!("{page}/")), "home links {page}");
    }
}

#[test]
fn no_personal_value_of_the_sample_reaches_any_output_byte() {
    let (_tmp, out) = build_sample();
    let records = sample_records();
    let mut secrets: BTreeSet<String> = BTreeSet::new();
    for lab in &records["labs"] {
        secrets.extend(text(lab, "contact_phone").map(str::to_string));
    }
    let mut masked = 0;
    for penalty in &records["penalties"] {
        for omitted in ["party_id_number", "operator_phone"] {
            secrets.extend(text(penalty, omitted).map(str::to_string));
        }
        if matches!(text(penalty, "party_type"), Some("自然人" | "个体工商户")) {
            let name = text(penalty, "party_name").expect("party name");
            // The whole name and the part after the kept first character.
            secrets.insert(name.to_string());
            secrets.insert(name.chars().skip(1).collect());
            masked += 1;
        }
    }
    assert!(masked >= 3 && secrets.len() >= 40, "{masked} {secrets:?}");
    let files = all_output_bytes(&out);
    for (path, bytes) in &files {
        for secret in &secrets {
            assert!(!contains(bytes, secret), "{path} contains {secret}");
        }
    }
    assert!(
        files.iter().any(|(_, b)| contains(b, "欧***")),
        "the masked name is shown"
    );
}

#[test]
fn the_kind_of_sanction_finds_the_penalties_carrying_it() {
    let (_tmp, out) = build_sample();
    let index = gongshi::search::query::open(&out).expect("index");
    let request = gongshi::search::query::Request {
        query: "罚款".to_string(),
        filters: Vec::new(),
        offset: 0,
        limit: 200,
    };
    let results = gongshi::search::query::search(&index, &request).expect("search");
    let fined: BTreeSet<String> =
        serde_json::from_str::<Vec<serde_json::Value>>(&read(&out, "data/penalties.json"))
            .expect("penalties dataset")
            .iter()
            .filter(|p| {
                p["sanctions"]
                    .as_array()
                    .is_some_and(|s| s.iter().any(|v| v == "罚款"))
            })
            .map(|p| p["id"].as_str().expect("id").to_string())
            .collect();
    let found: BTreeSet<String> = results
        .hits
        .iter()
        .filter(|h| h.collection == "penalties")
        .map(|h| h.id.clone())
        .collect();
    assert!(fined.len() >= 20, "{fined:?}");
    assert_eq!(
        found, fined,
        "every published penalty with a fine, and only those"
    );
}
