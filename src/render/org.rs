//! Organisation pages (`/org/<credit-code>/` and its `.json`), and the links from each record
//! page to the other records of the organisations it names (see [`crate::org`]).

use super::view::{self, CellView};
use super::{root_for, RenderError, Renderer};
use crate::notice::PublicRecord;
use crate::org::{Org, OrgIndex, Summary};
use serde::Serialize;

/// Records of one organisation on a record page: at most this many per collection, then a
/// link to its page.
const SAME_ORG_SHOWN: usize = 10;

/// A template object built directly: the cells' HTML must stay marked safe, which going
/// through serde would not keep.
fn object<const N: usize>(entries: [(&'static str, tera::Value); N]) -> tera::Value {
    tera::Value::from(std::collections::BTreeMap::from(entries))
}

fn cells_value(cells: Vec<CellView>) -> tera::Value {
    let cells: Vec<tera::Value> = cells
        .iter()
        .map(|c| {
            object([
                ("label", c.label.as_str().into()),
                ("html", view::html_value(&c.html)),
            ])
        })
        .collect();
    tera::Value::from(cells)
}

/// What `/org/<code>.json` holds: the page's data.
#[derive(Serialize)]
struct OrgJson<'a> {
    credit_code: &'a str,
    name: &'a str,
    former_names: &'a [String],
    as_of: String,
    url: String,
    collections: Vec<JsonGroup<'a>>,
}

#[derive(Serialize)]
struct JsonGroup<'a> {
    key: &'a str,
    title: &'a str,
    count: usize,
    /// Field key → sum, as a plain number of yuan.
    totals: std::collections::BTreeMap<&'a str, String>,
    /// List field key → its items valid at the as-of date and in all (a park's certificates).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    in_force: std::collections::BTreeMap<&'a str, InForce>,
    records: Vec<JsonRecord>,
}

#[derive(Serialize)]
struct InForce {
    in_force: usize,
    total: usize,
}

#[derive(Serialize)]
struct JsonRecord {
    id: String,
    title: String,
    published: String,
    url: String,
}

/// Another organisation's records, as a record page lists them.
#[derive(Serialize)]
pub(super) struct SameOrg {
    href: String,
    name: String,
    code: String,
    groups: Vec<SameOrgGroup>,
}

#[derive(Serialize)]
struct SameOrgGroup {
    title: String,
    count: usize,
    links: Vec<(String, String, String)>,
}

impl Renderer<'_> {
    pub fn orgs(&self) -> &OrgIndex {
        &self.orgs
    }

    /// Every organisation's page and data file.
    pub(super) fn org_pages(&self) -> Result<(), RenderError> {
        use rayon::prelude::*;
        // Folders first, one thread: threads making entries of one folder at once spin on its
        // lock (see crate::folders).
        for org in &self.orgs.orgs {
            self.staging.make_dir(&org.path())?;
        }
        self.orgs
            .orgs
            .par_iter()
            .try_for_each(|org| self.org_page(org))
    }

    fn org_page(&self, org: &Org) -> Result<(), RenderError> {
        let path = org.path();
        let root = root_for(&path);
        let vc = self.view_ctx(&root);
        let mut status: Vec<tera::Value> = Vec::new();
        let mut groups: Vec<tera::Value> = Vec::new();
        let mut json_groups = Vec::new();
        for (ci, records) in org.records.iter().enumerate() {
            if records.is_empty() {
                continue;
            }
            let (line, group, json) = self.org_collection(&vc, ci, records);
            status.push(line);
            groups.push(group);
            json_groups.push(json);
        }
        let json = OrgJson {
            credit_code: &org.code,
            name: &org.name,
            former_names: &org.former_names,
            as_of: self.set.as_of.to_string(),
            url: format!("{}{}", self.config.site.base_url, path),
            collections: json_groups,
        };
        let bytes = serde_json::to_vec_pretty(&json).map_err(|e| RenderError::Template {
            template: "org json".into(),
            message: e.to_string(),
        })?;
        self.staging
            .write(&format!("org/{}.json", org.code), &bytes)?;
        let mut ctx = self.base_context(&path, &org.name);
        ctx.insert("org_code", &org.code);
        ctx.insert("org_name", &org.name);
        ctx.insert("former_names", &org.former_names);
        ctx.insert_value("status", tera::Value::from(status));
        ctx.insert_value("groups", tera::Value::from(groups));
        ctx.insert(
            "alternates",
            &[
                (
                    "application/json".to_string(),
                    format!("{root}org/{}.json", org.code),
                    "JSON".to_string(),
                ),
                (
                    "application/atom+xml".to_string(),
                    format!("{root}{path}feed.xml"),
                    "Atom".to_string(),
                ),
            ],
        );
        self.write_entity_page("org.html", &path, ctx)
    }

    /// One collection's part of an organisation's page: its line in the status at a glance,
    /// its records, and the same for the JSON.
    fn org_collection<'v>(
        &'v self,
        vc: &view::ViewCtx,
        ci: usize,
        records: &[usize],
    ) -> (tera::Value, tera::Value, JsonGroup<'v>) {
        let summary = crate::org::summarise(&self.config.collections[ci], self.set, ci, records);
        let line = self.org_status_line(vc, ci, &summary);
        let group = self.org_records(vc, ci, records);
        let json = self.org_json(ci, records, &summary);
        (line, group, json)
    }

    /// Collection `ci`'s line in an organisation's status at a glance: how many records, the
    /// money sums, the certificates in force, and the newest record's listed fields.
    fn org_status_line(&self, vc: &view::ViewCtx, ci: usize, summary: &Summary) -> tera::Value {
        let c = &self.config.collections[ci];
        let pc = &self.set.collections[ci];
        // "Status at a glance": the newest record's listed fields (but the organisation's
        // own name and code, which would only repeat the heading), and each money sum.
        let latest = summary.newest.map(|ri| {
            let row = view::row(vc, ci, &pc.records[ri]);
            let cells: Vec<CellView> = c
                .listed
                .iter()
                .zip(row.cells)
                .filter(|(fi, cell)| {
                    !cell.html.is_empty()
                        && !c
                            .organisations
                            .iter()
                            .any(|o| o.code == **fi || o.name == **fi)
                })
                .map(|(_, cell)| cell)
                .collect();
            object([
                ("href", view::html_value(&row.href)),
                ("title", row.title.into()),
                ("published", row.published.into()),
                ("cells", cells_value(cells)),
            ])
        });
        let totals: Vec<tera::Value> = summary
            .totals
            .iter()
            .map(|(fi, m)| {
                tera::Value::from(vec![
                    tera::Value::from(c.fields[*fi].label.as_str()),
                    tera::Value::from(format!("{} {}", m.display(), self.t("yuan"))),
                ])
            })
            .collect();
        let in_force: Vec<tera::Value> = summary
            .in_force
            .iter()
            .map(|items| {
                object([
                    ("label", c.fields[items.field].label.as_str().into()),
                    ("in_force", items.in_force.into()),
                    ("total", items.total.into()),
                ])
            })
            .collect();
        object([
            ("key", c.key.as_str().into()),
            ("title", c.title.as_str().into()),
            ("count", summary.count.into()),
            ("totals", totals.into()),
            ("in_force", in_force.into()),
            ("latest", latest.into()),
        ])
    }

    /// Collection `ci`'s records about an organisation, as its page lists them.
    fn org_records(&self, vc: &view::ViewCtx, ci: usize, records: &[usize]) -> tera::Value {
        let c = &self.config.collections[ci];
        let pc = &self.set.collections[ci];
        let rows: Vec<tera::Value> = records
            .iter()
            .map(|&ri| view::row(vc, ci, &pc.records[ri]).to_value())
            .collect();
        let labels: Vec<tera::Value> = c
            .listed
            .iter()
            .map(|&i| c.fields[i].label.as_str().into())
            .collect();
        object([
            ("key", c.key.as_str().into()),
            ("title", c.title.as_str().into()),
            ("count", records.len().into()),
            ("labels", labels.into()),
            ("rows", rows.into()),
        ])
    }

    /// Collection `ci`'s part of an organisation's JSON file.
    fn org_json<'v>(&'v self, ci: usize, records: &[usize], summary: &Summary) -> JsonGroup<'v> {
        let c = &self.config.collections[ci];
        let pc = &self.set.collections[ci];
        JsonGroup {
            key: &c.key,
            title: &c.title,
            count: records.len(),
            totals: summary
                .totals
                .iter()
                .map(|(fi, m)| (c.fields[*fi].key.as_str(), m.plain()))
                .collect(),
            in_force: summary
                .in_force
                .iter()
                .map(|items| {
                    let counts = InForce {
                        in_force: items.in_force,
                        total: items.total,
                    };
                    (c.fields[items.field].key.as_str(), counts)
                })
                .collect(),
            records: records
                .iter()
                .map(|&ri| {
                    let r = &pc.records[ri].record;
                    JsonRecord {
                        id: r.id.to_string(),
                        title: view::title_of(c, r),
                        published: r.notice.published.to_string(),
                        url: format!(
                            "{}{}",
                            self.config.site.base_url,
                            view::record_path(c, &r.id)
                        ),
                    }
                })
                .collect(),
        }
    }

    /// The organisations record `r` names, each with its other records.
    pub(super) fn same_org(&self, ci: usize, r: &PublicRecord, root: &str) -> Vec<SameOrg> {
        let c = &self.config.collections[ci];
        let mut out: Vec<SameOrg> = Vec::new();
        for m in crate::notice::org_mentions(c, &r.record.values) {
            let Some(org) = self.orgs.get(&m.code) else {
                continue;
            };
            if m.masked || out.iter().any(|o| o.code == org.code) {
                continue;
            }
            let groups = org
                .records
                .iter()
                .enumerate()
                .filter_map(|(oci, records)| {
                    let oc = &self.config.collections[oci];
                    let pc = &self.set.collections[oci];
                    let others: Vec<&PublicRecord> = records
                        .iter()
                        .map(|&ri| &pc.records[ri])
                        .filter(|o| !(oci == ci && o.record.id == r.record.id))
                        .collect();
                    (!others.is_empty()).then(|| SameOrgGroup {
                        title: oc.title.clone(),
                        count: others.len(),
                        links: others
                            .iter()
                            .take(SAME_ORG_SHOWN)
                            .map(|o| {
                                (
                                    format!("{root}{}", view::record_path(oc, &o.record.id)),
                                    view::title_of(oc, &o.record),
                                    o.record.notice.published.to_string(),
                                )
                            })
                            .collect(),
                    })
                })
                .collect();
            out.push(SameOrg {
                href: format!("{root}{}", org.path()),
                name: org.name.clone(),
                code: org.code.clone(),
                groups,
            });
        }
        out
    }
}
