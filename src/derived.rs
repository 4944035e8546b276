//! Values that follow from dates. A status recorded as 有效 (valid) stops being true on its own
//! once the certificate behind it is past its validity date; nobody edits the YAML that day.
//! site.yaml declares this on the status field (`expires: { value, after, becomes }`), so no
//! collection is special-cased here. The derived value replaces the recorded one as a record is
//! published ([`apply`]), so pages, datasets, facets and search all show the same value for the
//! as-of date, and `check` warns where the recorded value contradicts the dates ([`review`]).

use crate::config::{Collection, Expiry, FieldType, SiteConfig};
use crate::diagnostic::Diagnostic;
use crate::messages::{Lapsed, Msg};
use crate::record::{Record, Value};
use crate::validate::Dataset;
use chrono::NaiveDate;

impl Expiry {
    /// The last valid day the record gives: the latest of its dates under `after`.
    fn last_valid_day(&self, record: &Record) -> Option<NaiveDate> {
        let (outer, inner) = self.date;
        let mut dates = Vec::new();
        collect_dates(record.value(outer), inner, &mut dates);
        dates.into_iter().max()
    }

    /// The last valid day, when the record's recorded value is `value` and `as_of` is after it.
    pub fn lapsed(&self, record: &Record, as_of: NaiveDate) -> Option<NaiveDate> {
        match record.value(self.field) {
            Some(Value::Enum(v)) if *v == self.value => {}
            _ => return None,
        }
        self.last_valid_day(record).filter(|last| as_of > *last)
    }
}

impl Expiry {
    /// For dates in a list of objects (certificates): the list field's index, how many of the
    /// record's items are still valid on `as_of`, and how many it has. `None` for a single date.
    /// Only a record whose status is the valid value (有效) has items in force: a suspended or
    /// revoked park's certificates count for nothing, whatever their dates.
    pub fn items_in_force(&self, record: &Record, as_of: NaiveDate) -> Option<ItemsInForce> {
        let (outer, Some(inner)) = self.date else {
            return None;
        };
        let valid = matches!(record.value(self.field), Some(Value::Enum(v)) if *v == self.value);
        let Some(Value::List(items)) = record.value(outer) else {
            return Some(ItemsInForce {
                field: outer,
                in_force: 0,
                total: 0,
            });
        };
        let in_force = items
            .iter()
            .filter(|item| {
                if !valid {
                    return false;
                }
                let mut dates = Vec::new();
                collect_dates(Some(item), Some(inner), &mut dates);
                dates.into_iter().max().is_some_and(|last| last >= as_of)
            })
            .count();
        Some(ItemsInForce {
            field: outer,
            in_force,
            total: items.len(),
        })
    }
}

/// How many items of a list of objects (a park's certificates) are valid at the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemsInForce {
    /// The list field's index in its collection.
    pub field: usize,
    pub in_force: usize,
    pub total: usize,
}

fn collect_dates(value: Option<&Value>, inner: Option<usize>, out: &mut Vec<NaiveDate>) {
    match (value, inner) {
        (Some(Value::Date(d)), None) => out.push(*d),
        (Some(Value::Object(sub)), Some(i)) => {
            collect_dates(sub.get(i).and_then(Option::as_ref), None, out)
        }
        (Some(Value::List(items)), _) => {
            for item in items {
                collect_dates(Some(item), inner, out);
            }
        }
        _ => {}
    }
}

/// The record with every derived value set for `as_of`.
pub fn apply(collection: &Collection, mut record: Record, as_of: NaiveDate) -> Record {
    for expiry in &collection.expiries {
        if expiry.lapsed(&record, as_of).is_some() {
            if let Some(slot) = record.values.get_mut(expiry.field) {
                *slot = Some(Value::Enum(expiry.becomes.clone()));
            }
        }
    }
    record
}

/// A warning for every record whose recorded value the dates contradict at `as_of`: the site
/// shows the derived value, and the data should say so too.
pub fn review(config: &SiteConfig, data: &Dataset, as_of: NaiveDate) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for (collection, records) in config.collections.iter().zip(&data.collections) {
        for expiry in &collection.expiries {
            let field = &collection.fields[expiry.field];
            let (outer, inner) = expiry.date;
            let (date_label, within) = match (&collection.fields[outer].ty, inner) {
                (FieldType::Object(sub), Some(i)) => (
                    sub[i].label.clone(),
                    Some(collection.fields[outer].label.clone()),
                ),
                _ => (collection.fields[outer].label.clone(), None),
            };
            for record in records {
                let Some(last) = expiry.lapsed(record, as_of) else {
                    continue;
                };
                warnings.push(
                    Diagnostic::warning(
                        &record.source.file,
                        record.source.line,
                        Msg::StatusLapsed(Box::new(Lapsed {
                            label: field.label.clone(),
                            value: expiry.value.clone(),
                            date_label: date_label.clone(),
                            within: within.clone(),
                            last,
                            as_of,
                            becomes: expiry.becomes.clone(),
                        })),
                    )
                    .record(record.id.to_string())
                    .field(&field.key),
                );
            }
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn site(expires: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
        let dir = tempfile::tempdir().expect("temp dir");
        let yaml = format!(
            "site:\n  title: T\n  bureau: B\n  base_url: https://x.example/\ncollections:\n  parks:\n    title: P\n    title_field: name\n    fields:\n      name: {{ type: text, label: N }}\n      until: {{ type: date, label: U }}\n      certs:\n        type: object\n        list: true\n        label: C\n        fields:\n          valid_until: {{ type: date, label: V }}\n      status: {{ type: enum, label: S, values: [有效, 撤销, 已过期], expires: {expires} }}\n"
        );
        std::fs::write(dir.path().join(crate::config::SITE_FILE), yaml).expect("site.yaml");
        crate::config::load(dir.path())
    }

    fn record(values: Vec<Option<Value>>) -> Record {
        Record {
            id: crate::domain::RecordId::parse("p-1").expect("id"),
            source: crate::record::Source {
                file: std::sync::Arc::new(Path::new("data/parks/p.yaml").to_path_buf()),
                line: 1,
            },
            values,
            notice: crate::record::NoticeData {
                published: day("2020-01-01"),
                withdrawn: None,
                history: Vec::new(),
                notice_until: None,
                notice_period: None,
            },
        }
    }

    fn cert(until: &str) -> Value {
        Value::Object(vec![Some(Value::Date(day(until)))])
    }

    #[test]
    fn the_latest_certificate_decides() {
        let config = site("{ value: 有效, after: certs.valid_until, becomes: 已过期 }")
            .expect("config resolves");
        let parks = &config.collections[0];
        let status = |r: &Record| r.value(3).map(Value::plain_text);
        let certs = Value::List(vec![cert("2024-03-31"), cert("2025-03-31")]);
        let valid = record(vec![
            None,
            None,
            Some(certs),
            Some(Value::Enum("有效".into())),
        ]);
        let on_last_day = apply(parks, valid.clone(), day("2025-03-31"));
        assert_eq!(status(&on_last_day).as_deref(), Some("有效"));
        let after = apply(parks, valid.clone(), day("2025-04-01"));
        assert_eq!(status(&after).as_deref(), Some("已过期"));
        let mut revoked = valid;
        revoked.values[3] = Some(Value::Enum("撤销".into()));
        let revoked = apply(parks, revoked, day("2030-01-01"));
        assert_eq!(
            status(&revoked).as_deref(),
            Some("撤销"),
            "only 有效 lapses"
        );
        let no_dates = record(vec![None, None, None, Some(Value::Enum("有效".into()))]);
        let no_dates = apply(parks, no_dates, day("2030-01-01"));
        assert_eq!(
            status(&no_dates).as_deref(),
            Some("有效"),
            "no date, no change"
        );
    }

    #[test]
    fn certificates_in_force_are_counted_on_their_own_dates() {
        let config = site("{ value: 有效, after: certs.valid_until, becomes: 已过期 }")
            .expect("config resolves");
        let expiry = &config.collections[0].expiries[0];
        let certs = Value::List(vec![cert("2024-03-31"), cert("2025-03-31")]);
        let valid = Some(Value::Enum("有效".into()));
        let park = record(vec![None, None, Some(certs.clone()), valid]);
        let counted = |as_of: &str| {
            expiry
                .items_in_force(&park, day(as_of))
                .map(|c| (c.field, c.in_force, c.total))
        };
        assert_eq!(counted("2024-03-31"), Some((2, 2, 2)));
        assert_eq!(counted("2024-04-01"), Some((2, 1, 2)));
        assert_eq!(counted("2025-04-01"), Some((2, 0, 2)));
        let revoked = record(vec![
            None,
            None,
            Some(certs),
            Some(Value::Enum("撤销".into())),
        ]);
        assert_eq!(
            expiry
                .items_in_force(&revoked, day("2024-01-01"))
                .map(|c| (c.in_force, c.total)),
            Some((0, 2)),
            "a revoked park's certificates are not in force"
        );
        let single = site("{ value: 有效, after: until, becomes: 已过期 }").expect("config");
        assert_eq!(
            single.collections[0].expiries[0].items_in_force(&park, day("2024-01-01")),
            None,
            "a single date has no items"
        );
    }

    #[test]
    fn declarations_are_checked() {
        assert!(site("{ value: 有效, after: until, becomes: 已过期 }").is_ok());
        for (bad, says) in [
            (
                "{ value: 有效, after: name, becomes: 已过期 }",
                "date field",
            ),
            (
                "{ value: 有效, after: certs.nope, becomes: 已过期 }",
                "date field",
            ),
            (
                "{ value: 有效, after: until, becomes: 过期 }",
                "\"过期\" is not one",
            ),
        ] {
            let problems = site(bad).expect_err(bad);
            assert!(
                problems
                    .iter()
                    .any(|d| d.message.to_string().contains(says)),
                "{bad}: {problems:?}"
            );
        }
    }
}
