//! Organisation pages in search: one document per organisation with a page, found by its
//! name, former names and credit code before its own record and the records about it, alike in
//! `gongshi search` and the browser engine; a masked party (individual business, natural person)
//! has no page and no document.

mod common;

use common::search::*;
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
