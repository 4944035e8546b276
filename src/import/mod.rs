//! `gongshi import COLLECTION FILE`: spreadsheet rows into YAML records, all or nothing.
//!
//! Bureau staff keep their records in spreadsheets, often in the national 双公示 column layout.
//! Each row becomes one record file, `data/<collection>/<id>.yaml`, so a record's history stays
//! one file's history in git. Every row is validated as `check` validates a data file, and no
//! file is written unless every row passed. Ids are stable: a row keeps the id of the existing
//! record with the same identifying value (the collection's first unique field, such as the
//! decision number), and a new record's id comes from `id_template` or that value. Importing
//! the same file twice therefore changes nothing, and a changed row rewrites its record with a
//! `history` entry naming the fields that changed.

mod cells;
mod columns;
mod plan;
pub mod table;

use crate::diagnostic::Diagnostic;
use crate::messages::{Lang, Msg, Say};
use chrono::NaiveDate;
use plan::{Change, Existing, Planned, Planner};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub site: PathBuf,
    pub collection: String,
    pub file: PathBuf,
    /// The sheet to read (default: the first).
    pub sheet: Option<String>,
    /// A YAML mapping of column header → field key (or `-` to leave the column out).
    pub mapping: Option<PathBuf>,
    /// The day written into new records' `published` and into history entries.
    pub as_of: NaiveDate,
    /// Validate and report, write nothing.
    pub dry_run: bool,
}

#[derive(Debug, Default)]
pub struct ImportSummary {
    pub rows: usize,
    pub created: Vec<PathBuf>,
    pub updated: Vec<PathBuf>,
    pub unchanged: usize,
    pub sheet: Option<String>,
    pub encoding: Option<&'static str>,
}

/// A problem with one row (or the header row), where staff will look for it.
#[derive(Debug, Clone, PartialEq)]
pub struct RowProblem {
    pub row: usize,
    pub column: Option<String>,
    pub message: Msg,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("site.yaml has errors; run `gongshi check` first")]
    Config(Vec<Diagnostic>),
    #[error("no collection \"{0}\" in site.yaml (collections: {1})")]
    UnknownCollection(String, String),
    #[error(transparent)]
    Table(#[from] table::TableError),
    #[error("mapping file {}: {message}", .path.display())]
    Mapping { path: PathBuf, message: String },
    #[error("{} problem(s) in {}; nothing was written", .problems.len(), .file.display())]
    Rows {
        file: PathBuf,
        sheet: Option<String>,
        problems: Vec<RowProblem>,
    },
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl ImportError {
    /// One line per problem, in `lang`: `FILE, sheet S, row 7, column 罚款金额: message`.
    /// Other errors have no lines of their own: the command prints them as errors.
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        match self {
            ImportError::Config(diags) => diags.iter().map(|d| d.human(lang)).collect(),
            ImportError::Rows {
                file,
                sheet,
                problems,
            } => problems
                .iter()
                .map(|p| {
                    let at = Say::ImportAt {
                        file: file.clone(),
                        sheet: sheet.clone(),
                        row: p.row,
                        column: p.column.clone(),
                    };
                    format!("{}: {}", at.render(lang), p.message.render(lang))
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

pub fn import(opts: &ImportOptions) -> Result<ImportSummary, ImportError> {
    let config = crate::config::load(&opts.site).map_err(ImportError::Config)?;
    let ci = config
        .collections
        .iter()
        .position(|c| c.key == opts.collection)
        .ok_or_else(|| {
            let keys: Vec<_> = config.collections.iter().map(|c| c.key.as_str()).collect();
            ImportError::UnknownCollection(opts.collection.clone(), keys.join(", "))
        })?;
    let collection = &config.collections[ci];
    let table = table::read(&opts.file, opts.sheet.as_deref())?;
    let explicit = read_mapping(opts.mapping.as_deref())?;
    let rows_error = |problems| ImportError::Rows {
        file: opts.file.clone(),
        sheet: table.sheet.clone(),
        problems,
    };
    let targets = columns::map_headers(collection, &table.headers, &explicit).map_err(|msgs| {
        rows_error(
            msgs.into_iter()
                .map(|message| RowProblem {
                    row: table.header_row,
                    column: None,
                    message,
                })
                .collect(),
        )
    })?;
    let existing = Existing::load(&config, ci);
    let mut planner = Planner {
        config: &config,
        ci,
        collection,
        headers: &table.headers,
        targets: &targets,
        existing: &existing,
        as_of: opts.as_of,
        problems: Vec::new(),
        ids: HashMap::new(),
    };
    let planned: Vec<Planned> = table
        .rows
        .iter()
        .filter_map(|row| planner.plan(row))
        .collect();
    if !planner.problems.is_empty() {
        return Err(rows_error(planner.problems));
    }
    let mut summary = ImportSummary {
        rows: table.rows.len(),
        sheet: table.sheet.clone(),
        encoding: table.encoding,
        ..ImportSummary::default()
    };
    for plan in planned {
        match plan.change {
            Change::Unchanged => summary.unchanged += 1,
            Change::Created => summary.created.push(plan.path.clone()),
            Change::Updated => summary.updated.push(plan.path.clone()),
        }
        if plan.change != Change::Unchanged && !opts.dry_run {
            write_atomically(&config.root.join(&plan.path), &plan.yaml)?;
        }
    }
    Ok(summary)
}

fn read_mapping(path: Option<&Path>) -> Result<HashMap<String, String>, ImportError> {
    let Some(path) = path else {
        return Ok(HashMap::new());
    };
    let fail = |message: String| ImportError::Mapping {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    serde_yaml::from_str(&text)
        .map_err(|e| fail(format!("expected `column header: field_key` lines: {e}")))
}

fn write_atomically(path: &Path, text: &str) -> Result<(), ImportError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ImportError::Io { path, source }
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    // A dot-file, which the loader skips, should the import be killed before the rename.
    let name = path
        .file_name()
        .map_or("record".into(), |n| n.to_string_lossy());
    let tmp = path.with_file_name(format!(".{name}.importing"));
    std::fs::write(&tmp, text).map_err(io(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io(path))
}
