//! `site.yaml`: the raw file as written (serde types) and the resolved configuration the pipeline
//! uses (collections with typed field definitions and notice rules). Collections are declared
//! here, never hard-coded, so a bureau adds one by configuration alone.

use crate::diagnostic::Diagnostic;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const SITE_FILE: &str = "site.yaml";

// ---------------------------------------------------------------- raw file

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    site: SiteMeta,
    collections: IndexMap<String, RawCollection>,
    #[serde(default)]
    enums: IndexMap<String, Vec<String>>,
}

/// Site metadata, passed to templates as it is.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteMeta {
    pub title: String,
    #[serde(default)]
    pub short_title: Option<String>,
    #[serde(default)]
    pub description: String,
    pub bureau: String,
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_page_size")]
    pub page_size: usize,
    #[serde(default)]
    pub contact: IndexMap<String, String>,
    #[serde(default)]
    pub licence: Option<Licence>,
    #[serde(default)]
    pub footer: Footer,
    /// Folder (relative to the site) of holiday-calendar JSON files, one per year.
    #[serde(default = "default_calendar")]
    pub holiday_calendar: String,
    /// How many entries each Atom feed carries.
    #[serde(default = "default_feed_entries")]
    pub feed_entries: usize,
    /// A schematic map of the places a facet names (cities): see [`TileMap`].
    #[serde(default)]
    pub map: Option<TileMap>,
}

/// A tile-grid map: one square per value of the facet field `field` (a city), placed at its
/// `[column, row]`. Squares in a grid, not outlines: a map drawing administrative boundaries
/// needs official approval (审图号) before it may be published.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TileMap {
    pub field: String,
    pub tiles: IndexMap<String, [u16; 2]>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Licence {
    pub name: String,
    pub url: String,
}

/// The identification items a Chinese government site shows in its footer.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Footer {
    #[serde(default)]
    pub sponsor: Option<String>,
    #[serde(default)]
    pub site_code: Option<String>,
    #[serde(default)]
    pub icp: Option<String>,
    #[serde(default)]
    pub police_record: Option<String>,
}

fn default_language() -> String {
    "zh-CN".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_page_size() -> usize {
    20
}
fn default_calendar() -> String {
    "calendar".into()
}
fn default_feed_entries() -> usize {
    50
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCollection {
    title: String,
    #[serde(default)]
    item_name: Option<String>,
    #[serde(default)]
    description: String,
    title_field: String,
    #[serde(default)]
    listed: Vec<String>,
    #[serde(default)]
    template: Option<String>,
    #[serde(default)]
    notice: RawNotice,
    /// Fields whose value names the record itself (see [`Collection::names_self`]).
    #[serde(default)]
    names_self: Option<Vec<String>>,
    /// Fields whose value names another party the record is about.
    #[serde(default)]
    names_party: Vec<String>,
    fields: IndexMap<String, RawField>,
    /// How `gongshi import` names new records, e.g. "{task_number}-{subject_credit_code}".
    #[serde(default)]
    id_template: Option<String>,
    /// The national 双公示 column layout (see [`crate::national`]).
    #[serde(default)]
    national: Option<crate::national::RawNationalFormat>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    #[serde(rename = "type")]
    ty: String,
    label: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    list: bool,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    unique: bool,
    #[serde(default)]
    facet: Option<RawFacet>,
    #[serde(default)]
    search_weight: Option<f32>,
    #[serde(default)]
    identifier: Option<RawIdentifier>,
    #[serde(default)]
    personal: Option<RawPersonal>,
    #[serde(default)]
    values: Option<Vec<String>>,
    #[serde(default)]
    values_from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    fields: Option<IndexMap<String, RawField>>,
    /// Other column headers `gongshi import` reads into this field.
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    expires: Option<crate::derived::RawExpiry>,
    /// On a credit-code field: the code identifies an organisation, named by another field.
    #[serde(default)]
    organisation: Option<RawOrganisation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrganisation {
    /// The field holding the organisation's name.
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawFacet {
    On(bool),
    Kind(String),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawIdentifier {
    On(bool),
    Kind(String),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawPersonal {
    Simple(String),
    Mask {
        mask: String,
        #[serde(default)]
        when: Option<IndexMap<String, Vec<String>>>,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotice {
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    decision_date_field: Option<String>,
    #[serde(default)]
    late_after_working_days: Option<u32>,
    #[serde(default)]
    rules: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    when: IndexMap<String, RawCondition>,
    #[serde(default = "yes")]
    publish: bool,
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    at_least_until: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCondition {
    #[serde(default)]
    only: Option<Vec<String>>,
    #[serde(default, rename = "in")]
    one_of: Option<Vec<String>>,
    #[serde(default)]
    below: Option<f64>,
    #[serde(default)]
    present: Option<bool>,
}

// ---------------------------------------------------------------- resolved

#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub root: PathBuf,
    pub site: SiteMeta,
    pub collections: Vec<Collection>,
}

#[derive(Debug, Clone)]
pub struct Collection {
    /// The key in site.yaml; also the data folder and URL segment.
    pub key: String,
    pub title: String,
    pub item_name: String,
    pub description: String,
    pub title_field: usize,
    pub listed: Vec<usize>,
    pub template: Option<String>,
    pub fields: Vec<FieldDef>,
    pub notice: NoticeConfig,
    pub id_template: Option<String>,
    pub national: Option<crate::national::NationalFormat>,
    /// Fields whose value follows from a date at the as-of date (see [`crate::derived`]).
    pub expiries: Vec<crate::derived::Expiry>,
    /// Fields (top level) whose value names the record itself: its name and its own
    /// identifiers. Search ranks the record a query names above records that mention it.
    /// Default: the title field and the `unique` fields.
    pub names_self: Vec<usize>,
    /// Fields (top level) naming another party the record is about (an inspected lab, a
    /// penalised company): found by that party's name, ranked after the party's own record.
    pub names_party: Vec<usize>,
    /// Credit-code fields that identify an organisation (see [`crate::org`]).
    pub organisations: Vec<OrgField>,
}

/// A credit-code field declared `organisation:`: records carrying the same code are joined on
/// the organisation's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgField {
    /// Index of the credit-code field.
    pub code: usize,
    /// Index of the field naming the organisation.
    pub name: usize,
}

impl Collection {
    pub fn field_index(&self, key: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.key == key)
    }
}

#[derive(Debug, Clone)]
pub struct FieldDef {
    pub key: String,
    pub label: String,
    pub description: Option<String>,
    pub ty: FieldType,
    pub list: bool,
    pub required: bool,
    pub unique: bool,
    pub facet: Option<FacetKind>,
    pub search_weight: f32,
    pub identifier: Option<IdentifierKind>,
    pub personal: Personal,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    Text,
    Markdown,
    Date,
    Integer,
    Money,
    Bool,
    Enum(Vec<String>),
    CreditCode,
    CmaNumber,
    /// Index of the referenced collection.
    Ref(usize),
    Url,
    Geo,
    Object(Vec<FieldDef>),
}

impl PartialEq for FieldDef {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl FieldType {
    pub fn name(&self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Markdown => "markdown",
            FieldType::Date => "date",
            FieldType::Integer => "integer",
            FieldType::Money => "money",
            FieldType::Bool => "bool",
            FieldType::Enum(_) => "enum",
            FieldType::CreditCode => "credit_code",
            FieldType::CmaNumber => "cma_number",
            FieldType::Ref(_) => "ref",
            FieldType::Url => "url",
            FieldType::Geo => "geo",
            FieldType::Object(_) => "object",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FacetKind {
    /// One facet page per value.
    Value,
    /// One facet page per year of a date.
    Year,
}

/// How the search tokenizer treats a field's values beyond plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentifierKind {
    /// Matched whole and by prefix.
    Code,
    /// A decision number: brackets folded before matching.
    DecisionNumber,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Personal {
    Public,
    /// Never published in any output.
    Omit,
    /// Keep the first character (张**), when `when` holds (always when it is `None`).
    KeepFirstChar {
        when: Option<(String, Vec<String>)>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Forever,
    Days(u32),
    Months(u32),
    Years(u32),
}

impl Period {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s == "forever" {
            return Ok(Period::Forever);
        }
        let unit_at = s.char_indices().last().map_or(0, |(i, _)| i);
        let (num, unit) = s.split_at(unit_at);
        let n: u32 = num.parse().map_err(|_| {
            format!("period \"{s}\" is not a number followed by d, m or y, or \"forever\"")
        })?;
        match unit {
            "d" => Ok(Period::Days(n)),
            "m" => Ok(Period::Months(n)),
            "y" => Ok(Period::Years(n)),
            _ => Err(format!(
                "period \"{s}\" must end in d (days), m (months) or y (years)"
            )),
        }
    }
}

#[derive(Debug, Clone)]
pub struct NoticeConfig {
    pub period: Period,
    pub decision_date_field: Option<usize>,
    pub late_after_working_days: Option<u32>,
    pub rules: Vec<NoticeRule>,
}

#[derive(Debug, Clone)]
pub struct NoticeRule {
    pub when: Vec<(usize, Condition)>,
    pub publish: bool,
    pub period: Option<Period>,
    pub at_least_until: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// Every value of the (list) field is one of these.
    Only(Vec<String>),
    /// The value is one of these.
    OneOf(Vec<String>),
    /// Absent, or a number below this.
    Below(f64),
    Present(bool),
}

// ---------------------------------------------------------------- loading

/// Reads and resolves `site.yaml`; every problem found is returned at once.
pub fn load(site_dir: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
    let path = site_dir.join(SITE_FILE);
    let file = PathBuf::from(SITE_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        vec![Diagnostic::error(
            &file,
            0,
            format!("cannot read {}: {e}", path.display()),
        )]
    })?;
    let raw: RawSite = serde_yaml::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        let line = e.location().map_or(0, |l| l.line());
        vec![Diagnostic::error(
            &file,
            line,
            format!("invalid site configuration: {e}"),
        )]
    })?;
    resolve(site_dir, raw)
}

/// Top-level output folders the build writes itself; a collection or content page may not use them.
pub const RESERVED_PATHS: [&str; 8] = [
    "data", "search", "static", "staff", "changes", "feed", "org", "stats",
];

fn resolve(site_dir: &Path, raw: RawSite) -> Result<SiteConfig, Vec<Diagnostic>> {
    let file = PathBuf::from(SITE_FILE);
    let mut problems = Vec::new();
    let keys: Vec<String> = raw.collections.keys().cloned().collect();
    let mut collections = Vec::new();
    for (key, rc) in &raw.collections {
        let mut report = |msg: String| {
            problems.push(Diagnostic::error(
                &file,
                0,
                format!("collection \"{key}\": {msg}"),
            ))
        };
        if crate::domain::RecordId::parse(key).is_err() {
            report("a collection key must be a slug (a-z, 0-9, '-', '_')".into());
            continue;
        }
        if RESERVED_PATHS.contains(&key.as_str()) {
            report(format!(
                "the key is a folder the build writes itself; use another (reserved: {})",
                RESERVED_PATHS.join(", ")
            ));
            continue;
        }
        let fields = resolve_fields(&rc.fields, &keys, &raw.enums, &mut report);
        let index = |name: &str, what: &str, report: &mut dyn FnMut(String)| {
            let i = fields.iter().position(|f| f.key == name);
            if i.is_none() {
                report(format!("{what} \"{name}\" is not one of its fields"));
            }
            i
        };
        let title_field = index(&rc.title_field, "title_field", &mut report).unwrap_or(0);
        let listed = rc
            .listed
            .iter()
            .filter_map(|l| index(l, "listed field", &mut report))
            .collect();
        let notice = resolve_notice(&rc.notice, &fields, &mut |m| report(m));
        let national = rc.national.as_ref().and_then(|raw| {
            crate::national::resolve(raw, &fields)
                .map_err(&mut report)
                .ok()
        });
        let mut expiries = Vec::new();
        for (field_key, rf) in &rc.fields {
            let (Some(raw), Some(i)) =
                (&rf.expires, fields.iter().position(|f| &f.key == field_key))
            else {
                continue;
            };
            match crate::derived::resolve(raw, i, &fields) {
                Ok(expiry) => expiries.push(expiry),
                Err(e) => report(format!("field \"{field_key}\": {e}")),
            }
        }
        let names_self: Vec<usize> = match &rc.names_self {
            Some(keys) => keys
                .iter()
                .filter_map(|k| index(k, "names_self field", &mut report))
                .collect(),
            None => std::iter::once(title_field)
                .chain((0..fields.len()).filter(|&i| fields[i].unique && i != title_field))
                .filter(|&i| !rc.names_party.contains(&fields[i].key))
                .collect(),
        };
        let names_party: Vec<usize> = rc
            .names_party
            .iter()
            .filter_map(|k| index(k, "names_party field", &mut report))
            .collect();
        if let Some(&both) = names_party.iter().find(|i| names_self.contains(i)) {
            report(format!(
                "field \"{}\" is in both names_self and names_party",
                fields[both].key
            ));
        }
        let organisations = resolve_organisations(&rc.fields, &fields, &mut report);
        collections.push(Collection {
            key: key.clone(),
            title: rc.title.clone(),
            item_name: rc.item_name.clone().unwrap_or_else(|| rc.title.clone()),
            description: rc.description.clone(),
            title_field,
            listed,
            template: rc.template.clone(),
            fields,
            notice,
            id_template: rc.id_template.clone(),
            national,
            expiries,
            names_self,
            names_party,
            organisations,
        });
    }
    if raw.site.page_size == 0 {
        problems.push(Diagnostic::error(
            &file,
            0,
            "site.page_size must be at least 1".into(),
        ));
    }
    if problems.is_empty() {
        Ok(SiteConfig {
            root: site_dir.to_path_buf(),
            site: raw.site,
            collections,
        })
    } else {
        Err(problems)
    }
}

fn resolve_fields(
    raw: &IndexMap<String, RawField>,
    collections: &[String],
    enums: &IndexMap<String, Vec<String>>,
    report: &mut dyn FnMut(String),
) -> Vec<FieldDef> {
    let mut fields = Vec::new();
    for (key, rf) in raw {
        if crate::domain::SYSTEM_KEYS.contains(&key.as_str()) {
            report(format!(
                "field \"{key}\" is reserved for notice data (reserved: {})",
                crate::domain::SYSTEM_KEYS.join(", ")
            ));
            continue;
        }
        let ty = match rf.ty.as_str() {
            "text" => FieldType::Text,
            "markdown" => FieldType::Markdown,
            "date" => FieldType::Date,
            "integer" => FieldType::Integer,
            "money" => FieldType::Money,
            "bool" => FieldType::Bool,
            "credit_code" => FieldType::CreditCode,
            "cma_number" => FieldType::CmaNumber,
            "url" => FieldType::Url,
            "geo" => FieldType::Geo,
            "enum" => {
                let values = match (&rf.values, &rf.values_from) {
                    (Some(v), None) => v.clone(),
                    (None, Some(name)) => enums.get(name).cloned().unwrap_or_else(|| {
                        report(format!(
                            "field \"{key}\": values_from \"{name}\" is not a list under `enums`"
                        ));
                        Vec::new()
                    }),
                    _ => {
                        report(format!(
                            "field \"{key}\": an enum needs `values` or `values_from`"
                        ));
                        Vec::new()
                    }
                };
                FieldType::Enum(values)
            }
            "ref" => match rf
                .to
                .as_ref()
                .and_then(|t| collections.iter().position(|c| c == t))
            {
                Some(i) => FieldType::Ref(i),
                None => {
                    report(format!(
                        "field \"{key}\": a ref needs `to:` naming a collection ({})",
                        collections.join(", ")
                    ));
                    FieldType::Text
                }
            },
            "object" => match &rf.fields {
                Some(sub) => {
                    for (sub_key, _) in sub.iter().filter(|(_, s)| s.expires.is_some()) {
                        report(format!(
                            "field \"{key}.{sub_key}\": `expires` belongs on a collection's own fields"
                        ));
                    }
                    FieldType::Object(resolve_fields(sub, collections, enums, report))
                }
                None => {
                    report(format!("field \"{key}\": an object needs `fields:`"));
                    FieldType::Text
                }
            },
            other => {
                report(format!(
                    "field \"{key}\": unknown type \"{other}\" (text, markdown, date, integer, money, bool, enum, credit_code, cma_number, ref, url, geo, object)"
                ));
                FieldType::Text
            }
        };
        let facet = match &rf.facet {
            None | Some(RawFacet::On(false)) => None,
            Some(RawFacet::On(true)) => Some(FacetKind::Value),
            Some(RawFacet::Kind(k)) if k == "year" => Some(FacetKind::Year),
            Some(RawFacet::Kind(k)) => {
                report(format!(
                    "field \"{key}\": facet \"{k}\" is not true, false or year"
                ));
                None
            }
        };
        let identifier = match (&rf.identifier, &ty) {
            (Some(RawIdentifier::Kind(k)), _) if k == "decision_number" => {
                Some(IdentifierKind::DecisionNumber)
            }
            (Some(RawIdentifier::On(true)), _)
            | (None, FieldType::CreditCode | FieldType::CmaNumber) => Some(IdentifierKind::Code),
            (Some(RawIdentifier::Kind(k)), _) => {
                report(format!(
                    "field \"{key}\": identifier \"{k}\" is not true or decision_number"
                ));
                None
            }
            _ => None,
        };
        let personal = match &rf.personal {
            None => Personal::Public,
            Some(RawPersonal::Simple(s)) if s == "omit" => Personal::Omit,
            Some(RawPersonal::Simple(s)) if s == "keep_first_char" => {
                Personal::KeepFirstChar { when: None }
            }
            Some(RawPersonal::Mask { mask, when }) if mask == "keep_first_char" => {
                let when = when.as_ref().and_then(|w| w.iter().next()).map(|(f, v)| {
                    if !raw.contains_key(f) {
                        report(format!(
                            "field \"{key}\": personal.when names unknown field \"{f}\""
                        ));
                    }
                    (f.clone(), v.clone())
                });
                Personal::KeepFirstChar { when }
            }
            Some(RawPersonal::Mask { mask: m, .. }) | Some(RawPersonal::Simple(m)) => {
                report(format!(
                    "field \"{key}\": personal \"{m}\" is not omit or keep_first_char"
                ));
                Personal::Omit
            }
        };
        fields.push(FieldDef {
            key: key.clone(),
            label: rf.label.clone(),
            description: rf.description.clone(),
            ty,
            list: rf.list,
            required: rf.required,
            unique: rf.unique,
            facet,
            search_weight: rf.search_weight.unwrap_or(0.0),
            identifier,
            personal,
            aliases: rf.aliases.clone(),
        });
    }
    fields
}

/// The `organisation:` declarations of a collection's fields: only on credit-code fields, naming
/// one of the collection's own fields.
fn resolve_organisations(
    raw: &IndexMap<String, RawField>,
    fields: &[FieldDef],
    report: &mut dyn FnMut(String),
) -> Vec<OrgField> {
    let mut out = Vec::new();
    for (key, rf) in raw {
        let Some(org) = &rf.organisation else {
            continue;
        };
        let Some(code) = fields.iter().position(|f| &f.key == key) else {
            continue;
        };
        if fields[code].ty != FieldType::CreditCode || fields[code].list {
            report(format!(
                "field \"{key}\": `organisation` belongs on a single credit_code field"
            ));
            continue;
        }
        match fields.iter().position(|f| f.key == org.name) {
            Some(name) if !fields[name].list && fields[name].ty == FieldType::Text => {
                out.push(OrgField { code, name })
            }
            _ => report(format!(
                "field \"{key}\": organisation.name \"{}\" is not a single text field of the collection",
                org.name
            )),
        }
    }
    out
}

fn resolve_notice(
    raw: &RawNotice,
    fields: &[FieldDef],
    report: &mut dyn FnMut(String),
) -> NoticeConfig {
    let period = |s: &Option<String>, report: &mut dyn FnMut(String)| {
        s.as_deref().map(|p| {
            Period::parse(p).unwrap_or_else(|e| {
                report(e);
                Period::Forever
            })
        })
    };
    let field = |name: &str, report: &mut dyn FnMut(String)| {
        let i = fields.iter().position(|f| f.key == name);
        if i.is_none() {
            report(format!("notice rule names unknown field \"{name}\""));
        }
        i
    };
    let rules = raw
        .rules
        .iter()
        .map(|r| NoticeRule {
            when: r
                .when
                .iter()
                .filter_map(|(f, c)| {
                    let cond = if let Some(v) = &c.only {
                        Condition::Only(v.clone())
                    } else if let Some(v) = &c.one_of {
                        Condition::OneOf(v.clone())
                    } else if let Some(b) = c.below {
                        Condition::Below(b)
                    } else if let Some(p) = c.present {
                        Condition::Present(p)
                    } else {
                        report(format!(
                            "notice condition on \"{f}\" needs only, in, below or present"
                        ));
                        return None;
                    };
                    field(f, report).map(|i| (i, cond))
                })
                .collect(),
            publish: r.publish,
            period: period(&r.period, report),
            at_least_until: r.at_least_until.as_deref().and_then(|f| field(f, report)),
        })
        .collect();
    NoticeConfig {
        period: period(&raw.period, report).unwrap_or(Period::Forever),
        decision_date_field: raw
            .decision_date_field
            .as_deref()
            .and_then(|f| field(f, report)),
        late_after_working_days: raw.late_after_working_days,
        rules,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse() {
        assert_eq!(Period::parse("3m"), Ok(Period::Months(3)));
        assert_eq!(Period::parse("forever"), Ok(Period::Forever));
        assert!(Period::parse("3w").is_err());
        assert!(Period::parse("").is_err());
        // Found by the fuzzer: a multi-byte last character.
        assert!(Period::parse("1?1号").is_err());
    }

    #[test]
    fn bundled_site_config_resolves() {
        let cfg = load(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("site.yaml resolves");
        let keys: Vec<_> = cfg.collections.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["labs", "inspections", "penalties", "organic-parks"]);
        let penalties = &cfg.collections[2];
        assert_eq!(penalties.notice.rules.len(), 3);
        assert!(!penalties.notice.rules[0].publish);
    }

    #[test]
    fn organisation_belongs_on_a_credit_code_naming_a_text_field() {
        let dir = tempfile::tempdir().expect("temp dir");
        let head = "site:\n  title: T\n  bureau: B\n  base_url: https://x.example/\ncollections:\n  c:\n    title: C\n    title_field: name\n    fields:\n      name: { type: text, label: N }\n      when: { type: date, label: W }\n";
        let load_with = |field: &str| {
            std::fs::write(dir.path().join(SITE_FILE), format!("{head}{field}"))
                .expect("write site.yaml");
            load(dir.path())
        };
        let cfg = load_with(
            "      code: { type: credit_code, label: K, organisation: { name: name } }\n",
        )
        .expect("valid declaration");
        assert_eq!(
            cfg.collections[0].organisations,
            [OrgField { code: 2, name: 0 }]
        );
        for (field, expected) in [
            (
                "      code: { type: text, label: K, organisation: { name: name } }\n",
                "single credit_code",
            ),
            (
                "      code: { type: credit_code, label: K, organisation: { name: when } }\n",
                "not a single text field",
            ),
            (
                "      code: { type: credit_code, label: K, organisation: { name: nope } }\n",
                "not a single text field",
            ),
        ] {
            let problems = load_with(field).expect_err(field);
            assert!(
                problems.iter().any(|d| d.message.contains(expected)),
                "{field}: {problems:?}"
            );
        }
    }

    #[test]
    fn a_collection_may_not_take_a_reserved_output_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = "site:\n  title: T\n  bureau: B\n  base_url: https://x.example/\ncollections:\n  data:\n    title: D\n    title_field: name\n    fields:\n      name: { type: text, label: N }\n";
        std::fs::write(dir.path().join(SITE_FILE), site).expect("write site.yaml");
        let problems = load(dir.path()).expect_err("reserved key must fail");
        let text: Vec<&str> = problems.iter().map(|d| d.message.as_str()).collect();
        assert!(
            text.iter()
                .any(|t| t.contains("collection \"data\"") && t.contains("reserved")),
            "{text:?}"
        );
    }
}
