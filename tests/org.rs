//! Organisation pages: one company's records joined across collections by its credit code,
//! its status at the as-of date, links from its records, and the privacy rule that a masked
//! party (individual business, natural person) is never joined.

mod common;
use common::*;

/// The lab, inspected twice (once under a former name) and penalised once.
const LAB: &str = "91330201MA282UF146";
/// A company that is not a lab, inspected once.
const COMPANY: &str = "91350100M000100Y43";
/// An individual business: penalised (name masked) and inspected.
const SHOP: &str = "91610113MA6U2X3K9F";

fn built(as_of: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&fixture("orgs"), &out, as_of).expect("build");
    (tmp, out)
}

#[test]
fn a_companys_page_joins_its_records_from_every_collection() {
    let (_tmp, out) = built("2024-04-15");
    let page = read(&out, &format!("org/{LAB}/index.html"));
    assert!(page.contains("<h1>西安甲检测有限公司</h1>"), "{page}");
    assert!(page.contains("西安甲检测技术中心"), "former name shown");
    for record in [
        "labs/lab-jia/",
        "inspections/ins-jia-1/",
        "inspections/ins-jia-2/",
        "penalties/pen-jia/",
    ] {
        assert!(
            page.contains(&format!("href=\"../../{record}\"")),
            "{record}"
        );
    }
    // Newest first within a collection.
    let newer = page.find("inspections/ins-jia-2/").unwrap();
    let older = page.find("inspections/ins-jia-1/").unwrap();
    assert!(newer < older, "newest inspection first");
    // The withdrawn penalty contributes nothing: no link, no count, no fine.
    assert!(!page.contains("pen-jia-withdrawn"));
    assert!(!page.contains("990,000"), "withdrawn fine not summed");
    assert!(page.contains("50,000.00"), "fine on notice summed");
    // Status at a glance: qualification, latest inspection's result and date.
    assert!(page.contains("有效"));
    assert!(page.contains("未发现问题") && page.contains("2024-03-01"));
    // The company that is not a lab has a page too.
    let company = read(&out, &format!("org/{COMPANY}/index.html"));
    assert!(company.contains("宝鸡乙食品有限公司") && company.contains("inspections/ins-yi/"));
}

#[test]
fn the_json_holds_the_pages_data() {
    let (_tmp, out) = built("2024-04-15");
    let json: serde_json::Value =
        serde_json::from_str(&read(&out, &format!("org/{LAB}.json"))).expect("json");
    assert_eq!(json["credit_code"], LAB);
    assert_eq!(json["name"], "西安甲检测有限公司");
    assert_eq!(
        json["former_names"],
        serde_json::json!(["西安甲检测技术中心"])
    );
    let groups = json["collections"].as_array().unwrap();
    let counts: Vec<(&str, u64)> = groups
        .iter()
        .map(|g| (g["key"].as_str().unwrap(), g["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(counts, [("labs", 1), ("inspections", 2), ("penalties", 1)]);
    assert_eq!(groups[2]["totals"]["fine"], "50000");
    assert_eq!(groups[1]["records"][0]["id"], "ins-jia-2");
}

#[test]
fn records_link_to_their_organisation_and_the_lab_page_shows_its_penalties() {
    let (_tmp, out) = built("2024-04-15");
    let org_link = format!("../../org/{LAB}/");
    for record in [
        "labs/lab-jia/",
        "penalties/pen-jia/",
        "inspections/ins-jia-2/",
    ] {
        let page = read(&out, &format!("{record}index.html"));
        assert!(
            page.contains(&org_link),
            "{record} links to its organisation"
        );
    }
    let lab = read(&out, "labs/lab-jia/index.html");
    assert!(
        lab.contains("../../penalties/pen-jia/"),
        "lab page lists the penalty"
    );
    assert!(lab.contains("../../inspections/ins-jia-2/"));
    assert!(!lab.contains("pen-jia-withdrawn"));
}

#[test]
fn a_masked_party_gets_no_page_and_is_never_joined() {
    let (_tmp, out) = built("2024-04-15");
    let files = all_output_bytes(&out);
    for (path, bytes) in &files {
        assert!(
            !path.contains(SHOP),
            "{path}: a page for the individual business"
        );
        assert!(
            !contains(bytes, &format!("org/{SHOP}")),
            "{path} links to an organisation page of the individual business"
        );
        if path.starts_with("org/") {
            for masked in ["pen-shop", "pen-person", "ins-shop", "王", "张"] {
                assert!(!contains(bytes, masked), "{path} joins {masked}");
            }
        }
    }
    // Its inspection is published (names are public there) but joins nothing.
    let inspection = read(&out, "inspections/ins-shop/index.html");
    assert!(
        !inspection.contains("pen-shop"),
        "inspection joined to the penalty"
    );
    assert!(!inspection.contains("../../org/"), "{inspection}");
    // Only the two companies have pages.
    let orgs: Vec<&String> = files
        .iter()
        .map(|(p, _)| p)
        .filter(|p| p.starts_with("org/") && p.ends_with("/index.html"))
        .collect();
    assert_eq!(orgs.len(), 2, "{orgs:?}");
}

#[test]
fn organic_certificates_in_force_are_counted_for_the_operator() {
    let (_tmp, out) = built("2024-04-15");
    let page = read(&out, &format!("org/{COMPANY}/index.html"));
    assert!(page.contains("parks/park-valid/") && page.contains("parks/park-revoked/"));
    // Three certificates: one lapsed, one current, one current but its park revoked.
    assert!(
        page.contains("有机产品认证证书 <strong>1</strong> 在有效期内（共 3）"),
        "{page}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&read(&out, &format!("org/{COMPANY}.json"))).expect("json");
    let parks = &json["collections"][1];
    assert_eq!(parks["key"], "parks");
    assert_eq!(
        parks["in_force"]["certificates"],
        serde_json::json!({"in_force": 1, "total": 3})
    );
    // A year on, every certificate has lapsed: none in force.
    let (_later, out) = built("2025-06-01");
    let page = read(&out, &format!("org/{COMPANY}/index.html"));
    assert!(
        page.contains("<strong>0</strong> 在有效期内（共 3）"),
        "{page}"
    );
}

#[test]
fn status_follows_the_as_of_date() {
    // The certificate has expired and the 3-year penalty notice has ended.
    let (_tmp, out) = built("2028-02-01");
    let page = read(&out, &format!("org/{LAB}/index.html"));
    assert!(page.contains("已过期"), "qualification expired");
    assert!(
        !page.contains("penalties/pen-jia/"),
        "ended penalty not listed"
    );
    assert!(
        !page.contains("50,000.00"),
        "ended penalty's fine not summed"
    );
}

#[test]
fn feeds_announce_ended_notices_as_deletions() {
    let (_tmp, out) = built("2024-04-15");
    let withdrawn = "https://test.example.org/penalties/pen-jia-withdrawn/";
    let deletion =
        format!(r#"<at:deleted-entry ref="{withdrawn}" when="2024-03-01T00:00:00+08:00">"#);
    let org_feed = read(&out, &format!("org/{LAB}/feed.xml"));
    assert!(org_feed.contains(r#"xmlns:at="http://purl.org/atompub/tombstones/1.0""#));
    assert!(org_feed.contains(&deletion), "{org_feed}");
    assert!(org_feed.contains("行政复议撤销"), "the reason is given");
    for notice in [
        "labs/lab-jia/",
        "inspections/ins-jia-2/",
        "penalties/pen-jia/",
    ] {
        let id = format!("<id>https://test.example.org/{notice}</id>");
        assert!(
            org_feed.contains(&id),
            "{notice} in the organisation's feed"
        );
    }
    assert!(!org_feed.contains("ins-yi"), "another company's notice");
    for feed in ["feed.xml", "penalties/feed.xml"] {
        let xml = read(&out, feed);
        assert!(xml.contains(&deletion), "{feed} announces the withdrawal");
    }
    // Later, when the penalty's 3-year notice has ended, the organisation's feed says so.
    let (_tmp, later) = built("2027-03-01");
    let org_feed = read(&later, &format!("org/{LAB}/feed.xml"));
    assert!(org_feed.contains(
        r#"<at:deleted-entry ref="https://test.example.org/penalties/pen-jia/" when="2027-01-31T00:00:00+08:00">"#
    ), "{org_feed}");
}
