//! Every message gongshi shows a person, in the site's language.
//!
//! A problem is a typed [`Msg`]: what went wrong and the values it names, no text. Its stable
//! [`Code`] (`unknown-field`, `late-notice` …) is what machines read (`--format json`, the
//! warnings summary, docs/diagnostics.md); the text is made only when it is shown, by
//! [`Msg::render`], from the one file per language: `zh.rs` (for bureau staff, in the terms
//! they use) and `en.rs`. Command output (summaries, refusals, import and init reports) is a
//! [`Say`], rendered the same way, and library errors reaching the command line are rendered
//! by [`error_chain`].

mod cli;
mod codes;
mod en;
mod zh;

pub use cli::{error_chain, Say};
pub use codes::Code;

use crate::personal::Kind;
use chrono::NaiveDate;
use std::fmt;
use std::path::PathBuf;

/// The language messages are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// The language of a BCP 47 tag as site.yaml gives it (`zh-CN`, `zh-Hans`, `en`):
    /// Chinese for any `zh` tag, English for everything else.
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }
}

/// What a YAML value turned out to be, where something else was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shape {
    Empty,
    Scalar,
    List,
    Mapping,
}

/// What a field's declared type expects, for "expected …, found …".
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Expected {
    Text,
    Date,
    Integer,
    Money,
    Bool,
    OneOf(Vec<String>),
    CreditCode,
    CmaNumber,
    RecordId,
    Url,
    Geo,
    Mapping,
}

/// Why a record id is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IdProblem {
    Length { found: usize, max: usize },
    Char { id: String, ch: char },
    Start { id: String },
}

/// Why a unified social credit code (统一社会信用代码) is not valid.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CreditCodeProblem {
    Length {
        found: usize,
    },
    Char {
        pos: usize,
        ch: char,
        allowed: &'static str,
    },
    Check {
        found: String,
        want: char,
    },
}

/// Why a CMA certificate number is not valid.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CmaProblem {
    Shape {
        number: String,
    },
    Authority {
        code: String,
    },
    Year {
        year: i32,
        latest_year: i32,
        latest: NaiveDate,
    },
}

/// Why a data file's YAML could not be read (syntax, or a resource limit).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum YamlProblem {
    /// The YAML parser's own description, which is English.
    Syntax(String),
    SecondDocument,
    TooDeep {
        max: usize,
    },
    Unbalanced,
    UnknownAnchor,
    AliasBomb {
        budget: usize,
        per_byte: usize,
        min_mib: usize,
        max_mib: usize,
    },
    TooManyValues {
        max: usize,
    },
    KeyNotText,
    DuplicateKey {
        key: String,
        first: usize,
    },
}

/// A problem found in site.yaml.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SiteProblem {
    CollectionKey,
    ReservedCollection {
        reserved: String,
    },
    NotAField {
        what: &'static str,
        name: String,
    },
    ReservedField {
        key: String,
        reserved: String,
    },
    ValuesFrom {
        key: String,
        name: String,
    },
    EnumValues {
        key: String,
    },
    RefTarget {
        key: String,
        collections: String,
    },
    NestedExpires {
        key: String,
    },
    ObjectFields {
        key: String,
    },
    UnknownType {
        key: String,
        ty: String,
    },
    Facet {
        key: String,
        value: String,
    },
    Identifier {
        key: String,
        value: String,
    },
    PersonalWhen {
        key: String,
        field: String,
    },
    PersonalMask {
        key: String,
        value: String,
    },
    OrganisationField {
        key: String,
    },
    OrganisationName {
        key: String,
        name: String,
    },
    NoticeField {
        name: String,
    },
    NoticeCondition {
        field: String,
    },
    PeriodNumber {
        value: String,
    },
    PeriodUnit {
        value: String,
    },
    /// A national-format column or `expires` declaration; the detail is English.
    Field {
        key: String,
        detail: String,
    },
    National {
        detail: String,
    },
    NamesBoth {
        key: String,
    },
    PageSize,
}

/// A status the record's dates overrule (see [`Msg::StatusLapsed`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Lapsed {
    pub label: String,
    pub value: String,
    pub date_label: String,
    /// The object field a date comes from: the date is the latest of its entries.
    pub within: Option<String>,
    pub last: NaiveDate,
    pub as_of: NaiveDate,
    pub becomes: String,
}

/// One diagnostic's message: what is wrong, with the values it names, and no text yet.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Msg {
    // ---- data files: reading
    StrayEntry,
    UnknownFolder {
        name: String,
        known: String,
        suggestion: Option<String>,
    },
    CannotRead {
        error: String,
    },
    Symlink,
    NotYaml,
    CaseCollision {
        other: PathBuf,
    },
    FileTooLarge {
        size: u64,
        max: u64,
    },
    Utf16,
    InvalidUtf8 {
        offset: usize,
    },
    NulByte {
        offset: usize,
    },
    Yaml(YamlProblem),
    EmptyFile,
    SingleValue,
    // ---- records and fields
    NotARecord {
        found: Shape,
    },
    MissingId,
    BadId(IdProblem),
    IdNotText {
        found: Shape,
    },
    UnknownField {
        key: String,
        collection: String,
        suggestion: Option<String>,
    },
    UnknownSubfield {
        key: String,
        suggestion: Option<String>,
    },
    MissingField {
        key: String,
        label: String,
    },
    MissingPublished,
    NotAList {
        item: &'static str,
        found: Shape,
    },
    EmptyList,
    NotAMapping {
        keys: String,
        found: Shape,
    },
    WrongShape {
        expected: Expected,
        found: Shape,
    },
    BadGeo,
    NotARealDate {
        value: String,
    },
    DateFormat {
        value: String,
    },
    NotAnInteger {
        value: String,
    },
    NotMoney {
        value: String,
    },
    NotBool {
        value: String,
    },
    NotInEnum {
        value: String,
        allowed: Vec<String>,
        suggestion: Option<String>,
    },
    BadCreditCode {
        value: String,
        problem: CreditCodeProblem,
    },
    BadCmaNumber(CmaProblem),
    BadUrl {
        value: String,
    },
    BadWithdrawal,
    BadCorrection,
    HistoryNotAList,
    BadPeriod(SiteProblem),
    IdHoldsPersonal {
        kind: Kind,
    },
    PersonalNumber {
        kind: Kind,
        masked: String,
    },
    // ---- across records
    DuplicateId {
        id: String,
        file: PathBuf,
        line: usize,
    },
    NotUnique {
        value: String,
        other: String,
        file: PathBuf,
        line: usize,
    },
    UnknownRef {
        id: String,
        collection: String,
        suggestion: Option<String>,
    },
    // ---- notices and dates
    NoCalendarYear {
        year: i32,
    },
    LateNotice {
        published: NaiveDate,
        days: u32,
        label: String,
        decided: NaiveDate,
        limit: u32,
    },
    /// Boxed: the largest message, and the others are passed around by value.
    StatusLapsed(Box<Lapsed>),
    CalendarUnreadable {
        detail: String,
    },
    PreviousIgnored {
        detail: String,
    },
    // ---- content pages
    BadPageName {
        slug: String,
        reserved: String,
    },
    NoFrontMatter,
    UnclosedFrontMatter,
    FrontMatter {
        detail: String,
    },
    // ---- site.yaml
    SiteUnreadable {
        path: PathBuf,
        error: String,
    },
    SiteInvalid {
        detail: String,
    },
    Site {
        collection: Option<String>,
        problem: SiteProblem,
    },
    // ---- import
    ImportValueOwned {
        other: String,
    },
    ImportRowTwice {
        first: usize,
        id: String,
    },
    ImportNoId {
        collection: String,
    },
    ImportIdEmpty {
        missing: String,
        template: String,
    },
    ImportKeptElsewhere {
        id: String,
        file: PathBuf,
        line: usize,
        rel: PathBuf,
    },
    ImportUnknownColumn {
        header: String,
        collection: String,
        examples: String,
    },
    ImportObjectColumn {
        header: String,
        key: String,
    },
    ImportColumnsTwice {
        other: String,
        header: String,
    },
    ImportMappingTarget {
        header: String,
        key: String,
        collection: String,
    },
}

impl Msg {
    /// The message's text in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => zh::msg(self),
            Lang::En => en::msg(self),
        }
    }
}

/// English, for library callers and tests that print a message without a language.
impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&en::msg(self))
    }
}

/// `; did you mean "x"?` (or its Chinese) when a suggestion exists.
pub(crate) fn suggestion(s: &Option<String>, lang: Lang) -> String {
    match (s, lang) {
        (None, _) => String::new(),
        (Some(s), Lang::En) => format!("; did you mean \"{s}\"?"),
        (Some(s), Lang::Zh) => format!("；是否应为“{s}”？"),
    }
}

/// English, for callers outside a diagnostic (tests, the import's id making).
macro_rules! display_in_english {
    ($($ty:ty => $render:path),* $(,)?) => {$(
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&$render(self))
            }
        }
    )*};
}

display_in_english!(
    IdProblem => en::id_problem,
    CreditCodeProblem => en::credit_code,
    CmaProblem => en::cma,
    YamlProblem => en::yaml,
    SiteProblem => en::site,
);

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// docs/diagnostics.md holds the code table made from [`Code::help`]; with
    /// `GONGSHI_UPDATE_DOCS=1` this test rewrites it instead.
    #[test]
    fn docs_list_every_code() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/diagnostics.md");
        let doc = std::fs::read_to_string(&path).unwrap_or_default();
        let (start, end) = ("<!-- codes:start -->\n", "<!-- codes:end -->");
        let table = Code::table_markdown();
        if std::env::var_os("GONGSHI_UPDATE_DOCS").is_some() {
            let (head, rest) = doc.split_once(start).expect("start marker");
            let (_, tail) = rest.split_once(end).expect("end marker");
            let updated = format!("{head}{start}{table}{end}{tail}");
            std::fs::write(&path, updated).expect("write docs");
            return;
        }
        assert!(
            doc.contains(&format!("{start}{table}{end}")),
            "docs/diagnostics.md is out of date: run GONGSHI_UPDATE_DOCS=1 cargo test --lib docs_list_every_code"
        );
    }

    #[test]
    fn codes_are_distinct_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{s}"
            );
        }
    }

    #[test]
    fn languages_follow_the_tag() {
        assert_eq!(Lang::from_tag("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_tag("zh_Hans"), Lang::Zh);
        assert_eq!(Lang::from_tag("en"), Lang::En);
        assert_eq!(Lang::from_tag("en-GB"), Lang::En);
    }

    #[test]
    fn quoted_values_keep_their_content_in_both_languages() {
        let msg = Msg::NotInEnum {
            value: "西安 \"x\"".into(),
            allowed: vec!["西安市".into(), "宝鸡市".into()],
            suggestion: Some("西安市".into()),
        };
        assert_eq!(
            msg.render(Lang::Zh),
            "“西安 \"x\"”不在可选值中：西安市、宝鸡市；是否应为“西安市”？"
        );
        assert_eq!(
            msg.render(Lang::En),
            "\"西安 \"x\"\" is not one of: 西安市, 宝鸡市; did you mean \"西安市\"?"
        );
    }
}
