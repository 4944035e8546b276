//! `site.yaml`: the raw file as written (serde types, `raw`) and the resolved configuration the
//! pipeline uses (collections with typed field definitions and notice rules; `resolve` and
//! `fields` make it). Collections are declared here, never hard-coded, so a bureau adds one by
//! configuration alone.

mod expiry;
mod fields;
pub mod national;
mod raw;
mod resolve;

pub use expiry::Expiry;
pub use raw::{Footer, Licence, SiteMeta, TileMap};

use crate::diagnostic::Diagnostic;
use crate::messages::{Lang, Msg, SiteProblem};
use raw::RawSite;
use std::path::{Path, PathBuf};

pub const SITE_FILE: &str = "site.yaml";
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
    pub national: Option<national::NationalFormat>,
    /// Fields whose value follows from a date at the as-of date (see [`crate::derived`]).
    pub expiries: Vec<Expiry>,
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
    /// In the site's language: the English label on an English site where site.yaml gives one.
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
    /// Other names a spreadsheet column may give the field (`aliases:`, and the label in the
    /// language the site does not show), for `gongshi import`.
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
    pub fn parse(s: &str) -> Result<Self, SiteProblem> {
        let s = s.trim();
        if s == "forever" {
            return Ok(Period::Forever);
        }
        let unit_at = s.char_indices().last().map_or(0, |(i, _)| i);
        let (num, unit) = s.split_at(unit_at);
        let n: u32 = num.parse().map_err(|_| SiteProblem::PeriodNumber {
            value: s.to_string(),
        })?;
        match unit {
            "d" => Ok(Period::Days(n)),
            "m" => Ok(Period::Months(n)),
            "y" => Ok(Period::Years(n)),
            _ => Err(SiteProblem::PeriodUnit {
                value: s.to_string(),
            }),
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
            Msg::SiteUnreadable {
                path: path.clone(),
                error: e.to_string(),
            },
        )]
    })?;
    let raw: RawSite = serde_yaml::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        let line = e.location().map_or(0, |l| l.line());
        vec![Diagnostic::error(
            &file,
            line,
            Msg::SiteInvalid {
                detail: e.to_string(),
            },
        )]
    })?;
    resolve::resolve(site_dir, raw)
}

/// The language of the site's messages, from `site.language` in site.yaml, read on its own so
/// that a site.yaml with errors still has them reported in its language; `None` when there is
/// no readable site.yaml or it names no language (then the caller decides).
pub fn messages_language(site_dir: &Path) -> Option<Lang> {
    #[derive(serde::Deserialize)]
    struct Head {
        site: HeadSite,
    }
    #[derive(serde::Deserialize)]
    struct HeadSite {
        #[serde(default = "raw::default_language")]
        language: String,
    }
    let text = std::fs::read_to_string(site_dir.join(SITE_FILE)).ok()?;
    let head: Head = serde_yaml::from_str(text.trim_start_matches('\u{feff}')).ok()?;
    Some(Lang::from_tag(&head.site.language))
}

/// Top-level output folders the build writes itself; a collection or content page may not use them.
pub const RESERVED_PATHS: [&str; 8] = [
    "data", "search", "static", "staff", "changes", "feed", "org", "stats",
];

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
                problems.iter().any(|d| d.text(Lang::En).contains(expected)),
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
        let text: Vec<String> = problems.iter().map(|d| d.text(Lang::En)).collect();
        assert!(
            text.iter()
                .any(|t| t.contains("collection \"data\"") && t.contains("reserved")),
            "{text:?}"
        );
    }
}
