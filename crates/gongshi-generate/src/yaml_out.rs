//! A small YAML writer for the record shapes the generator makes. Hand-formatting is several
//! times faster than serde_yaml at a million records, and every string is double-quoted so no
//! value can be misread as another type.

use chrono::NaiveDate;
use std::fmt::Write as _;

/// Appends `s` as a double-quoted YAML scalar.
pub fn quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// One record being written as an item of the file's top-level list.
pub struct RecordWriter<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> RecordWriter<'a> {
    pub fn new(out: &'a mut String) -> Self {
        RecordWriter { out, first: true }
    }

    fn key(&mut self, key: &str) {
        self.out.push_str(if self.first { "- " } else { "  " });
        self.first = false;
        self.out.push_str(key);
        self.out.push_str(": ");
    }

    pub fn text(&mut self, key: &str, value: &str) {
        self.key(key);
        quoted(self.out, value);
        self.out.push('\n');
    }

    pub fn opt_text(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.text(key, v);
        }
    }

    /// A bare scalar (dates, numbers).
    pub fn raw(&mut self, key: &str, value: impl std::fmt::Display) {
        self.key(key);
        let _ = writeln!(self.out, "{value}");
    }

    pub fn date(&mut self, key: &str, value: NaiveDate) {
        self.raw(key, value.format("%Y-%m-%d"));
    }

    pub fn list(&mut self, key: &str, values: &[&str]) {
        self.key(key);
        self.out.push('[');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            quoted(self.out, v);
        }
        self.out.push_str("]\n");
    }

    /// Markdown as a literal block, so it reads as written.
    pub fn block(&mut self, key: &str, value: &str) {
        self.key(key);
        self.out.push_str("|-\n");
        for line in value.lines() {
            if !line.is_empty() {
                self.out.push_str("    ");
                self.out.push_str(line);
            }
            self.out.push('\n');
        }
    }

    /// A flow mapping of already-formatted `key: value` pairs.
    pub fn flow(&mut self, key: &str, pairs: &[(&str, String)]) {
        self.key(key);
        self.push_pairs(pairs);
    }

    /// A list of flow mappings, one per line.
    pub fn flow_list(&mut self, key: &str, items: &[Vec<(&str, String)>]) {
        self.key(key);
        self.out.push('\n');
        for pairs in items {
            self.out.push_str("    - ");
            self.push_pairs(pairs);
        }
    }

    /// `{ k: v, k: v }` and the end of the line.
    fn push_pairs(&mut self, pairs: &[(&str, String)]) {
        self.out.push_str("{ ");
        for (i, (k, v)) in pairs.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.out.push_str(k);
            self.out.push_str(": ");
            self.out.push_str(v);
        }
        self.out.push_str(" }\n");
    }
}

/// `s` double-quoted, for flow-mapping values.
pub fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    quoted(&mut out, s);
    out
}

pub fn d(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}
