//! Messages in the site's language: Chinese for a zh-CN site, English with `--lang en` or on an
//! English site, and machine formats (JSON, GitHub) that carry a stable code and differ between
//! languages only in the message text. Also the English labels an English site shows.

mod common;
use common::*;
use std::path::Path;

/// The good fixture with the data of several invalid fixtures beside its own, each file
/// renamed after its case so they do not overwrite one another.
fn site_with_problems(root: &Path) -> std::path::PathBuf {
    let site = root.join("site");
    copy_tree(&fixture("good"), &site);
    for case in ["credit-code", "bad-date", "unknown-field", "enum-value"] {
        let data = fixture("invalid").join(case).join("data");
        for collection in std::fs::read_dir(&data).unwrap().flatten() {
            for file in std::fs::read_dir(collection.path()).unwrap().flatten() {
                let name = format!("{case}-{}", file.file_name().to_string_lossy());
                let to = site.join("data").join(collection.file_name()).join(name);
                std::fs::copy(file.path(), to).unwrap();
            }
        }
    }
    site
}

fn check(site: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "check",
        "--site",
        site.to_str().unwrap(),
        "--as-of",
        "2024-04-15",
    ];
    args.extend_from_slice(extra);
    gongshi(&args)
}

#[test]
fn a_chinese_site_checks_in_chinese_and_in_english_on_request() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_problems(tmp.path());
    let zh = check(&site, &[]);
    assert_eq!(zh.status.code(), Some(1));
    let zh = String::from_utf8_lossy(&zh.stderr);
    for expected in [
        "data/labs/credit-code-a.yaml:4:14: 错误: 记录“xa-alpha”，字段“credit_code”：统一社会信用代码“91350100M000100Y44”有误：校验码为“4”，按 GB 32100 应为“3”（代码是否录错？）",
        "data/penalties/bad-date-a.yaml:7:16: 错误: 记录“p1”，字段“decision_date”：“2024-02-30”不是日历上存在的日期",
        "data/labs/unknown-field-a.yaml:4:1: 错误: 记录“xa-alpha”，字段“credit_cod”：栏目“labs”没有字段“credit_cod”；是否应为“credit_code”？",
        "字段“city”：“西安”不在可选值中：西安市、宝鸡市；是否应为“西安市”？",
        "处错误，0 条警告",
    ] {
        assert!(zh.contains(expected), "{expected}\nnot in:\n{zh}");
    }
    assert!(!zh.contains("error:"), "{zh}");

    let en = check(&site, &["--lang", "en"]);
    let en = String::from_utf8_lossy(&en.stderr);
    for expected in [
        "data/labs/credit-code-a.yaml:4:14: error: record \"xa-alpha\", field \"credit_code\": invalid credit code \"91350100M000100Y44\": check character is '4' but GB 32100 gives '3'",
        "data/penalties/bad-date-a.yaml:7:16: error: record \"p1\", field \"decision_date\": \"2024-02-30\" is not a real calendar date",
        "unknown field \"credit_cod\" in collection \"labs\"; did you mean \"credit_code\"?",
        "error(s), 0 warning(s)",
    ] {
        assert!(en.contains(expected), "{expected}\nnot in:\n{en}");
    }
    assert!(!en.contains("错误"), "{en}");
}

#[test]
fn json_has_a_code_for_every_diagnostic_and_differs_only_in_the_message() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_problems(tmp.path());
    let json = |lang: &str| -> Vec<serde_json::Value> {
        let out = check(&site, &["--format", "json", "--lang", lang]);
        assert_eq!(out.status.code(), Some(1));
        serde_json::from_slice(&out.stdout).expect("json output")
    };
    let (zh, en) = (json("zh"), json("en"));
    assert!(zh.len() >= 5, "{zh:#?}");
    assert_eq!(zh.len(), en.len());
    let mut codes = Vec::new();
    for (z, e) in zh.iter().zip(&en) {
        for key in [
            "file", "line", "col", "severity", "record", "field", "code", "message",
        ] {
            assert!(z.get(key).is_some(), "{key} missing in {z}");
        }
        let code = z["code"].as_str().expect("code is text");
        assert!(!code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'));
        codes.push(code.to_string());
        assert_ne!(z["message"], e["message"], "{z} / {e}");
        let strip = |v: &serde_json::Value| {
            let mut v = v.clone();
            v.as_object_mut().unwrap().remove("message");
            v
        };
        assert_eq!(strip(z), strip(e));
    }
    for code in [
        "bad-credit-code",
        "bad-date",
        "unknown-key",
        "missing-field",
        "not-in-enum",
    ] {
        assert!(codes.iter().any(|c| c == code), "{code} not in {codes:?}");
    }
}

#[test]
fn github_annotations_parse_in_both_languages() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_problems(tmp.path());
    for lang in ["zh", "en"] {
        let out = check(&site, &["--format", "github", "--lang", lang]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.lines().count() >= 5, "{text}");
        for line in text.lines() {
            let rest = line
                .strip_prefix("::error ")
                .or_else(|| line.strip_prefix("::warning "))
                .unwrap_or_else(|| panic!("not a workflow command: {line}"));
            let (props, message) = rest.split_once("::").expect("properties::message");
            assert!(!message.is_empty() && !message.contains('\n'), "{line}");
            let props: Vec<(&str, &str)> = props
                .split(',')
                .map(|p| p.split_once('=').expect("key=value"))
                .collect();
            assert_eq!(props[0].0, "file", "{line}");
            let title = props.iter().find(|p| p.0 == "title").expect("title").1;
            let code = title.strip_prefix("gongshi ").expect("gongshi title");
            assert!(code.split(' ').next().unwrap().contains('-') || !code.is_empty());
            for (key, value) in &props {
                if *key == "line" || *key == "col" {
                    value.parse::<usize>().expect("number");
                }
            }
        }
    }
}

/// The good fixture as an English site: `language: en`, with English labels on some fields.
fn english_site(root: &Path) -> std::path::PathBuf {
    let site = root.join("site");
    copy_tree(&fixture("good"), &site);
    let yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    let yaml = yaml
        .replacen("  page_size: 2\n", "  page_size: 2\n  language: en\n", 1)
        .replacen(
            "label: 决定书文号,",
            "label: { zh: 决定书文号, en: Decision number },",
            1,
        )
        .replacen(
            "label: 当事人类型,",
            "label: { zh: 当事人类型, en: Party type },",
            1,
        )
        .replacen(
            "    title: 行政处罚\n",
            "    title: { zh: 行政处罚, en: Administrative penalties }\n",
            1,
        );
    assert!(yaml.contains("Decision number") && yaml.contains("language: en"));
    std::fs::write(site.join("site.yaml"), yaml).unwrap();
    site
}

#[test]
fn an_english_site_speaks_english_unless_asked_for_chinese() {
    let tmp = tempfile::tempdir().unwrap();
    let site = english_site(tmp.path());
    std::fs::write(
        site.join("data/penalties/bad.yaml"),
        "id: p9\npublished: 2024-01-10\ndecision_number: X-1\nparty_name: 某公司\nparty_type: 法人\nsanctions: [罚款]\nfine: 五万\ndecision_date: 2024-01-05\n",
    )
    .unwrap();
    let en = check(&site, &[]);
    let en = String::from_utf8_lossy(&en.stderr);
    assert!(
        en.contains("data/penalties/bad.yaml:7:7: error: record \"p9\", field \"fine\": expected an amount in yuan"),
        "{en}"
    );
    let zh = check(&site, &["--lang", "zh"]);
    let zh = String::from_utf8_lossy(&zh.stderr);
    assert!(
        zh.contains(
            "data/penalties/bad.yaml:7:7: 错误: 记录“p9”，字段“fine”：应为以元为单位的金额"
        ),
        "{zh}"
    );
}

#[test]
fn the_english_ui_shows_english_labels_and_falls_back_to_chinese() {
    let tmp = tempfile::tempdir().unwrap();
    let site = english_site(tmp.path());
    let out = tmp.path().join("public");
    let run = gongshi(&[
        "build",
        "--site",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        "2024-04-15",
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("built "),
        "English command output: {stderr}"
    );
    let page = std::fs::read_to_string(out.join("penalties/p-big/index.html")).unwrap();
    assert!(page.contains("<html lang=\"en\""), "English UI");
    assert!(page.contains("Decision number"), "English label: {page}");
    assert!(page.contains("Party type"), "English label: {page}");
    assert!(page.contains("Administrative penalties"), "English title");
    // 罚款金额 has no English label: the Chinese one is shown.
    assert!(
        page.contains("罚款金额") || page.contains("当事人"),
        "Chinese fallback"
    );
    assert!(
        !page.contains("决定书文号"),
        "no Chinese where English is given"
    );
    let listing = std::fs::read_to_string(out.join("penalties/index.html")).unwrap();
    assert!(
        listing.contains("Administrative penalties"),
        "listing title"
    );
    // A Chinese site with the same site.yaml shows the Chinese labels.
    let zh_site = tmp.path().join("zh");
    copy_tree(&site, &zh_site);
    let yaml = std::fs::read_to_string(zh_site.join("site.yaml")).unwrap();
    std::fs::write(
        zh_site.join("site.yaml"),
        yaml.replace("  language: en\n", ""),
    )
    .unwrap();
    let zh_out = tmp.path().join("zh-public");
    let run = gongshi(&[
        "build",
        "--site",
        zh_site.to_str().unwrap(),
        "--out",
        zh_out.to_str().unwrap(),
        "--as-of",
        "2024-04-15",
    ]);
    assert_eq!(run.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&run.stderr).contains("构建完成"));
    let listing = std::fs::read_to_string(zh_out.join("penalties/index.html")).unwrap();
    assert!(listing.contains("行政处罚") && !listing.contains("Administrative penalties"));
}

#[test]
fn refusals_and_failures_are_in_the_sites_language() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("good"), &site);
    let s = site.to_str().unwrap();
    let zh = gongshi(&["build", "--site", s, "--out", s, "--as-of", "2024-04-15"]);
    assert_eq!(zh.status.code(), Some(2));
    let zh = String::from_utf8_lossy(&zh.stderr);
    assert!(
        zh.starts_with("错误: 拒绝构建到") && zh.contains("它就是站点文件夹本身"),
        "{zh}"
    );
    let en = gongshi_en(&["build", "--site", s, "--out", s, "--as-of", "2024-04-15"]);
    let en = String::from_utf8_lossy(&en.stderr);
    assert!(
        en.starts_with("error: refusing to build into") && en.contains("the site folder itself"),
        "{en}"
    );
    let bad_date = gongshi(&["check", "--site", s, "--as-of", "2024-13-01"]);
    assert!(
        String::from_utf8_lossy(&bad_date.stderr).contains("--as-of“2024-13-01”不是日期"),
        "{}",
        String::from_utf8_lossy(&bad_date.stderr)
    );
}

#[test]
fn init_and_import_report_in_chinese() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new");
    let init = gongshi(&["init", dir.to_str().unwrap()]);
    assert_eq!(init.status.code(), Some(0));
    let said = String::from_utf8_lossy(&init.stderr);
    assert!(
        said.contains("新建站点") && said.contains("gongshi check"),
        "{said}"
    );
    let yaml = std::fs::read_to_string(dir.join("site.yaml")).unwrap();
    assert!(
        yaml.contains("en: Decision date"),
        "init writes English labels"
    );
    let again = gongshi(&["init", dir.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(said.contains("文件夹不是空的"), "{said}");

    let csv = tmp.path().join("bad.csv");
    std::fs::write(
        &csv,
        "行政处罚决定书文号,罚款金额（元）,不存在的列\nX-1,五万,1\n",
    )
    .unwrap();
    let import = gongshi(&[
        "import",
        "penalties",
        csv.to_str().unwrap(),
        "--site",
        dir.to_str().unwrap(),
        "--as-of",
        "2024-04-15",
    ]);
    assert_eq!(import.status.code(), Some(1));
    let said = String::from_utf8_lossy(&import.stderr);
    assert!(
        said.contains("错误: ")
            && said.contains("第 1 行")
            && said.contains("列“不存在的列”与栏目 penalties 的字段都不对应"),
        "{said}"
    );
    assert!(said.contains("未写入任何文件"), "{said}");
}

#[test]
fn search_says_how_many_results_in_the_language_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&fixture("orgs"), &out, "2024-04-15").expect("build");
    let out_arg = out.to_str().unwrap();
    let zh = gongshi(&[
        "--lang",
        "zh",
        "search",
        "--out",
        out_arg,
        "宝鸡乙食品有限公司",
    ]);
    let zh = String::from_utf8_lossy(&zh.stdout);
    assert!(zh.starts_with("“宝鸡乙食品有限公司”共 "), "{zh}");
    assert!(zh.contains(" 条结果（"), "{zh}");
    let en = gongshi_en(&["search", "--out", out_arg, "宝鸡乙食品有限公司"]);
    let en = String::from_utf8_lossy(&en.stdout);
    assert!(en.contains(" result(s) for \"宝鸡乙食品有限公司\""), "{en}");
}
