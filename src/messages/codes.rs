//! Stable message codes: what `--format json` and the warnings summary show, and what
//! docs/diagnostics.md explains. A code never changes once released; messages may.

use super::{CmaProblem, Lang, Msg, YamlProblem};

/// The kind of a problem, stable across languages and releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    StrayEntry,
    UnknownFolder,
    Unreadable,
    Symlink,
    NotYaml,
    CaseCollision,
    FileTooLarge,
    Encoding,
    YamlSyntax,
    YamlLimit,
    DuplicateKey,
    EmptyFile,
    NotARecord,
    MissingId,
    BadId,
    UnknownKey,
    MissingField,
    WrongType,
    EmptyList,
    BadDate,
    NotInEnum,
    BadCreditCode,
    BadCmaNumber,
    CmaYear,
    BadNoticeData,
    PersonalInId,
    PersonalNumber,
    DuplicateId,
    NotUnique,
    UnknownRef,
    CalendarMissingYear,
    LateNotice,
    StatusLapsed,
    CalendarUnreadable,
    PreviousIgnored,
    BadPageName,
    BadFrontMatter,
    SiteUnreadable,
    SiteConfig,
    ImportConflict,
    ImportNoId,
    ImportColumn,
}

impl Code {
    /// Every code, in the order docs/diagnostics.md lists them.
    pub const ALL: [Code; 42] = [
        Code::StrayEntry,
        Code::UnknownFolder,
        Code::Unreadable,
        Code::Symlink,
        Code::NotYaml,
        Code::CaseCollision,
        Code::FileTooLarge,
        Code::Encoding,
        Code::YamlSyntax,
        Code::YamlLimit,
        Code::DuplicateKey,
        Code::EmptyFile,
        Code::NotARecord,
        Code::MissingId,
        Code::BadId,
        Code::UnknownKey,
        Code::MissingField,
        Code::WrongType,
        Code::EmptyList,
        Code::BadDate,
        Code::NotInEnum,
        Code::BadCreditCode,
        Code::BadCmaNumber,
        Code::CmaYear,
        Code::BadNoticeData,
        Code::PersonalInId,
        Code::PersonalNumber,
        Code::DuplicateId,
        Code::NotUnique,
        Code::UnknownRef,
        Code::CalendarMissingYear,
        Code::LateNotice,
        Code::StatusLapsed,
        Code::CalendarUnreadable,
        Code::PreviousIgnored,
        Code::BadPageName,
        Code::BadFrontMatter,
        Code::SiteUnreadable,
        Code::SiteConfig,
        Code::ImportConflict,
        Code::ImportNoId,
        Code::ImportColumn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::StrayEntry => "stray-entry",
            Code::UnknownFolder => "unknown-folder",
            Code::Unreadable => "unreadable",
            Code::Symlink => "symlink",
            Code::NotYaml => "not-yaml",
            Code::CaseCollision => "case-collision",
            Code::FileTooLarge => "file-too-large",
            Code::Encoding => "encoding",
            Code::YamlSyntax => "yaml-syntax",
            Code::YamlLimit => "yaml-limit",
            Code::DuplicateKey => "duplicate-key",
            Code::EmptyFile => "empty-file",
            Code::NotARecord => "not-a-record",
            Code::MissingId => "missing-id",
            Code::BadId => "bad-id",
            Code::UnknownKey => "unknown-key",
            Code::MissingField => "missing-field",
            Code::WrongType => "wrong-type",
            Code::EmptyList => "empty-list",
            Code::BadDate => "bad-date",
            Code::NotInEnum => "not-in-enum",
            Code::BadCreditCode => "bad-credit-code",
            Code::BadCmaNumber => "bad-cma-number",
            Code::CmaYear => "cma-year",
            Code::BadNoticeData => "bad-notice-data",
            Code::PersonalInId => "personal-in-id",
            Code::PersonalNumber => "personal-number",
            Code::DuplicateId => "duplicate-id",
            Code::NotUnique => "not-unique",
            Code::UnknownRef => "unknown-ref",
            Code::CalendarMissingYear => "calendar-missing-year",
            Code::LateNotice => "late-notice",
            Code::StatusLapsed => "status-lapsed",
            Code::CalendarUnreadable => "calendar-unreadable",
            Code::PreviousIgnored => "previous-ignored",
            Code::BadPageName => "bad-page-name",
            Code::BadFrontMatter => "bad-front-matter",
            Code::SiteUnreadable => "site-unreadable",
            Code::SiteConfig => "site-config",
            Code::ImportConflict => "import-conflict",
            Code::ImportNoId => "import-no-id",
            Code::ImportColumn => "import-column",
        }
    }

    /// What the code means and how to fix it, in `lang`: `(meaning, fix)`.
    pub fn help(self, lang: Lang) -> (&'static str, &'static str) {
        match lang {
            Lang::Zh => super::zh::help(self),
            Lang::En => super::en::help(self),
        }
    }

    /// The docs/diagnostics.md table: code, then meaning and fix in Chinese and in English.
    pub fn table_markdown() -> String {
        let mut s = String::from(
            "| code | 含义 | 怎样改正 | meaning | how to fix |\n| --- | --- | --- | --- | --- |\n",
        );
        for code in Code::ALL {
            let (zh_meaning, zh_fix) = code.help(Lang::Zh);
            let (en_meaning, en_fix) = code.help(Lang::En);
            s.push_str(&format!(
                "| `{}` | {zh_meaning} | {zh_fix} | {en_meaning} | {en_fix} |\n",
                code.as_str()
            ));
        }
        s
    }
}

impl Msg {
    /// This message's stable code.
    pub fn code(&self) -> Code {
        match self {
            Msg::StrayEntry => Code::StrayEntry,
            Msg::UnknownFolder { .. } => Code::UnknownFolder,
            Msg::CannotRead { .. } => Code::Unreadable,
            Msg::Symlink => Code::Symlink,
            Msg::NotYaml => Code::NotYaml,
            Msg::CaseCollision { .. } => Code::CaseCollision,
            Msg::FileTooLarge { .. } => Code::FileTooLarge,
            Msg::Utf16 | Msg::InvalidUtf8 { .. } | Msg::NulByte { .. } => Code::Encoding,
            Msg::EmptyFile => Code::EmptyFile,
            Msg::SingleValue | Msg::NotARecord { .. } => Code::NotARecord,
            Msg::MissingId => Code::MissingId,
            Msg::BadId(_) | Msg::IdNotText { .. } => Code::BadId,
            Msg::UnknownField { .. } | Msg::UnknownSubfield { .. } => Code::UnknownKey,
            Msg::MissingField { .. } | Msg::MissingPublished => Code::MissingField,
            Msg::NotAList { .. }
            | Msg::NotAMapping { .. }
            | Msg::WrongShape { .. }
            | Msg::BadGeo
            | Msg::NotAnInteger { .. }
            | Msg::NotMoney { .. }
            | Msg::NotBool { .. }
            | Msg::BadUrl { .. } => Code::WrongType,
            Msg::EmptyList => Code::EmptyList,
            Msg::NotARealDate { .. } | Msg::DateFormat { .. } => Code::BadDate,
            Msg::NotInEnum { .. } => Code::NotInEnum,
            Msg::BadCreditCode { .. } => Code::BadCreditCode,
            Msg::BadWithdrawal | Msg::BadCorrection | Msg::HistoryNotAList | Msg::BadPeriod(_) => {
                Code::BadNoticeData
            }
            Msg::IdHoldsPersonal { .. } => Code::PersonalInId,
            Msg::PersonalNumber { .. } => Code::PersonalNumber,
            Msg::DuplicateId { .. } => Code::DuplicateId,
            Msg::NotUnique { .. } => Code::NotUnique,
            Msg::UnknownRef { .. } => Code::UnknownRef,
            Msg::NoCalendarYear { .. } => Code::CalendarMissingYear,
            Msg::LateNotice { .. } => Code::LateNotice,
            Msg::StatusLapsed(_) => Code::StatusLapsed,
            Msg::CalendarUnreadable { .. } => Code::CalendarUnreadable,
            Msg::PreviousIgnored { .. } => Code::PreviousIgnored,
            Msg::BadPageName { .. } => Code::BadPageName,
            Msg::NoFrontMatter | Msg::UnclosedFrontMatter | Msg::FrontMatter { .. } => {
                Code::BadFrontMatter
            }
            Msg::SiteUnreadable { .. } => Code::SiteUnreadable,
            Msg::SiteInvalid { .. } | Msg::Site { .. } => Code::SiteConfig,
            Msg::ImportValueOwned { .. }
            | Msg::ImportRowTwice { .. }
            | Msg::ImportKeptElsewhere { .. } => Code::ImportConflict,
            Msg::ImportNoId { .. } | Msg::ImportIdEmpty { .. } => Code::ImportNoId,
            Msg::ImportUnknownColumn { .. }
            | Msg::ImportObjectColumn { .. }
            | Msg::ImportColumnsTwice { .. }
            | Msg::ImportMappingTarget { .. } => Code::ImportColumn,
            Msg::Yaml(YamlProblem::DuplicateKey { .. }) => Code::DuplicateKey,
            Msg::Yaml(
                YamlProblem::TooDeep { .. }
                | YamlProblem::AliasBomb { .. }
                | YamlProblem::TooManyValues { .. },
            ) => Code::YamlLimit,
            Msg::Yaml(_) => Code::YamlSyntax,
            Msg::BadCmaNumber(CmaProblem::Year { .. }) => Code::CmaYear,
            Msg::BadCmaNumber(_) => Code::BadCmaNumber,
        }
    }
}
