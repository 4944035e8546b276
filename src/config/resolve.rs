//! Resolving the raw `site.yaml` into collections, organisation joins and notice rules, with
//! every problem reported at once.

use super::fields::resolve_fields;
use super::raw::*;
use super::*;
use crate::diagnostic::Diagnostic;
use crate::messages::{Lang, Msg, SiteProblem};
use indexmap::IndexMap;
use std::path::{Path, PathBuf};

pub(super) fn resolve(site_dir: &Path, raw: RawSite) -> Result<SiteConfig, Vec<Diagnostic>> {
    let file = PathBuf::from(SITE_FILE);
    let mut problems = Vec::new();
    let keys: Vec<String> = raw.collections.keys().cloned().collect();
    let mut collections = Vec::new();
    for (key, rc) in &raw.collections {
        let mut report = |problem: SiteProblem| {
            let collection = Some(key.clone());
            problems.push(Diagnostic::error(
                &file,
                0,
                Msg::Site {
                    collection,
                    problem,
                },
            ))
        };
        if crate::domain::RecordId::parse(key).is_err() {
            report(SiteProblem::CollectionKey);
            continue;
        }
        if RESERVED_PATHS.contains(&key.as_str()) {
            let reserved = RESERVED_PATHS.join(", ");
            report(SiteProblem::ReservedCollection { reserved });
            continue;
        }
        let lang = Lang::from_tag(&raw.site.language);
        let collection = resolve_collection(key, rc, &keys, &raw.enums, lang, &mut report);
        collections.push(collection);
    }
    if raw.site.page_size == 0 {
        let msg = Msg::Site {
            collection: None,
            problem: SiteProblem::PageSize,
        };
        problems.push(Diagnostic::error(&file, 0, msg));
    }
    if problems.is_empty() {
        Ok(SiteConfig {
            root: site_dir.to_path_buf(),
            site: raw.site,
            collections,
        })
    } else {
        Err(problems)
    }
}

/// The position of the field `name`, reporting it (as `what`) when there is none.
fn index_of(
    fields: &[FieldDef],
    name: &str,
    what: &'static str,
    report: &mut dyn FnMut(SiteProblem),
) -> Option<usize> {
    let i = fields.iter().position(|f| f.key == name);
    if i.is_none() {
        let name = name.to_string();
        report(SiteProblem::NotAField { what, name });
    }
    i
}

fn resolve_collection(
    key: &str,
    rc: &RawCollection,
    keys: &[String],
    enums: &IndexMap<String, Vec<String>>,
    lang: Lang,
    report: &mut dyn FnMut(SiteProblem),
) -> Collection {
    let fields = resolve_fields(&rc.fields, keys, enums, lang, report);
    let title_field = index_of(&fields, &rc.title_field, "title_field", report).unwrap_or(0);
    let listed = rc
        .listed
        .iter()
        .filter_map(|l| index_of(&fields, l, "listed field", report))
        .collect();
    let notice = resolve_notice(&rc.notice, &fields, report);
    let national = rc.national.as_ref().and_then(|raw| {
        national::resolve(raw, &fields)
            .map_err(|detail| report(SiteProblem::National { detail }))
            .ok()
    });
    let expiries = resolve_expiries(rc, &fields, report);
    let (names_self, names_party) = resolve_names(rc, &fields, title_field, report);
    let organisations = resolve_organisations(&rc.fields, &fields, report);
    Collection {
        key: key.to_string(),
        title: rc.title.pick(lang),
        item_name: rc.item_name.as_ref().unwrap_or(&rc.title).pick(lang),
        description: rc.description.pick(lang),
        title_field,
        listed,
        template: rc.template.clone(),
        fields,
        notice,
        id_template: rc.id_template.clone(),
        national,
        expiries,
        names_self,
        names_party,
        organisations,
    }
}

fn resolve_expiries(
    rc: &RawCollection,
    fields: &[FieldDef],
    report: &mut dyn FnMut(SiteProblem),
) -> Vec<Expiry> {
    let mut expiries = Vec::new();
    for (field_key, rf) in &rc.fields {
        let (Some(raw), Some(i)) = (&rf.expires, fields.iter().position(|f| &f.key == field_key))
        else {
            continue;
        };
        match expiry::resolve(raw, i, fields) {
            Ok(expiry) => expiries.push(expiry),
            Err(detail) => report(SiteProblem::Field {
                key: field_key.clone(),
                detail,
            }),
        }
    }
    expiries
}

/// The fields naming the record itself and those naming a party (see [`Collection::names_self`]).
fn resolve_names(
    rc: &RawCollection,
    fields: &[FieldDef],
    title_field: usize,
    report: &mut dyn FnMut(SiteProblem),
) -> (Vec<usize>, Vec<usize>) {
    let names_self: Vec<usize> = match &rc.names_self {
        Some(keys) => keys
            .iter()
            .filter_map(|k| index_of(fields, k, "names_self field", report))
            .collect(),
        None => std::iter::once(title_field)
            .chain((0..fields.len()).filter(|&i| fields[i].unique && i != title_field))
            .filter(|&i| !rc.names_party.contains(&fields[i].key))
            .collect(),
    };
    let names_party: Vec<usize> = rc
        .names_party
        .iter()
        .filter_map(|k| index_of(fields, k, "names_party field", report))
        .collect();
    if let Some(&both) = names_party.iter().find(|i| names_self.contains(i)) {
        let key = fields[both].key.clone();
        report(SiteProblem::NamesBoth { key });
    }
    (names_self, names_party)
}

/// The `organisation:` declarations of a collection's fields: only on credit-code fields, naming
/// one of the collection's own fields.
fn resolve_organisations(
    raw: &IndexMap<String, RawField>,
    fields: &[FieldDef],
    report: &mut dyn FnMut(SiteProblem),
) -> Vec<OrgField> {
    let mut out = Vec::new();
    for (key, rf) in raw {
        let Some(org) = &rf.organisation else {
            continue;
        };
        let Some(code) = fields.iter().position(|f| &f.key == key) else {
            continue;
        };
        if fields[code].ty != FieldType::CreditCode || fields[code].list {
            report(SiteProblem::OrganisationField { key: key.clone() });
            continue;
        }
        match fields.iter().position(|f| f.key == org.name) {
            Some(name) if !fields[name].list && fields[name].ty == FieldType::Text => {
                out.push(OrgField { code, name })
            }
            _ => report(SiteProblem::OrganisationName {
                key: key.clone(),
                name: org.name.clone(),
            }),
        }
    }
    out
}

fn resolve_notice(
    raw: &RawNotice,
    fields: &[FieldDef],
    report: &mut dyn FnMut(SiteProblem),
) -> NoticeConfig {
    let period = |s: &Option<String>, report: &mut dyn FnMut(SiteProblem)| {
        s.as_deref().map(|p| {
            Period::parse(p).unwrap_or_else(|e| {
                report(e);
                Period::Forever
            })
        })
    };
    let field = |name: &str, report: &mut dyn FnMut(SiteProblem)| {
        let i = fields.iter().position(|f| f.key == name);
        if i.is_none() {
            let name = name.to_string();
            report(SiteProblem::NoticeField { name });
        }
        i
    };
    let rules = raw
        .rules
        .iter()
        .map(|r| NoticeRule {
            when: r
                .when
                .iter()
                .filter_map(|(f, c)| {
                    let cond = if let Some(v) = &c.only {
                        Condition::Only(v.clone())
                    } else if let Some(v) = &c.one_of {
                        Condition::OneOf(v.clone())
                    } else if let Some(b) = c.below {
                        Condition::Below(b)
                    } else if let Some(p) = c.present {
                        Condition::Present(p)
                    } else {
                        report(SiteProblem::NoticeCondition { field: f.clone() });
                        return None;
                    };
                    field(f, report).map(|i| (i, cond))
                })
                .collect(),
            publish: r.publish,
            period: period(&r.period, report),
            at_least_until: r.at_least_until.as_deref().and_then(|f| field(f, report)),
        })
        .collect();
    NoticeConfig {
        period: period(&raw.period, report).unwrap_or(Period::Forever),
        decision_date_field: raw
            .decision_date_field
            .as_deref()
            .and_then(|f| field(f, report)),
        late_after_working_days: raw.late_after_working_days,
        rules,
    }
}
