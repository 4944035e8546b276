//! Checks across records: duplicate ids, unique field values, references that resolve.

use super::Dataset;
use crate::config::{FieldType, SiteConfig};
use crate::diagnostic::Diagnostic;
use crate::domain::{self, RecordId};
use crate::load::did_you_mean;
use crate::messages::Msg;
use crate::record::{Record, Value};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

pub(super) fn cross_record_checks(config: &SiteConfig, data: &Dataset) -> Vec<Diagnostic> {
    let ids: Vec<HashSet<&RecordId>> = data
        .collections
        .par_iter()
        .map(|records| records.iter().map(|r| &r.id).collect())
        .collect();
    // One task per collection's ids and per field; their findings are gathered in that order,
    // as a single pass over them would give them.
    let mut tasks: Vec<(usize, Option<usize>)> = Vec::new();
    for (ci, collection) in config.collections.iter().enumerate() {
        tasks.push((ci, None));
        tasks.extend((0..collection.fields.len()).map(|fi| (ci, Some(fi))));
    }
    tasks
        .into_par_iter()
        .flat_map_iter(|(ci, field)| {
            let records = &data.collections[ci];
            match field {
                None => duplicate_ids(records),
                Some(fi) => field_checks(config, ci, fi, records, &ids),
            }
        })
        .collect()
}

fn duplicate_ids(records: &[Record]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut seen: HashMap<&RecordId, &Record> = HashMap::with_capacity(records.len());
    for r in records {
        if let Some(first) = seen.insert(&r.id, r) {
            diags.push(
                Diagnostic::error(
                    &r.source.file,
                    r.source.line,
                    Msg::DuplicateId {
                        id: r.id.to_string(),
                        file: first.source.file.to_path_buf(),
                        line: first.source.line,
                    },
                )
                .record(r.id.to_string())
                .field("id"),
            );
        }
    }
    diags
}

/// A field's checks across records: unique values, and references that resolve.
fn field_checks(
    config: &SiteConfig,
    ci: usize,
    fi: usize,
    records: &[Record],
    ids: &[HashSet<&RecordId>],
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let f = &config.collections[ci].fields[fi];
    if f.unique {
        let mut values: HashMap<String, &Record> = HashMap::with_capacity(records.len());
        for r in records {
            let Some(v) = r.value(fi) else { continue };
            let key = match f.identifier {
                Some(crate::config::IdentifierKind::DecisionNumber) => {
                    domain::canonical_decision_number(&v.plain_text())
                }
                _ => v.plain_text(),
            };
            if let Some(first) = values.insert(key, r) {
                diags.push(
                    Diagnostic::error(
                        &r.source.file,
                        r.source.line,
                        Msg::NotUnique {
                            value: v.plain_text(),
                            other: first.id.to_string(),
                            file: first.source.file.to_path_buf(),
                            line: first.source.line,
                        },
                    )
                    .record(r.id.to_string())
                    .field(&f.key),
                );
            }
        }
    }
    check_refs(
        config,
        &f.key,
        &f.ty,
        records.iter().map(|r| (r, r.value(fi))),
        ids,
        &mut diags,
    );
    if let FieldType::Object(sub) = &f.ty {
        for (si, s) in sub.iter().enumerate() {
            let nested = records.iter().flat_map(|r| {
                objects(r.value(fi)).map(move |o| (r, o.get(si).and_then(Option::as_ref)))
            });
            check_refs(
                config,
                &format!("{}.{}", f.key, s.key),
                &s.ty,
                nested,
                ids,
                &mut diags,
            );
        }
    }
    diags
}

fn objects(v: Option<&Value>) -> impl Iterator<Item = &Vec<Option<Value>>> {
    let items: Vec<&Vec<Option<Value>>> = match v {
        Some(Value::Object(o)) => vec![o],
        Some(Value::List(list)) => list
            .iter()
            .filter_map(|i| match i {
                Value::Object(o) => Some(o),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    items.into_iter()
}

fn check_refs<'a>(
    config: &SiteConfig,
    key: &str,
    ty: &FieldType,
    values: impl Iterator<Item = (&'a Record, Option<&'a Value>)>,
    ids: &[HashSet<&RecordId>],
    diags: &mut Vec<Diagnostic>,
) {
    let FieldType::Ref(target) = ty else { return };
    for (r, v) in values {
        let refs: Vec<&RecordId> = match v {
            Some(Value::Ref(id)) => vec![id],
            Some(Value::List(items)) => items
                .iter()
                .filter_map(|i| match i {
                    Value::Ref(id) => Some(id),
                    _ => None,
                })
                .collect(),
            _ => continue,
        };
        for id in refs {
            if !ids[*target].contains(id) {
                let candidates: Vec<&str> = ids[*target].iter().map(|i| i.as_str()).collect();
                diags.push(
                    Diagnostic::error(
                        &r.source.file,
                        r.source.line,
                        Msg::UnknownRef {
                            id: id.to_string(),
                            collection: config.collections[*target].key.clone(),
                            suggestion: did_you_mean(id.as_str(), &candidates),
                        },
                    )
                    .record(r.id.to_string())
                    .field(key),
                );
            }
        }
    }
}
