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
pub mod table;

use crate::config::{Collection, Personal, SiteConfig};
use crate::diagnostic::Diagnostic;
use crate::messages::{Lang, Msg, Say};
use crate::record::Record;
use crate::validate;
use chrono::NaiveDate;
use columns::Target;
use serde_yaml::{Mapping, Value as Yaml};
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

/// A row made into a record, before anything is written.
struct Planned {
    path: PathBuf,
    yaml: String,
    change: Change,
}

#[derive(PartialEq)]
enum Change {
    Created,
    Updated,
    Unchanged,
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

/// The collection's records as the site has them now, by id and by identifying value.
struct Existing {
    by_id: HashMap<String, Record>,
    by_key: HashMap<String, String>,
    key_field: Option<usize>,
}

impl Existing {
    fn load(config: &SiteConfig, ci: usize) -> Self {
        let opts = validate::Options {
            max_file_bytes: crate::load::DEFAULT_MAX_FILE_BYTES,
        };
        let (mut dataset, _) = validate::validate_site(config, &opts);
        let records = std::mem::take(&mut dataset.collections[ci]);
        let key_field = config.collections[ci].fields.iter().position(|f| f.unique);
        let mut by_key = HashMap::new();
        if let Some(k) = key_field {
            for r in &records {
                if let Some(v) = r.value(k) {
                    by_key.insert(key_text(&v.plain_text()), r.id.to_string());
                }
            }
        }
        let by_id = records.into_iter().map(|r| (r.id.to_string(), r)).collect();
        Existing {
            by_id,
            by_key,
            key_field,
        }
    }
}

/// An identifying value as compared between a row and a record: trimmed, brackets of decision
/// numbers in one form, ASCII upper case.
fn key_text(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            '[' | '【' | '(' | '（' => '〔',
            ']' | '】' | ')' | '）' => '〕',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

struct Planner<'a> {
    config: &'a SiteConfig,
    ci: usize,
    collection: &'a Collection,
    headers: &'a [String],
    targets: &'a [Target],
    existing: &'a Existing,
    as_of: NaiveDate,
    problems: Vec<RowProblem>,
    /// Ids planned so far, with their row, so two rows cannot make one record.
    ids: HashMap<String, usize>,
}

impl<'a> Planner<'a> {
    fn problem(&mut self, row: usize, column: Option<String>, message: Msg) {
        self.problems.push(RowProblem {
            row,
            column,
            message,
        });
    }

    fn column_of(&self, field: &str) -> Option<String> {
        let index = self.collection.field_index(field);
        let at = self.targets.iter().position(|t| match t {
            Target::Field { field, .. } => Some(*field) == index,
            Target::Id => field == "id",
            Target::Published => field == "published",
            Target::Ignored => false,
        })?;
        Some(self.headers[at].clone())
    }

    fn plan(&mut self, row: &table::Row) -> Option<Planned> {
        let mut fields = Mapping::new();
        let mut id = None;
        let mut published = None;
        for (target, cell) in self.targets.iter().zip(&row.cells) {
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            match *target {
                Target::Field { field, unit } => {
                    let def = &self.collection.fields[field];
                    fields.insert(def.key.clone().into(), cells::to_yaml(def, unit, cell));
                }
                Target::Id => id = Some(cell.to_string()),
                Target::Published => {
                    published = Some(cells::normalise_date(cell).unwrap_or(cell.to_string()))
                }
                Target::Ignored => {}
            }
        }
        // Keys in site.yaml's order, so every imported file reads alike.
        let fields: Mapping = self
            .collection
            .fields
            .iter()
            .filter_map(|f| Some((f.key.clone().into(), fields.get(f.key.as_str())?.clone())))
            .collect();
        let known = self.known_record(&fields, id.as_deref());
        let id = match (id, &known) {
            (Some(id), _) => id,
            (None, Some(record)) => record.id.to_string(),
            (None, None) => self.new_id(row.number, &fields)?,
        };
        if let Some(other) = self.key_owner(&fields).filter(|other| *other != id) {
            self.problem(
                row.number,
                self.existing
                    .key_field
                    .and_then(|k| self.column_of(&self.collection.fields[k].key.clone())),
                Msg::ImportValueOwned {
                    other: other.to_string(),
                },
            );
            return None;
        }
        if let Some(first) = self.ids.insert(id.clone(), row.number) {
            self.problem(
                row.number,
                None,
                Msg::ImportRowTwice {
                    first,
                    id: id.clone(),
                },
            );
            return None;
        }
        let published = published
            .or_else(|| known.map(|r| r.notice.published.to_string()))
            .unwrap_or_else(|| self.as_of.to_string());
        let mut record = Mapping::new();
        record.insert("id".into(), id.clone().into());
        record.insert("published".into(), published.into());
        record.extend(fields);
        self.finish(row.number, &id, record, known)
    }

    /// The existing record this row is about: by its id, else by its identifying value.
    fn known_record(&self, fields: &Mapping, id: Option<&str>) -> Option<&'a Record> {
        let existing: &'a Existing = self.existing;
        match id {
            Some(id) => existing.by_id.get(id),
            None => existing.by_id.get(self.key_owner(fields)?),
        }
    }

    /// The id of the existing record whose identifying value this row has.
    fn key_owner(&self, fields: &Mapping) -> Option<&'a str> {
        let existing: &'a Existing = self.existing;
        let key = &self.collection.fields[self.existing.key_field?].key;
        let text = match fields.get(key.as_str())? {
            Yaml::String(s) => s.clone(),
            other => serde_yaml::to_string(other).ok()?.trim().to_string(),
        };
        existing.by_key.get(&key_text(&text)).map(String::as_str)
    }

    /// A new record's id, from `id_template` or the identifying field.
    fn new_id(&mut self, row: usize, fields: &Mapping) -> Option<String> {
        let template = self.collection.id_template.clone().or_else(|| {
            let key = &self.collection.fields[self.existing.key_field?].key;
            Some(format!("{{{key}}}"))
        });
        let Some(template) = template else {
            self.problem(
                row,
                None,
                Msg::ImportNoId {
                    collection: self.collection.key.clone(),
                },
            );
            return None;
        };
        match expand_id(&template, fields) {
            Ok(id) => Some(id),
            Err(missing) => {
                self.problem(
                    row,
                    self.column_of(&missing),
                    Msg::ImportIdEmpty {
                        missing: missing.clone(),
                        template: template.clone(),
                    },
                );
                None
            }
        }
    }

    /// Validates the record as `check` would, compares it with the existing one, and plans the
    /// file to write.
    fn finish(
        &mut self,
        row: usize,
        id: &str,
        mut record: Mapping,
        known: Option<&'a Record>,
    ) -> Option<Planned> {
        let rel = Path::new(crate::load::DATA_DIR)
            .join(&self.collection.key)
            .join(format!("{id}.yaml"));
        let yaml = render(&record);
        let (records, diags) =
            validate::validate_bytes(self.config, self.ci, &rel, yaml.as_bytes());
        let errors: Vec<_> = diags.into_iter().filter(Diagnostic::is_error).collect();
        for d in &errors {
            let column = d.field.as_deref().and_then(|f| self.column_of(f));
            self.problem(row, column, d.message.clone());
        }
        let new = records.into_iter().next().filter(|_| errors.is_empty())?;
        let Some(old) = known else {
            return Some(Planned {
                path: rel,
                yaml,
                change: Change::Created,
            });
        };
        let changed = self.changed_fields(old, &new);
        if changed.is_empty() && old.notice.published == new.notice.published {
            return Some(Planned {
                path: rel,
                yaml,
                change: Change::Unchanged,
            });
        }
        if old.source.file.as_path() != rel {
            self.problem(
                row,
                None,
                Msg::ImportKeptElsewhere {
                    id: id.to_string(),
                    file: old.source.file.to_path_buf(),
                    line: old.source.line,
                    rel: rel.clone(),
                },
            );
            return None;
        }
        let existing_file = std::fs::read_to_string(self.config.root.join(&rel)).ok();
        keep_notice_keys(&mut record, existing_file.as_deref());
        add_history(&mut record, self.as_of, &changed);
        Some(Planned {
            path: rel,
            yaml: render(&record),
            change: Change::Updated,
        })
    }

    /// "罚款金额（元）：50000 → 60000" for each field whose value changed; personal fields
    /// are named without their values, since history is published.
    fn changed_fields(&self, old: &Record, new: &Record) -> Vec<String> {
        let show =
            |v: Option<&crate::record::Value>| v.map_or("（空）".into(), |v| v.plain_text());
        self.collection
            .fields
            .iter()
            .enumerate()
            .filter(|(i, _)| old.value(*i) != new.value(*i))
            .map(|(i, f)| match f.personal {
                Personal::Public => format!(
                    "{}：{} → {}",
                    f.label,
                    show(old.value(i)),
                    show(new.value(i))
                ),
                _ => format!("{}已更改", f.label),
            })
            .collect()
    }
}

/// The id a template gives: `{field}` replaced by the field's text, made a slug. Text that is
/// not ASCII (a decision number's 陕市监罚〔2024〕) is kept apart by a short hash of the whole,
/// so two records never share an id because their Chinese parts were dropped.
fn expand_id(template: &str, fields: &Mapping) -> Result<String, String> {
    let mut text = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        text.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        let key = &rest[open + 1..close];
        let value = match fields.get(key) {
            Some(Yaml::String(s)) => s.clone(),
            Some(Yaml::Number(n)) => n.to_string(),
            _ => return Err(key.to_string()),
        };
        text.push_str(&value);
        rest = rest.get(close + 1..).unwrap_or("");
    }
    text.push_str(rest);
    Ok(slug(&text))
}

fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut dropped = false;
    for c in text.chars() {
        match c {
            'a'..='z' | '0'..='9' | '_' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            c if c.is_ascii() => out.push('-'),
            _ => {
                dropped = true;
                out.push('-');
            }
        }
    }
    let mut parts: Vec<&str> = out.split('-').filter(|p| !p.is_empty()).collect();
    let hash;
    if dropped || parts.is_empty() {
        hash = crate::output::sha256_hex(text.as_bytes())[..8].to_string();
        parts.push(&hash);
    }
    let id = parts.join("-");
    id.trim_start_matches('_').chars().take(90).collect()
}

/// Keeps the notice keys import does not set (withdrawal, notice overrides, history) from the
/// record file being rewritten.
fn keep_notice_keys(record: &mut Mapping, existing_file: Option<&str>) {
    let Some(Yaml::Mapping(old)) = existing_file.and_then(|t| serde_yaml::from_str(t).ok()) else {
        return;
    };
    for key in ["withdrawn", "notice_until", "notice_period", "history"] {
        if let Some(v) = old.get(key) {
            record.insert(key.into(), v.clone());
        }
    }
}

fn add_history(record: &mut Mapping, day: NaiveDate, changed: &[String]) {
    let mut entry = Mapping::new();
    entry.insert("date".into(), day.to_string().into());
    let summary = if changed.is_empty() {
        "导入更新：公示日期已更改".to_string()
    } else {
        format!("导入更新：{}", changed.join("；"))
    };
    entry.insert("summary".into(), summary.into());
    let mut history = match record.remove("history") {
        Some(Yaml::Sequence(items)) => items,
        _ => Vec::new(),
    };
    history.insert(0, Yaml::Mapping(entry));
    record.insert("history".into(), Yaml::Sequence(history));
}

fn render(record: &Mapping) -> String {
    let body = serde_yaml::to_string(record).unwrap_or_default();
    format!("# 由 gongshi import 写入；可以直接编辑，再次导入时以表格为准并记入 history。\n{body}")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_slugs_that_keep_chinese_values_apart() {
        let mut fields = Mapping::new();
        fields.insert("decision_number".into(), "陕市监罚〔2024〕12号".into());
        let a = expand_id("{decision_number}", &fields).expect("id");
        fields.insert("decision_number".into(), "宝市监罚〔2024〕12号".into());
        let b = expand_id("{decision_number}", &fields).expect("id");
        assert!(
            a.starts_with("2024-12-") && b.starts_with("2024-12-"),
            "{a} {b}"
        );
        assert_ne!(a, b);
        assert!(crate::domain::RecordId::parse(&a).is_ok(), "{a}");
        fields.insert("credit_code".into(), "91610113MA6U2X3K9F".into());
        assert_eq!(
            expand_id("lab-{credit_code}", &fields).expect("id"),
            "lab-91610113ma6u2x3k9f"
        );
        assert_eq!(expand_id("{missing}", &fields), Err("missing".into()));
    }

    #[test]
    fn decision_numbers_match_in_any_bracket() {
        assert_eq!(
            key_text("陕市监罚[2024]12号"),
            key_text("陕市监罚〔2024〕12号")
        );
        assert_eq!(
            key_text(" 陕市监罚（2024）12号"),
            key_text("陕市监罚【2024】12号")
        );
    }
}
