//! Validated records: typed values aligned with their collection's field list, plus the notice
//! data every record carries (publication day, withdrawal, corrections, notice override).

use crate::domain::{CmaNumber, CreditCode, RecordId};
use chrono::NaiveDate;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;

pub use crate::domain::SYSTEM_KEYS;

/// An amount of money in fen (1/100 yuan), so sums and comparisons are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Money(pub i64);

impl Money {
    pub fn yuan(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// `12,345.50`
    pub fn display(self) -> String {
        let whole = (self.0 / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("{grouped}.{:02}", self.0 % 100)
    }

    /// The plain number for datasets: `12345.5`, `300`.
    pub fn plain(self) -> String {
        if self.0 % 100 == 0 {
            (self.0 / 100).to_string()
        } else {
            format!("{}.{:02}", self.0 / 100, self.0 % 100)
                .trim_end_matches('0')
                .to_string()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geo {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Markdown(String),
    Date(NaiveDate),
    Integer(i64),
    Money(Money),
    Bool(bool),
    Enum(String),
    CreditCode(CreditCode),
    CmaNumber(CmaNumber),
    Ref(RecordId),
    Url(String),
    Geo(Geo),
    List(Vec<Value>),
    /// Sub-field values aligned with the object type's field list.
    Object(Vec<Option<Value>>),
}

/// `YYYY-MM-DD`, as `%Y-%m-%d` writes it. chrono's `Display` for dates is that format
/// without parsing a format string for each of hundreds of thousands of dates.
pub fn iso_date(d: chrono::NaiveDate) -> String {
    d.to_string()
}

impl Value {
    /// [`Value::plain_text`], borrowed when the value is text already.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Value::Text(s) | Value::Markdown(s) | Value::Enum(s) | Value::Url(s) => s.into(),
            v => v.plain_text().into(),
        }
    }

    /// The value as plain text (for search, masking checks, CSV cells of scalars).
    pub fn plain_text(&self) -> String {
        match self {
            Value::Text(s) | Value::Markdown(s) | Value::Enum(s) | Value::Url(s) => s.clone(),
            Value::Date(d) => iso_date(*d),
            Value::Integer(i) => i.to_string(),
            Value::Money(m) => m.plain(),
            Value::Bool(b) => b.to_string(),
            Value::CreditCode(c) => c.to_string(),
            Value::CmaNumber(c) => c.to_string(),
            Value::Ref(id) => id.to_string(),
            Value::Geo(g) => format!("{},{}", g.lat, g.lon),
            Value::List(items) => items
                .iter()
                .map(Value::plain_text)
                .collect::<Vec<_>>()
                .join("; "),
            Value::Object(fields) => fields
                .iter()
                .flatten()
                .map(Value::plain_text)
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

/// Where a record came from, for diagnostics.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub file: Arc<PathBuf>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Withdrawal {
    pub date: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correction {
    pub date: NaiveDate,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NoticeData {
    pub published: NaiveDate,
    pub withdrawn: Option<Withdrawal>,
    /// Newest first.
    pub history: Vec<Correction>,
    pub notice_until: Option<NaiveDate>,
    pub notice_period: Option<crate::config::Period>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub id: RecordId,
    pub source: Source,
    /// Aligned with the collection's `fields`; `None` where the record has no value.
    pub values: Vec<Option<Value>>,
    pub notice: NoticeData,
}

impl Record {
    pub fn value(&self, field: usize) -> Option<&Value> {
        self.values.get(field).and_then(Option::as_ref)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_formats() {
        assert_eq!(Money(123_456_750).display(), "1,234,567.50");
        assert_eq!(Money(30_000).plain(), "300");
        assert_eq!(Money(1_234_550).plain(), "12345.5");
        assert_eq!(Money(5).display(), "0.05");
    }

    #[test]
    fn iso_dates_match_the_strftime_format() {
        let mut d = chrono::NaiveDate::from_ymd_opt(1, 1, 1).expect("date");
        let mut checked = 0;
        while let Some(next) = d.checked_add_days(chrono::Days::new(997)) {
            assert_eq!(iso_date(d), d.format("%Y-%m-%d").to_string());
            checked += 1;
            d = next;
        }
        assert!(checked > 3_000, "{checked} dates");
        for (y, m, day) in [(9999, 12, 31), (10000, 1, 1), (-1, 6, 1), (0, 2, 29)] {
            let d = chrono::NaiveDate::from_ymd_opt(y, m, day).expect("date");
            assert_eq!(iso_date(d), d.format("%Y-%m-%d").to_string());
        }
    }
}
