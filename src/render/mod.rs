//! Rendering: every HTML page of the site from the published record set, through tera templates
//! (the theme's, or the bundled default, compacted once at load), written through the staging
//! directory.
//! Links are relative to the page, so the site works under any base path and from `file://`.

mod chrome;
mod datapages;
mod fold;
pub mod memo;
mod org;
mod stats;
pub mod theme;
mod tilemap;
mod vars;
pub mod view;

use crate::config::{Collection, SiteConfig};
use crate::folders::Folders;
use crate::notice::{PublishedSet, TakenDown};
use crate::output::{OutputError, Staging};
use crate::text::{facet_segment, url_segment};
use memo::{HashWriter, PageMemo};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
pub use vars::PageVars;
use view::{LinkIndex, RowView, ViewCtx};

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("template {template}: {message}")]
    Template { template: String, message: String },
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("theme: {0}")]
    Theme(String),
    /// The folder thread failed, and says why.
    #[error("the record pages' folders could not be made")]
    Folders,
}

pub use crate::content::ContentPage;

/// A facet field's index and, per value, the indices of the records that have it.
pub use crate::facet::{Facet, FacetValue};

#[derive(Serialize)]
struct NavItem {
    title: String,
    path: String,
    count: usize,
}

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

pub struct Renderer<'a> {
    config: &'a SiteConfig,
    set: &'a PublishedSet,
    theme: theme::Theme,
    links: LinkIndex,
    orgs: crate::org::OrgIndex,
    staging: &'a Staging,
    nav: Vec<NavItem>,
    pages: Vec<ContentPage>,
    /// Live rebuilds: the pages' context hashes from the previous build, and the hash of what
    /// all pages share, which goes into each page's hash.
    memo: Option<&'a PageMemo>,
    shared_hash: u64,
    chrome: chrome::Chrome,
    /// Per collection, what pages see as `collection`, converted once.
    collection_values: Vec<tera::Value>,
    /// Per collection, the template of its record pages.
    record_templates: Vec<RecordTemplate>,
    field_names: Vec<view::FieldNames>,
    /// Per collection: it has a location field, so its record pages may show the map.
    has_location: Vec<bool>,
}

#[derive(Serialize)]
struct PageLink<'a> {
    slug: &'a str,
    title: &'a str,
}

/// Relative prefix from a page at `path` (e.g. `labs/x/`) back to the root.
fn root_for(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

impl<'a> Renderer<'a> {
    pub fn new(
        config: &'a SiteConfig,
        set: &'a PublishedSet,
        staging: &'a Staging,
        pages: Vec<ContentPage>,
    ) -> Result<Self, RenderError> {
        let theme = theme::Theme::load(config).map_err(RenderError::Theme)?;
        let nav = set
            .collections
            .iter()
            .map(|pc| NavItem {
                title: pc.def.title.clone(),
                path: format!("{}/", pc.def.key),
                count: pc.records.len(),
            })
            .collect();
        let page_links: Vec<PageLink> = pages
            .iter()
            .map(|p| PageLink {
                slug: &p.slug,
                title: &p.title,
            })
            .collect();
        // What every page shares goes into tera's global context once, rather than being
        // copied into each of 100,000 pages' contexts.
        let mut shared = PageVars::shared();
        shared.insert("site", &config.site);
        // Sorted, so live rebuilds' hash of the shared variables is the same every build.
        let strings: BTreeMap<&String, &String> = theme.strings.iter().collect();
        shared.insert("t", &strings);
        shared.insert("nav", &nav);
        shared.insert("content_pages", &page_links);
        shared.insert("as_of", &set.as_of.to_string());
        shared.insert("asset_version", &theme.asset_version);
        shared.insert("noindex", &false);
        shared.insert("alternates", &Vec::<(String, String, String)>::new());
        let mut hasher = HashWriter::new();
        shared.hash_into(&mut hasher);
        std::hash::Hash::hash(&theme.templates_hash, &mut hasher.0);
        std::hash::Hash::hash(&theme.asset_version, &mut hasher.0);
        let shared_hash = std::hash::Hasher::finish(&hasher.0);
        let mut theme = theme;
        *theme.tera.global_context() = shared.into_context();
        let collection_values = config
            .collections
            .iter()
            .map(|c| tera::Value::from_serializable(&collection_ctx(c)))
            .collect();
        let record_templates = config
            .collections
            .iter()
            .map(|c| {
                let name = c
                    .template
                    .clone()
                    .filter(|t| theme.has(t))
                    .or_else(|| Some(format!("record-{}.html", c.key)).filter(|t| theme.has(t)))
                    .unwrap_or_else(|| "record.html".to_string());
                RecordTemplate::of(&theme.tera, name)
            })
            .collect::<Result<_, _>>()?;
        Ok(Renderer {
            links: LinkIndex::new(config, set),
            orgs: crate::org::OrgIndex::new(config, set),
            config,
            set,
            theme,
            staging,
            nav,
            pages,
            memo: None,
            shared_hash,
            chrome: chrome::Chrome::default(),
            collection_values,
            record_templates,
            field_names: config
                .collections
                .iter()
                .map(view::FieldNames::of)
                .collect(),
            has_location: config
                .collections
                .iter()
                .map(|c| {
                    c.fields
                        .iter()
                        .any(|f| f.ty == crate::config::FieldType::Geo)
                })
                .collect(),
        })
    }

    /// Renders only the pages whose context changed since the build `memo` remembers.
    pub fn with_memo(mut self, memo: Option<&'a PageMemo>) -> Self {
        self.memo = memo;
        self
    }

    pub fn i18n(&self) -> &HashMap<String, String> {
        &self.theme.strings
    }

    pub fn content_pages(&self) -> &[ContentPage] {
        &self.pages
    }

    /// Renders a page made by another stage (the data catalogue, the change list) with the
    /// site's layout: `vars` are added to the context every page gets.
    pub fn write_extra_page(
        &self,
        template: &str,
        path: &str,
        title: &str,
        vars: PageVars,
    ) -> Result<(), RenderError> {
        let mut ctx = self.base_context(path, title);
        ctx.extend(vars);
        self.write_page(template, path, ctx)
    }

    /// The link prefix back to the site root from the page at `path`.
    fn page_root(&self, path: &str) -> String {
        if path == "404.html" {
            base_path(&self.config.site.base_url)
        } else {
            root_for(path)
        }
    }

    fn base_context(&self, path: &str, title: &str) -> PageVars {
        let mut ctx = PageVars::new();
        ctx.insert("root", &self.page_root(path));
        ctx.insert("page_title", title);
        ctx.insert("page_path", path);
        ctx.insert(
            "canonical",
            &format!("{}{}", self.config.site.base_url, path),
        );
        ctx
    }

    /// Renders `template` with the shared context plus the page's own `ctx`, and writes it.
    fn write_page(&self, template: &str, path: &str, mut ctx: PageVars) -> Result<(), RenderError> {
        let file = if path.ends_with(".html") {
            path.to_string()
        } else {
            format!("{path}index.html")
        };
        if let Some(memo) = self.memo {
            let mut hasher = HashWriter::new();
            std::hash::Hash::hash(&(self.shared_hash, template), &mut hasher.0);
            ctx.hash_into(&mut hasher);
            let hash = std::hash::Hasher::finish(&hasher.0);
            let kept = memo.unchanged(&file, hash)
                && self.staging.overlay().is_some_and(|o| o.keep(&file));
            if kept {
                return Ok(());
            }
        }
        // Added after the hash: the header and footer follow from the root and path, which
        // the hash already covers.
        let (header, footer) = self
            .chrome
            .parts(
                &self.theme.tera,
                &self.page_root(path),
                chrome::section_of(path),
            )
            .map_err(|e| RenderError::Template {
                template: "header.html/footer.html".to_string(),
                message: error_chain(&e),
            })?;
        ctx.insert_value("chrome_header", header);
        ctx.insert_value("chrome_footer", footer);
        let mut html = Vec::with_capacity(16 * 1024);
        self.theme
            .tera
            .render_to(template, &ctx.into_context(), &mut html)
            .map_err(|e| RenderError::Template {
                template: template.to_string(),
                message: error_chain(&e),
            })?;
        self.staging.write(&file, &html)?;
        Ok(())
    }

    fn view_ctx<'b>(&'b self, root: &'b str) -> ViewCtx<'b> {
        ViewCtx {
            config: self.config,
            links: &self.links,
            orgs: &self.orgs,
            root,
            t: &self.theme.strings,
        }
    }

    /// Renders every page of the site but the search page; record pages wait for `folders`.
    /// On failure it abandons `folders`, which are no longer needed.
    pub fn render_all(&self, folders: &Folders) -> Result<(), RenderError> {
        let rendered = self.pages(folders);
        if rendered.is_err() {
            folders.abandon();
        }
        rendered
    }

    /// Every page but the search page: the listings first, which need no record folders, then
    /// each collection's record pages once [`Folders`] has made their folders.
    fn pages(&self, folders: &Folders) -> Result<(), RenderError> {
        self.theme.copy_static(self.staging)?;
        self.home()?;
        self.stats_page()?;
        for page in &self.pages {
            let path = format!("{}/", page.slug);
            let mut ctx = self.base_context(&path, &page.title);
            ctx.insert("page", page);
            self.write_page("page.html", &path, ctx)?;
        }
        let mut ctx = self.base_context("404.html", self.t("not_found_title"));
        ctx.insert("noindex", &true);
        self.write_page("404.html", "404.html", ctx)?;
        for ci in 0..self.config.collections.len() {
            self.listings(ci)?;
        }
        self.org_pages()?;
        for ci in 0..self.config.collections.len() {
            folders.wait_for(ci).map_err(|_| RenderError::Folders)?;
            self.record_pages(ci)?;
        }
        Ok(())
    }

    /// The search page, which carries the search manifest (JSON) inline; written once the
    /// search stage has made it.
    pub fn search_page(&self, manifest: &str) -> Result<(), RenderError> {
        let mut ctx = self.base_context("search/", self.t("search"));
        ctx.insert("collections", &self.nav);
        // Inside <script> nothing is entity-decoded: "<" is escaped as JSON instead, so no
        // value can close the element.
        ctx.insert("search_manifest", &manifest.replace('<', "\\u003c"));
        self.write_page("search.html", "search/", ctx)
    }

    fn t<'k>(&'k self, key: &'k str) -> &'k str {
        self.theme.strings.get(key).map_or(key, String::as_str)
    }

    fn home(&self) -> Result<(), RenderError> {
        let mut ctx = self.base_context("", &self.config.site.title);
        let mut newest: Vec<(chrono::NaiveDate, usize, &crate::notice::PublicRecord)> = Vec::new();
        for (ci, pc) in self.set.collections.iter().enumerate() {
            newest.extend(
                pc.records
                    .iter()
                    .take(10)
                    .map(|r| (r.record.notice.published, ci, r)),
            );
        }
        newest.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(a.1.cmp(&b.1))
                .then(a.2.record.id.cmp(&b.2.record.id))
        });
        let vc = self.view_ctx("");
        let rows: Vec<RowView> = newest
            .iter()
            .take(12)
            .map(|(_, ci, r)| view::row(&vc, *ci, r))
            .collect();
        ctx.insert("newest", &rows);
        ctx.insert("collections", &self.nav);
        self.write_page("index.html", "", ctx)
    }

    /// A collection's listing, its facets' indexes and their listings.
    fn listings(&self, ci: usize) -> Result<(), RenderError> {
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

    /// A collection's record pages and the pages of its records whose notice has ended; their
    /// folders must exist.
    fn record_pages(&self, ci: usize) -> Result<(), RenderError> {
        let pc = &self.set.collections[ci];
        pc.records
            .par_iter()
            .try_for_each(|r| self.record_page(ci, r))?;
        pc.taken_down
            .par_iter()
            .try_for_each(|t| self.takedown_page(ci, t))?;
        Ok(())
    }

    /// Collection `ci`'s facets.
    pub fn facets(&self, ci: usize) -> &[Facet] {
        &self.set.collections[ci].facets
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

    /// The theme's component `name` (in macros.html) rendered with `context`.
    fn component(
        &self,
        name: &str,
        context: &tera::Context,
        capacity: usize,
    ) -> Result<String, RenderError> {
        let template_error = |message| RenderError::Template {
            template: format!("macros.html (component {name})"),
            message,
        };
        let mut html = Vec::with_capacity(capacity);
        self.theme
            .tera
            .render_component_to(name, context, None, true, &mut html)
            .map_err(|e| template_error(error_chain(&e)))?;
        String::from_utf8(html).map_err(|e| template_error(e.to_string()))
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
        let Listed {
            ci,
            rows,
            facets,
            facet_hrefs,
        } = *listed;
        let c = &self.config.collections[ci];
        let size = self.config.site.page_size;
        let total = indices.len().div_ceil(size).max(1);
        // Page folders first, one thread: threads creating entries of one folder at once spin
        // on its lock (see crate::folders).
        for page in 2..=total {
            self.staging.make_dir(&format!("{base}page/{page}/"))?;
        }
        let sidebar = |root: &str| -> Vec<FacetGroup> {
            facets
                .iter()
                .zip(facet_hrefs)
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
        };
        // The sidebar is the same on every page of a listing but for the depth of its links,
        // so it is rendered once per depth (twice per listing at most), not once per page.
        let first_sidebar = self.sidebar_html(&sidebar(&root_for(base)))?;
        let later_sidebar = if total > 1 {
            Some(self.sidebar_html(&sidebar(&root_for(&format!("{base}page/2/"))))?)
        } else {
            None
        };
        (1..=total).into_par_iter().try_for_each(|page| {
            let path = if page == 1 {
                base.to_string()
            } else {
                format!("{base}page/{page}/")
            };
            let root = root_for(&path);
            let href = |p: usize| {
                if p == 1 {
                    format!("{root}{base}")
                } else {
                    format!("{root}{base}page/{p}/")
                }
            };
            let pager = Pager {
                page,
                total,
                prev: (page > 1).then(|| href(page - 1)),
                next: (page < total).then(|| href(page + 1)),
                pages: shown_pages(page, total)
                    .into_iter()
                    .map(|p| (p, href(p)))
                    .collect(),
            };
            let page_rows: Vec<tera::Value> = indices
                .iter()
                .skip((page - 1) * size)
                .take(size)
                .map(|&i| tera::Value::safe_string(&rows[i].with_root(&root)))
                .collect();
            let sidebar_html = match &later_sidebar {
                Some(later) if page > 1 => later,
                _ => &first_sidebar,
            };
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
            ctx.insert("pager", &pager);
            ctx.insert_value("facets_html", sidebar_html.clone());
            ctx.insert("active_facet", &active);
            ctx.insert(
                "listed_labels",
                &c.listed
                    .iter()
                    .map(|i| c.fields[*i].label.clone())
                    .collect::<Vec<_>>(),
            );
            ctx.insert(
                "alternates",
                &[
                    (
                        "text/csv".to_string(),
                        format!("{root}data/{}.csv", c.key),
                        "CSV".to_string(),
                    ),
                    (
                        "application/json".to_string(),
                        format!("{root}data/{}.json", c.key),
                        "JSON".to_string(),
                    ),
                    (
                        "application/atom+xml".to_string(),
                        format!("{root}{}/feed.xml", c.key),
                        "Atom".to_string(),
                    ),
                ],
            );
            self.write_page("list.html", &path, ctx)
        })
    }

    fn record_page(&self, ci: usize, r: &crate::notice::PublicRecord) -> Result<(), RenderError> {
        let c = &self.config.collections[ci];
        let path = view::record_path(c, &r.record.id);
        let root = root_for(&path);
        let vc = self.view_ctx(&root);
        let title = view::title_of(c, &r.record);
        let mut ctx = self.base_context(&path, &title);
        ctx.insert_value("collection", self.collection_values[ci].clone());
        ctx.insert("id", r.record.id.as_str());
        let template = &self.record_templates[ci];
        let names = &self.field_names[ci];
        if template.reads_fields {
            let fields = vc.field_values(c, names, &r.record);
            ctx.insert_value("fields", tera::Value::from(fields));
        }
        if template.reads_fields_html {
            let html = vc.fields_html(c, names, &r.record);
            ctx.insert_value("fields_html", view::html_value(&html));
        }
        ctx.insert("published", &r.record.notice.published.to_string());
        ctx.insert("last_day", &r.last_day.map(|d| d.to_string()));
        ctx.insert("history", &r.record.notice.history);
        let backlinks: Vec<view::Link> = self
            .links
            .backlinks(ci, &r.record.id)
            .iter()
            .map(|l| view::Link {
                href: format!("{root}{}", l.href),
                ..l.clone()
            })
            .collect();
        ctx.insert("backlinks", &backlinks);
        if self.has_location[ci] {
            if let Some((map, coordinates)) = self.place_map(ci, &root, &r.record) {
                ctx.insert("place_map", &map);
                ctx.insert("place_coordinates", &coordinates);
            }
        }
        ctx.insert("same_org", &self.same_org(ci, r, &root));
        ctx.insert(
            "alternates",
            &[(
                "application/json".to_string(),
                format!("{root}{}/{}.json", c.key, r.record.id),
                "JSON".to_string(),
            )],
        );
        self.write_page(&template.name, &path, ctx)
    }

    fn takedown_page(&self, ci: usize, t: &TakenDown) -> Result<(), RenderError> {
        let c = &self.config.collections[ci];
        let path = view::record_path(c, &t.id);
        let mut ctx = self.base_context(&path, self.t("notice_ended"));
        ctx.insert_value("collection", self.collection_values[ci].clone());
        ctx.insert("notice", t);
        ctx.insert("noindex", &true);
        self.write_page("takedown.html", &path, ctx)
    }
}

/// A collection's record template, and which of the two forms of a record's fields it prints:
/// each costs time on every record page, so only those a template reads are made.
struct RecordTemplate {
    name: String,
    reads_fields: bool,
    reads_fields_html: bool,
}

impl RecordTemplate {
    /// Tera lists the variables a template, its parents and its includes read; a component
    /// sees only what its caller passes it, which the caller reads.
    fn of(tera: &tera::Tera, name: String) -> Result<Self, RenderError> {
        let variables = tera
            .get_template_variables(&name)
            .map_err(|e| RenderError::Template {
                template: name.clone(),
                message: error_chain(&e),
            })?;
        Ok(RecordTemplate {
            reads_fields: variables.contains("fields"),
            reads_fields_html: variables.contains("fields_html"),
            name,
        })
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

#[derive(Serialize)]
struct CollectionCtx<'a> {
    key: &'a str,
    title: &'a str,
    item_name: &'a str,
    description: &'a str,
}

fn collection_ctx(c: &Collection) -> CollectionCtx<'_> {
    CollectionCtx {
        key: &c.key,
        title: &c.title,
        item_name: &c.item_name,
        description: &c.description,
    }
}

/// The path part of the base URL (`https://x.org/gongshi/` → `/gongshi/`), for pages that can be
/// served at any depth (404).
pub fn base_path(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_roots_and_base_paths() {
        assert_eq!(root_for(""), "");
        assert_eq!(root_for("labs/x/"), "../../");
        assert_eq!(root_for("labs/page/2/"), "../../../");
        assert_eq!(base_path("https://x.org/gongshi"), "/gongshi/");
        assert_eq!(base_path("https://x.org"), "/");
    }

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
