//! Listings: each collection's paged list of records, its facets' indexes and the listing of
//! every facet value, with the facet sidebar.

use super::{root_for, view, Facet, FacetValue, RenderError, Renderer};
use crate::text::{facet_segment, url_segment};
use rayon::prelude::*;
use serde::Serialize;

#[derive(Serialize)]
struct Pager {
    page: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
    /// Only the page links shown: the first, the last and two either side of this one.
    pages: Vec<(usize, String)>,
}

/// The page numbers a pager shows; computing them here keeps each page's work independent of
/// the number of pages (a listing of 5,000 pages must not carry 5,000 links per page).
fn shown_pages(page: usize, total: usize) -> Vec<usize> {
    let mut shown: Vec<usize> = [1, total]
        .into_iter()
        .chain(page.saturating_sub(2).max(1)..=(page + 2).min(total))
        .collect();
    shown.sort_unstable();
    shown.dedup();
    shown
}

#[derive(Serialize)]
struct FacetLink {
    label: String,
    value: String,
    href: String,
    count: usize,
    /// The listing being shown is this value's.
    current: bool,
}

#[derive(Serialize)]
struct FacetGroup {
    key: String,
    label: String,
    values: Vec<FacetLink>,
    /// When values were left out of the sidebar: how many there are and the page listing all.
    all_values: Option<(usize, String)>,
}

/// A listing's sidebar shows at most this many values per facet (the most frequent, plus the
/// active one); a facet with ~200 authorities would otherwise add ~30 kB to every listing page.
const SIDEBAR_VALUES: usize = 12;

/// Which values of a facet the sidebar shows, in the facet's own order.
fn sidebar_values(values: &[FacetValue], active: Option<&str>) -> Vec<usize> {
    if values.len() <= SIDEBAR_VALUES {
        return (0..values.len()).collect();
    }
    let mut by_count: Vec<usize> = (0..values.len()).collect();
    by_count.sort_by_key(|&i| std::cmp::Reverse(values[i].records.len()));
    let mut shown: Vec<usize> = by_count.into_iter().take(SIDEBAR_VALUES).collect();
    if let Some(i) = active.and_then(|a| values.iter().position(|v| v.value == a)) {
        if !shown.contains(&i) {
            shown.push(i);
        }
    }
    shown.sort_unstable();
    shown
}

/// Stands for a listing page's link prefix in rows rendered once per record. Everything printed
/// from data is escaped, which turns each `<` into `&lt;`, so a raw `<` only comes from the rows'
/// own links; each listing page replaces the mark with its own prefix.
const ROOT_MARK: &str = "<gongshi-root>";

/// A listing row with its root marks taken out and their places kept, so that each listing page
/// puts its own prefix in without searching the row again.
struct ListingRow {
    html: String,
    marks: Vec<u32>,
}

impl ListingRow {
    fn new(marked: &str) -> Self {
        let mut html = String::with_capacity(marked.len());
        let mut marks = Vec::new();
        let mut rest = marked;
        while let Some(at) = rest.find(ROOT_MARK) {
            html.push_str(&rest[..at]);
            marks.push(html.len() as u32);
            rest = &rest[at + ROOT_MARK.len()..];
        }
        html.push_str(rest);
        ListingRow { html, marks }
    }

    fn with_root(&self, root: &str) -> String {
        let mut out = String::with_capacity(self.html.len() + self.marks.len() * root.len());
        let mut from = 0;
        for &mark in &self.marks {
            out.push_str(&self.html[from..mark as usize]);
            out.push_str(root);
            from = mark as usize;
        }
        out.push_str(&self.html[from..]);
        out
    }
}

/// What every listing of one collection shares.
struct Listed<'a> {
    ci: usize,
    /// Per published record, its rendered row (see [`Renderer::listing_rows`]).
    rows: &'a [ListingRow],
    facets: &'a [Facet],
    /// Per facet and value, the value's listing address below the root.
    facet_hrefs: &'a [Vec<String>],
}

impl Renderer<'_> {
    /// A collection's listing, its facets' indexes and their listings.
    pub(super) fn listings(&self, ci: usize) -> Result<(), RenderError> {
        let c = &self.config.collections[ci];
        let pc = &self.set.collections[ci];
        let all: Vec<usize> = (0..pc.records.len()).collect();
        let facets = self.facets(ci);
        // Each record is listed about five times (its collection and each facet value).
        let rows = self.listing_rows(ci)?;
        // Each value's listing address below the root, worked out once: every listing's sidebar
        // links to up to a dozen values per facet.
        let facet_hrefs: Vec<Vec<String>> = facets
            .iter()
            .map(|facet| {
                let f = &c.fields[facet.field];
                facet
                    .values
                    .iter()
                    .map(|v| {
                        format!(
                            "{}/{}/{}/",
                            c.key,
                            f.key,
                            url_segment(&facet_segment(&v.value))
                        )
                    })
                    .collect()
            })
            .collect();
        let listed = Listed {
            ci,
            rows: &rows,
            facets,
            facet_hrefs: &facet_hrefs,
        };
        self.listing(&listed, &format!("{}/", c.key), &c.title, &all, None)?;
        for (facet, hrefs) in facets.iter().zip(&facet_hrefs) {
            let f = &c.fields[facet.field];
            let facet_path = format!("{}/{}/", c.key, f.key);
            let mut ctx = self.base_context(&facet_path, &format!("{} · {}", c.title, f.label));
            ctx.insert_value("collection", self.collection_values[ci].clone());
            ctx.insert("field_label", &f.label);
            let root = root_for(&facet_path);
            let links: Vec<FacetLink> = facet
                .values
                .iter()
                .zip(hrefs)
                .map(|(v, href)| FacetLink {
                    label: f.label.clone(),
                    value: v.value.clone(),
                    href: format!("{root}{href}"),
                    count: v.records.len(),
                    current: false,
                })
                .collect();
            ctx.insert("values", &links);
            self.write_page("facet_index.html", &facet_path, ctx)?;
            facet.values.par_iter().try_for_each(|v| {
                let (value, ids) = (&v.value, &v.records);
                let path = format!("{}/{}/{}/", c.key, f.key, facet_segment(value));
                let title = format!("{} · {}：{}", c.title, f.label, value);
                self.listing(
                    &listed,
                    &path,
                    &title,
                    ids,
                    Some((f.label.as_str(), value.as_str())),
                )
            })?;
        }
        Ok(())
    }

    /// Every published record's listing row (the theme's `row` component), its links starting
    /// with [`ROOT_MARK`].
    fn listing_rows(&self, ci: usize) -> Result<Vec<ListingRow>, RenderError> {
        let strings = tera::Value::from_serializable(&self.theme.strings);
        let vc = self.view_ctx(ROOT_MARK);
        self.set.collections[ci]
            .records
            .par_iter()
            .map(|r| {
                // The root mark in `href` must stay raw; the rest of the link is a collection
                // key and a record id, which validation keeps to characters that need no
                // escaping.
                let row = view::row(&vc, ci, r).to_value();
                let mut context = tera::Context::new();
                context.insert_value("r", row);
                context.insert_value("t", strings.clone());
                Ok(ListingRow::new(&self.component("row", &context, 512)?))
            })
            .collect()
    }

    /// A listing's facet sidebar (the theme's `facets` component), rendered.
    fn sidebar_html(&self, groups: &[FacetGroup]) -> Result<tera::Value, RenderError> {
        let mut context = tera::Context::new();
        context.insert("facets", groups);
        context.insert("t", &self.theme.strings);
        Ok(tera::Value::safe_string(&self.component(
            "facets",
            &context,
            8 * 1024,
        )?))
    }

    fn listing(
        &self,
        listed: &Listed,
        base: &str,
        title: &str,
        indices: &[usize],
        active: Option<(&str, &str)>,
    ) -> Result<(), RenderError> {
        let total = indices.len().div_ceil(self.config.site.page_size).max(1);
        // Page folders first, one thread: threads creating entries of one folder at once spin
        // on its lock (see crate::folders).
        for page in 2..=total {
            self.staging.make_dir(&format!("{base}page/{page}/"))?;
        }
        // The sidebar is the same on every page of a listing but for the depth of its links,
        // so it is rendered once per depth (twice per listing at most), not once per page.
        let sidebar =
            |path: &str| self.sidebar_html(&self.sidebar(listed, active, &root_for(path)));
        let first_sidebar = sidebar(base)?;
        let later_sidebar = if total > 1 {
            Some(sidebar(&format!("{base}page/2/"))?)
        } else {
            None
        };
        let page = ListingPage {
            listed,
            base,
            title,
            indices,
            active,
            total,
        };
        (1..=total).into_par_iter().try_for_each(|n| {
            let sidebar_html = match &later_sidebar {
                Some(later) if n > 1 => later,
                _ => &first_sidebar,
            };
            self.listing_page(&page, n, sidebar_html)
        })
    }

    /// A listing's facet groups as its sidebar shows them, with links from `root`.
    fn sidebar(
        &self,
        listed: &Listed,
        active: Option<(&str, &str)>,
        root: &str,
    ) -> Vec<FacetGroup> {
        let c = &self.config.collections[listed.ci];
        listed
            .facets
            .iter()
            .zip(listed.facet_hrefs)
            .map(|(facet, hrefs)| {
                let (f, values) = (&c.fields[facet.field], &facet.values);
                let active_value = active
                    .filter(|(label, _)| *label == f.label)
                    .map(|(_, v)| v);
                let shown = sidebar_values(values, active_value);
                FacetGroup {
                    key: f.key.clone(),
                    label: f.label.clone(),
                    all_values: (shown.len() < values.len())
                        .then(|| (values.len(), format!("{root}{}/{}/", c.key, f.key))),
                    values: shown
                        .iter()
                        .map(|&i| (&values[i].value, &values[i].records, &hrefs[i]))
                        .map(|(v, ids, href)| FacetLink {
                            label: f.label.clone(),
                            value: v.clone(),
                            href: format!("{root}{href}"),
                            count: ids.len(),
                            current: active_value == Some(v.as_str()),
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// Page `page` (from 1) of a listing.
    fn listing_page(
        &self,
        listing: &ListingPage,
        page: usize,
        sidebar_html: &tera::Value,
    ) -> Result<(), RenderError> {
        let ListingPage {
            listed,
            base,
            title,
            indices,
            active,
            total,
        } = *listing;
        let ci = listed.ci;
        let c = &self.config.collections[ci];
        let size = self.config.site.page_size;
        let path = if page == 1 {
            base.to_string()
        } else {
            format!("{base}page/{page}/")
        };
        let root = root_for(&path);
        let page_rows: Vec<tera::Value> = indices
            .iter()
            .skip((page - 1) * size)
            .take(size)
            .map(|&i| tera::Value::safe_string(&listed.rows[i].with_root(&root)))
            .collect();
        let page_title = if page == 1 {
            title.to_string()
        } else {
            format!("{title}（{page}/{total}）")
        };
        let mut ctx = self.base_context(&path, &page_title);
        ctx.insert_value("collection", self.collection_values[ci].clone());
        ctx.insert("heading", title);
        ctx.insert_value("rows", tera::Value::from(page_rows));
        ctx.insert("count", &indices.len());
        ctx.insert("pager", &pager(page, total, &root, base));
        ctx.insert_value("facets_html", sidebar_html.clone());
        ctx.insert("active_facet", &active);
        ctx.insert(
            "listed_labels",
            &c.listed
                .iter()
                .map(|i| c.fields[*i].label.clone())
                .collect::<Vec<_>>(),
        );
        ctx.insert("alternates", &listing_alternates(&root, &c.key));
        self.write_page("list.html", &path, ctx)
    }
}

/// One listing, for its pages.
struct ListingPage<'l> {
    listed: &'l Listed<'l>,
    /// The listing's first page, below the root.
    base: &'l str,
    title: &'l str,
    /// The records listed, indices into the collection's published records.
    indices: &'l [usize],
    /// The facet (label, value) this listing is of, if any.
    active: Option<(&'l str, &'l str)>,
    /// Pages in all.
    total: usize,
}

/// The pager of page `page` of `total`, its links from `root` to the listing at `base`.
fn pager(page: usize, total: usize, root: &str, base: &str) -> Pager {
    let href = |p: usize| {
        if p == 1 {
            format!("{root}{base}")
        } else {
            format!("{root}{base}page/{p}/")
        }
    };
    Pager {
        page,
        total,
        prev: (page > 1).then(|| href(page - 1)),
        next: (page < total).then(|| href(page + 1)),
        pages: shown_pages(page, total)
            .into_iter()
            .map(|p| (p, href(p)))
            .collect(),
    }
}

/// The collection's datasets and feed, which every listing page links as alternates.
fn listing_alternates(root: &str, key: &str) -> [(String, String, String); 3] {
    [
        (
            "text/csv".to_string(),
            format!("{root}data/{key}.csv"),
            "CSV".to_string(),
        ),
        (
            "application/json".to_string(),
            format!("{root}data/{key}.json"),
            "JSON".to_string(),
        ),
        (
            "application/atom+xml".to_string(),
            format!("{root}{key}/feed.xml"),
            "Atom".to_string(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidebar_keeps_the_most_frequent_values_and_the_active_one() {
        let values: Vec<FacetValue> = (0..30)
            .map(|i| FacetValue {
                value: format!("v{i:02}"),
                records: vec![0; if i % 2 == 0 { 5 } else { 1 }],
            })
            .collect();
        let shown = sidebar_values(&values, None);
        assert_eq!(shown.len(), SIDEBAR_VALUES);
        assert!(shown.iter().all(|i| i % 2 == 0), "{shown:?}");
        assert!(shown.windows(2).all(|w| w[0] < w[1]), "facet order kept");
        let with_active = sidebar_values(&values, Some("v29"));
        assert!(with_active.contains(&29) && with_active.len() == SIDEBAR_VALUES + 1);
        assert_eq!(sidebar_values(&values[..5], None), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn pager_shows_ends_and_neighbours_only() {
        assert_eq!(shown_pages(1, 1), [1]);
        assert_eq!(shown_pages(1, 5000), [1, 2, 3, 5000]);
        assert_eq!(
            shown_pages(2500, 5000),
            [1, 2498, 2499, 2500, 2501, 2502, 5000]
        );
        assert_eq!(shown_pages(5000, 5000), [1, 4998, 4999, 5000]);
        assert_eq!(shown_pages(3, 4), [1, 2, 3, 4]);
    }

    #[test]
    fn listing_rows_put_each_pages_root_where_the_marks_were() {
        for marked in [
            "",
            "no link",
            "<gongshi-root>",
            "<a href=\"<gongshi-root>labs/x/\">x</a> <a href=\"<gongshi-root>y/\">y</a>",
            "<gongshi-root><gongshi-root>end",
        ] {
            let row = ListingRow::new(marked);
            for root in ["", "../", "../../../"] {
                assert_eq!(
                    row.with_root(root),
                    marked.replace(ROOT_MARK, root),
                    "{marked}"
                );
            }
        }
    }
}
