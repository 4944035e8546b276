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

#[cfg(test)]
mod tests {
    use super::*;

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
