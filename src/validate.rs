//! Validation: turns positioned YAML nodes into typed records, checking every value against its
//! declared field type and the domain rules, then across records (duplicate ids, unique fields,
//! references). Every problem is collected; the caller decides whether anything may be written.

use crate::config::{Collection, FieldDef, FieldType, Period, SiteConfig};
use crate::diagnostic::Diagnostic;
use crate::domain::{self, CmaNumber, CreditCode, RecordId};
use crate::load::{self, did_you_mean, DataFile};
use crate::personal::{self, Step};
use crate::record::{
    Correction, Geo, Money, NoticeData, Record, Source, Value, Withdrawal, SYSTEM_KEYS,
};
use crate::yaml::{Node, NodeKind};
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// All records of a site, grouped by collection in `site.yaml` order.
#[derive(Debug)]
pub struct Dataset {
    pub collections: Vec<Vec<Record>>,
}

/// Validation does not depend on the build's as-of date: whether a record is valid is a fact
/// about the record, so a site that is valid today can be rebuilt as of any past or future day.
pub struct Options {
    pub max_file_bytes: u64,
}

/// Loads and validates every data file. Returns the dataset (possibly incomplete when there
/// were errors) and every problem found, errors and warnings, sorted.
pub fn validate_site(config: &SiteConfig, opts: &Options) -> (Dataset, Vec<Diagnostic>) {
    let (files, mut diags) = load::discover(config);
    let per_file: Vec<(usize, Vec<Record>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|file| {
            let (records, d) = validate_file(config, file, opts);
            (file.collection, records, d)
        })
        .collect();
    let mut collections: Vec<Vec<Record>> = vec![Vec::new(); config.collections.len()];
    for (ci, records, d) in per_file {
        collections[ci].extend(records);
        diags.extend(d);
    }
    let dataset = Dataset { collections };
    diags.extend(cross_record_checks(config, &dataset));
    crate::diagnostic::sort(&mut diags);
    (dataset, diags)
}

fn validate_file(
    config: &SiteConfig,
    file: &DataFile,
    opts: &Options,
) -> (Vec<Record>, Vec<Diagnostic>) {
    match load::read_records(file, opts.max_file_bytes) {
        Ok(nodes) => validate_nodes(config, file.collection, &file.rel_path, &nodes),
        Err(d) => (Vec::new(), vec![d]),
    }
}

/// Validates the bytes of one data file of `collection` on their own (no cross-record checks):
/// the entry point for fuzzing and for editors.
pub fn validate_bytes(
    config: &SiteConfig,
    collection: usize,
    rel_path: &Path,
    bytes: &[u8],
) -> (Vec<Record>, Vec<Diagnostic>) {
    match load::parse_records(rel_path, bytes) {
        Ok(nodes) => validate_nodes(
            config,
            collection,
            &Arc::new(rel_path.to_path_buf()),
            &nodes,
        ),
        Err(d) => (Vec::new(), vec![d]),
    }
}

fn validate_nodes(
    config: &SiteConfig,
    collection: usize,
    file: &Arc<PathBuf>,
    nodes: &[Node],
) -> (Vec<Record>, Vec<Diagnostic>) {
    let collection = &config.collections[collection];
    let mut ctx = Ctx {
        file,
        record: None,
        diags: Vec::new(),
    };
    let keys = RecordKeys::new(collection);
    let records = nodes
        .iter()
        .filter_map(|node| ctx.record(collection, &keys, node))
        .collect();
    (records, ctx.diags)
}

/// The keys a record of one collection may have: its fields, then the system keys. Built once
/// per file, so that each key of a record is looked up once rather than every field searching
/// the record's entries.
struct RecordKeys<'c> {
    keys: Vec<&'c str>,
}

impl<'c> RecordKeys<'c> {
    fn new(collection: &'c Collection) -> Self {
        let keys = collection
            .fields
            .iter()
            .map(|f| f.key.as_str())
            .chain(SYSTEM_KEYS)
            .collect();
        RecordKeys { keys }
    }

    /// Where `key` sits, trying `guess` first: records mostly list their keys in the order
    /// site.yaml declares them, so the key after the previous one is usually right.
    fn position(&self, key: &str, guess: usize) -> Option<usize> {
        if self.keys.get(guess) == Some(&key) {
            return Some(guess);
        }
        self.keys.iter().position(|k| *k == key)
    }
}

struct Ctx<'a> {
    file: &'a Arc<PathBuf>,
    record: Option<String>,
    diags: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn problem(&mut self, node_line: usize, col: usize, field: &str, message: String) {
        let mut d = Diagnostic::error(self.file, node_line, message)
            .at_col(col)
            .field(field);
        if let Some(r) = &self.record {
            d = d.record(r.clone());
        }
        self.diags.push(d);
    }

    fn record(
        &mut self,
        collection: &Collection,
        keys: &RecordKeys,
        node: &Node,
    ) -> Option<Record> {
        self.record = None;
        let NodeKind::Map(entries) = &node.kind else {
            self.diags.push(
                Diagnostic::error(
                    self.file,
                    node.line,
                    format!("expected a record (a mapping), found {}", node.kind_name()),
                )
                .at_col(node.col),
            );
            return None;
        };
        let id = match node.get("id") {
            None => {
                self.diags.push(
                    Diagnostic::error(self.file, node.line, "record has no `id`".into())
                        .field("id")
                        .at_col(node.col),
                );
                None
            }
            Some(v) => match v.as_scalar().map(RecordId::parse) {
                Some(Ok(id)) => Some(id),
                Some(Err(e)) => {
                    self.problem(v.line, v.col, "id", e);
                    None
                }
                None => {
                    self.problem(
                        v.line,
                        v.col,
                        "id",
                        format!("expected a text id, found {}", v.kind_name()),
                    );
                    None
                }
            },
        };
        self.record = node
            .get("id")
            .and_then(Node::as_scalar)
            .map(|s| s.escape_debug().to_string());

        // Each known key's value, in `keys` order.
        let mut found: Vec<Option<&Node>> = vec![None; keys.keys.len()];
        let mut next = 0;
        for (key, value) in entries {
            let k = key.as_scalar().unwrap_or_default();
            if let Some(i) = keys.position(k, next) {
                found[i] = Some(value);
                next = i + 1;
            } else {
                let hint = did_you_mean(k, &keys.keys);
                self.problem(
                    key.line,
                    key.col,
                    k,
                    format!(
                        "unknown field \"{k}\" in collection \"{}\"{hint}",
                        collection.key
                    ),
                );
            }
        }
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
                            format!("required field \"{}\" ({}) is missing", f.key, f.label),
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
                format!(
                    "expected a list of {}, found {}",
                    f.ty.name(),
                    node.kind_name()
                ),
            );
            return None;
        };
        if items.is_empty() && f.required {
            self.problem(node.line, node.col, &f.key, "required list is empty".into());
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
                    format!(
                        "expected a mapping of {}, found {}",
                        sub.iter()
                            .map(|s| s.key.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                        node.kind_name()
                    ),
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
                            format!("unknown field \"{key}\"{}", did_you_mean(key, &names)),
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
                    format!("expected {}, found {}", expected(&f.ty), node.kind_name()),
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
                    format!("expected a date (YYYY-MM-DD), found {}", node.kind_name()),
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
                    format!("expected text, found {}", node.kind_name()),
                );
                None
            }
        }
    }

    fn notice_data(&mut self, node: &Node) -> Option<NoticeData> {
        let published = match node.get("published") {
            Some(v) => self.date_at(v, "published"),
            None => {
                self.problem(
                    node.line,
                    node.col,
                    "published",
                    "required field \"published\" (the day the notice starts) is missing".into(),
                );
                None
            }
        };
        let withdrawn = node.get("withdrawn").and_then(|w| {
            let (Some(date), Some(reason)) = (w.get("date"), w.get("reason")) else {
                self.problem(
                    w.line,
                    w.col,
                    "withdrawn",
                    "expected a mapping with `date` and `reason`".into(),
                );
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
                            self.problem(
                                item.line,
                                item.col,
                                "history",
                                "each correction needs `date` and `summary`".into(),
                            );
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
                _ => self.problem(
                    h.line,
                    h.col,
                    "history",
                    "expected a list of corrections".into(),
                ),
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
                        self.problem(v.line, v.col, "notice_period", e);
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
                    self.problem(at.line, at.col, &key, format!("invalid CMA number: {e}"));
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
                format!(
                    "the id is part of the record's URL and holds what looks like {}: choose another id",
                    found.kind.describe()
                ),
            );
        }
        for masked in personal::scrub_record(fields, record) {
            let at = locate(node, &masked.path);
            let message = format!(
                "contains what looks like {} \"{}\", masked in every output: remove it, or move it to a field marked `personal`",
                masked.kind.describe(),
                masked.masked
            );
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

fn expected(ty: &FieldType) -> String {
    match ty {
        FieldType::Text | FieldType::Markdown => "text".into(),
        FieldType::Date => "a date (YYYY-MM-DD)".into(),
        FieldType::Integer => "an integer".into(),
        FieldType::Money => "an amount in yuan (a non-negative number)".into(),
        FieldType::Bool => "true or false".into(),
        FieldType::Enum(v) => format!("one of: {}", v.join(", ")),
        FieldType::CreditCode => "an 18-character unified social credit code".into(),
        FieldType::CmaNumber => "a 12-digit CMA certificate number".into(),
        FieldType::Ref(_) => "the id of a record".into(),
        FieldType::Url => "an http(s) URL".into(),
        FieldType::Geo => "a location {lat, lon}".into(),
        FieldType::Object(_) => "a mapping".into(),
    }
}

pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    let b = s.as_bytes();
    let shape_ok = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
    // Almost every date is plain digits: reading them directly skips chrono's format-string
    // parsing (per call) and gives the same date; anything else goes through chrono.
    if shape_ok
        && [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit())
    {
        let num =
            |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
        return NaiveDate::from_ymd_opt(num(0..4) as i32, num(5..7), num(8..10))
            .ok_or_else(|| format!("\"{s}\" is not a real calendar date"));
    }
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) if shape_ok => Ok(d),
        _ if shape_ok => Err(format!("\"{s}\" is not a real calendar date")),
        _ => Err(format!("expected a date as YYYY-MM-DD, found \"{s}\"")),
    }
}

fn scalar_value(ty: &FieldType, text: &str) -> Result<Value, String> {
    Ok(match ty {
        FieldType::Text => Value::Text(text.to_string()),
        FieldType::Markdown => Value::Markdown(text.to_string()),
        FieldType::Date => Value::Date(parse_date(text)?),
        FieldType::Integer => Value::Integer(
            text.parse()
                .map_err(|_| format!("expected an integer, found \"{text}\""))?,
        ),
        FieldType::Money => Value::Money(parse_money(text)?),
        FieldType::Bool => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(format!("expected true or false, found \"{text}\"")),
        },
        FieldType::Enum(values) => {
            if values.iter().any(|v| v == text) {
                Value::Enum(text.to_string())
            } else {
                let names: Vec<&str> = values.iter().map(String::as_str).collect();
                return Err(format!(
                    "\"{text}\" is not one of: {}{}",
                    values.join(", "),
                    did_you_mean(text, &names)
                ));
            }
        }
        FieldType::CreditCode => Value::CreditCode(
            CreditCode::parse(text).map_err(|e| format!("invalid credit code \"{text}\": {e}"))?,
        ),
        FieldType::CmaNumber => Value::CmaNumber(
            CmaNumber::parse(text).map_err(|e| format!("invalid CMA number: {e}"))?,
        ),
        FieldType::Ref(_) => Value::Ref(RecordId::parse(text)?),
        FieldType::Url => {
            let lower = text.to_ascii_lowercase();
            if !(lower.starts_with("https://") || lower.starts_with("http://"))
                || text.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                return Err(format!("expected an http(s) URL, found \"{text}\""));
            }
            Value::Url(text.to_string())
        }
        FieldType::Geo => {
            return Err(format!(
                "expected a location {{lat, lon}}, found \"{text}\""
            ))
        }
        FieldType::Object(_) => return Err(format!("expected a mapping, found \"{text}\"")),
    })
}

fn parse_money(text: &str) -> Result<Money, String> {
    let bad = || format!("expected an amount in yuan (e.g. 5000 or 1234.5), found \"{text}\"");
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(frac))
        .map(Money)
        .ok_or_else(bad)
}

/// Geo values are mappings, so they are read here rather than as scalars.
fn geo_value(node: &Node) -> Result<Geo, String> {
    let num = |k: &str| {
        node.get(k)
            .and_then(Node::as_scalar)
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite())
    };
    match (num("lat"), num("lon")) {
        (Some(lat), Some(lon))
            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
        {
            Ok(Geo { lat, lon })
        }
        _ => Err("expected a location {lat: -90..90, lon: -180..180}".into()),
    }
}

fn cross_record_checks(config: &SiteConfig, data: &Dataset) -> Vec<Diagnostic> {
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
                    format!(
                        "duplicate id \"{}\": also used at {}:{}",
                        r.id,
                        first.source.file.display(),
                        first.source.line
                    ),
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
                        format!(
                            "value \"{}\" must be unique but record \"{}\" ({}:{}) has it too",
                            v.plain_text(),
                            first.id,
                            first.source.file.display(),
                            first.source.line
                        ),
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
                        format!(
                            "refers to \"{id}\", which is not a record of \"{}\"{}",
                            config.collections[*target].key,
                            did_you_mean(id.as_str(), &candidates)
                        ),
                    )
                    .record(r.id.to_string())
                    .field(key),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_real() {
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("2024-02-30")
            .unwrap_err()
            .contains("real calendar date"));
        assert!(parse_date("2024/02/01").unwrap_err().contains("YYYY-MM-DD"));
        assert!(parse_date("2024-2-1").is_err());
    }

    #[test]
    fn digit_dates_read_as_chrono_reads_them() {
        for year in ["0000", "1900", "2000", "2023", "2024", "9999"] {
            for month in 0..=13 {
                for day in 0..=32 {
                    let s = format!("{year}-{month:02}-{day:02}");
                    let chrono = NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok();
                    assert_eq!(parse_date(&s).ok(), chrono, "{s}");
                }
            }
        }
    }

    #[test]
    fn key_order_does_not_change_the_record() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good");
        let config = crate::config::load(&root).expect("good fixture config");
        let labs = config.collections.iter().position(|c| c.key == "labs");
        let lines = [
            "id: xa-alpha",
            "published: 2024-01-10",
            "name: 西安甲检测有限公司",
            "credit_code: 91330201MA282UF146",
            "cma_number: \"152701060345\"",
            "city: 西安市",
            "nmae: typo",
        ];
        let check = |order: &[usize]| {
            let text: String = order.iter().map(|&i| format!("{}\n", lines[i])).collect();
            let (records, diags) =
                validate_bytes(&config, labs.unwrap(), Path::new("a.yaml"), text.as_bytes());
            let values = records
                .first()
                .map(|r| (r.id.to_string(), r.values.clone()));
            let problems: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
            (values, problems)
        };
        let declared = check(&[0, 1, 2, 3, 4, 5, 6]);
        assert!(declared.0.is_some(), "{declared:?}");
        assert_eq!(declared.1.len(), 1, "only the unknown key: {declared:?}");
        for order in [
            [6, 5, 4, 3, 2, 1, 0],
            [2, 0, 6, 5, 1, 3, 4],
            [5, 3, 1, 6, 0, 4, 2],
        ] {
            assert_eq!(check(&order), declared, "order {order:?}");
        }
    }

    #[test]
    fn a_cma_year_is_checked_against_the_records_own_dates() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good");
        let config = crate::config::load(&root).expect("good fixture config");
        let labs = config.collections.iter().position(|c| c.key == "labs");
        let lab = |published: &str, extra: &str| {
            let text = format!("id: xa-alpha\npublished: {published}\nname: 西安甲检测有限公司\ncredit_code: 91330201MA282UF146\ncma_number: \"242701060345\"\ncity: 西安市\n{extra}");
            let (_, diags) =
                validate_bytes(&config, labs.unwrap(), Path::new("a.yaml"), text.as_bytes());
            diags.iter().map(|d| d.human()).collect::<Vec<String>>()
        };
        assert_eq!(lab("2024-01-10", ""), Vec::<String>::new());
        let early = lab("2023-12-20", "");
        assert!(
            early.len() == 1
                && early[0].starts_with("a.yaml:5:")
                && early[0].contains("field \"cma_number\"")
                && early[0].contains("2024 is after 2023"),
            "{early:?}"
        );
        let corrected = "history:\n  - { date: 2024-03-01, summary: 换发证书 }\n";
        assert_eq!(lab("2023-12-20", corrected), Vec::<String>::new());
    }

    #[test]
    fn money_parses_exactly() {
        assert_eq!(parse_money("5000").unwrap(), Money(500_000));
        assert_eq!(parse_money("12.5").unwrap(), Money(1250));
        assert!(parse_money("-1").is_err());
        assert!(parse_money("1.234").is_err());
        assert!(parse_money("五千").is_err());
    }

    #[test]
    fn geo_ranges() {
        let node = crate::yaml::parse_document("{lat: 34.2, lon: 108.9}")
            .unwrap()
            .unwrap();
        assert_eq!(
            geo_value(&node).unwrap(),
            Geo {
                lat: 34.2,
                lon: 108.9
            }
        );
        let bad = crate::yaml::parse_document("{lat: 134.2, lon: 108.9}")
            .unwrap()
            .unwrap();
        assert!(geo_value(&bad).is_err());
    }
}
