//! Organisation pages in search: one document per organisation with a page, found by its
//! name, former names and credit code before its own record and the records about it, alike in
//! `gongshi search` and the browser engine; a masked party (individual business, natural person)
//! has no page and no document.

mod common;

use common::search::*;
use common::search::{yaml_text, Answer, AS_OF};
use common::{build, fixture};
use gongshi::search::query;

/// The lab, inspected twice (once under a former name) and penalised once.
const LAB: &str = "91330201MA282UF146";
/// A company that is not a lab, inspected once.
const COMPANY: &str = "91350100M000100Y43";
/// An individual business: penalised (name masked) and inspected.
const SHOP: &str = "91610113MA6U2X3K9F";

#[test]
fn an_organisations_name_or_code_puts_its_page_first_and_its_records_next() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("public");
    build(&fixture("orgs"), &out, "2024-04-15").expect("build");
    let index = query::open(&out).expect("index");
    let lab_page = format!("org/{LAB}");
    let company_page = format!("org/{COMPANY}");
    // (query, first, then these in any order right after)
    let cases: Vec<(String, &str, Vec<&str>)> = vec![
        (
            "西安甲检测有限公司".into(),
            &lab_page,
            vec!["labs/lab-jia", "inspections/ins-jia-2"],
        ),
        ("西安甲检测".into(), &lab_page, vec!["labs/lab-jia"]),
        (
            "西安甲检测技术中心".into(),
            &lab_page,
            vec!["inspections/ins-jia-1"],
        ),
        (LAB.into(), &lab_page, vec!["labs/lab-jia"]),
        (LAB.to_lowercase(), &lab_page, vec!["labs/lab-jia"]),
        (format!("信用代码：{LAB}"), &lab_page, vec!["labs/lab-jia"]),
        (LAB[..10].into(), &lab_page, vec!["labs/lab-jia"]),
        ("宝鸡乙食品有限公司".into(), &company_page, vec![]),
        (COMPANY.into(), &company_page, vec![]),
    ];
    let masked = [SHOP.to_string(), "王小二烧烤店".into(), "张三丰".into()];
    let queries: Vec<Q> = cases
        .iter()
        .map(|c| q(&c.0))
        .chain(masked.iter().map(|m| q(m)))
        .collect();
    let js = js_answers_in(&out, &queries);
    let mut failures = Vec::new();
    for (i, query) in queries.iter().enumerate() {
        let request = query::Request {
            query: query.q.clone(),
            limit: PAGE,
            ..Default::default()
        };
        let rust: Vec<String> = query::search(&index, &request)
            .expect("search")
            .hits
            .iter()
            .map(|h| format!("{}/{}", h.collection, h.id))
            .collect();
        let browser: Vec<&str> = js[i].hits.iter().map(|h| h.0.as_str()).collect();
        if rust != browser {
            failures.push(format!("{}: rust {rust:?}, js {browser:?}", query.q));
        }
        match cases.get(i) {
            Some((_, first, next)) => {
                let then = &rust[1.min(rust.len())..(1 + next.len()).min(rust.len())];
                let next_ok = next.iter().all(|n| then.iter().any(|t| t == n));
                if rust.first().map(String::as_str) != Some(*first) || !next_ok {
                    failures.push(format!(
                        "{}: want {first} then {next:?}, got {rust:?}",
                        query.q
                    ));
                }
            }
            None => {
                if rust.iter().any(|h| h.starts_with("org/")) {
                    failures.push(format!(
                        "{}: a masked party found an organisation: {rust:?}",
                        query.q
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Documents for the two companies only: none for the masked parties.
    let manifest: serde_json::Value =
        serde_json::from_str(&common::read(&out, "search/manifest.json")).expect("manifest");
    let orgs = manifest["collections"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["key"] == "org"))
        .expect("an org collection");
    assert_eq!(orgs["count"], 2, "{orgs}");
}

/// The search fixture, built as it is and with its credit codes naming organisations (so with
/// organisation pages and their search documents).
fn with_and_without_orgs(tmp: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let plain = tmp.join("plain");
    build(&fixture("search"), &plain, AS_OF).expect("build");
    let site = tmp.join("site");
    common::copy_tree(&fixture("search"), &site);
    let yaml = std::fs::read_to_string(site.join("site.yaml")).expect("site.yaml");
    let mut with = yaml.clone();
    for (field, name) in [
        ("credit_code", "name"),
        ("subject_credit_code", "subject_name"),
        ("party_credit_code", "party_name"),
    ] {
        let line = with
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{field}: {{")))
            .unwrap_or_else(|| panic!("no {field} in the search fixture"))
            .to_string();
        let named = line.replacen(" }", &format!(", organisation: {{ name: {name} }} }}"), 1);
        with = with.replacen(&line, &named, 1);
    }
    assert_ne!(with, yaml);
    std::fs::write(site.join("site.yaml"), with).expect("write site.yaml");
    let orgs = tmp.join("orgs");
    build(&site, &orgs, AS_OF).expect("build with organisations");
    assert!(orgs.join("org").is_dir(), "organisation pages");
    (plain, orgs)
}

/// Organisation documents hold no text, and text scores count records only: adding them
/// changes no record's score for a piece of a name, on either side. (Counted in, they
/// lowered every text field's mean length, and at 100,000 records a piece of a lab's name
/// such as 润晟检测 put the lab's inspections before the lab in 7 of 10 cases.) And a piece of
/// a lab's name finds the lab before the inspections under the same name.
#[test]
fn organisation_documents_leave_text_scores_alone() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (plain, orgs) = with_and_without_orgs(tmp.path());
    let labs: Vec<serde_yaml::Value> = serde_yaml::from_str(
        &std::fs::read_to_string(fixture("search").join("data/labs/labs.yaml")).expect("labs"),
    )
    .expect("yaml");
    let inspections: Vec<serde_yaml::Value> = serde_yaml::from_str(
        &std::fs::read_to_string(fixture("search").join("data/inspections/inspections.yaml"))
            .expect("inspections"),
    )
    .expect("yaml");
    // (piece, the lab, the inspections under the lab's exact name)
    let mut cases: Vec<(String, String, Vec<String>)> = Vec::new();
    for lab in &labs {
        let name = yaml_text(lab, "name");
        let same: Vec<String> = inspections
            .iter()
            .filter(|i| yaml_text(i, "subject_name") == name)
            .map(|i| format!("inspections/{}", yaml_text(i, "id")))
            .collect();
        let chars: Vec<char> = name.chars().collect();
        for w in chars.windows(4).step_by(2) {
            let piece: String = w.iter().collect();
            let han = piece
                .chars()
                .all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            if !han || piece.contains("有限") || piece.contains("公司") {
                continue;
            }
            cases.push((
                piece,
                format!("labs/{}", yaml_text(lab, "id")),
                same.clone(),
            ));
        }
    }
    assert!(
        cases.iter().filter(|c| !c.2.is_empty()).count() > 10,
        "{cases:?}"
    );
    let (plain_index, orgs_index) = (
        query::open(&plain).expect("index"),
        query::open(&orgs).expect("index"),
    );
    let records = |index: &tantivy::Index, q: &str| -> Vec<(String, f32)> {
        let request = query::Request {
            query: q.to_string(),
            limit: 1000,
            ..Default::default()
        };
        query::search(index, &request)
            .expect("search")
            .hits
            .iter()
            .filter(|h| h.collection != "org")
            .map(|h| (format!("{}/{}", h.collection, h.id), h.score))
            .collect()
    };
    let queries: Vec<Q> = cases.iter().map(|c| q(&c.0)).collect();
    let (js_plain, js_orgs) = (
        js_answers_in(&plain, &queries),
        js_answers_in(&orgs, &queries),
    );
    let mut failures = Vec::new();
    for (i, (piece, lab, same)) in cases.iter().enumerate() {
        let (before, after) = (records(&plain_index, piece), records(&orgs_index, piece));
        let alike = before.len() == after.len()
            && before
                .iter()
                .zip(&after)
                .all(|(b, a)| b.0 == a.0 && (b.1 - a.1).abs() <= 1e-5 * b.1.abs());
        if !alike {
            failures.push(format!(
                "rust {piece}: {before:?} without organisations, {after:?} with"
            ));
        }
        let js = |a: &Answer| -> Vec<(String, f64)> {
            a.hits
                .iter()
                .filter(|h| !h.0.starts_with("org/"))
                .cloned()
                .collect()
        };
        let (jb, ja) = (js(&js_plain[i]), js(&js_orgs[i]));
        if jb != ja {
            failures.push(format!(
                "js {piece}: {jb:?} without organisations, {ja:?} with"
            ));
        }
        let place = |id: &str| after.iter().position(|h| h.0 == id);
        let lab_at = place(lab);
        let behind = |s: &String| place(s).is_some_and(|p| Some(p) < lab_at);
        if !same.is_empty() && (lab_at.is_none() || same.iter().any(behind)) {
            failures.push(format!(
                "{piece}: {lab} should come before {same:?}, got {after:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
