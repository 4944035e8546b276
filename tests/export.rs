//! Open datasets, feeds, sitemap and change list, checked with the tools journalists use:
//! frictionless validates the data package, feedparser reads every feed, `sha256sum -c` checks
//! the sums, Python's csv module reads the CSV; every format agrees with the record pages; two
//! builds give the right change list.

mod common;
use common::*;
use gongshi::pipeline::{self, BuildError, BuildOptions};
use serde_json::Value as Json;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const AS_OF: &str = "2024-04-15";
const COLLECTIONS: [&str; 3] = ["labs", "parks", "penalties"];

fn built(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&fixture(name), &out, AS_OF).expect("build");
    (tmp, out)
}

/// Runs a Python script; fails with what to install when a module or Python is missing.
fn python(modules: &[&str], script: &str, args: &[&str]) -> String {
    for m in modules {
        let found = Command::new("python3")
            .args(["-c", &format!("import {m}")])
            .output()
            .map(|o| o.status.success());
        match found {
            Ok(true) => {}
            Ok(false) => panic!(
                "this test needs the Python package `{m}`: run `bash scripts/test-deps.sh` \
                 (or `python3 -m pip install {m}`)"
            ),
            Err(e) => panic!("this test needs python3 on PATH ({e}): install Python 3"),
        }
    }
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "python failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn json_file(root: &Path, rel: &str) -> Json {
    serde_json::from_str(&read(root, rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

const FRICTIONLESS: &str = r#"
import sys, json, frictionless
report = frictionless.validate(sys.argv[1])
errors = [e.type for task in report.tasks for e in task.errors] + [e.type for e in report.errors]
print(json.dumps({"valid": report.valid, "tasks": len(report.tasks), "errors": errors}))
"#;

#[test]
fn datapackage_passes_frictionless_validate() {
    let (_tmp, out) = built("export");
    let report: Json = serde_json::from_str(&python(
        &["frictionless"],
        FRICTIONLESS,
        &[out.join("data/datapackage.json").to_str().unwrap()],
    ))
    .unwrap();
    assert_eq!(report["valid"], true, "{report}");
    assert_eq!(report["tasks"], 3, "{report}");

    let package = json_file(&out, "data/datapackage.json");
    let labs = &package["resources"][0]["schema"];
    let field = |schema: &Json, name: &str| {
        schema["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .cloned()
    };
    let credit = field(labs, "credit_code").unwrap();
    assert_eq!(credit["title"], "统一社会信用代码");
    assert_eq!(
        credit["constraints"]["pattern"], "[0-9A-HJ-NPQRTUWXY]{18}",
        "{credit}"
    );
    assert_eq!(credit["constraints"]["unique"], true);
    assert_eq!(
        field(labs, "city").unwrap()["constraints"]["enum"],
        serde_json::json!(["西安市", "宝鸡市", "咸阳市"])
    );
    assert_eq!(labs["primaryKey"], serde_json::json!(["id"]));
    assert!(field(labs, "contact_phone").is_none(), "omitted field");
    let penalties = &package["resources"][2]["schema"];
    assert_eq!(
        penalties["foreignKeys"][0]["reference"],
        serde_json::json!({"resource": "labs", "fields": ["id"]})
    );
    assert!(field(penalties, "party_id_number").is_none());
    assert_eq!(package["licenses"][0]["title"], "CC BY 4.0");

    // The validation really checks the data: a broken credit code is caught.
    let copy = tempfile::tempdir().unwrap();
    copy_tree(&out.join("data"), copy.path());
    let csv = std::fs::read_to_string(copy.path().join("labs.csv")).unwrap();
    std::fs::write(
        copy.path().join("labs.csv"),
        csv.replace("91610303MA6XY0002C", "9161030SMA6XY0002"),
    )
    .unwrap();
    let broken: Json = serde_json::from_str(&python(
        &["frictionless"],
        FRICTIONLESS,
        &[copy.path().join("datapackage.json").to_str().unwrap()],
    ))
    .unwrap();
    assert_eq!(broken["valid"], false);
    assert!(
        broken["errors"]
            .as_array()
            .unwrap()
            .contains(&Json::from("constraint-error")),
        "{broken}"
    );
}

const FEEDPARSER: &str = r#"
import sys, json, feedparser
out = {}
for path in sys.argv[1:]:
    d = feedparser.parse(path)
    if d.bozo:
        sys.exit(f"{path}: {d.bozo_exception}")
    out[path] = {
        "title": d.feed.title,
        "entries": [{"id": e.id, "title": e.title, "link": e.link, "published": e.published,
                     "updated": e.updated, "summary": e.get("summary", "")} for e in d.entries],
    }
print(json.dumps(out, ensure_ascii=False))
"#;

fn parse_feeds(out: &Path) -> Json {
    let mut paths = vec![out.join("feed.xml")];
    paths.extend(COLLECTIONS.iter().map(|c| out.join(c).join("feed.xml")));
    let args: Vec<&str> = paths.iter().map(|p| p.to_str().unwrap()).collect();
    serde_json::from_str(&python(&["feedparser"], FEEDPARSER, &args)).unwrap()
}

#[test]
fn feeds_parse_in_feedparser_newest_first() {
    let (_tmp, out) = built("export");
    let feeds = parse_feeds(&out);
    for (path, feed) in feeds.as_object().unwrap() {
        let entries = feed["entries"].as_array().unwrap();
        assert!(!entries.is_empty(), "{path}");
        assert!(entries.len() <= 3, "site.feed_entries is 3: {path}");
        let dates: Vec<&str> = entries
            .iter()
            .map(|e| e["updated"].as_str().unwrap())
            .collect();
        assert!(
            dates.windows(2).all(|w| w[0] >= w[1]),
            "newest first: {dates:?}"
        );
        for e in entries {
            let link = e["link"].as_str().unwrap();
            let page = link
                .strip_prefix("https://export.example.org/")
                .expect("absolute link to the site");
            assert!(out.join(page).join("index.html").is_file(), "{link}");
        }
    }
    let all = &feeds[out.join("feed.xml").to_str().unwrap()]["entries"];
    let titles: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    // The correction of 2024-03-20 is newer than every notice but two.
    assert!(titles.contains(&"更正：西安甲检测有限公司"), "{titles:?}");
    let person = read(&out, "penalties/feed.xml");
    assert!(person.contains("王**") && !person.contains("王小明"));
}

#[test]
fn alternate_links_point_to_files_that_exist() {
    let (_tmp, out) = built("export");
    for page in [
        "index.html",
        "labs/index.html",
        "labs/xa-alpha/index.html",
        "labs/page/2/index.html",
        "data/index.html",
    ] {
        let html = read(&out, page);
        let dir = out.join(page).parent().unwrap().to_path_buf();
        let mut found = 0;
        for tag in html.split("<link ").skip(1) {
            let tag = &tag[..tag.find('>').unwrap()];
            if !tag.contains(r#"rel="alternate""#) {
                continue;
            }
            let href = tag
                .split("href=")
                .nth(1)
                .unwrap()
                .trim_start_matches('"')
                .split(['"', ' '])
                .next()
                .unwrap();
            assert!(dir.join(href).is_file(), "{page}: {href}");
            found += 1;
        }
        assert!(found >= 1, "{page} has alternates");
    }
    assert!(read(&out, "labs/index.html").contains("labs.csv"));
    assert!(read(&out, "labs/xa-alpha/index.html").contains("xa-alpha.json"));
}

#[test]
fn sha256sums_pass_sha256sum_check() {
    let (_tmp, out) = built("export");
    let result = Command::new("sha256sum")
        .args(["-c", "--strict", "SHA256SUMS"])
        .current_dir(out.join("data"))
        .output()
        .expect("sha256sum (GNU coreutils) on PATH");
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(result.status.success(), "{stdout}");
    let sums = read(&out, "data/SHA256SUMS");
    assert_eq!(stdout.matches(": OK").count(), sums.lines().count());
    for c in COLLECTIONS {
        for ext in ["csv", "json", "ndjson", "xlsx"] {
            assert!(sums.contains(&format!("  {c}.{ext}\n")), "{c}.{ext}");
        }
    }
    let catalogue = read(&out, "data/index.html");
    for line in sums.lines() {
        let hash = line.split_whitespace().next().unwrap();
        assert!(catalogue.contains(hash), "catalogue shows {line}");
    }
    assert!(catalogue.contains("application/ld+json"));
    assert!(catalogue.contains("\"temporalCoverage\":\"2024-01-10/2024-04-15\""));
    assert!(catalogue.contains("CC BY 4.0"));
}

/// Ids of the rows of the first worksheet of an XLSX file (first column, header skipped).
fn xlsx_ids(bytes: &[u8]) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("xlsx is a zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").expect("sheet1"),
        &mut xml,
    )
    .unwrap();
    xml.split("<row ")
        .skip(2)
        .map(|row| {
            let start = row.find("<t>").expect("id cell") + 3;
            row[start..start + row[start..].find("</t>").unwrap()].to_string()
        })
        .collect()
}

#[test]
fn every_format_agrees_with_the_record_pages() {
    let (_tmp, out) = built("export");
    let manifest = json_file(&out, "data/manifest.json");
    for c in COLLECTIONS {
        let mut reader = csv::Reader::from_path(out.join(format!("data/{c}.csv"))).unwrap();
        let csv_ids: Vec<String> = reader
            .records()
            .map(|r| r.unwrap().get(0).unwrap().to_string())
            .collect();
        let json = json_file(&out, &format!("data/{c}.json"));
        let json_ids: Vec<&str> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect();
        let ndjson = read(&out, &format!("data/{c}.ndjson"));
        let nd_ids: Vec<String> = ndjson
            .lines()
            .map(|l| {
                serde_json::from_str::<Json>(l).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        let xlsx = xlsx_ids(&std::fs::read(out.join(format!("data/{c}.xlsx"))).unwrap());
        let pages: BTreeSet<String> = std::fs::read_dir(out.join(c))
            .unwrap()
            .flatten()
            .filter(|e| e.path().join("index.html").is_file())
            .filter(|e| {
                let html = std::fs::read_to_string(e.path().join("index.html")).unwrap();
                html.contains(r#"<article class="record">"#)
            })
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        assert!(!csv_ids.is_empty(), "{c}");
        assert_eq!(csv_ids, json_ids, "{c}: CSV and JSON");
        assert_eq!(csv_ids, nd_ids, "{c}: CSV and NDJSON");
        assert_eq!(csv_ids, xlsx, "{c}: CSV and XLSX");
        assert_eq!(
            csv_ids.iter().cloned().collect::<BTreeSet<_>>(),
            pages,
            "{c}: CSV and record pages"
        );
        // Each record's own file is its NDJSON line; its hash is in the manifest.
        for (id, line) in csv_ids.iter().zip(ndjson.lines()) {
            let file = std::fs::read(out.join(format!("{c}/{id}.json"))).unwrap();
            assert_eq!(file, format!("{line}\n").into_bytes(), "{c}/{id}.json");
            let entry = manifest["records"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["collection"] == c && r["id"] == id.as_str())
                .expect("in manifest");
            assert_eq!(
                entry["hash"],
                format!("sha256:{}", gongshi::output::sha256_hex(&file))
            );
        }
    }
    // Off-notice records and personal fields are nowhere in the datasets.
    let labs = read(&out, "data/labs.csv");
    assert!(!labs.contains("xy-future") && !labs.contains("contact_phone"));
    assert!(!read(&out, "data/parks.json").contains("xy-future"));
    assert!(!read(&out, "data/parks.json").contains("holder_phone"));
    let penalties = read(&out, "data/penalties.json");
    assert!(!penalties.contains("p-old") && !penalties.contains("p-revoked"));
    assert!(penalties.contains("\"fine\":50000.5"));
    assert!(!penalties.contains("party_id_number"));
    assert_eq!(manifest["as_of"], AS_OF);
}

const CSV_ROUND_TRIP: &str = r#"
import csv, json, sys
folder = sys.argv[1]
for name in sys.argv[2:]:
    raw = open(f"{folder}/{name}.csv", "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{name}.csv has no byte-order mark"
    with open(f"{folder}/{name}.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    items = json.load(open(f"{folder}/{name}.json", encoding="utf-8"))
    assert [r["id"] for r in rows] == [i["id"] for i in items], name
    for row, item in zip(rows, items):
        assert list(row.keys()) == list(item.keys()), (name, list(row.keys()))
        for key, value in item.items():
            cell = row[key]
            if value is None:
                assert cell == "", (name, key, cell)
            elif isinstance(value, bool):
                assert cell == ("true" if value else "false"), (name, key, cell)
            elif isinstance(value, str):
                assert cell == value, (name, key, cell, value)
            elif isinstance(value, (int, float)):
                assert float(cell) == value, (name, key, cell, value)
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                assert cell == "; ".join(value), (name, key, cell, value)
            else:
                assert json.loads(cell) == value, (name, key, cell, value)
    print(name, len(rows), "|".join(r.get("name", r.get("party_name", "")) for r in rows))
"#;

#[test]
fn csv_has_bom_and_round_trips_chinese_through_python_csv() {
    let (_tmp, out) = built("export");
    let mut args = vec![out.join("data").to_str().unwrap().to_string()];
    args.extend(COLLECTIONS.iter().map(|c| c.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let printed = python(&[], CSV_ROUND_TRIP, &args);
    assert!(
        printed.contains("labs 3 宝鸡丁计量检测有限公司|宝鸡乙检测有限公司|西安甲检测有限公司"),
        "{printed}"
    );
    assert!(
        printed.contains("penalties 2 王**|西安甲检测有限公司"),
        "{printed}"
    );
}

#[test]
fn sitemap_lists_every_public_page_and_robots_points_to_it() {
    let (_tmp, out) = built("export");
    let sitemap = read(&out, "sitemap.xml");
    let base = "https://export.example.org/";
    let mut listed = BTreeSet::new();
    for loc in sitemap.split("<loc>").skip(1) {
        let url = &loc[..loc.find("</loc>").unwrap()];
        let path = url.strip_prefix(base).expect("absolute URL");
        let decoded = percent_decode(path);
        assert!(
            out.join(&decoded).join("index.html").is_file(),
            "{url} is a page"
        );
        listed.insert(format!("{decoded}index.html"));
    }
    // Every indexable page is listed, and nothing else.
    for (path, bytes) in read_tree(&out) {
        if !path.ends_with("index.html") {
            continue;
        }
        let noindex = contains(&bytes, r#"name="robots""#);
        assert_eq!(
            listed.contains(&path),
            !noindex,
            "{path}: listed iff indexable"
        );
    }
    assert!(listed.contains("penalties/p-big/index.html"));
    assert!(!listed
        .iter()
        .any(|p| p.starts_with("staff/") || p.contains("p-old")));
    assert!(sitemap.contains(
        "<loc>https://export.example.org/labs/xa-alpha/</loc><lastmod>2024-03-20</lastmod>"
    ));
    let robots = read(&out, "robots.txt");
    assert!(
        !robots.contains("staff"),
        "robots.txt names no internal page: {robots}"
    );
    assert!(robots.contains("Sitemap: https://export.example.org/sitemap.xml"));
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Edits the copied export fixture between two builds: one record added, one corrected with a
/// history entry, one changed silently, one withdrawn, one deleted (and one expires by time).
fn edit_site(site: &Path) {
    std::fs::write(
        site.join("data/labs/new.yaml"),
        "id: xa-new\npublished: 2024-05-01\nname: 西安新检测有限公司\ncredit_code: 91330201MA282UF146\ncity: 西安市\n",
    )
    .unwrap();
    let labs = std::fs::read_to_string(site.join("data/labs/labs.yaml")).unwrap();
    std::fs::write(
        site.join("data/labs/labs.yaml"),
        labs.replace(
            "  name: 宝鸡乙检测有限公司\n",
            "  name: 宝鸡乙检验检测有限公司\n  history:\n    - date: 2024-05-10\n      summary: 更正机构名称\n",
        ),
    )
    .unwrap();
    let parks = std::fs::read_to_string(site.join("data/parks/parks.yaml")).unwrap();
    std::fs::write(
        site.join("data/parks/parks.yaml"),
        parks.replace("area_mu: 3200", "area_mu: 3300"),
    )
    .unwrap();
    let penalties = std::fs::read_to_string(site.join("data/penalties/2024.yaml")).unwrap();
    std::fs::write(
        site.join("data/penalties/2024.yaml"),
        penalties.replace(
            "  related_lab: xa-alpha\n",
            "  related_lab: xa-alpha\n  withdrawn: { date: 2024-05-20, reason: 行政复议决定撤销 }\n",
        ),
    )
    .unwrap();
    std::fs::remove_file(site.join("data/labs/delta.yaml")).unwrap();
}

fn ids(list: &Json) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{}/{}",
                c["collection"].as_str().unwrap(),
                c["id"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn two_builds_list_added_corrected_and_taken_down() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("export"), &site);
    let out = tmp.path().join("public");
    build(&site, &out, AS_OF).expect("first build");
    assert!(
        !out.join("changes").exists(),
        "no earlier build, no change list"
    );
    let first_manifest = tmp.path().join("manifest-first.json");
    std::fs::copy(out.join("data/manifest.json"), &first_manifest).unwrap();

    edit_site(&site);
    // The earlier manifest is read from --out itself, before the swap.
    build(&site, &out, "2024-06-30").expect("second build");
    let changes = json_file(&out, "changes/changes.json");
    assert_eq!(changes["since"], AS_OF);
    assert_eq!(changes["as_of"], "2024-06-30");
    assert_eq!(ids(&changes["added"]), ["labs/xa-new"]);
    assert_eq!(changes["added"][0]["date"], "2024-05-01");
    assert_eq!(ids(&changes["corrected"]), ["parks/park-1", "labs/bj-beta"]);
    assert_eq!(changes["corrected"][0]["date"], "2024-06-30");
    assert_eq!(changes["corrected"][0]["detail"], Json::Null);
    assert_eq!(changes["corrected"][1]["date"], "2024-05-10");
    assert_eq!(changes["corrected"][1]["detail"], "更正机构名称");
    assert_eq!(
        ids(&changes["taken_down"]),
        ["penalties/p-person", "penalties/p-big", "labs/bj-delta"]
    );
    let reasons: Vec<&str> = changes["taken_down"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["expired", "withdrawn", "removed"]);
    assert_eq!(changes["taken_down"][0]["date"], "2024-06-04");
    assert_eq!(changes["taken_down"][1]["detail"], "行政复议决定撤销");
    assert!(
        changes["taken_down"][0]["title"].is_null(),
        "no content of taken-down records"
    );

    let page = read(&out, "changes/index.html");
    assert!(page.contains("西安新检测有限公司") && page.contains("更正机构名称"));
    assert!(page.contains("bj-delta") && page.contains("行政复议决定撤销"));
    assert!(
        page.contains("公示内容已更新"),
        "a silent correction is still explained"
    );
    assert!(read(&out, "data/index.html").contains("changes.json"));
    assert!(read(&out, "sitemap.xml").contains("/changes/</loc>"));

    // The all-notices feed carries the corrections, recorded and silent.
    let feeds = parse_feeds(&out);
    let all = feeds[out.join("feed.xml").to_str().unwrap()]["entries"]
        .as_array()
        .unwrap()
        .clone();
    let entry_ids: Vec<&str> = all.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(all.len(), 3);
    assert!(
        entry_ids[0].ends_with("/parks/park-1/#changed-2024-06-30"),
        "{entry_ids:?}"
    );
    assert!(
        entry_ids[1].contains("/labs/bj-beta/#correction-2024-05-10-"),
        "{entry_ids:?}"
    );
    assert_eq!(all[1]["title"], "更正：宝鸡乙检验检测有限公司");
    assert_eq!(all[1]["summary"], "更正机构名称");
    assert!(entry_ids[2].ends_with("/labs/xa-new/"), "{entry_ids:?}");

    // The same list from --previous into a fresh folder.
    let other = tmp.path().join("other");
    let mut opts = BuildOptions::new(&site, &other, common::date("2024-06-30"));
    opts.previous = Some(first_manifest);
    pipeline::build(&opts).expect("build with --previous");
    assert_eq!(
        read(&other, "changes/changes.json"),
        read(&out, "changes/changes.json")
    );
}

#[test]
fn unusable_earlier_manifests() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let mut opts = BuildOptions::new(fixture("export"), &out, common::date(AS_OF));
    opts.previous = Some(tmp.path().join("missing.json"));
    match pipeline::build(&opts) {
        Err(BuildError::Previous(path, _)) => assert!(path.ends_with("missing.json")),
        other => panic!("expected a --previous error, got {other:?}"),
    }
    assert!(!out.exists(), "nothing written");
    // A broken manifest in an earlier output (marked as one) is only a warning: the build
    // goes on without a change list.
    std::fs::create_dir_all(out.join("data")).unwrap();
    std::fs::write(out.join(".gongshi-output"), "").unwrap();
    std::fs::write(out.join("data/manifest.json"), "{not json").unwrap();
    let summary = build(&fixture("export"), &out, AS_OF).expect("build");
    assert!(summary
        .warnings
        .iter()
        .any(|w| w.code() == gongshi::messages::Code::PreviousIgnored));
    assert!(!out.join("changes").exists());
}

#[test]
fn exports_are_byte_identical_across_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build(&fixture("export"), &a, AS_OF).expect("first");
    let previous = tmp.path().join("previous.json");
    std::fs::copy(a.join("data/manifest.json"), &previous).unwrap();
    for out in [&a, &b] {
        let mut opts = BuildOptions::new(fixture("export"), out, common::date("2024-06-30"));
        opts.previous = Some(previous.clone());
        pipeline::build(&opts).expect("build");
    }
    let (ta, tb) = (read_tree(&a), read_tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    assert!(ta.contains_key("data/labs.xlsx") && ta.contains_key("changes/index.html"));
    for (path, bytes) in &ta {
        assert!(bytes == &tb[path], "{path} differs between builds");
    }
}
