//! Resolving a collection's field declarations into typed [`FieldDef`]s.

use super::raw::*;
use super::*;
use indexmap::IndexMap;

pub(super) fn resolve_fields(
    raw: &IndexMap<String, RawField>,
    collections: &[String],
    enums: &IndexMap<String, Vec<String>>,
    report: &mut dyn FnMut(String),
) -> Vec<FieldDef> {
    let mut fields = Vec::new();
    for (key, rf) in raw {
        if crate::record::SYSTEM_KEYS.contains(&key.as_str()) {
            report(format!(
                "field \"{key}\" is reserved for notice data (reserved: {})",
                crate::record::SYSTEM_KEYS.join(", ")
            ));
            continue;
        }
        let ty = match rf.ty.as_str() {
            "text" => FieldType::Text,
            "markdown" => FieldType::Markdown,
            "date" => FieldType::Date,
            "integer" => FieldType::Integer,
            "money" => FieldType::Money,
            "bool" => FieldType::Bool,
            "credit_code" => FieldType::CreditCode,
            "cma_number" => FieldType::CmaNumber,
            "url" => FieldType::Url,
            "geo" => FieldType::Geo,
            "enum" => {
                let values = match (&rf.values, &rf.values_from) {
                    (Some(v), None) => v.clone(),
                    (None, Some(name)) => enums.get(name).cloned().unwrap_or_else(|| {
                        report(format!(
                            "field \"{key}\": values_from \"{name}\" is not a list under `enums`"
                        ));
                        Vec::new()
                    }),
                    _ => {
                        report(format!(
                            "field \"{key}\": an enum needs `values` or `values_from`"
                        ));
                        Vec::new()
                    }
                };
                FieldType::Enum(values)
            }
            "ref" => match rf
                .to
                .as_ref()
                .and_then(|t| collections.iter().position(|c| c == t))
            {
                Some(i) => FieldType::Ref(i),
                None => {
                    report(format!(
                        "field \"{key}\": a ref needs `to:` naming a collection ({})",
                        collections.join(", ")
                    ));
                    FieldType::Text
                }
            },
            "object" => match &rf.fields {
                Some(sub) => {
                    for (sub_key, _) in sub.iter().filter(|(_, s)| s.expires.is_some()) {
                        report(format!(
                            "field \"{key}.{sub_key}\": `expires` belongs on a collection's own fields"
                        ));
                    }
                    FieldType::Object(resolve_fields(sub, collections, enums, report))
                }
                None => {
                    report(format!("field \"{key}\": an object needs `fields:`"));
                    FieldType::Text
                }
            },
            other => {
                report(format!(
                    "field \"{key}\": unknown type \"{other}\" (text, markdown, date, integer, money, bool, enum, credit_code, cma_number, ref, url, geo, object)"
                ));
                FieldType::Text
            }
        };
        let facet = match &rf.facet {
            None | Some(RawFacet::On(false)) => None,
            Some(RawFacet::On(true)) => Some(FacetKind::Value),
            Some(RawFacet::Kind(k)) if k == "year" => Some(FacetKind::Year),
            Some(RawFacet::Kind(k)) => {
                report(format!(
                    "field \"{key}\": facet \"{k}\" is not true, false or year"
                ));
                None
            }
        };
        let identifier = match (&rf.identifier, &ty) {
            (Some(RawIdentifier::Kind(k)), _) if k == "decision_number" => {
                Some(IdentifierKind::DecisionNumber)
            }
            (Some(RawIdentifier::On(true)), _)
            | (None, FieldType::CreditCode | FieldType::CmaNumber) => Some(IdentifierKind::Code),
            (Some(RawIdentifier::Kind(k)), _) => {
                report(format!(
                    "field \"{key}\": identifier \"{k}\" is not true or decision_number"
                ));
                None
            }
            _ => None,
        };
        let personal = match &rf.personal {
            None => Personal::Public,
            Some(RawPersonal::Simple(s)) if s == "omit" => Personal::Omit,
            Some(RawPersonal::Simple(s)) if s == "keep_first_char" => {
                Personal::KeepFirstChar { when: None }
            }
            Some(RawPersonal::Mask { mask, when }) if mask == "keep_first_char" => {
                let when = when.as_ref().and_then(|w| w.iter().next()).map(|(f, v)| {
                    if !raw.contains_key(f) {
                        report(format!(
                            "field \"{key}\": personal.when names unknown field \"{f}\""
                        ));
                    }
                    (f.clone(), v.clone())
                });
                Personal::KeepFirstChar { when }
            }
            Some(RawPersonal::Mask { mask: m, .. }) | Some(RawPersonal::Simple(m)) => {
                report(format!(
                    "field \"{key}\": personal \"{m}\" is not omit or keep_first_char"
                ));
                Personal::Omit
            }
        };
        fields.push(FieldDef {
            key: key.clone(),
            label: rf.label.clone(),
            description: rf.description.clone(),
            ty,
            list: rf.list,
            required: rf.required,
            unique: rf.unique,
            facet,
            search_weight: rf.search_weight.unwrap_or(0.0),
            identifier,
            personal,
            aliases: rf.aliases.clone(),
        });
    }
    fields
}
