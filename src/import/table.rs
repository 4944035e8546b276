//! Reads the first rows-and-columns table of a spreadsheet or CSV file as text cells, keeping
//! each cell's sheet, row and column so a problem can be pointed at where staff will look.
//!
//! Spreadsheets (XLSX, XLSM, XLS, XLSB, ODS) are read with calamine. CSV files from Chinese
//! office software are often GBK or GB18030 rather than UTF-8; the encoding is detected: a UTF-8
//! byte-order mark or valid UTF-8 is UTF-8, anything else is decoded as GB18030 (a superset of
//! GBK), and a file that is neither is refused rather than imported with replacement characters.

use calamine::{Data, Reader as _};
use std::path::{Path, PathBuf};

/// One table: its header row and data rows, as text.
#[derive(Debug)]
pub struct Table {
    /// The sheet read, for spreadsheets.
    pub sheet: Option<String>,
    /// The encoding a CSV file was read in.
    pub encoding: Option<&'static str>,
    pub headers: Vec<String>,
    /// 1-based row number of the header row, as the spreadsheet program shows it.
    pub header_row: usize,
    pub rows: Vec<Row>,
}

#[derive(Debug)]
pub struct Row {
    /// 1-based row number, as the spreadsheet program shows it.
    pub number: usize,
    pub cells: Vec<String>,
}

impl Row {
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot read the spreadsheet: {message}", .path.display())]
    Spreadsheet { path: PathBuf, message: String },
    #[error("{}: no sheet named \"{sheet}\" (sheets: {})", .path.display(), .sheets.join(", "))]
    NoSuchSheet {
        path: PathBuf,
        sheet: String,
        sheets: Vec<String>,
    },
    #[error("{}: the text is neither UTF-8 nor GBK/GB18030; save it as UTF-8 CSV or as XLSX", .path.display())]
    Encoding { path: PathBuf },
    #[error("{}: row {row}: {message}", .path.display())]
    Csv {
        path: PathBuf,
        row: usize,
        message: String,
    },
    #[error("{}: the file has no header row", .path.display())]
    Empty { path: PathBuf },
    #[error("{}: unknown file type; import reads .xlsx, .xlsm, .xls, .xlsb, .ods and .csv", .path.display())]
    UnknownType { path: PathBuf },
}

/// Reads `path`: a named sheet (default the first) of a spreadsheet, or a CSV file.
pub fn read(path: &Path, sheet: Option<&str>) -> Result<Table, TableError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" => read_csv(path),
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => read_spreadsheet(path, sheet),
        _ => Err(TableError::UnknownType {
            path: path.to_path_buf(),
        }),
    }
}

fn read_spreadsheet(path: &Path, sheet: Option<&str>) -> Result<Table, TableError> {
    let fail = |message: String| TableError::Spreadsheet {
        path: path.to_path_buf(),
        message,
    };
    let mut book = calamine::open_workbook_auto(path).map_err(|e| fail(e.to_string()))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) if names.iter().any(|n| n == wanted) => wanted.to_string(),
        Some(wanted) => {
            return Err(TableError::NoSuchSheet {
                path: path.to_path_buf(),
                sheet: wanted.to_string(),
                sheets: names,
            })
        }
        None => names
            .first()
            .cloned()
            .ok_or_else(|| fail("the workbook has no sheet".into()))?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| fail(e.to_string()))?;
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let mut rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| Row {
            number: first_row as usize + i + 1,
            cells: cells.iter().map(cell_text).collect(),
        })
        .filter(|row| !row.is_blank());
    let header = rows.next().ok_or_else(|| TableError::Empty {
        path: path.to_path_buf(),
    })?;
    Ok(Table {
        sheet: Some(name),
        encoding: None,
        headers: header.cells.iter().map(|h| clean_header(h)).collect(),
        header_row: header.number,
        rows: rows.collect(),
    })
}

/// A cell as the text a person sees: whole numbers without `.0`, dates as YYYY-MM-DD.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().to_string(),
            Some(t) => t.to_string(),
            None => dt.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn read_csv(path: &Path) -> Result<Table, TableError> {
    let bytes = std::fs::read(path).map_err(|source| TableError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let (text, encoding) = decode(&bytes).ok_or_else(|| TableError::Encoding {
        path: path.to_path_buf(),
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| TableError::Csv {
            path: path.to_path_buf(),
            row: i + 1,
            message: e.to_string(),
        })?;
        // The record's number, as a spreadsheet program shows the row (a quoted line break
        // does not start a new row).
        let row = Row {
            number: i + 1,
            cells: record.iter().map(str::to_string).collect(),
        };
        if !row.is_blank() {
            rows.push(row);
        }
    }
    let mut rows = rows.into_iter();
    let header = rows.next().ok_or_else(|| TableError::Empty {
        path: path.to_path_buf(),
    })?;
    Ok(Table {
        sheet: None,
        encoding: Some(encoding),
        headers: header.cells.iter().map(|h| clean_header(h)).collect(),
        header_row: header.number,
        rows: rows.collect(),
    })
}

/// The text of a CSV file and the name of its encoding, or `None` when it is neither UTF-8 nor
/// GB18030.
pub fn decode(bytes: &[u8]) -> Option<(String, &'static str)> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .ok()
            .map(|s| (s.to_string(), "UTF-8 (BOM)"));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some((s.to_string(), "UTF-8"));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    (!had_errors).then(|| (text.into_owned(), "GB18030"))
}

/// A header as written, without surrounding space, line breaks or a byte-order mark.
fn clean_header(h: &str) -> String {
    h.trim_start_matches('\u{feff}')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_detected() {
        let (text, enc) = decode("\u{feff}名称".as_bytes()).expect("bom");
        assert_eq!((text.as_str(), enc), ("名称", "UTF-8 (BOM)"));
        let (text, enc) = decode("名称".as_bytes()).expect("utf-8");
        assert_eq!((text.as_str(), enc), ("名称", "UTF-8"));
        let (gbk, _, _) = encoding_rs::GBK.encode("行政相对人名称,罚款");
        let (text, enc) = decode(&gbk).expect("gbk");
        assert_eq!((text.as_str(), enc), ("行政相对人名称,罚款", "GB18030"));
        assert!(decode(&[0x81, 0x20, 0xff]).is_none());
    }

    #[test]
    fn headers_lose_spaces_and_line_breaks() {
        assert_eq!(
            clean_header("\u{feff} 罚款金额\n（万元） "),
            "罚款金额（万元）"
        );
    }
}
