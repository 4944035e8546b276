//! Resolving the raw `site.yaml` into collections, organisation joins and notice rules, with
//! every problem reported at once.

use super::fields::resolve_fields;
use super::raw::*;
use super::*;
use crate::diagnostic::Diagnostic;
use indexmap::IndexMap;
use std::path::{Path, PathBuf};

pub(super) fn resolve(site_dir: &Path, raw: RawSite) -> Result<SiteConfig, Vec<Diagnostic>> {
    let file = PathBuf::from(SITE_FILE);
    let mut problems = Vec::new();
    let keys: Vec<String> = raw.collections.keys().cloned().collect();
    let mut collections = Vec::new();
    for (key, rc) in &raw.collections {
        let mut report = |msg: String| {
            problems.push(Diagnostic::error(
                &file,
                0,
                format!("collection \"{key}\": {msg}"),
            ))
        };
        if crate::domain::RecordId::parse(key).is_err() {
            report("a collection key must be a slug (a-z, 0-9, '-', '_')".into());
            continue;
        }
        if RESERVED_PATHS.contains(&key.as_str()) {
            report(format!(
                "the key is a folder the build writes itself; use another (reserved: {})",
                RESERVED_PATHS.join(", ")
            ));
            continue;
        }
        let fields = resolve_fields(&rc.fields, &keys, &raw.enums, &mut report);
        let index = |name: &str, what: &str, report: &mut dyn FnMut(String)| {
            let i = fields.iter().position(|f| f.key == name);
            if i.is_none() {
                report(format!("{what} \"{name}\" is not one of its fields"));
            }
            i
        };
        let title_field = index(&rc.title_field, "title_field", &mut report).unwrap_or(0);
        let listed = rc
            .listed
            .iter()
            .filter_map(|l| index(l, "listed field", &mut report))
            .collect();
        let notice = resolve_notice(&rc.notice, &fields, &mut |m| report(m));
        let national = rc.national.as_ref().and_then(|raw| {
            crate::national::resolve(raw, &fields)
                .map_err(&mut report)
                .ok()
        });
        let mut expiries = Vec::new();
        for (field_key, rf) in &rc.fields {
            let (Some(raw), Some(i)) =
                (&rf.expires, fields.iter().position(|f| &f.key == field_key))
            else {
                continue;
            };
            match crate::derived::resolve(raw, i, &fields) {
                Ok(expiry) => expiries.push(expiry),
                Err(e) => report(format!("field \"{field_key}\": {e}")),
            }
        }
        let names_self: Vec<usize> = match &rc.names_self {
            Some(keys) => keys
                .iter()
                .filter_map(|k| index(k, "names_self field", &mut report))
                .collect(),
            None => std::iter::once(title_field)
                .chain((0..fields.len()).filter(|&i| fields[i].unique && i != title_field))
                .filter(|&i| !rc.names_party.contains(&fields[i].key))
                .collect(),
        };
        let names_party: Vec<usize> = rc
            .names_party
            .iter()
            .filter_map(|k| index(k, "names_party field", &mut report))
            .collect();
        if let Some(&both) = names_party.iter().find(|i| names_self.contains(i)) {
            report(format!(
                "field \"{}\" is in both names_self and names_party",
                fields[both].key
            ));
        }
        let organisations = resolve_organisations(&rc.fields, &fields, &mut report);
        collections.push(Collection {
            key: key.clone(),
            title: rc.title.clone(),
            item_name: rc.item_name.clone().unwrap_or_else(|| rc.title.clone()),
            description: rc.description.clone(),
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
        });
    }
    if raw.site.page_size == 0 {
        problems.push(Diagnostic::error(
            &file,
            0,
            "site.page_size must be at least 1".into(),
        ));
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

/// The `organisation:` declarations of a collection's fields: only on credit-code fields, naming
/// one of the collection's own fields.
fn resolve_organisations(
    raw: &IndexMap<String, RawField>,
    fields: &[FieldDef],
    report: &mut dyn FnMut(String),
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
            report(format!(
                "field \"{key}\": `organisation` belongs on a single credit_code field"
            ));
            continue;
        }
        match fields.iter().position(|f| f.key == org.name) {
            Some(name) if !fields[name].list && fields[name].ty == FieldType::Text => {
                out.push(OrgField { code, name })
            }
            _ => report(format!(
                "field \"{key}\": organisation.name \"{}\" is not a single text field of the collection",
                org.name
            )),
        }
    }
    out
}

fn resolve_notice(
    raw: &RawNotice,
    fields: &[FieldDef],
    report: &mut dyn FnMut(String),
) -> NoticeConfig {
    let period = |s: &Option<String>, report: &mut dyn FnMut(String)| {
        s.as_deref().map(|p| {
            Period::parse(p).unwrap_or_else(|e| {
                report(e);
                Period::Forever
            })
        })
    };
    let field = |name: &str, report: &mut dyn FnMut(String)| {
        let i = fields.iter().position(|f| f.key == name);
        if i.is_none() {
            report(format!("notice rule names unknown field \"{name}\""));
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
                        report(format!(
                            "notice condition on \"{f}\" needs only, in, below or present"
                        ));
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
