//! The XLSX file of a collection: one worksheet whose header row holds the fields' Chinese
//! labels (frozen, with an autofilter), dates as real Excel dates, money and integers as
//! numbers, other cells as text exactly as in the CSV (text that would start a formula with its
//! leading `'`, see [`Cell::spreadsheet_text`]). Written in rust_xlsxwriter's
//! constant-memory mode (row by row through a temporary file), and with the document's
//! creation date set to the as-of date, so the same inputs give the same bytes.

use super::tabular::{Cell, Column, ColumnKind};
use crate::config::FieldType;
use chrono::NaiveDate;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// Excel's row limit, header included.
pub const MAX_ROWS: usize = 1_048_576;
/// Excel's limit on the characters of one cell; longer text is cut (the CSV and JSON keep it).
const MAX_CELL_CHARS: usize = 32_767;
const TRUNCATED: &str = "…（全文见 CSV/JSON）";
/// How many rows are measured to size the columns.
const SIZING_ROWS: usize = 500;

pub struct Sheet<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub author: &'a str,
    pub labels: &'a [String],
    pub columns: &'a [Column<'a>],
    pub rows: &'a [Vec<Cell>],
    pub as_of: NaiveDate,
}

pub fn xlsx_bytes(sheet: &Sheet) -> Result<Vec<u8>, XlsxError> {
    if sheet.rows.len() >= MAX_ROWS {
        return Err(XlsxError::RowColumnLimitError);
    }
    let mut workbook = workbook(sheet)?;
    let header = Format::new().set_bold();
    let formats = Formats {
        date: Format::new().set_num_format("yyyy-mm-dd"),
        money: Format::new().set_num_format("#,##0.00"),
    };
    let ws = workbook.add_worksheet_with_constant_memory()?;
    ws.set_name(sheet_name(sheet.name))?;
    let last_col = sheet.columns.len().saturating_sub(1) as u16;
    for (c, width) in column_widths(sheet).into_iter().enumerate() {
        ws.set_column_width(c as u16, width)?;
    }
    // A date or money column carries its number format, which its cells take without one of
    // their own: a format given per cell is hashed per cell (a tenth of the workbook's time).
    let column_kinds: Vec<NumberKind> = sheet.columns.iter().map(number_kind).collect();
    for (c, kind) in column_kinds.iter().enumerate() {
        match kind {
            NumberKind::Date => ws.set_column_format(c as u16, &formats.date)?,
            NumberKind::Money => ws.set_column_format(c as u16, &formats.money)?,
            NumberKind::Other => ws,
        };
    }
    for (c, label) in sheet.labels.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, label, &header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, sheet.rows.len() as u32, last_col)?;
    for (r, row) in sheet.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            write_cell(
                ws,
                (r as u32 + 1, c as u16),
                cell,
                column_kinds[c],
                &formats,
            )?;
        }
    }
    workbook.save_to_buffer()
}

/// A workbook whose properties carry the sheet's title, author and the as-of date.
fn workbook(sheet: &Sheet) -> Result<Workbook, XlsxError> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(
        chrono::Datelike::year(&sheet.as_of).clamp(1900, 9999) as u16,
        chrono::Datelike::month(&sheet.as_of) as u8,
        chrono::Datelike::day(&sheet.as_of) as u8,
    )?;
    let properties = DocProperties::new()
        .set_title(sheet.title)
        .set_author(sheet.author)
        .set_creation_datetime(&created);
    workbook.set_properties(&properties);
    // Level 2: zlib-rs's fast strategy, where level 3 already takes its medium one; level 1
    // would make the files much larger.
    workbook.set_zip_compression_level(2);
    Ok(workbook)
}

/// The number formats of date and money cells.
struct Formats {
    date: Format,
    money: Format,
}

/// One cell at (row, column); a date or money cell in a column of its kind takes the
/// column's format.
fn write_cell(
    ws: &mut Worksheet,
    (r, c): (u32, u16),
    cell: &Cell,
    column: NumberKind,
    formats: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Null => {}
        Cell::Integer(i) => {
            ws.write_number(r, c, *i as f64)?;
        }
        Cell::Money(m) if column == NumberKind::Money => {
            ws.write_number(r, c, m.yuan())?;
        }
        Cell::Money(m) => {
            ws.write_number_with_format(r, c, m.yuan(), &formats.money)?;
        }
        Cell::Date(d) => match excel_serial(*d) {
            Some(serial) if column == NumberKind::Date => {
                ws.write_number(r, c, serial)?;
            }
            Some(serial) => {
                ws.write_number_with_format(r, c, serial, &formats.date)?;
            }
            None => {
                ws.write_string(r, c, cell.spreadsheet_text())?;
            }
        },
        Cell::Bool(b) => {
            ws.write_boolean(r, c, *b)?;
        }
        Cell::Text(_) | Cell::List(_) | Cell::Json(_) => {
            ws.write_string(r, c, fit(&cell.spreadsheet_text()))?;
        }
    }
    Ok(())
}

/// The number format a column's values take.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NumberKind {
    Date,
    Money,
    Other,
}

fn number_kind(column: &Column) -> NumberKind {
    match column.kind {
        ColumnKind::Published | ColumnKind::NoticeUntil => NumberKind::Date,
        ColumnKind::Field(_, f) => match f.ty {
            FieldType::Date => NumberKind::Date,
            FieldType::Money => NumberKind::Money,
            _ => NumberKind::Other,
        },
        ColumnKind::Id | ColumnKind::History => NumberKind::Other,
    }
}

/// Days since 1899-12-30, Excel's date number, for days after its 1900 leap-year quirk.
fn excel_serial(d: NaiveDate) -> Option<f64> {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let limit = NaiveDate::from_ymd_opt(1900, 3, 1)?;
    (d >= limit && chrono::Datelike::year(&d) <= 9999).then(|| (d - epoch).num_days() as f64)
}

/// A worksheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    let cleaned = cleaned.trim_matches('\'').to_string();
    if cleaned.is_empty() {
        "data".into()
    } else {
        cleaned
    }
}

fn fit(text: &str) -> String {
    if text.encode_utf16().count() <= MAX_CELL_CHARS {
        return text.to_string();
    }
    let budget = MAX_CELL_CHARS - TRUNCATED.encode_utf16().count();
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        used += c.len_utf16();
        if used > budget {
            break;
        }
        out.push(c);
    }
    out.push_str(TRUNCATED);
    out
}

/// Display width in Excel's character units: CJK and other wide characters count double.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

fn column_widths(sheet: &Sheet) -> Vec<f64> {
    sheet
        .labels
        .iter()
        .enumerate()
        .map(|(c, label)| {
            let widest = sheet
                .rows
                .iter()
                .take(SIZING_ROWS)
                .filter_map(|row| row.get(c))
                .map(|cell| match cell {
                    Cell::Date(_) => 10,
                    Cell::Money(m) => m.display().len(),
                    other => display_width(&other.text()),
                })
                .max()
                .unwrap_or(0);
            (widest.max(display_width(label)) + 2).clamp(8, 50) as f64
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_dates_and_names() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(excel_serial(d), Some(45352.0));
        assert_eq!(sheet_name("a/b:c[d]"), "abcd");
        assert_eq!(sheet_name("检验检测机构").chars().count(), 6);
        assert_eq!(display_width("ab西安"), 6);
    }

    fn field(key: &str, ty: FieldType) -> crate::config::FieldDef {
        crate::config::FieldDef {
            key: key.into(),
            label: key.into(),
            description: None,
            ty,
            list: false,
            required: false,
            unique: false,
            facet: None,
            search_weight: 0.0,
            identifier: None,
            personal: crate::config::Personal::Public,
            aliases: Vec::new(),
        }
    }

    fn unzip(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
        text
    }

    /// The number format code of each cell (`None` without one), by reference (`B2`).
    fn cell_formats(bytes: &[u8]) -> Vec<(String, Option<String>)> {
        let styles = unzip(bytes, "xl/styles.xml");
        let codes: std::collections::HashMap<&str, &str> = styles
            .split("<numFmt numFmtId=\"")
            .skip(1)
            .filter_map(|s| {
                let (id, rest) = s.split_once('"')?;
                let code = rest.split("formatCode=\"").nth(1)?.split('"').next()?;
                Some((id, code))
            })
            .collect();
        let xfs = styles
            .split("<cellXfs")
            .nth(1)
            .unwrap()
            .split("</cellXfs>")
            .next()
            .unwrap();
        let xf_formats: Vec<Option<String>> = xfs
            .split("<xf ")
            .skip(1)
            .map(|xf| {
                let id = xf.split("numFmtId=\"").nth(1)?.split('"').next()?;
                codes.get(id).map(|c| c.to_string())
            })
            .collect();
        let sheet = unzip(bytes, "xl/worksheets/sheet1.xml");
        sheet
            .split("<c r=\"")
            .skip(1)
            .map(|c| {
                let reference = c.split('"').next().unwrap().to_string();
                let head = c.split('>').next().unwrap();
                let style = head
                    .split(" s=\"")
                    .nth(1)
                    .map(|s| s.split('"').next().unwrap().parse::<usize>().unwrap());
                (reference, style.and_then(|s| xf_formats[s].clone()))
            })
            .collect()
    }

    #[test]
    fn dates_and_money_carry_their_number_formats() {
        let (amount, note) = (
            field("amount", FieldType::Money),
            field("note", FieldType::Text),
        );
        let columns = vec![
            Column {
                key: "published",
                kind: ColumnKind::Published,
            },
            Column {
                key: "amount",
                kind: ColumnKind::Field(1, &amount),
            },
            Column {
                key: "note",
                kind: ColumnKind::Field(2, &note),
            },
        ];
        let d = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        let money = Cell::Money(crate::record::Money(1_234_550));
        let rows = vec![
            vec![Cell::Date(d), money.clone(), Cell::Text("甲".into())],
            // A date and an amount in a column of another kind keep their own format.
            vec![Cell::Date(d), Cell::Null, Cell::Date(d)],
            vec![Cell::Null, money.clone(), money],
        ];
        let labels: Vec<String> = ["发布", "金额", "备注"].map(String::from).to_vec();
        let sheet = Sheet {
            name: "t",
            title: "t",
            author: "t",
            labels: &labels,
            columns: &columns,
            rows: &rows,
            as_of: d,
        };
        let formats = cell_formats(&xlsx_bytes(&sheet).unwrap());
        let format = |r: &str| formats.iter().find(|f| f.0 == r).and_then(|f| f.1.clone());
        for date in ["A2", "A3", "C3"] {
            assert_eq!(format(date).as_deref(), Some("yyyy-mm-dd"), "{date}");
        }
        for amount in ["B2", "B4", "C4"] {
            assert_eq!(format(amount).as_deref(), Some("#,##0.00"), "{amount}");
        }
        assert_eq!(format("C2"), None, "text has no number format");
        assert_eq!(format("A1"), None, "the header is bold, not a date");
    }

    #[test]
    fn long_cells_are_cut_to_excels_limit() {
        let long = "字".repeat(40_000);
        let cut = fit(&long);
        assert!(cut.encode_utf16().count() <= MAX_CELL_CHARS);
        assert!(cut.ends_with(TRUNCATED));
        assert_eq!(fit("短"), "短");
    }
}
