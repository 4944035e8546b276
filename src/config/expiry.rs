//! `expires:` on a status field: which recorded value the dates overrule, after which date
//! field, and what it becomes. Declared here and resolved against the collection's fields;
//! [`crate::derived`] applies it to records at the as-of date.

use super::{FieldDef, FieldType};
use serde::Deserialize;

/// `expires:` on an enum field, as written in site.yaml.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExpiry {
    /// The recorded value the dates can overrule (有效).
    value: String,
    /// A date field, or `object_field.date_field` for a list of objects (certificates): the
    /// latest of its dates is the last valid day.
    after: String,
    /// The value shown once the as-of date is past that day (已过期).
    becomes: String,
}

/// A field whose value follows from a date at the as-of date.
#[derive(Debug, Clone)]
pub struct Expiry {
    /// The derived field's index in its collection.
    pub field: usize,
    pub value: String,
    pub becomes: String,
    /// The date field's index and, for an object field, the date sub-field's index.
    pub(crate) date: (usize, Option<usize>),
}

/// Resolves `raw`, declared on `fields[field]`, against the collection's fields.
pub fn resolve(raw: &RawExpiry, field: usize, fields: &[FieldDef]) -> Result<Expiry, String> {
    let def = &fields[field];
    let FieldType::Enum(values) = &def.ty else {
        return Err("`expires` needs an enum field".into());
    };
    if def.list {
        return Err("`expires` needs a single value, not a list".into());
    }
    for v in [&raw.value, &raw.becomes] {
        if !values.contains(v) {
            return Err(format!(
                "expires: \"{v}\" is not one of the field's values ({})",
                values.join(", ")
            ));
        }
    }
    let not_a_date = || {
        format!(
            "expires.after \"{}\" must name a date field, or an object field's date field as `field.date_field`",
            raw.after
        )
    };
    let (outer, inner) = match raw.after.split_once('.') {
        Some((outer, inner)) => (outer, Some(inner)),
        None => (raw.after.as_str(), None),
    };
    let outer_index = fields
        .iter()
        .position(|f| f.key == outer)
        .ok_or_else(not_a_date)?;
    let date = match (&fields[outer_index].ty, inner) {
        (FieldType::Date, None) => (outer_index, None),
        (FieldType::Object(sub), Some(inner)) => {
            let i = sub
                .iter()
                .position(|s| s.key == inner && s.ty == FieldType::Date)
                .ok_or_else(not_a_date)?;
            (outer_index, Some(i))
        }
        _ => return Err(not_a_date()),
    };
    Ok(Expiry {
        field,
        value: raw.value.clone(),
        becomes: raw.becomes.clone(),
        date,
    })
}
