//! Problems found in a site, each naming file, line, record and field, and the three ways
//! `gongshi check` prints them: for people, as JSON, and as GitHub Actions workflow commands.
//! The message is typed ([`Msg`]): its text is made in the language asked for, and its stable
//! code is what machines and the warnings summary read.

use crate::messages::{Code, Lang, Msg, Say};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Path relative to the site directory.
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub record: Option<String>,
    pub field: Option<String>,
    pub message: Msg,
}

/// A diagnostic as `--format json` writes it: the stable fields, the code, and the message
/// text in the language asked for (the only field that differs between languages).
#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub file: &'a Path,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub record: Option<&'a str>,
    pub field: Option<&'a str>,
    pub code: &'static str,
    pub message: String,
}

impl Diagnostic {
    pub fn error(file: &Path, line: usize, message: Msg) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_path_buf(),
            line,
            col: 0,
            record: None,
            field: None,
            message,
        }
    }

    pub fn warning(file: &Path, line: usize, message: Msg) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, message)
        }
    }

    pub fn at_col(mut self, col: usize) -> Self {
        self.col = col;
        self
    }

    pub fn record(mut self, id: impl Into<String>) -> Self {
        self.record = Some(id.into());
        self
    }

    pub fn field(mut self, key: impl Into<String>) -> Self {
        self.field = Some(key.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The message's stable code.
    pub fn code(&self) -> Code {
        self.message.code()
    }

    /// The message's text in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        self.message.render(lang)
    }

    fn level(&self, lang: Lang) -> String {
        match self.severity {
            Severity::Error => Say::Error.render(lang),
            Severity::Warning => Say::Warning.render(lang),
        }
    }

    /// `data/labs/a.yaml:12:5: error: record "x", field "credit_code": message`, or in Chinese
    /// `data/labs/a.yaml:12:5: 错误: 记录“x”，字段“credit_code”：……`.
    pub fn human(&self, lang: Lang) -> String {
        let mut s = self.file.display().to_string();
        if self.line > 0 {
            let _ = write!(s, ":{}", self.line);
            if self.col > 0 {
                let _ = write!(s, ":{}", self.col);
            }
        }
        let _ = write!(s, ": {}: ", self.level(lang));
        if let Some(r) = &self.record {
            s.push_str(&Say::InRecord(r.clone()).render(lang));
        }
        if let Some(f) = &self.field {
            s.push_str(&Say::InField(f.clone()).render(lang));
        }
        s.push_str(&self.text(lang));
        s
    }

    pub fn json(&self, lang: Lang) -> JsonDiagnostic<'_> {
        JsonDiagnostic {
            file: &self.file,
            line: self.line,
            col: self.col,
            severity: self.severity,
            record: self.record.as_deref(),
            field: self.field.as_deref(),
            code: self.code().as_str(),
            message: self.text(lang),
        }
    }

    /// A GitHub Actions workflow command, so the problem shows on the pull-request diff. The
    /// level and properties are the machine fields; the title carries the code.
    pub fn github(&self, lang: Lang) -> String {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = format!("file={}", escape_property(&self.file.display().to_string()));
        if self.line > 0 {
            let _ = write!(props, ",line={}", self.line);
        }
        if self.col > 0 {
            let _ = write!(props, ",col={}", self.col);
        }
        let mut title = format!("gongshi {}", self.code().as_str());
        if let Some(r) = &self.record {
            let _ = write!(title, " {r}");
        }
        if let Some(f) = &self.field {
            let _ = write!(title, ".{f}");
        }
        let _ = write!(props, ",title={}", escape_property(&title));
        format!("::{level} {props}::{}", escape_data(&self.text(lang)))
    }
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Sorts problems by file, line and message so every run prints them in the same order.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort();
}

/// Problems counted by code, most frequent first (then by code, so the order is the same on
/// every run): "late notice" warnings of thousands of records are one kind whatever their dates.
pub fn count_kinds(diags: &[Diagnostic]) -> Vec<(Code, usize)> {
    let mut counts: std::collections::BTreeMap<Code, usize> = Default::default();
    for d in diags {
        *counts.entry(d.code()).or_default() += 1;
    }
    let mut kinds: Vec<(Code, usize)> = counts.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn late(published: &str, decided: &str) -> Diagnostic {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let msg = Msg::LateNotice {
            published: day(published),
            days: 49,
            label: "处罚决定日期".into(),
            decided: day(decided),
            limit: 7,
        };
        Diagnostic::warning(Path::new("a.yaml"), 1, msg).field("published")
    }

    #[test]
    fn kinds_are_codes() {
        let a = late("2024-09-02", "2024-06-25");
        let b = late("2023-01-05", "2022-06-01");
        assert_eq!(a.code(), b.code());
        assert_eq!(a.code().as_str(), "late-notice");
        let unknown = |key: &str| Msg::UnknownField {
            key: key.into(),
            collection: "labs".into(),
            suggestion: None,
        };
        let c = Diagnostic::warning(Path::new("a.yaml"), 1, unknown("x"));
        let d = Diagnostic::warning(Path::new("b.yaml"), 9, unknown("y"));
        let kinds = count_kinds(&[a, b, c, d]);
        assert_eq!(kinds, [(Code::UnknownKey, 2), (Code::LateNotice, 2)]);
    }

    #[test]
    fn human_and_github_forms_name_everything() {
        let msg = Msg::NotMoney {
            value: "100%".into(),
        };
        let d = Diagnostic::error(Path::new("data/labs/a.yaml"), 12, msg)
            .at_col(5)
            .record("xa-lab")
            .field("fine");
        assert_eq!(
            d.human(Lang::En),
            "data/labs/a.yaml:12:5: error: record \"xa-lab\", field \"fine\": expected an amount in yuan (e.g. 5000 or 1234.5), found \"100%\""
        );
        assert_eq!(
            d.human(Lang::Zh),
            "data/labs/a.yaml:12:5: 错误: 记录“xa-lab”，字段“fine”：应为以元为单位的金额（如 5000 或 1234.5），实为“100%”"
        );
        assert_eq!(
            d.github(Lang::En),
            "::error file=data/labs/a.yaml,line=12,col=5,title=gongshi wrong-type xa-lab.fine::expected an amount in yuan (e.g. 5000 or 1234.5), found \"100%25\""
        );
    }
}
