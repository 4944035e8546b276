//! Every validation error of the foundation, one fixture folder each under
//! `tests/fixtures/invalid/<case>/` with the problem it must report in `expect.txt`: its
//! location, its code, and its message in English (`contains`, with `--lang en`) and in Chinese
//! (`contains_zh`, the fixtures' zh-CN sites' own language).

mod common;
use common::*;

struct Expect {
    file: String,
    line: String,
    field: String,
    contains: String,
    contains_zh: String,
    code: String,
}

fn expectation(case: &std::path::Path) -> Expect {
    let text = std::fs::read_to_string(case.join("expect.txt")).expect("expect.txt");
    let get = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}:")))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("{key} missing in {}", case.display()))
    };
    Expect {
        file: get("file"),
        line: get("line"),
        field: get("field"),
        contains: get("contains"),
        contains_zh: get("contains_zh"),
        code: get("code"),
    }
}

#[test]
fn each_invalid_fixture_reports_file_line_field_and_writes_nothing() {
    let cases = std::fs::read_dir(fixture("invalid")).expect("invalid fixtures");
    let mut names: Vec<_> = cases.flatten().map(|e| e.path()).collect();
    names.sort();
    assert!(
        names.len() >= 13,
        "expected the whole set of invalid fixtures"
    );
    for case in names {
        let expect = expectation(&case);
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        copy_tree(&fixture("good"), &site);
        std::fs::remove_dir_all(site.join("data")).unwrap();
        copy_tree(&case.join("data"), &site.join("data"));
        let out = tmp.path().join("public");
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let location = format!("{}:{}", expect.file, expect.line);
        for (lang, contains, field) in [
            (
                "en",
                &expect.contains,
                format!("field \"{}\"", expect.field),
            ),
            ("zh", &expect.contains_zh, format!("字段“{}”", expect.field)),
        ] {
            let result = gongshi(&[
                "build",
                "--lang",
                lang,
                "--site",
                site.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--as-of",
                "2024-04-15",
            ]);
            let stderr = String::from_utf8_lossy(&result.stderr);
            assert_eq!(
                result.status.code(),
                Some(1),
                "{name}: exit code; stderr:\n{stderr}"
            );
            let line = stderr
                .lines()
                .find(|l| l.starts_with(&location) && l.contains(contains.as_str()))
                .unwrap_or_else(|| {
                    panic!(
                        "{name} ({lang}): no diagnostic at {location} containing {contains:?}; stderr:\n{stderr}"
                    )
                });
            if !expect.field.is_empty() {
                assert!(line.contains(&field), "{name}: field not named in {line}");
            }
            assert!(!out.exists(), "{name}: a failed build wrote output");
        }
        let json = gongshi(&[
            "check",
            "--site",
            site.to_str().unwrap(),
            "--as-of",
            "2024-04-15",
            "--format",
            "json",
        ]);
        let diags: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
        assert!(
            diags
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["code"] == expect.code.as_str() && d["file"] == expect.file.as_str()),
            "{name}: no {} diagnostic: {diags:#}",
            expect.code
        );
    }
}

#[test]
fn check_json_and_github_formats_carry_the_location() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("good"), &site);
    copy_tree(&fixture("invalid/credit-code/data"), &site.join("data"));
    let json = gongshi(&[
        "check",
        "--site",
        site.to_str().unwrap(),
        "--as-of",
        "2024-04-15",
        "--format",
        "json",
    ]);
    assert_eq!(json.status.code(), Some(1));
    let diags: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json output");
    let first = diags
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["field"] == "credit_code")
        .expect("credit code error");
    assert_eq!(first["file"], "data/labs/a.yaml");
    assert_eq!(first["line"], 4);
    assert_eq!(first["record"], "xa-alpha");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "bad-credit-code");
    let gh = gongshi(&[
        "check",
        "--site",
        site.to_str().unwrap(),
        "--as-of",
        "2024-04-15",
        "--format",
        "github",
    ]);
    let text = String::from_utf8_lossy(&gh.stdout);
    assert!(
        text.lines()
            .any(|l| l.starts_with("::error file=data/labs/a.yaml,line=4,col=")),
        "{text}"
    );
}

#[test]
fn a_valid_site_checks_clean() {
    let out = gongshi_en(&[
        "check",
        "--site",
        fixture("good").to_str().unwrap(),
        "--as-of",
        "2024-04-15",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("0 error(s)"), "{stderr}");
    let out = gongshi(&[
        "check",
        "--site",
        fixture("good").to_str().unwrap(),
        "--as-of",
        "2024-04-15",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("0 处错误"), "{stderr}");
}
