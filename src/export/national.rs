//! A collection's records in the national 双公示 column layout (see
//! [`crate::config::national`]), as CSV and XLSX under `/data/<collection>-national.*`: the
//! standard's columns in its order, then every other public field under its label and the
//! record's id and notice start, so `gongshi import` reads the file back into the same records. Columns the site does not keep
//! stay empty; personal fields the site never publishes (证件号码) stay empty too.

use super::tabular::{neutralise_formula, value_cell, Cell, OnNotice};
use crate::config::national::{yuan_to_wan, ColumnSource, NationalFormat, Unit};
use crate::config::{Collection, FieldType, Personal};
use crate::notice::PublishedCollection;
use crate::record::Value;
use chrono::NaiveDate;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};
use std::io::{self, Write};

/// Lists in one cell, as the national templates write them.
const LIST_SEPARATOR: &str = "；";

/// The header of the id column that follows the standard's columns.
pub const ID_HEADER: &str = "记录编号";
/// The header of the notice start column that follows it.
pub const PUBLISHED_HEADER: &str = "公示日期";

/// What a cell of the national table holds.
#[derive(Debug, Clone, PartialEq)]
pub enum NationalCell {
    Text(String),
    /// An amount, exact as text; a number in XLSX.
    Amount(String),
}

pub struct NationalTable {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<NationalCell>>,
}

/// The table of a collection's published records.
pub fn table(
    c: &Collection,
    national: &NationalFormat,
    bureau: &str,
    pc: &PublishedCollection,
    on_notice: &OnNotice,
) -> NationalTable {
    let extra: Vec<usize> = c
        .fields
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            national.column_of(*i).is_none()
                && f.personal != Personal::Omit
                && !matches!(f.ty, FieldType::Object(_))
        })
        .map(|(i, _)| i)
        .collect();
    let mut headers: Vec<String> = national.columns.iter().map(|c| c.header.clone()).collect();
    headers.extend(extra.iter().map(|&i| c.fields[i].label.clone()));
    headers.push(ID_HEADER.into());
    headers.push(PUBLISHED_HEADER.into());
    let text = |v: Option<&Value>, field: usize| -> NationalCell {
        let def = &c.fields[field];
        let shown = match v.map(|v| value_cell(def, v, on_notice)) {
            _ if def.personal == Personal::Omit => String::new(),
            Some(Cell::List(items)) => items
                .iter()
                .map(|i| i.text().into_owned())
                .collect::<Vec<_>>()
                .join(LIST_SEPARATOR),
            Some(cell) => cell.text().into_owned(),
            None => String::new(),
        };
        NationalCell::Text(shown)
    };
    let rows = pc
        .records
        .iter()
        .map(|public| {
            let r = &public.record;
            let mut row: Vec<NationalCell> = national
                .columns
                .iter()
                .map(|col| match col.source {
                    ColumnSource::Field {
                        field,
                        unit: Unit::TenThousandYuan,
                    } => match r.value(field) {
                        Some(Value::Money(m)) => NationalCell::Amount(yuan_to_wan(m.0)),
                        _ => NationalCell::Text(String::new()),
                    },
                    ColumnSource::Field { field, .. } => text(r.value(field), field),
                    ColumnSource::NoticeUntil => NationalCell::Text(
                        public.last_day.map(|d| d.to_string()).unwrap_or_default(),
                    ),
                    ColumnSource::Bureau => NationalCell::Text(bureau.to_string()),
                    ColumnSource::Empty => NationalCell::Text(String::new()),
                })
                .collect();
            row.extend(extra.iter().map(|&i| text(r.value(i), i)));
            row.push(NationalCell::Text(r.id.to_string()));
            row.push(NationalCell::Text(r.notice.published.to_string()));
            row
        })
        .collect();
    NationalTable { headers, rows }
}

impl NationalCell {
    fn text(&self) -> &str {
        match self {
            NationalCell::Text(s) | NationalCell::Amount(s) => s,
        }
    }
}

/// UTF-8 with a byte-order mark (Excel's cue), the Chinese headers, CRLF line ends.
pub fn write_csv<W: Write>(table: &NationalTable, out: W) -> io::Result<W> {
    let mut out = out;
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(&table.headers)?;
    for row in &table.rows {
        w.write_record(
            row.iter()
                .map(|c| neutralise_formula(c.text()).into_owned()),
        )?;
    }
    w.into_inner().map_err(|e| e.into_error())
}

/// One worksheet, text cells as in the CSV, amounts as numbers; dated by the as-of day so the
/// same inputs give the same bytes.
pub fn xlsx_bytes(
    table: &NationalTable,
    title: &str,
    author: &str,
    as_of: NaiveDate,
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(
        chrono::Datelike::year(&as_of).clamp(1900, 9999) as u16,
        chrono::Datelike::month(&as_of) as u8,
        chrono::Datelike::day(&as_of) as u8,
    )?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author(author)
            .set_creation_datetime(&created),
    );
    let ws = workbook.add_worksheet();
    ws.set_name("双公示")?;
    let header = Format::new().set_bold();
    for (c, h) in table.headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &header)?;
        ws.set_column_width(c as u16, 16)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                NationalCell::Amount(s) => match s.parse::<f64>() {
                    Ok(n) => ws.write_number(r, c, n)?,
                    Err(_) => ws.write_string(r, c, s)?,
                },
                NationalCell::Text(s) if s.is_empty() => ws,
                NationalCell::Text(s) => ws.write_string(r, c, neutralise_formula(s))?,
            };
        }
    }
    workbook.save_to_buffer()
}
