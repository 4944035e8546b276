//! `site.yaml` as written: the serde types, strict about unknown keys so a typo is reported.

use crate::messages::Lang;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSite {
    pub(super) site: SiteMeta,
    pub(super) collections: IndexMap<String, RawCollection>,
    #[serde(default)]
    pub(super) enums: IndexMap<String, Vec<String>>,
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

pub(super) fn default_language() -> String {
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
pub(super) struct RawCollection {
    pub(super) title: RawText,
    #[serde(default)]
    pub(super) item_name: Option<RawText>,
    #[serde(default)]
    pub(super) description: RawText,
    pub(super) title_field: String,
    #[serde(default)]
    pub(super) listed: Vec<String>,
    #[serde(default)]
    pub(super) template: Option<String>,
    #[serde(default)]
    pub(super) notice: RawNotice,
    /// Fields whose value names the record itself (see [`Collection::names_self`]).
    #[serde(default)]
    pub(super) names_self: Option<Vec<String>>,
    /// Fields whose value names another party the record is about.
    #[serde(default)]
    pub(super) names_party: Vec<String>,
    pub(super) fields: IndexMap<String, RawField>,
    /// How `gongshi import` names new records, e.g. "{task_number}-{subject_credit_code}".
    #[serde(default)]
    pub(super) id_template: Option<String>,
    /// The national 双公示 column layout (see [`super::national`]).
    #[serde(default)]
    pub(super) national: Option<super::national::RawNationalFormat>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawField {
    #[serde(rename = "type")]
    pub(super) ty: String,
    pub(super) label: RawText,
    #[serde(default)]
    pub(super) description: Option<String>,
    #[serde(default)]
    pub(super) list: bool,
    #[serde(default)]
    pub(super) required: bool,
    #[serde(default)]
    pub(super) unique: bool,
    #[serde(default)]
    pub(super) facet: Option<RawFacet>,
    #[serde(default)]
    pub(super) search_weight: Option<f32>,
    #[serde(default)]
    pub(super) identifier: Option<RawIdentifier>,
    #[serde(default)]
    pub(super) personal: Option<RawPersonal>,
    #[serde(default)]
    pub(super) values: Option<Vec<String>>,
    #[serde(default)]
    pub(super) values_from: Option<String>,
    #[serde(default)]
    pub(super) to: Option<String>,
    #[serde(default)]
    pub(super) fields: Option<IndexMap<String, RawField>>,
    /// Other column headers `gongshi import` reads into this field.
    #[serde(default)]
    pub(super) aliases: Vec<String>,
    #[serde(default)]
    pub(super) expires: Option<super::expiry::RawExpiry>,
    /// On a credit-code field: the code identifies an organisation, named by another field.
    #[serde(default)]
    pub(super) organisation: Option<RawOrganisation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOrganisation {
    /// The field holding the organisation's name.
    pub(super) name: String,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum RawFacet {
    On(bool),
    Kind(String),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum RawIdentifier {
    On(bool),
    Kind(String),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum RawPersonal {
    Simple(String),
    Mask {
        mask: String,
        #[serde(default)]
        when: Option<IndexMap<String, Vec<String>>>,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNotice {
    #[serde(default)]
    pub(super) period: Option<String>,
    #[serde(default)]
    pub(super) decision_date_field: Option<String>,
    #[serde(default)]
    pub(super) late_after_working_days: Option<u32>,
    #[serde(default)]
    pub(super) rules: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRule {
    pub(super) when: IndexMap<String, RawCondition>,
    #[serde(default = "yes")]
    pub(super) publish: bool,
    #[serde(default)]
    pub(super) period: Option<String>,
    #[serde(default)]
    pub(super) at_least_until: Option<String>,
}

pub(super) fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCondition {
    #[serde(default)]
    pub(super) only: Option<Vec<String>>,
    #[serde(default, rename = "in")]
    pub(super) one_of: Option<Vec<String>>,
    #[serde(default)]
    pub(super) below: Option<f64>,
    #[serde(default)]
    pub(super) present: Option<bool>,
}

/// A label, title or description: plain text (Chinese), or `{zh: …, en: …}` where a site with
/// an English UI should show English. Plain text stays valid, so older site.yaml files read as
/// they did.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum RawText {
    Plain(String),
    ByLang {
        zh: String,
        #[serde(default)]
        en: Option<String>,
    },
}

impl Default for RawText {
    fn default() -> Self {
        RawText::Plain(String::new())
    }
}

impl RawText {
    /// The text in the site's language: an English site shows the English text where there is
    /// one, else the Chinese.
    pub(super) fn pick(&self, lang: Lang) -> String {
        match (self, lang) {
            (RawText::Plain(s), _) => s.clone(),
            (RawText::ByLang { en: Some(en), .. }, Lang::En) => en.clone(),
            (RawText::ByLang { zh, .. }, _) => zh.clone(),
        }
    }

    /// The texts in other languages than [`RawText::pick`]'s: a spreadsheet's column may be
    /// headed by either.
    pub(super) fn others(&self, lang: Lang) -> Vec<String> {
        let picked = self.pick(lang);
        match self {
            RawText::Plain(_) => Vec::new(),
            RawText::ByLang { zh, en } => std::iter::once(zh)
                .chain(en)
                .filter(|t| **t != picked)
                .cloned()
                .collect(),
        }
    }
}
