//! Resolving a collection's field declarations into typed [`FieldDef`]s.

use super::raw::*;
use super::*;
use crate::messages::{Lang, SiteProblem};
use indexmap::IndexMap;

type Report<'a> = &'a mut dyn FnMut(SiteProblem);

pub(super) fn resolve_fields(
    raw: &IndexMap<String, RawField>,
    collections: &[String],
    enums: &IndexMap<String, Vec<String>>,
    lang: Lang,
    report: Report,
) -> Vec<FieldDef> {
    let mut fields = Vec::new();
    for (key, rf) in raw {
        if crate::domain::SYSTEM_KEYS.contains(&key.as_str()) {
            report(SiteProblem::ReservedField {
                key: key.clone(),
                reserved: crate::domain::SYSTEM_KEYS.join(", "),
            });
            continue;
        }
        let ty = field_type(key, rf, collections, enums, lang, report);
        let mut aliases = rf.aliases.clone();
        aliases.extend(rf.label.others(lang));
        fields.push(FieldDef {
            key: key.clone(),
            label: rf.label.pick(lang),
            description: rf.description.clone(),
            list: rf.list,
            required: rf.required,
            unique: rf.unique,
            facet: facet(key, rf, report),
            search_weight: rf.search_weight.unwrap_or(0.0),
            identifier: identifier(key, rf, &ty, report),
            personal: personal(key, rf, raw, report),
            aliases,
            ty,
        });
    }
    fields
}

fn field_type(
    key: &str,
    rf: &RawField,
    collections: &[String],
    enums: &IndexMap<String, Vec<String>>,
    lang: Lang,
    report: Report,
) -> FieldType {
    let key = key.to_string();
    match rf.ty.as_str() {
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
        "enum" => FieldType::Enum(match (&rf.values, &rf.values_from) {
            (Some(v), None) => v.clone(),
            (None, Some(name)) => enums.get(name).cloned().unwrap_or_else(|| {
                let name = name.clone();
                report(SiteProblem::ValuesFrom { key, name });
                Vec::new()
            }),
            _ => {
                report(SiteProblem::EnumValues { key });
                Vec::new()
            }
        }),
        "ref" => match rf
            .to
            .as_ref()
            .and_then(|t| collections.iter().position(|c| c == t))
        {
            Some(i) => FieldType::Ref(i),
            None => {
                let collections = collections.join(", ");
                report(SiteProblem::RefTarget { key, collections });
                FieldType::Text
            }
        },
        "object" => match &rf.fields {
            Some(sub) => {
                for (sub_key, _) in sub.iter().filter(|(_, s)| s.expires.is_some()) {
                    let key = format!("{key}.{sub_key}");
                    report(SiteProblem::NestedExpires { key });
                }
                FieldType::Object(resolve_fields(sub, collections, enums, lang, report))
            }
            None => {
                report(SiteProblem::ObjectFields { key });
                FieldType::Text
            }
        },
        other => {
            let ty = other.to_string();
            report(SiteProblem::UnknownType { key, ty });
            FieldType::Text
        }
    }
}

fn facet(key: &str, rf: &RawField, report: Report) -> Option<FacetKind> {
    match &rf.facet {
        None | Some(RawFacet::On(false)) => None,
        Some(RawFacet::On(true)) => Some(FacetKind::Value),
        Some(RawFacet::Kind(k)) if k == "year" => Some(FacetKind::Year),
        Some(RawFacet::Kind(k)) => {
            let (key, value) = (key.to_string(), k.clone());
            report(SiteProblem::Facet { key, value });
            None
        }
    }
}

fn identifier(key: &str, rf: &RawField, ty: &FieldType, report: Report) -> Option<IdentifierKind> {
    match (&rf.identifier, ty) {
        (Some(RawIdentifier::Kind(k)), _) if k == "decision_number" => {
            Some(IdentifierKind::DecisionNumber)
        }
        (Some(RawIdentifier::On(true)), _)
        | (None, FieldType::CreditCode | FieldType::CmaNumber) => Some(IdentifierKind::Code),
        (Some(RawIdentifier::Kind(k)), _) => {
            let (key, value) = (key.to_string(), k.clone());
            report(SiteProblem::Identifier { key, value });
            None
        }
        _ => None,
    }
}

fn personal(
    key: &str,
    rf: &RawField,
    raw: &IndexMap<String, RawField>,
    report: Report,
) -> Personal {
    match &rf.personal {
        None => Personal::Public,
        Some(RawPersonal::Simple(s)) if s == "omit" => Personal::Omit,
        Some(RawPersonal::Simple(s)) if s == "keep_first_char" => {
            Personal::KeepFirstChar { when: None }
        }
        Some(RawPersonal::Mask { mask, when }) if mask == "keep_first_char" => {
            let when = when.as_ref().and_then(|w| w.iter().next()).map(|(f, v)| {
                if !raw.contains_key(f) {
                    let (key, field) = (key.to_string(), f.clone());
                    report(SiteProblem::PersonalWhen { key, field });
                }
                (f.clone(), v.clone())
            });
            Personal::KeepFirstChar { when }
        }
        Some(RawPersonal::Mask { mask: m, .. }) | Some(RawPersonal::Simple(m)) => {
            let (key, value) = (key.to_string(), m.clone());
            report(SiteProblem::PersonalMask { key, value });
            Personal::Omit
        }
    }
}
