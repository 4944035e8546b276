//! Which column of a spreadsheet goes into which field: by the field's key, its label, its
//! declared aliases, the collection's national 双公示 headers, or an explicit mapping file.

use crate::config::national::{ColumnSource, Unit};
use crate::config::{Collection, FieldType};
use crate::messages::Msg;
use std::collections::HashMap;

/// What one column of the table fills.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    Field {
        field: usize,
        unit: Unit,
    },
    Id,
    Published,
    /// A column the import knowingly leaves out (derived, such as 公示截止期, or mapped to `-`).
    Ignored,
}

/// Headers the record's own keys go by, besides `id` and `published`.
const ID_HEADERS: [&str; 2] = ["记录编号", "编号"];
const PUBLISHED_HEADERS: [&str; 3] = ["公示日期", "公示开始日期", "发布日期"];
/// The columns of gongshi's own datasets that import leaves out.
const DERIVED_HEADERS: [&str; 5] = [
    "notice_until",
    "history",
    "公示截止日期",
    "公示截止期",
    "更正记录",
];

/// Fold a header to the form headers are compared in: no spaces, ASCII parentheses and colon
/// as full-width, so 罚款金额(万元) and 罚款金额（万元） are one header.
pub fn fold(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            ':' => '：',
            c => c,
        })
        .collect()
}

/// The targets by folded header, for one collection. An explicit mapping (header → field key,
/// or `-` to leave a column out) comes first.
pub fn known_headers(
    collection: &Collection,
    explicit: &HashMap<String, String>,
) -> Result<HashMap<String, Target>, Msg> {
    let mut known: HashMap<String, Target> = HashMap::new();
    let plain = |field| Target::Field {
        field,
        unit: Unit::Plain,
    };
    if let Some(national) = &collection.national {
        for column in &national.columns {
            let target = match column.source {
                ColumnSource::Field { field, unit } => Target::Field { field, unit },
                _ => Target::Ignored,
            };
            known.insert(fold(&column.header), target);
        }
    }
    for (i, field) in collection.fields.iter().enumerate() {
        for alias in &field.aliases {
            known.insert(fold(alias), plain(i));
        }
        known.insert(fold(&field.label), plain(i));
        known.insert(fold(&field.key), plain(i));
    }
    for h in ID_HEADERS.iter().chain(&["id"]) {
        known.insert(fold(h), Target::Id);
    }
    for h in PUBLISHED_HEADERS.iter().chain(&["published"]) {
        known.insert(fold(h), Target::Published);
    }
    // Derived or kept by hand: the last day of notice follows from the rules (an override is
    // written into the YAML file on purpose), and corrections are the files' own history.
    for h in DERIVED_HEADERS {
        known.insert(fold(h), Target::Ignored);
    }
    for (header, key) in explicit {
        let target = match key.as_str() {
            "-" => Target::Ignored,
            "id" => Target::Id,
            "published" => Target::Published,
            key => plain(
                collection
                    .field_index(key)
                    .ok_or_else(|| Msg::ImportMappingTarget {
                        header: header.clone(),
                        key: key.to_string(),
                        collection: collection.key.clone(),
                    })?,
            ),
        };
        known.insert(fold(header), target);
    }
    Ok(known)
}

/// Each header's target, or the problems: unknown headers, two columns for one field, fields
/// that cannot come from a single cell.
pub fn map_headers(
    collection: &Collection,
    headers: &[String],
    explicit: &HashMap<String, String>,
) -> Result<Vec<Target>, Vec<Msg>> {
    let known = known_headers(collection, explicit).map_err(|e| vec![e])?;
    let mut problems = Vec::new();
    let mut targets = Vec::new();
    let mut seen: HashMap<(u8, usize), &str> = HashMap::new();
    for header in headers {
        if header.is_empty() {
            targets.push(Target::Ignored);
            continue;
        }
        let Some(&target) = known.get(&fold(header)) else {
            problems.push(Msg::ImportUnknownColumn {
                header: header.clone(),
                collection: collection.key.clone(),
                examples: collection
                    .fields
                    .iter()
                    .take(3)
                    .map(|f| f.label.as_str())
                    .collect::<Vec<_>>()
                    .join("、"),
            });
            targets.push(Target::Ignored);
            continue;
        };
        if let Target::Field { field, .. } = target {
            if matches!(collection.fields[field].ty, FieldType::Object(_)) {
                problems.push(Msg::ImportObjectColumn {
                    header: header.clone(),
                    key: collection.fields[field].key.clone(),
                });
            }
        }
        if target != Target::Ignored {
            if let Some(other) = seen.insert(target.slot(), header) {
                problems.push(Msg::ImportColumnsTwice {
                    other: other.to_string(),
                    header: header.clone(),
                });
            }
        }
        targets.push(target);
    }
    if problems.is_empty() {
        Ok(targets)
    } else {
        Err(problems)
    }
}

impl Target {
    /// What two columns must not share: the same field (in any unit), or the id or the day.
    fn slot(self) -> (u8, usize) {
        match self {
            Target::Field { field, .. } => (0, field),
            Target::Id => (1, 0),
            Target::Published => (2, 0),
            Target::Ignored => (3, 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_full_width_parentheses_are_one_header() {
        assert_eq!(fold("罚款金额(万元)"), fold("罚款金额（万元）"));
        assert_eq!(fold(" 处罚 机关 "), "处罚机关");
    }
}
