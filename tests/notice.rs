//! Public-notice rules at several as-of dates (embargo, 3-month and 3-year periods, restriction
//! periods, withdrawal, per-record override, boundary days), timeliness warnings, and the leak
//! test: no raw personal value reaches any byte of any output.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::Path;

const IDS: [&str; 9] = [
    "n-embargo",
    "n-3m",
    "n-3y",
    "n-warning",
    "n-withdrawn",
    "n-restrict",
    "n-override",
    "n-corrected",
    "n-late",
];

fn states(out: &Path) -> BTreeMap<&'static str, &'static str> {
    IDS.iter()
        .map(|id| {
            let page = out.join(format!("penalties/{id}/index.html"));
            let state = match std::fs::read_to_string(page) {
                Err(_) => "absent",
                Ok(html) if html.contains(r#"name="robots""#) && html.contains("公示已结束") => {
                    "down"
                }
                Ok(_) => "on",
            };
            (*id, state)
        })
        .collect()
}

fn expect(on: &[&str], down: &[&str]) -> BTreeMap<&'static str, &'static str> {
    IDS.iter()
        .map(|id| {
            let state = if on.contains(id) {
                "on"
            } else if down.contains(id) {
                "down"
            } else {
                "absent"
            };
            (*id, state)
        })
        .collect()
}

#[test]
fn notice_states_at_boundary_days() {
    let cases: [(&str, &[&str], &[&str]); 13] = [
        (
            "2024-02-01",
            &[
                "n-3m",
                "n-3y",
                "n-withdrawn",
                "n-restrict",
                "n-override",
                "n-corrected",
            ],
            &[],
        ),
        (
            "2024-02-02",
            &["n-3m", "n-3y", "n-withdrawn", "n-restrict", "n-corrected"],
            &["n-override"],
        ),
        (
            "2024-03-09",
            &["n-3m", "n-3y", "n-withdrawn", "n-restrict", "n-corrected"],
            &["n-override"],
        ),
        (
            "2024-03-10",
            &["n-3m", "n-3y", "n-restrict", "n-corrected"],
            &["n-override", "n-withdrawn"],
        ),
        (
            "2024-03-28",
            &["n-3m", "n-3y", "n-restrict", "n-corrected"],
            &["n-override", "n-withdrawn"],
        ),
        (
            "2024-03-29",
            &["n-3m", "n-3y", "n-restrict", "n-corrected", "n-late"],
            &["n-override", "n-withdrawn"],
        ),
        (
            "2024-04-14",
            &["n-3m", "n-3y", "n-restrict", "n-corrected", "n-late"],
            &["n-override", "n-withdrawn"],
        ),
        (
            "2024-04-15",
            &["n-3y", "n-restrict", "n-corrected", "n-late"],
            &["n-3m", "n-override", "n-withdrawn"],
        ),
        (
            "2024-05-31",
            &["n-3y", "n-restrict", "n-corrected", "n-late"],
            &["n-3m", "n-override", "n-withdrawn"],
        ),
        (
            "2024-06-01",
            &["n-restrict", "n-corrected", "n-late"],
            &["n-3m", "n-3y", "n-override", "n-withdrawn"],
        ),
        (
            "2024-07-01",
            &["n-embargo", "n-restrict", "n-corrected", "n-late"],
            &["n-3m", "n-3y", "n-override", "n-withdrawn"],
        ),
        (
            "2030-12-31",
            &["n-restrict"],
            &[
                "n-embargo",
                "n-3m",
                "n-3y",
                "n-override",
                "n-withdrawn",
                "n-corrected",
                "n-late",
            ],
        ),
        (
            "2031-01-01",
            &[],
            &[
                "n-restrict",
                "n-embargo",
                "n-3m",
                "n-3y",
                "n-override",
                "n-withdrawn",
                "n-corrected",
                "n-late",
            ],
        ),
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (as_of, on, down) in cases {
        let out = tmp.path().join(as_of);
        build(&fixture("notice"), &out, as_of).unwrap_or_else(|e| panic!("{as_of}: {e}"));
        assert_eq!(states(&out), expect(on, down), "as of {as_of}");
        let listing: String = read_tree(&out.join("penalties"))
            .into_iter()
            .filter(|(p, _)| p == "index.html" || p.starts_with("page/"))
            .map(|(_, b)| String::from_utf8(b).unwrap())
            .collect();
        for id in IDS {
            let linked = listing.contains(&format!("penalties/{id}/"));
            assert_eq!(linked, on.contains(&id), "{as_of}: listing link to {id}");
        }
    }
}

#[test]
fn taken_down_pages_keep_dates_and_reason_but_no_content() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&fixture("notice"), &out, "2024-06-01").expect("build");
    let withdrawn = read(&out, "penalties/n-withdrawn/index.html");
    assert!(withdrawn.contains("2024-01-10") && withdrawn.contains("2024-03-10"));
    assert!(withdrawn.contains("行政复议决定撤销原处罚决定"));
    assert!(!withdrawn.contains("撤销测试有限公司") && !withdrawn.contains("105号"));
    let expired = read(&out, "penalties/n-3y/index.html");
    assert!(
        expired.contains("2021-06-01") && expired.contains("2024-05-31"),
        "{expired}"
    );
    assert!(!expired.contains("三年期测试有限公司"));
}

#[test]
fn corrections_show_newest_first_and_names_are_masked() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&fixture("notice"), &out, "2024-04-01").expect("build");
    let page = read(&out, "penalties/n-corrected/index.html");
    let newer = page.find("更正当事人类型").expect("newer correction");
    let older = page.find("更正罚款金额").expect("older correction");
    assert!(newer < older, "newest correction first");
    assert!(page.contains("更*******"), "个体工商户 name masked: {page}");
    let person = read(&out, "penalties/n-3m/index.html");
    assert!(person.contains("欧***"));
}

#[test]
fn check_warns_on_late_notices_and_strict_fails() {
    let site = fixture("notice");
    let out = gongshi_en(&[
        "check",
        "--site",
        site.to_str().unwrap(),
        "--as-of",
        "2024-04-14",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let warning = stderr
        .lines()
        .find(|l| l.contains("record \"n-late\""))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(
        warning.starts_with("data/penalties/cases.yaml:"),
        "{warning}"
    );
    assert!(
        warning.contains("warning")
            && warning.contains("38 working days")
            && warning.contains("limit is 20"),
        "{warning}"
    );
    assert!(stderr.contains("n-3m"), "expiring soon listed: {stderr}");
    let strict = gongshi_en(&[
        "check",
        "--site",
        site.to_str().unwrap(),
        "--as-of",
        "2024-04-14",
        "--strict",
    ]);
    assert_eq!(strict.status.code(), Some(1));
}

/// The staff report (late and soon-ending notices, with the repository's file paths) is for
/// the bureau only: `build --staff-report FILE` writes it outside the output, and nothing of
/// it is in the public tree, nor named by robots.txt.
#[test]
fn the_staff_report_stays_out_of_the_public_output() {
    let site = fixture("notice");
    let tmp = tempfile::tempdir().unwrap();
    let built = tmp.path().join("public");
    let report = tmp.path().join("staff-report.txt");
    let run = gongshi_en(&[
        "build",
        "--site",
        site.to_str().unwrap(),
        "--out",
        built.to_str().unwrap(),
        "--as-of",
        "2024-04-14",
        "--staff-report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&report).expect("staff report written");
    let late = text
        .lines()
        .find(|l| l.contains("penalties/n-late"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(late.contains("data/penalties/cases.yaml:"), "{late}");
    assert!(
        text.contains("penalties/n-3m"),
        "expiring soon listed: {text}"
    );

    assert!(!built.join("staff").exists(), "no /staff/ in the output");
    for (path, bytes) in all_output_bytes(&built) {
        for internal in ["staff/", "cases.yaml", "published late"] {
            assert!(!contains(&bytes, internal), "{path} mentions {internal}");
        }
    }

    // Inside the output it would be published: refused before anything is built.
    let inside = built.join("report.txt");
    let before = read_tree(&built);
    let run = gongshi_en(&[
        "build",
        "--site",
        site.to_str().unwrap(),
        "--out",
        built.to_str().unwrap(),
        "--as-of",
        "2024-04-14",
        "--staff-report",
        inside.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("inside the output folder"), "{stderr}");
    assert!(read_tree(&built) == before, "output unchanged");
}

#[test]
fn no_personal_value_reaches_any_output_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&fixture("notice"), &out, "2024-03-01").expect("build");
    let secrets = [
        "11010519491231002X",
        "13987654321",
        "欧阳锋锐",
        "阳锋锐",
        "029-87654321",
        "87654321",
        "禁发布测试企业",
        "仅警告测试",
        "正测试有限公司",
    ];
    let files = all_output_bytes(&out);
    assert!(files.len() > 20, "scanned {} files", files.len());
    for (path, bytes) in &files {
        for secret in secrets {
            assert!(!contains(bytes, secret), "{path} contains {secret}");
        }
    }
    // The masked forms are there, so the scan looked at real pages.
    assert!(files.iter().any(|(_, b)| contains(b, "欧***")));
}
