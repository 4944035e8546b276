//! A new bureau's workflow: `gongshi init`, `gongshi import` from every spreadsheet format and
//! CSV encoding staff have, all-or-nothing validation, stable ids, and the national 双公示
//! export read back into an empty site.

mod common;

// Every run is in English (`--lang en`): the assertions quote the English messages;
// tests/messages.rs has the Chinese ones.
use common::{fixture, gongshi_en, read_tree, repo_root};
use std::collections::BTreeMap;
use std::path::Path;

const AS_OF: &str = "2025-06-30";

fn run_ok(args: &[&str]) -> String {
    let out = gongshi_en(args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "gongshi {args:?} failed:\n{stderr}");
    stderr
}

/// `gongshi build` of `site` into `out` at the tests' date.
fn build(site: &Path, out: &Path) {
    let (site, out) = (site.to_str().expect("path"), out.to_str().expect("path"));
    run_ok(&["build", "--site", site, "--out", out, "--as-of", AS_OF]);
}

/// A new site made by `gongshi init` in `dir`.
fn new_site(dir: &Path) {
    run_ok(&[
        "init",
        dir.to_str().expect("utf-8 path"),
        "--bureau",
        "测试市市场监督管理局",
    ]);
}

fn import(site: &Path, collection: &str, file: &Path) -> std::process::Output {
    gongshi_en(&[
        "import",
        collection,
        file.to_str().expect("path"),
        "--site",
        site.to_str().expect("path"),
        "--as-of",
        AS_OF,
    ])
}

fn data_files(site: &Path, collection: &str) -> BTreeMap<String, Vec<u8>> {
    read_tree(&site.join("data").join(collection))
        .into_iter()
        .filter(|(name, _)| name.ends_with(".yaml"))
        .collect()
}

const HEADER: &str = "行政相对人名称,行政相对人类别,统一社会信用代码,行政处罚决定书文号,违法行为类型,违法事实,处罚依据,处罚类别,罚款金额（万元）,处罚决定日期,处罚机关,所在地市";

/// The rows of tests/fixtures/import/make.py, as a spreadsheet program saves them to CSV.
const ROWS: [&str; 3] = [
    "榆林百川商贸有限公司,法人,91610800HW9LG1DF0U,榆市监罚〔2025〕7号,虚假宣传,经查，当事人发布虚假广告。,《中华人民共和国反不正当竞争法》第二十条,罚款；没收违法所得,1.5,2025/3/4,榆林市市场监督管理局,榆林市",
    "陕西天宇环境检测有限公司,法人,91610100CJ353JR7BJ,陕市监罚[2025]8号,出具虚假检验检测报告,经查，当事人出具虚假报告。,《检验检测机构监督管理办法》第二十六条,罚款,0.25,2025-03-10,陕西省市场监督管理局,西安市",
    "王某某,自然人,,商市监罚〔2025〕9号,价格违法行为,经查，当事人未明码标价。,《价格违法行为行政处罚规定》第十三条,罚款,0.05,2025年3月12日,商洛市市场监督管理局,商洛市",
];

fn csv_text(rows: &[&str]) -> String {
    let mut text = format!("{HEADER}\r\n");
    for row in rows {
        text.push_str(row);
        text.push_str("\r\n");
    }
    text
}

/// The same rows as an XLSX workbook, dates as date cells and amounts as numbers.
fn xlsx_file(path: &Path) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("处罚").expect("name");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in HEADER.split(',').enumerate() {
        sheet.write_string(0, c as u16, h).expect("header");
    }
    let dates = [(2025, 3, 4), (2025, 3, 10), (2025, 3, 12)];
    for (r, row) in ROWS.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.split(',').enumerate() {
            let c = c as u16;
            match c {
                8 => sheet.write_number(r, c, cell.parse::<f64>().expect("amount")),
                9 => {
                    let (y, m, d) = dates[r as usize - 1];
                    let when = ExcelDateTime::from_ymd(y, m, d).expect("date");
                    sheet.write_datetime_with_format(r, c, &when, &date)
                }
                _ if cell.is_empty() => continue,
                _ => sheet.write_string(r, c, cell),
            }
            .expect("cell");
        }
    }
    book.save(path).expect("save xlsx");
}

#[test]
fn init_makes_a_site_that_checks_and_builds() {
    let tmp = tempfile::tempdir().expect("tmp");
    let site = tmp.path().join("bureau");
    new_site(&site);
    let yaml = std::fs::read_to_string(site.join("site.yaml")).expect("site.yaml");
    assert!(yaml.contains("测试市市场监督管理局"), "{yaml}");
    for c in ["labs", "inspections", "penalties", "organic-parks"] {
        assert!(site.join("data").join(c).is_dir(), "data/{c}/");
    }
    let site_arg = site.to_str().expect("path");
    run_ok(&["check", "--site", site_arg, "--as-of", AS_OF]);
    let out = tmp.path().join("public");
    build(&site, &out);
    for page in [
        "index.html",
        "search/index.html",
        "data/index.html",
        "about/index.html",
    ] {
        assert!(
            out.join(page).is_file(),
            "{page} missing from an empty site's build"
        );
    }
    // A second init into the same folder must not overwrite anything.
    let again = gongshi_en(&["init", site_arg]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
}

#[test]
fn every_format_and_encoding_gives_the_same_records() {
    let tmp = tempfile::tempdir().expect("tmp");
    let inputs = tmp.path().join("inputs");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    let text = csv_text(&ROWS);
    let utf8 = inputs.join("utf8.csv");
    std::fs::write(&utf8, &text).expect("write");
    let bom = inputs.join("bom.csv");
    std::fs::write(&bom, format!("\u{feff}{text}")).expect("write");
    let gbk = inputs.join("gbk.csv");
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the GBK file must not be UTF-8"
    );
    std::fs::write(&gbk, &bytes).expect("write");
    let xlsx = inputs.join("book.xlsx");
    xlsx_file(&xlsx);
    let files = [
        utf8,
        bom,
        gbk,
        xlsx,
        fixture("import/penalties.xls"),
        fixture("import/penalties.ods"),
    ];
    let mut first: Option<BTreeMap<String, Vec<u8>>> = None;
    for file in &files {
        let site = tmp.path().join(format!(
            "site-{}",
            file.file_name().expect("name").to_string_lossy()
        ));
        new_site(&site);
        let out = import(&site, "penalties", file);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{}: {stderr}", file.display());
        assert!(stderr.contains("3 new"), "{}: {stderr}", file.display());
        let records = data_files(&site, "penalties");
        assert_eq!(records.len(), 3, "{}", file.display());
        let all = records
            .values()
            .map(|b| String::from_utf8_lossy(b).to_string())
            .collect::<String>();
        for expected in [
            "fine: 15000",
            "fine: 2500",
            "fine: 500",
            "decision_date: 2025-03-10",
            "- 没收违法所得",
        ] {
            assert!(
                all.contains(expected),
                "{}: no `{expected}` in\n{all}",
                file.display()
            );
        }
        match &first {
            None => first = Some(records),
            Some(first) => assert_eq!(first, &records, "{} differs from utf8.csv", file.display()),
        }
    }
}

#[test]
fn a_bad_row_names_its_row_and_column_and_nothing_is_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    let site = tmp.path().join("site");
    new_site(&site);
    let bad_code = ROWS[1].replace("91610100CJ353JR7BJ", "91610100CJ353JR7BX");
    let bad_city = ROWS[2].replace(",商洛市", ",火星市");
    let file = tmp.path().join("bad.csv");
    std::fs::write(&file, csv_text(&[ROWS[0], &bad_code, &bad_city])).expect("write");
    let out = import(&site, "penalties", &file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("row 3, column \"统一社会信用代码\"") && stderr.contains("check character"),
        "{stderr}"
    );
    assert!(stderr.contains("row 4, column \"所在地市\""), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(
        data_files(&site, "penalties").is_empty(),
        "a failed import wrote files"
    );

    let unknown = tmp.path().join("unknown.csv");
    std::fs::write(&unknown, format!("{HEADER},经办人\r\n{},张三\r\n", ROWS[0])).expect("write");
    let out = import(&site, "penalties", &unknown);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("row 1") && stderr.contains("\"经办人\" matches no field"),
        "{stderr}"
    );
    // A mapping file says what to do with it.
    let mapping = tmp.path().join("mapping.yaml");
    std::fs::write(&mapping, "经办人: \"-\"\n").expect("write");
    let out = gongshi_en(&[
        "import",
        "penalties",
        unknown.to_str().expect("p"),
        "--site",
        site.to_str().expect("p"),
        "--as-of",
        AS_OF,
        "--mapping",
        mapping.to_str().expect("p"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = data_files(&site, "penalties");
    assert_eq!(written.len(), 1);
    assert!(!written.values().any(|b| common::contains(b, "张三")));
}

#[test]
fn importing_twice_changes_nothing_and_a_changed_row_adds_history() {
    let tmp = tempfile::tempdir().expect("tmp");
    let site = tmp.path().join("site");
    new_site(&site);
    let file = tmp.path().join("p.csv");
    std::fs::write(&file, csv_text(&ROWS)).expect("write");
    assert!(import(&site, "penalties", &file).status.success());
    let before = data_files(&site, "penalties");
    let again = import(&site, "penalties", &file);
    assert!(String::from_utf8_lossy(&again.stderr).contains("0 new, 0 updated, 3 unchanged"));
    assert_eq!(before, data_files(&site, "penalties"));

    // The same decision number with other brackets and a new fine: the same record, updated.
    let changed = ROWS[0]
        .replace("〔2025〕7号", "[2025]7号")
        .replace(",1.5,", ",2,");
    std::fs::write(&file, csv_text(&[&changed, ROWS[1], ROWS[2]])).expect("write");
    let out = import(&site, "penalties", &file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("0 new, 1 updated, 2 unchanged"), "{stderr}");
    let after = data_files(&site, "penalties");
    let diff: Vec<_> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .collect();
    assert_eq!(diff.len(), 1, "one record file changes");
    let text = String::from_utf8_lossy(diff[0].1);
    assert!(text.contains("fine: 20000"), "{text}");
    assert!(
        text.contains("history:") && text.contains("罚款金额（元）：15000 → 20000"),
        "{text}"
    );
    assert!(text.contains("date: 2025-06-30"), "{text}");
    run_ok(&[
        "check",
        "--site",
        site.to_str().expect("p"),
        "--as-of",
        AS_OF,
    ]);
}

#[test]
fn the_national_export_imports_back_into_the_same_records() {
    let tmp = tempfile::tempdir().expect("tmp");
    let original = tmp.path().join("original");
    let root = repo_root();
    build(&root, &original);
    let site = tmp.path().join("site");
    new_site(&site);
    // Labs first, from the ordinary dataset: penalties refer to them.
    for (collection, file) in [
        ("labs", "labs.csv"),
        ("penalties", "penalties-national.csv"),
    ] {
        let out = import(&site, collection, &original.join("data").join(file));
        assert!(
            out.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let rebuilt = tmp.path().join("rebuilt");
    build(&site, &rebuilt);
    for dataset in ["labs.csv", "penalties.csv", "penalties-national.csv"] {
        let a = without_history(&original.join("data").join(dataset));
        let b = without_history(&rebuilt.join("data").join(dataset));
        assert!(a.len() > 10, "{dataset}: {} rows", a.len());
        assert_eq!(a, b, "{dataset} differs after export and import");
    }
}

/// A CSV dataset's rows without the `history` column (corrections live in the YAML files,
/// which import does not take from a dataset) and with the bureau's name, which differs.
fn without_history(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .expect("csv");
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect();
    let skip: Vec<usize> = rows[0]
        .iter()
        .enumerate()
        .filter(|(_, h)| ["history", "\u{feff}history", "数据来源单位"].contains(&h.as_str()))
        .map(|(i, _)| i)
        .collect();
    rows.into_iter()
        .map(|r| {
            r.into_iter()
                .enumerate()
                .filter(|(i, _)| !skip.contains(i))
                .map(|(_, c)| c)
                .collect()
        })
        .collect()
}
