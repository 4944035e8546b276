//! The pages that describe the datasets, made from what export reports
//! ([`crate::exported`]): the `/data/` catalogue and the `/changes/` list.

use super::{PageVars, RenderError, Renderer};
use crate::exported::{Catalogue, Change, ChangeList, ExportReport, TakedownReason};
use serde::Serialize;

impl Renderer<'_> {
    /// `/data/` and, when there is a change list, `/changes/`.
    pub fn dataset_pages(&self, report: &ExportReport) -> Result<(), RenderError> {
        if let Some(list) = &report.changes {
            self.changes_page(list)?;
        }
        self.data_page(&report.catalogue)
    }

    /// `/data/`: every data file, the dictionaries and the JSON-LD description.
    fn data_page(&self, catalogue: &Catalogue) -> Result<(), RenderError> {
        let mut vars = PageVars::new();
        vars.insert("collections", &catalogue.collections);
        vars.insert("package_files", &catalogue.package_files);
        vars.insert("sums_size", &catalogue.sums_size);
        vars.insert("has_changes", &catalogue.has_changes);
        vars.insert("has_derived", &catalogue.has_derived);
        vars.insert("json_ld", &catalogue.json_ld);
        vars.insert("total_records", &catalogue.total_records);
        vars.insert(
            "alternates",
            &[(
                "application/json",
                "datapackage.json",
                "Frictionless Data Package",
            )],
        );
        let title = self
            .i18n()
            .get("data_title")
            .map_or("Open data", String::as_str);
        self.write_extra_page("data.html", "data/", title, vars)
    }

    /// `/changes/`: what changed since the earlier build.
    fn changes_page(&self, list: &ChangeList) -> Result<(), RenderError> {
        let config = self.config;
        let strings = self.i18n();
        let t = |key: &str| strings.get(key).cloned().unwrap_or_else(|| key.to_string());
        // A correction without a recorded summary still says what happened.
        let rows = |changes: &[Change], otherwise: &str| -> Vec<ChangeRow> {
            changes
                .iter()
                .map(|c| {
                    let reason = c.reason.map(|r| {
                        t(match r {
                            TakedownReason::Expired => "changes_reason_expired",
                            TakedownReason::Withdrawn => "changes_reason_withdrawn",
                            TakedownReason::Removed => "changes_reason_removed",
                        })
                    });
                    let detail = match (reason, &c.detail) {
                        (Some(r), Some(d)) => format!("{r}：{d}"),
                        (Some(r), None) => r,
                        (None, Some(d)) => d.clone(),
                        (None, None) => otherwise.to_string(),
                    };
                    ChangeRow {
                        date: c.date.map(|d| d.to_string()),
                        collection_title: config
                            .collections
                            .iter()
                            .find(|k| k.key == c.collection)
                            .map_or_else(|| c.collection.clone(), |k| k.title.clone()),
                        href: (c.reason != Some(TakedownReason::Removed))
                            .then(|| format!("../{}/{}/", c.collection, c.id)),
                        text: c.title.clone().unwrap_or_else(|| c.id.clone()),
                        detail,
                    }
                })
                .collect()
        };
        let (added, corrected, taken_down) = (
            t("changes_added"),
            t("changes_corrected"),
            t("changes_taken_down"),
        );
        let groups = [
            ChangeGroup {
                key: "added",
                heading: &added,
                rows: rows(&list.added, ""),
            },
            ChangeGroup {
                key: "corrected",
                heading: &corrected,
                rows: rows(&list.corrected, &t("content_changed")),
            },
            ChangeGroup {
                key: "taken-down",
                heading: &taken_down,
                rows: rows(&list.taken_down, ""),
            },
        ];
        let mut vars = PageVars::new();
        vars.insert("since", &list.since.to_string());
        vars.insert("groups", &groups);
        self.write_extra_page("changes.html", "changes/", &t("changes_title"), vars)
    }
}

#[derive(Serialize)]
struct ChangeGroup<'a> {
    key: &'static str,
    heading: &'a str,
    rows: Vec<ChangeRow>,
}

#[derive(Serialize)]
struct ChangeRow {
    date: Option<String>,
    collection_title: String,
    /// Relative link to the record page or its notice-ended page; none for removed records.
    href: Option<String>,
    text: String,
    detail: String,
}
