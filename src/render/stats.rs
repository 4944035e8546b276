//! `/stats/`: charts of what is on notice, counted at build time from the same facet groups the
//! listings are made from, so every bar equals the count on the listing it links to.
//!
//! A chart is a table (label, bar, numbers), and only the bar is drawn, as a one-line inline SVG
//! whose rectangles are sized in a 0–100 view box: the text stays HTML, so it grows with the
//! 大字版 and reflows on a phone, screen readers read a plain table, and the CSP needs no inline
//! styles (SVG geometry is attributes). A chart crate would draw axes and text into the SVG,
//! which then scales as a picture and does neither.

use super::{root_for, Renderer};
use crate::config::{FacetKind, FieldType};
use crate::facet::FacetValue;
use crate::record::{Money, Value};
use crate::text::{facet_segment, url_segment};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// A facet with more values than this (an authority per county) shows its most frequent ones.
const MOST_BARS: usize = 15;
/// A facet drawn as stacked bars per year has at most this many categories (colours).
const MOST_STACKED: usize = 8;
/// Months in the notices-per-month chart, ending with the build's as-of month.
const MONTHS: u32 = 12;

#[derive(Serialize)]
pub struct Chart {
    id: String,
    title: String,
    summary: String,
    /// Headers: the label column's, then one per number column.
    label_header: String,
    value_headers: Vec<String>,
    rows: Vec<ChartRow>,
    /// When bars were left out: the page listing every value.
    all_values: Option<String>,
    /// For the map's facet (cities): the schematic map drawn above the table.
    map: Option<super::tilemap::MapView>,
}

#[derive(Serialize)]
pub struct ChartRow {
    label: String,
    href: Option<String>,
    /// The bar's parts, left to right: (start, width) in the 0–100 view box.
    segments: Vec<(f64, f64)>,
    values: Vec<String>,
}

/// One part of a bar per series; `scale` is the largest bar's total.
fn segments(parts: &[u64], scale: u64) -> Vec<(f64, f64)> {
    let mut start = 0.0;
    parts
        .iter()
        .map(|&n| {
            let width = if scale == 0 {
                0.0
            } else {
                (n as f64 * 100.0 / scale as f64 * 100.0).round() / 100.0
            };
            let seg = (start, width);
            start += width;
            seg
        })
        .collect()
}

/// `{name}` placeholders filled in.
fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    vars.iter().fold(template.to_string(), |s, (k, v)| {
        s.replace(&format!("{{{k}}}"), v)
    })
}

/// Percent with one decimal, as the tables print it.
fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0%".to_string();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

impl Renderer<'_> {
    /// Writes `/stats/`.
    pub(super) fn stats_page(&self) -> Result<(), super::RenderError> {
        let path = "stats/";
        let root = root_for(path);
        let mut charts = vec![self.by_collection(&root), self.by_month()];
        for ci in 0..self.config.collections.len() {
            charts.extend(self.facet_charts(ci, &root));
            charts.extend(self.sums_by_year(ci, &root));
            charts.extend(self.categories_by_year(ci, &root));
        }
        let mut ctx = self.base_context(path, self.t("stats"));
        ctx.insert("charts", &charts);
        self.write_page("stats.html", path, ctx)
    }

    fn count_summary(&self, rows: &[(String, u64)]) -> String {
        let total: u64 = rows.iter().map(|r| r.1).sum();
        let top = rows.iter().max_by_key(|r| r.1);
        fill(
            self.t("stats_summary_count"),
            &[
                ("total", total.to_string().as_str()),
                ("label", top.map_or("", |t| t.0.as_str())),
                ("count", top.map_or(0, |t| t.1).to_string().as_str()),
            ],
        )
    }

    /// A one-series chart of counts.
    fn count_chart(
        &self,
        id: String,
        title: String,
        label_header: &str,
        rows: Vec<(String, u64, Option<String>)>,
    ) -> Chart {
        let scale = rows.iter().map(|r| r.1).max().unwrap_or(0);
        let pairs: Vec<(String, u64)> = rows.iter().map(|r| (r.0.clone(), r.1)).collect();
        Chart {
            id,
            title,
            summary: self.count_summary(&pairs),
            label_header: label_header.to_string(),
            value_headers: vec![self.t("stats_count").to_string()],
            rows: rows
                .into_iter()
                .map(|(label, n, href)| ChartRow {
                    label,
                    href,
                    segments: segments(&[n], scale),
                    values: vec![n.to_string()],
                })
                .collect(),
            all_values: None,
            map: None,
        }
    }

    fn by_collection(&self, root: &str) -> Chart {
        let rows = self
            .set
            .collections
            .iter()
            .map(|pc| {
                let c = &pc.def;
                let href = format!("{root}{}/", c.key);
                (c.title.clone(), pc.records.len() as u64, Some(href))
            })
            .collect();
        let header = self.t("collection");
        self.count_chart(
            "collections".into(),
            self.t("stats_by_collection").into(),
            header,
            rows,
        )
    }

    /// Notices published in each of the last [`MONTHS`] months, stacked by collection.
    fn by_month(&self) -> Chart {
        let as_of = self.set.as_of;
        let first = NaiveDate::from_ymd_opt(as_of.year(), as_of.month(), 1)
            .and_then(|d| d.checked_sub_months(chrono::Months::new(MONTHS - 1)))
            .unwrap_or(as_of);
        let mut counts: BTreeMap<(i32, u32), Vec<u64>> = BTreeMap::new();
        let mut month = first;
        while month <= as_of {
            counts.insert(
                (month.year(), month.month()),
                vec![0; self.set.collections.len()],
            );
            month = match month.checked_add_months(chrono::Months::new(1)) {
                Some(next) => next,
                None => break,
            };
        }
        for (ci, pc) in self.set.collections.iter().enumerate() {
            for r in &pc.records {
                let p = r.record.notice.published;
                if let Some(row) = counts.get_mut(&(p.year(), p.month())) {
                    row[ci] += 1;
                }
            }
        }
        let scale = counts
            .values()
            .map(|v| v.iter().sum::<u64>())
            .max()
            .unwrap_or(0);
        let totals: Vec<(String, u64)> = counts
            .iter()
            .map(|((y, m), v)| (format!("{y}-{m:02}"), v.iter().sum()))
            .collect();
        let mut value_headers: Vec<String> = self
            .config
            .collections
            .iter()
            .map(|c| c.title.clone())
            .collect();
        value_headers.push(self.t("stats_total").to_string());
        Chart {
            id: "months".into(),
            title: self.t("stats_by_month").into(),
            summary: self.count_summary(&totals),
            label_header: self.t("stats_month").into(),
            value_headers,
            rows: counts
                .into_iter()
                .map(|((y, m), v)| {
                    let total: u64 = v.iter().sum();
                    let mut values: Vec<String> = v.iter().map(u64::to_string).collect();
                    values.push(total.to_string());
                    ChartRow {
                        label: format!("{y}-{m:02}"),
                        href: None,
                        segments: segments(&v, scale),
                        values,
                    }
                })
                .collect(),
            all_values: None,
            map: None,
        }
    }

    /// A chart per facet of collection `ci`: records per value, each bar linking to the value's
    /// listing.
    fn facet_charts(&self, ci: usize, root: &str) -> Vec<Chart> {
        let c = &self.config.collections[ci];
        self.facets(ci)
            .iter()
            .map(|facet| {
                let (f, values) = (&c.fields[facet.field], &facet.values);
                let mut shown: Vec<usize> = (0..values.len()).collect();
                let cut = values.len() > MOST_BARS;
                if cut {
                    shown.sort_by_key(|&i| std::cmp::Reverse(values[i].records.len()));
                    shown.truncate(MOST_BARS);
                }
                let rows = shown
                    .into_iter()
                    .map(|i| {
                        let (value, ids) = (&values[i].value, &values[i].records);
                        let segment = url_segment(&facet_segment(value));
                        let href = format!("{root}{}/{}/{segment}/", c.key, f.key);
                        (value.clone(), ids.len() as u64, Some(href))
                    })
                    .collect();
                let title = fill(
                    self.t("stats_by"),
                    &[
                        ("collection", c.title.as_str()),
                        ("field", f.label.as_str()),
                    ],
                );
                let mut chart =
                    self.count_chart(format!("{}-{}", c.key, f.key), title, &f.label, rows);
                if cut {
                    chart.all_values = Some(format!("{root}{}/{}/", c.key, f.key));
                }
                if self
                    .config
                    .site
                    .map
                    .as_ref()
                    .is_some_and(|m| m.field == f.key)
                {
                    chart.map = self.tile_map(ci, root, None);
                }
                chart
            })
            .collect()
    }

    /// Per year facet of collection `ci` and money field: the year's total (fines per year).
    fn sums_by_year(&self, ci: usize, root: &str) -> Vec<Chart> {
        let c = &self.config.collections[ci];
        let money: Vec<usize> = (0..c.fields.len())
            .filter(|&i| c.fields[i].ty == FieldType::Money && !c.fields[i].list)
            .collect();
        let records = &self.set.collections[ci].records;
        let mut charts = Vec::new();
        for year_facet in self.year_facets(ci) {
            let year_field = &c.fields[year_facet.field];
            for &mi in &money {
                let sums: Vec<(String, i64)> = year_facet
                    .values
                    .iter()
                    .map(
                        |FacetValue {
                             value: year,
                             records: ids,
                         }| {
                            let cents = ids
                                .iter()
                                .filter_map(|&r| match records[r].record.value(mi) {
                                    Some(Value::Money(m)) => Some(m.0),
                                    _ => None,
                                })
                                .sum();
                            (year.clone(), cents)
                        },
                    )
                    .collect();
                if sums.iter().all(|s| s.1 == 0) {
                    continue;
                }
                let scale = sums.iter().map(|s| s.1.max(0) as u64).max().unwrap_or(0);
                let top = sums.iter().max_by_key(|s| s.1);
                let total: i64 = sums.iter().map(|s| s.1).sum();
                let summary = fill(
                    self.t("stats_summary_sum"),
                    &[
                        ("total", Money(total).display().as_str()),
                        ("label", top.map_or("", |t| t.0.as_str())),
                        (
                            "value",
                            top.map_or(String::new(), |t| Money(t.1).display()).as_str(),
                        ),
                    ],
                );
                let title = fill(
                    self.t("stats_sum_by"),
                    &[
                        ("collection", c.title.as_str()),
                        ("money", c.fields[mi].label.as_str()),
                        ("field", year_field.label.as_str()),
                    ],
                );
                charts.push(Chart {
                    id: format!("{}-{}-{}", c.key, c.fields[mi].key, year_field.key),
                    title,
                    summary,
                    label_header: year_field.label.clone(),
                    value_headers: vec![c.fields[mi].label.clone()],
                    rows: sums
                        .into_iter()
                        .map(|(year, cents)| ChartRow {
                            href: Some(format!("{root}{}/{}/{year}/", c.key, year_field.key)),
                            label: year,
                            segments: segments(&[cents.max(0) as u64], scale),
                            values: vec![Money(cents).display()],
                        })
                        .collect(),
                    all_values: None,
                    map: None,
                });
            }
        }
        charts
    }

    /// Per year facet of collection `ci`, its records stacked by the first facet with a few
    /// categories (spot-check results per year), with each category's share.
    fn categories_by_year(&self, ci: usize, root: &str) -> Vec<Chart> {
        let c = &self.config.collections[ci];
        let Some(grouping) = self.stacking_facet(ci) else {
            return Vec::new();
        };
        let groups = &grouping.values;
        let group_field = &c.fields[grouping.field];
        let records = self.set.collections[ci].records.len();
        let mut of_record = vec![usize::MAX; records];
        for (k, group) in groups.iter().enumerate() {
            for &r in &group.records {
                of_record[r] = k;
            }
        }
        let mut charts = Vec::new();
        for year_facet in self.year_facets(ci) {
            let year_field = &c.fields[year_facet.field];
            let table = group_counts(year_facet, &of_record, groups.len());
            let all: u64 = table.iter().map(|t| t.1.iter().sum::<u64>()).sum();
            let first: u64 = table.iter().map(|t| t.1[0]).sum();
            let summary = fill(
                self.t("stats_summary_share"),
                &[
                    ("total", all.to_string().as_str()),
                    ("label", groups[0].value.as_str()),
                    ("share", share(first, all).as_str()),
                ],
            );
            let mut value_headers: Vec<String> = groups.iter().map(|g| g.value.clone()).collect();
            value_headers.push(self.t("stats_total").to_string());
            let title = fill(
                self.t("stats_by_year"),
                &[
                    ("collection", c.title.as_str()),
                    ("field", group_field.label.as_str()),
                    ("year", year_field.label.as_str()),
                ],
            );
            let year_path = format!("{root}{}/{}/", c.key, year_field.key);
            charts.push(Chart {
                id: format!("{}-{}-{}", c.key, group_field.key, year_field.key),
                title,
                summary,
                label_header: year_field.label.clone(),
                value_headers,
                rows: stacked_rows(table, &year_path),
                all_values: None,
                map: None,
            });
        }
        charts
    }

    /// The first value facet of collection `ci` over an enum with a few categories, to stack
    /// its years by.
    fn stacking_facet(&self, ci: usize) -> Option<&super::Facet> {
        let c = &self.config.collections[ci];
        self.facets(ci).iter().find(|f| {
            c.fields[f.field].facet == Some(FacetKind::Value)
                && matches!(c.fields[f.field].ty, FieldType::Enum(_))
                && f.values.len() > 1
                && f.values.len() <= MOST_STACKED
        })
    }

    fn year_facets(&self, ci: usize) -> Vec<&super::Facet> {
        let c = &self.config.collections[ci];
        self.facets(ci)
            .iter()
            .filter(|f| c.fields[f.field].facet == Some(FacetKind::Year))
            .collect()
    }
}

/// Per year of `year_facet`: how many of its records fall in each of `groups` categories
/// (`of_record` gives each record's category; records in none are not counted).
fn group_counts(
    year_facet: &super::Facet,
    of_record: &[usize],
    groups: usize,
) -> Vec<(String, Vec<u64>)> {
    year_facet
        .values
        .iter()
        .map(
            |FacetValue {
                 value: year,
                 records: ids,
             }| {
                let mut parts = vec![0u64; groups];
                for &r in ids {
                    if let Some(n) = parts.get_mut(of_record[r]) {
                        *n += 1;
                    }
                }
                (year.clone(), parts)
            },
        )
        .collect()
}

/// A stacked chart's rows: per year, each category's count and share, and the year's total;
/// bars scaled to the largest year. `year_path` is the year facet's folder.
fn stacked_rows(table: Vec<(String, Vec<u64>)>, year_path: &str) -> Vec<ChartRow> {
    let scale = table
        .iter()
        .map(|t| t.1.iter().sum::<u64>())
        .max()
        .unwrap_or(0);
    table
        .into_iter()
        .map(|(year, parts)| {
            let total: u64 = parts.iter().sum();
            let mut values: Vec<String> = parts
                .iter()
                .map(|&n| format!("{n}（{}）", share(n, total)))
                .collect();
            values.push(total.to_string());
            ChartRow {
                href: Some(format!("{year_path}{year}/")),
                label: year,
                segments: segments(&parts, scale),
                values,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{fill, segments, share};

    #[test]
    fn bars_are_scaled_to_the_largest_and_stacked() {
        assert_eq!(segments(&[5], 10), vec![(0.0, 50.0)]);
        assert_eq!(segments(&[1, 2], 4), vec![(0.0, 25.0), (25.0, 50.0)]);
        assert_eq!(segments(&[0], 0), vec![(0.0, 0.0)]);
    }

    #[test]
    fn summaries_fill_their_placeholders() {
        assert_eq!(fill("{a} 与 {b}", &[("a", "1"), ("b", "2")]), "1 与 2");
        assert_eq!(share(1, 3), "33.3%");
        assert_eq!(share(0, 0), "0%");
    }
}
