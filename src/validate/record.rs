//! Typing one record: its id, its fields against their declared types, the notice keys
//! (published, withdrawn, history …), CMA years, and the personal numbers it must not publish.

use super::values::{expected, geo_value, parse_date, scalar_value};
use super::RecordKeys;
use crate::config::{Collection, FieldDef, FieldType, Period};
use crate::diagnostic::Diagnostic;
use crate::domain::{CmaNumber, RecordId};
use crate::load::did_you_mean;
use crate::messages::{Expected, Msg};
use crate::personal::{self, Step};
use crate::record::{Correction, NoticeData, Record, Source, Value, Withdrawal};
use crate::yaml::{Node, NodeKind};
use chrono::NaiveDate;
use std::path::PathBuf;
use std::sync::Arc;

pub(super) struct Ctx<'a> {
    pub(super) file: &'a Arc<PathBuf>,
    pub(super) record: Option<String>,
    pub(super) diags: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn problem(&mut self, node_line: usize, col: usize, field: &str, message: Msg) {
        let mut d = Diagnostic::error(self.file, node_line, message)
            .at_col(col)
            .field(field);
        if let Some(r) = &self.record {
            d = d.record(r.clone());
        }
        self.diags.push(d);
    }

    pub(super) fn record(
        &mut self,
        collection: &Collection,
        keys: &RecordKeys,
        node: &Node,
    ) -> Option<Record> {
        self.record = None;
        let NodeKind::Map(entries) = &node.kind else {
            let msg = Msg::NotARecord {
                found: node.shape(),
            };
            self.diags
                .push(Diagnostic::error(self.file, node.line, msg).at_col(node.col));
            return None;
        };
        let id = self.record_id(node);
        self.record = node
            .get("id")
            .and_then(Node::as_scalar)
            .map(|s| s.escape_debug().to_string());
        let found = self.known_keys(collection, keys, entries);
        let values = self.fields(&collection.fields, &found, node);
        let notice = self.notice_data(node);
        if let Some(notice) = &notice {
            self.cma_years(&collection.fields, &values, notice, node);
        }
        let mut record = Record {
            id: id?,
            source: Source {
                file: self.file.clone(),
                line: node.line,
            },
            values,
            notice: notice?,
        };
        self.mask_personal_numbers(&collection.fields, &mut record, node);
        Some(record)
    }

    fn record_id(&mut self, node: &Node) -> Option<RecordId> {
        let Some(v) = node.get("id") else {
            self.diags.push(
                Diagnostic::error(self.file, node.line, Msg::MissingId)
                    .field("id")
                    .at_col(node.col),
            );
            return None;
        };
        let problem = match v.as_scalar().map(RecordId::parse) {
            Some(Ok(id)) => return Some(id),
            Some(Err(e)) => Msg::BadId(e),
            None => Msg::IdNotText { found: v.shape() },
        };
        self.problem(v.line, v.col, "id", problem);
        None
    }

    /// Each known key's value, in `keys` order; unknown keys are reported.
    fn known_keys<'n>(
        &mut self,
        collection: &Collection,
        keys: &RecordKeys,
        entries: &'n [(Node, Node)],
    ) -> Vec<Option<&'n Node>> {
        let mut found: Vec<Option<&Node>> = vec![None; keys.keys.len()];
        let mut next = 0;
        for (key, value) in entries {
            let k = key.as_scalar().unwrap_or_default();
            if let Some(i) = keys.position(k, next) {
                found[i] = Some(value);
                next = i + 1;
            } else {
                let msg = Msg::UnknownField {
                    key: k.to_string(),
                    collection: collection.key.clone(),
                    suggestion: did_you_mean(k, &keys.keys),
                };
                self.problem(key.line, key.col, k, msg);
            }
        }
        found
    }

    /// `found` holds the value given for each of `fields` (in order; longer is fine), `node` the
    /// mapping they come from.
    fn fields(
        &mut self,
        fields: &[FieldDef],
        found: &[Option<&Node>],
        node: &Node,
    ) -> Vec<Option<Value>> {
        fields
            .iter()
            .zip(found)
            .map(|(f, v)| match v.filter(|v| !v.is_null()) {
                None => {
                    if f.required {
                        self.problem(
                            node.line,
                            node.col,
                            &f.key,
                            Msg::MissingField {
                                key: f.key.clone(),
                                label: f.label.clone(),
                            },
                        );
                    }
                    None
                }
                Some(v) => self.field_value(f, v),
            })
            .collect()
    }

    fn field_value(&mut self, f: &FieldDef, node: &Node) -> Option<Value> {
        if !f.list {
            return self.single_value(f, node);
        }
        let NodeKind::Seq(items) = &node.kind else {
            self.problem(
                node.line,
                node.col,
                &f.key,
                Msg::NotAList {
                    item: f.ty.name(),
                    found: node.shape(),
                },
            );
            return None;
        };
        if items.is_empty() && f.required {
            self.problem(node.line, node.col, &f.key, Msg::EmptyList);
        }
        let values: Vec<Value> = items
            .iter()
            .filter_map(|item| self.single_value(f, item))
            .collect();
        (values.len() == items.len()).then_some(Value::List(values))
    }

    fn single_value(&mut self, f: &FieldDef, node: &Node) -> Option<Value> {
        if let FieldType::Object(sub) = &f.ty {
            if !matches!(node.kind, NodeKind::Map(_)) {
                self.problem(
                    node.line,
                    node.col,
                    &f.key,
                    Msg::NotAMapping {
                        keys: sub
                            .iter()
                            .map(|s| s.key.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                        found: node.shape(),
                    },
                );
                return None;
            }
            let mut found: Vec<Option<&Node>> = vec![None; sub.len()];
            if let NodeKind::Map(entries) = &node.kind {
                for (k, v) in entries {
                    let key = k.as_scalar().unwrap_or_default();
                    if let Some(i) = sub.iter().position(|s| s.key == key) {
                        found[i] = Some(v);
                    } else {
                        let names: Vec<&str> = sub.iter().map(|s| s.key.as_str()).collect();
                        self.problem(
                            k.line,
                            k.col,
                            &format!("{}.{key}", f.key),
                            Msg::UnknownSubfield {
                                key: key.to_string(),
                                suggestion: did_you_mean(key, &names),
                            },
                        );
                    }
                }
            }
            let values = self.fields(sub, &found, node);
            return Some(Value::Object(values));
        }
        if f.ty == FieldType::Geo {
            return match geo_value(node) {
                Ok(g) => Some(Value::Geo(g)),
                Err(message) => {
                    self.problem(node.line, node.col, &f.key, message);
                    None
                }
            };
        }
        let text = match &node.kind {
            NodeKind::Scalar { text, .. } if !node.is_null() => text.trim(),
            _ => {
                self.problem(
                    node.line,
                    node.col,
                    &f.key,
                    Msg::WrongShape {
                        expected: expected(&f.ty),
                        found: node.shape(),
                    },
                );
                return None;
            }
        };
        match scalar_value(&f.ty, text) {
            Ok(v) => Some(v),
            Err(message) => {
                self.problem(node.line, node.col, &f.key, message);
                None
            }
        }
    }

    fn date_at(&mut self, node: &Node, key: &str) -> Option<NaiveDate> {
        match node.as_scalar().map(parse_date) {
            Some(Ok(d)) => Some(d),
            Some(Err(e)) => {
                self.problem(node.line, node.col, key, e);
                None
            }
            None => {
                self.problem(
                    node.line,
                    node.col,
                    key,
                    Msg::WrongShape {
                        expected: Expected::Date,
                        found: node.shape(),
                    },
                );
                None
            }
        }
    }

    fn text_at(&mut self, node: &Node, key: &str) -> Option<String> {
        match node.as_scalar().filter(|_| !node.is_null()) {
            Some(s) => Some(s.trim().to_string()),
            None => {
                self.problem(
                    node.line,
                    node.col,
                    key,
                    Msg::WrongShape {
                        expected: Expected::Text,
                        found: node.shape(),
                    },
                );
                None
            }
        }
    }

    fn notice_data(&mut self, node: &Node) -> Option<NoticeData> {
        let published = match node.get("published") {
            Some(v) => self.date_at(v, "published"),
            None => {
                self.problem(node.line, node.col, "published", Msg::MissingPublished);
                None
            }
        };
        let withdrawn = node.get("withdrawn").and_then(|w| {
            let (Some(date), Some(reason)) = (w.get("date"), w.get("reason")) else {
                self.problem(w.line, w.col, "withdrawn", Msg::BadWithdrawal);
                return None;
            };
            Some(Withdrawal {
                date: self.date_at(date, "withdrawn.date")?,
                reason: self.text_at(reason, "withdrawn.reason")?,
            })
        });
        let mut history = Vec::new();
        if let Some(h) = node.get("history") {
            match &h.kind {
                NodeKind::Seq(items) => {
                    for item in items {
                        let (Some(date), Some(summary)) = (item.get("date"), item.get("summary"))
                        else {
                            self.problem(item.line, item.col, "history", Msg::BadCorrection);
                            continue;
                        };
                        if let (Some(date), Some(summary)) = (
                            self.date_at(date, "history.date"),
                            self.text_at(summary, "history.summary"),
                        ) {
                            history.push(Correction { date, summary });
                        }
                    }
                }
                _ => self.problem(h.line, h.col, "history", Msg::HistoryNotAList),
            }
        }
        history.sort_by_key(|c| std::cmp::Reverse(c.date));
        let notice_until = node
            .get("notice_until")
            .and_then(|v| self.date_at(v, "notice_until"));
        let notice_period =
            node.get("notice_period")
                .and_then(|v| match v.as_scalar().map(Period::parse) {
                    Some(Ok(p)) => Some(p),
                    Some(Err(e)) => {
                        self.problem(v.line, v.col, "notice_period", Msg::BadPeriod(e));
                        None
                    }
                    None => None,
                });
        Some(NoticeData {
            published: published?,
            withdrawn,
            history,
            notice_until,
            notice_period,
        })
    }

    /// Each CMA number's year of issue against the record's own latest notice date (publication,
    /// corrections, withdrawal), so the check gives the same answer for every `--as-of` day.
    fn cma_years(
        &mut self,
        fields: &[FieldDef],
        values: &[Option<Value>],
        notice: &NoticeData,
        node: &Node,
    ) {
        let latest = notice
            .history
            .iter()
            .map(|c| c.date)
            .chain(notice.withdrawn.as_ref().map(|w| w.date))
            .fold(notice.published, NaiveDate::max);
        for (f, v) in fields.iter().zip(values) {
            let mut numbers = Vec::new();
            cma_numbers(&f.key, &f.ty, v.as_ref(), &mut numbers);
            for (key, number) in numbers {
                if let Err(e) = number.check_issued_by(latest) {
                    let at = node.get(&f.key).unwrap_or(node);
                    self.problem(at.line, at.col, &key, Msg::BadCmaNumber(e));
                }
            }
        }
    }

    /// Masks the personal numbers in the text a record publishes (see [`personal`]) and warns
    /// of each, naming where it is, so the source can be corrected. An id cannot be masked (it
    /// is the record's URL): one holding such a number is an error.
    fn mask_personal_numbers(&mut self, fields: &[FieldDef], record: &mut Record, node: &Node) {
        if let Some(found) = personal::find(record.id.as_str()).first() {
            let at = node.get("id").unwrap_or(node);
            self.problem(
                at.line,
                at.col,
                "id",
                Msg::IdHoldsPersonal { kind: found.kind },
            );
        }
        for masked in personal::scrub_record(fields, record) {
            let at = locate(node, &masked.path);
            let message = Msg::PersonalNumber {
                kind: masked.kind,
                masked: masked.masked.clone(),
            };
            let mut d = Diagnostic::warning(self.file, at.line, message)
                .at_col(at.col)
                .field(masked.field());
            if let Some(r) = &self.record {
                d = d.record(r.clone());
            }
            self.diags.push(d);
        }
    }
}

/// The CMA numbers in a value (lists and objects included), with the field path each is under.
fn cma_numbers<'v>(
    key: &str,
    ty: &FieldType,
    value: Option<&'v Value>,
    found: &mut Vec<(String, &'v CmaNumber)>,
) {
    match (ty, value) {
        (_, Some(Value::CmaNumber(n))) => found.push((key.to_string(), n)),
        (_, Some(Value::List(items))) => {
            for item in items {
                cma_numbers(key, ty, Some(item), found);
            }
        }
        (FieldType::Object(sub), Some(Value::Object(values))) => {
            for (s, v) in sub.iter().zip(values) {
                cma_numbers(&format!("{key}.{}", s.key), &s.ty, v.as_ref(), found);
            }
        }
        _ => {}
    }
}

/// The node a masked number came from, as near as its path leads.
fn locate<'n>(record: &'n Node, path: &[Step]) -> &'n Node {
    let mut at = record;
    for step in path {
        let items = match &at.kind {
            NodeKind::Seq(items) => &items[..],
            _ => &[],
        };
        let next = match step {
            Step::Key(key) => at.get(key),
            Step::Item(i) => items.get(*i),
            Step::Correction(date) => {
                let day = date.to_string();
                items.iter().find(|item| {
                    item.get("date")
                        .and_then(Node::as_scalar)
                        .is_some_and(|d| d.trim() == day)
                })
            }
        };
        match next {
            Some(node) => at = node,
            None => break,
        }
    }
    at
}
