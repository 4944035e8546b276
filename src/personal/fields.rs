//! Fields marked `personal` in site.yaml: omitted, or masked to their first character where
//! the field's condition holds, in nested objects too. The notice rules apply this to every
//! record they publish; [`super::scrub_record`] leaves such fields to it.

use crate::config::{FieldDef, FieldType, Personal};
use crate::record::{Record, Value};

/// Removes or masks every field marked personal, in nested objects too.
pub fn mask_fields(fields: &[FieldDef], mut record: Record) -> Record {
    record.values = mask_values(fields, std::mem::take(&mut record.values));
    record
}

/// Which of `fields` `keep_first_char` masks in this record. Decided on the values as read: a
/// mask's condition names another field of the record.
pub(crate) fn masks_applying(fields: &[FieldDef], values: &[Option<Value>]) -> Vec<bool> {
    fields
        .iter()
        .map(|field| is_masked(fields, values, field))
        .collect()
}

fn mask_values(fields: &[FieldDef], values: Vec<Option<Value>>) -> Vec<Option<Value>> {
    let masked = masks_applying(fields, &values);
    fields
        .iter()
        .zip(values)
        .zip(masked)
        .map(|((field, value), masked)| {
            let value = value?;
            let value = match &field.ty {
                FieldType::Object(sub) => {
                    map_objects(value, &|o| Value::Object(mask_values(sub, o)))
                }
                _ => value,
            };
            match &field.personal {
                Personal::Public => Some(value),
                Personal::Omit => None,
                Personal::KeepFirstChar { .. } if masked => {
                    Some(map_text(&value, crate::text::mask_keep_first_char))
                }
                Personal::KeepFirstChar { .. } => Some(value),
            }
        })
        .collect()
}

/// Whether `field` of a record with `values` is masked (`keep_first_char` whose condition
/// holds). A condition whose field has no value counts as holding: masking is the safe side.
/// Published records keep the values a condition reads unless those are personal too, in which
/// case they are gone and the field still counts as masked.
pub fn is_masked(fields: &[FieldDef], values: &[Option<Value>], field: &FieldDef) -> bool {
    match &field.personal {
        Personal::KeepFirstChar { when: None } => true,
        Personal::KeepFirstChar {
            when: Some((key, allowed)),
        } => fields
            .iter()
            .position(|f| &f.key == key)
            .and_then(|i| values.get(i)?.as_ref())
            .is_none_or(|v| allowed.contains(&v.plain_text())),
        Personal::Public | Personal::Omit => false,
    }
}

fn map_objects(value: Value, f: &dyn Fn(Vec<Option<Value>>) -> Value) -> Value {
    match value {
        Value::Object(o) => f(o),
        Value::List(items) => Value::List(items.into_iter().map(|i| map_objects(i, f)).collect()),
        other => other,
    }
}

fn map_text(value: &Value, f: fn(&str) -> String) -> Value {
    match value {
        Value::Text(s) => Value::Text(f(s)),
        Value::Markdown(s) => Value::Markdown(f(s)),
        Value::List(items) => Value::List(items.iter().map(|i| map_text(i, f)).collect()),
        // Structured values (codes, dates) carry no name to mask; omit them rather than leak.
        _ => Value::Text("**".into()),
    }
}
