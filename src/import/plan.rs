//! Each spreadsheet row made into a record: matched to the existing record it updates, or a new
//! one, with its history kept; nothing is written here.

use super::columns::Target;
use super::{cells, table, RowProblem};
use crate::config::{Collection, Personal, SiteConfig};
use crate::diagnostic::Diagnostic;
use crate::messages::Msg;
use crate::record::Record;
use crate::validate;
use chrono::NaiveDate;
use serde_yaml::{Mapping, Value as Yaml};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A row made into a record, before anything is written.
pub(super) struct Planned {
    pub(super) path: PathBuf,
    pub(super) yaml: String,
    pub(super) change: Change,
}

#[derive(PartialEq)]
pub(super) enum Change {
    Created,
    Updated,
    Unchanged,
}

/// The collection's records as the site has them now, by id and by identifying value.
pub(super) struct Existing {
    pub(super) by_id: HashMap<String, Record>,
    pub(super) by_key: HashMap<String, String>,
    pub(super) key_field: Option<usize>,
}

impl Existing {
    pub(super) fn load(config: &SiteConfig, ci: usize) -> Self {
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
pub(super) fn key_text(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            '[' | '【' | '(' | '（' => '〔',
            ']' | '】' | ')' | '）' => '〕',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

pub(super) struct Planner<'a> {
    pub(super) config: &'a SiteConfig,
    pub(super) ci: usize,
    pub(super) collection: &'a Collection,
    pub(super) headers: &'a [String],
    pub(super) targets: &'a [Target],
    pub(super) existing: &'a Existing,
    pub(super) as_of: NaiveDate,
    pub(super) problems: Vec<RowProblem>,
    /// Ids planned so far, with their row, so two rows cannot make one record.
    pub(super) ids: HashMap<String, usize>,
}

impl<'a> Planner<'a> {
    pub(super) fn problem(&mut self, row: usize, column: Option<String>, message: Msg) {
        self.problems.push(RowProblem {
            row,
            column,
            message,
        });
    }

    pub(super) fn column_of(&self, field: &str) -> Option<String> {
        let index = self.collection.field_index(field);
        let at = self.targets.iter().position(|t| match t {
            Target::Field { field, .. } => Some(*field) == index,
            Target::Id => field == "id",
            Target::Published => field == "published",
            Target::Ignored => false,
        })?;
        Some(self.headers[at].clone())
    }

    pub(super) fn plan(&mut self, row: &table::Row) -> Option<Planned> {
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
    pub(super) fn known_record(&self, fields: &Mapping, id: Option<&str>) -> Option<&'a Record> {
        let existing: &'a Existing = self.existing;
        match id {
            Some(id) => existing.by_id.get(id),
            None => existing.by_id.get(self.key_owner(fields)?),
        }
    }

    /// The id of the existing record whose identifying value this row has.
    pub(super) fn key_owner(&self, fields: &Mapping) -> Option<&'a str> {
        let existing: &'a Existing = self.existing;
        let key = &self.collection.fields[self.existing.key_field?].key;
        let text = match fields.get(key.as_str())? {
            Yaml::String(s) => s.clone(),
            other => serde_yaml::to_string(other).ok()?.trim().to_string(),
        };
        existing.by_key.get(&key_text(&text)).map(String::as_str)
    }

    /// A new record's id, from `id_template` or the identifying field.
    pub(super) fn new_id(&mut self, row: usize, fields: &Mapping) -> Option<String> {
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
    pub(super) fn finish(
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
    pub(super) fn changed_fields(&self, old: &Record, new: &Record) -> Vec<String> {
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
pub(super) fn expand_id(template: &str, fields: &Mapping) -> Result<String, String> {
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

pub(super) fn slug(text: &str) -> String {
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
pub(super) fn keep_notice_keys(record: &mut Mapping, existing_file: Option<&str>) {
    let Some(Yaml::Mapping(old)) = existing_file.and_then(|t| serde_yaml::from_str(t).ok()) else {
        return;
    };
    for key in ["withdrawn", "notice_until", "notice_period", "history"] {
        if let Some(v) = old.get(key) {
            record.insert(key.into(), v.clone());
        }
    }
}

pub(super) fn add_history(record: &mut Mapping, day: NaiveDate, changed: &[String]) {
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

pub(super) fn render(record: &Mapping) -> String {
    let body = serde_yaml::to_string(record).unwrap_or_default();
    format!("# 由 gongshi import 写入；可以直接编辑，再次导入时以表格为准并记入 history。\n{body}")
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
