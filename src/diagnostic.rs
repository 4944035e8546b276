//! Problems found in a site, each naming file, line, record and field, and the three ways
//! `gongshi check` prints them: for people, as JSON, and as GitHub Actions workflow commands.

use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    /// Path relative to the site directory.
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub record: Option<String>,
    pub field: Option<String>,
    pub message: String,
}

impl Diagnostic {
    pub fn error(file: &Path, line: usize, message: String) -> Self {
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

    pub fn warning(file: &Path, line: usize, message: String) -> Self {
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

    /// `data/labs/a.yaml:12:5: error: record "x", field "credit_code": message`
    pub fn human(&self) -> String {
        let mut s = self.file.display().to_string();
        if self.line > 0 {
            let _ = write!(s, ":{}", self.line);
            if self.col > 0 {
                let _ = write!(s, ":{}", self.col);
            }
        }
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = write!(s, ": {level}: ");
        if let Some(r) = &self.record {
            let _ = write!(s, "record \"{r}\", ");
        }
        if let Some(f) = &self.field {
            let _ = write!(s, "field \"{f}\": ");
        }
        s.push_str(&self.message);
        s
    }

    /// A GitHub Actions workflow command, so the problem shows on the pull-request diff.
    pub fn github(&self) -> String {
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
        let mut title = String::from("gongshi");
        if let Some(r) = &self.record {
            let _ = write!(title, " {r}");
        }
        if let Some(f) = &self.field {
            let _ = write!(title, ".{f}");
        }
        let _ = write!(props, ",title={}", escape_property(&title));
        format!("::{level} {props}::{}", escape_data(&self.message))
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

impl Diagnostic {
    /// What kind of problem this is, for counting: the field and the message with its quoted
    /// values and numbers left out, so "published 2024-09-02, 49 working days after …" and
    /// "published 2023-01-05, 31 working days after …" are one kind.
    pub fn kind(&self) -> String {
        let mut kind = String::new();
        if let Some(f) = &self.field {
            kind.push_str(&format!("field \"{f}\": "));
        }
        let mut quoted = false;
        let mut last_was_number = false;
        for c in self.message.chars() {
            match c {
                '"' => {
                    if !quoted {
                        kind.push('…');
                    }
                    quoted = !quoted;
                }
                _ if quoted => {}
                c if c.is_ascii_digit() => {
                    if !last_was_number {
                        kind.push('N');
                    }
                    last_was_number = true;
                    continue;
                }
                '-' | '.' if last_was_number => continue,
                c => kind.push(c),
            }
            last_was_number = false;
        }
        kind
    }
}

/// Problems counted by [`Diagnostic::kind`], most frequent first (then by kind, so the order
/// is the same on every run).
pub fn count_kinds(diags: &[Diagnostic]) -> Vec<(String, usize)> {
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for d in diags {
        *counts.entry(d.kind()).or_default() += 1;
    }
    let mut kinds: Vec<(String, usize)> = counts.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_leave_out_values() {
        let late =
            |msg: &str| Diagnostic::warning(Path::new("a.yaml"), 1, msg.into()).field("published");
        let a = late("published 2024-09-02, 49 working days after the 处罚决定日期 2024-06-25");
        let b = late("published 2023-01-05, 131 working days after the 处罚决定日期 2022-06-01");
        assert_eq!(a.kind(), b.kind());
        assert_eq!(
            a.kind(),
            "field \"published\": published N, N working days after the 处罚决定日期 N"
        );
        let c = Diagnostic::warning(Path::new("a.yaml"), 1, "unknown key \"x\"".into());
        let d = Diagnostic::warning(Path::new("b.yaml"), 9, "unknown key \"y\"".into());
        assert_eq!(
            count_kinds(&[a, b, c, d])
                .iter()
                .map(|k| k.1)
                .collect::<Vec<_>>(),
            [2, 2]
        );
    }

    #[test]
    fn human_and_github_forms_name_everything() {
        let d = Diagnostic::error(
            Path::new("data/labs/a.yaml"),
            12,
            "bad, really: 100%".into(),
        )
        .at_col(5)
        .record("xa-lab")
        .field("credit_code");
        assert_eq!(
            d.human(),
            "data/labs/a.yaml:12:5: error: record \"xa-lab\", field \"credit_code\": bad, really: 100%"
        );
        assert_eq!(
            d.github(),
            "::error file=data/labs/a.yaml,line=12,col=5,title=gongshi xa-lab.credit_code::bad, really: 100%25"
        );
    }
}
