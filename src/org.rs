//! Organisations joined across collections by their unified social credit code ("一处失信，
//! 处处受限"): which published records name each organisation, under which names, and what
//! they add up to at the as-of date. Which fields identify an organisation is configuration
//! (`organisation:` on a credit-code field, see [`crate::config::OrgField`]).
//!
//! Privacy: a code that any record names in a masked field (a natural person or an individual
//! business, see [`crate::personal::is_masked`]) belongs to a masked party. Such a code gets no
//! page and joins nothing, even where other records name it unmasked: a page listing them
//! would join a person's records, which masking exists to prevent.

use crate::config::{Collection, FieldType, SiteConfig};
use crate::notice::PublishedSet;
use crate::record::{Money, Value};
use std::collections::{HashMap, HashSet};

/// One organisation's records, per collection in the set's order (newest first).
#[derive(Debug, Clone)]
pub struct Org {
    pub code: String,
    /// The name in its newest record.
    pub name: String,
    /// Other names seen in its records, newest first.
    pub former_names: Vec<String>,
    /// Per collection, indices of the published records naming it.
    pub records: Vec<Vec<usize>>,
    /// Per collection, indices of the taken-down records that named it (for its feed).
    pub taken_down: Vec<Vec<usize>>,
}

impl Org {
    /// The page's path below the site root.
    pub fn path(&self) -> String {
        page_path(&self.code)
    }

    pub fn record_count(&self) -> usize {
        self.records.iter().map(Vec::len).sum()
    }
}

pub fn page_path(code: &str) -> String {
    format!("org/{code}/")
}

/// Every organisation with a page, by credit code.
#[derive(Debug, Default)]
pub struct OrgIndex {
    /// Sorted by code.
    pub orgs: Vec<Org>,
    by_code: HashMap<String, usize>,
}

/// Names seen for one code: (publication day, name), for the current and former names.
type Seen = Vec<(chrono::NaiveDate, String)>;

impl OrgIndex {
    pub fn new(config: &SiteConfig, set: &PublishedSet) -> Self {
        let n = config.collections.len();
        let mut masked: HashSet<String> = HashSet::new();
        let mut found: HashMap<String, (Org, Seen)> = HashMap::new();
        for (ci, (c, pc)) in config.collections.iter().zip(&set.collections).enumerate() {
            if c.organisations.is_empty() {
                continue;
            }
            for t in &pc.taken_down {
                masked.extend(
                    t.organisations
                        .iter()
                        .filter(|m| m.masked)
                        .map(|m| m.code.clone()),
                );
            }
            for (ri, r) in pc.records.iter().enumerate() {
                for m in crate::notice::org_mentions(c, &r.record.values) {
                    if m.masked {
                        masked.insert(m.code);
                        continue;
                    }
                    let (org, seen) = found.entry(m.code.clone()).or_insert_with(|| {
                        (
                            Org {
                                code: m.code,
                                name: String::new(),
                                former_names: Vec::new(),
                                records: vec![Vec::new(); n],
                                taken_down: vec![Vec::new(); n],
                            },
                            Vec::new(),
                        )
                    });
                    if org.records[ci].last() != Some(&ri) {
                        org.records[ci].push(ri);
                    }
                    if let Some(name) = m.name.filter(|s| !s.trim().is_empty()) {
                        seen.push((r.record.notice.published, name));
                    }
                }
            }
        }
        let mut orgs: Vec<Org> = found
            .into_values()
            .filter(|(org, _)| !masked.contains(&org.code))
            .map(|(mut org, mut seen)| {
                seen.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
                let mut names: Vec<String> = Vec::new();
                for (_, name) in seen {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
                let mut names = names.into_iter();
                org.name = names.next().unwrap_or_else(|| org.code.clone());
                org.former_names = names.collect();
                org
            })
            .collect();
        orgs.sort_by(|a, b| a.code.cmp(&b.code));
        let by_code: HashMap<String, usize> = orgs
            .iter()
            .enumerate()
            .map(|(i, o)| (o.code.clone(), i))
            .collect();
        for (ci, pc) in set.collections.iter().enumerate() {
            for (ti, t) in pc.taken_down.iter().enumerate() {
                for m in &t.organisations {
                    if let Some(&oi) = by_code.get(&m.code) {
                        if orgs[oi].taken_down[ci].last() != Some(&ti) {
                            orgs[oi].taken_down[ci].push(ti);
                        }
                    }
                }
            }
        }
        OrgIndex { orgs, by_code }
    }

    pub fn get(&self, code: &str) -> Option<&Org> {
        self.by_code.get(code).map(|&i| &self.orgs[i])
    }

    pub fn has_page(&self, code: &str) -> bool {
        self.by_code.contains_key(code)
    }
}

/// What one collection's records about an organisation add up to: how many are on notice,
/// the sum of each money field, and the newest record (whose listed fields show its latest
/// state: a lab's qualification, an inspection's result and date).
#[derive(Debug, Clone)]
pub struct Summary {
    pub count: usize,
    /// (field index, sum) of every money field some record has.
    pub totals: Vec<(usize, Money)>,
    /// Index of the newest record.
    pub newest: Option<usize>,
    /// Per list of dated items (a park's certificates), how many are valid at the as-of date,
    /// over all the records.
    pub in_force: Vec<crate::derived::ItemsInForce>,
}

pub fn summarise(c: &Collection, set: &PublishedSet, ci: usize, records: &[usize]) -> Summary {
    let pc = &set.collections[ci];
    let totals = c
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.ty == FieldType::Money && !f.list)
        .filter_map(|(fi, _)| {
            let mut any = false;
            let mut sum = 0i64;
            for &ri in records {
                if let Some(Value::Money(m)) = pc.records[ri].record.value(fi) {
                    any = true;
                    sum = sum.saturating_add(m.0);
                }
            }
            any.then_some((fi, Money(sum)))
        })
        .collect();
    let in_force = c
        .expiries
        .iter()
        .filter_map(|expiry| {
            records
                .iter()
                .filter_map(|&ri| expiry.items_in_force(&pc.records[ri].record, set.as_of))
                .reduce(|a, b| crate::derived::ItemsInForce {
                    in_force: a.in_force + b.in_force,
                    total: a.total + b.total,
                    ..a
                })
        })
        .filter(|items| items.total > 0)
        .collect();
    Summary {
        count: records.len(),
        totals,
        newest: records.first().copied(),
        in_force,
    }
}
