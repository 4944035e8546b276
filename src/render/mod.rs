//! Rendering: every HTML page of the site from the published record set, through tera templates
//! (the theme's, or the bundled default, compacted once at load), written through the staging
//! directory.
//! Links are relative to the page, so the site works under any base path and from `file://`.

mod chrome;
mod datapages;
mod fold;
mod listing;
pub mod memo;
pub mod minify;
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
    /// `--minify`: site-level pages are minified (see [`minify`]).
    minify: bool,
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
        minify: bool,
    ) -> Result<Self, RenderError> {
        let mut theme = theme::Theme::load(config, minify).map_err(RenderError::Theme)?;
        let nav: Vec<NavItem> = set
            .collections
            .iter()
            .map(|pc| NavItem {
                title: pc.def.title.clone(),
                path: format!("{}/", pc.def.key),
                count: pc.records.len(),
            })
            .collect();
        let shared = shared_vars(config, set, &theme, &nav, &pages);
        let shared_hash = shared_hash(&shared, &theme);
        *theme.tera.global_context() = shared.into_context();
        let record_templates = config
            .collections
            .iter()
            .map(|c| record_template(&theme, c))
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
            collection_values: config
                .collections
                .iter()
                .map(|c| tera::Value::from_serializable(&collection_ctx(c)))
                .collect(),
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
            minify,
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

    /// Renders a site-level page (`template` with the shared context plus the page's own
    /// `ctx`) and writes it, minified under `--minify`.
    fn write_page(&self, template: &str, path: &str, ctx: PageVars) -> Result<(), RenderError> {
        self.render_page(template, path, ctx, self.minify)
    }

    /// Renders and writes one of the many pages of single records and organisations, which
    /// are never minified (see [`minify`]).
    fn write_entity_page(
        &self,
        template: &str,
        path: &str,
        ctx: PageVars,
    ) -> Result<(), RenderError> {
        self.render_page(template, path, ctx, false)
    }

    fn render_page(
        &self,
        template: &str,
        path: &str,
        mut ctx: PageVars,
        minify: bool,
    ) -> Result<(), RenderError> {
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
        if minify {
            html = minify::page(&html);
        }
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
        self.write_entity_page(&template.name, &path, ctx)
    }

    fn takedown_page(&self, ci: usize, t: &TakenDown) -> Result<(), RenderError> {
        let c = &self.config.collections[ci];
        let path = view::record_path(c, &t.id);
        let mut ctx = self.base_context(&path, self.t("notice_ended"));
        ctx.insert_value("collection", self.collection_values[ci].clone());
        ctx.insert("notice", t);
        ctx.insert("noindex", &true);
        self.write_entity_page("takedown.html", &path, ctx)
    }
}

/// What every page shares, which goes into tera's global context once rather than being
/// copied into each of 100,000 pages' contexts.
fn shared_vars(
    config: &SiteConfig,
    set: &PublishedSet,
    theme: &theme::Theme,
    nav: &[NavItem],
    pages: &[ContentPage],
) -> PageVars {
    let page_links: Vec<PageLink> = pages
        .iter()
        .map(|p| PageLink {
            slug: &p.slug,
            title: &p.title,
        })
        .collect();
    let mut shared = PageVars::shared();
    shared.insert("site", &config.site);
    // Sorted, so live rebuilds' hash of the shared variables is the same every build.
    let strings: BTreeMap<&String, &String> = theme.strings.iter().collect();
    shared.insert("t", &strings);
    shared.insert("nav", nav);
    shared.insert("content_pages", &page_links);
    shared.insert("as_of", &set.as_of.to_string());
    shared.insert("asset_version", &theme.asset_version);
    shared.insert("noindex", &false);
    shared.insert("alternates", &Vec::<(String, String, String)>::new());
    shared
}

/// The hash of what all pages share (variables, templates, static files), which goes into
/// each page's hash for live rebuilds.
fn shared_hash(shared: &PageVars, theme: &theme::Theme) -> u64 {
    let mut hasher = HashWriter::new();
    shared.hash_into(&mut hasher);
    std::hash::Hash::hash(&theme.templates_hash, &mut hasher.0);
    std::hash::Hash::hash(&theme.asset_version, &mut hasher.0);
    std::hash::Hasher::finish(&hasher.0)
}

/// Collection `c`'s record template: the one site.yaml names, else `record-<key>.html`, else
/// `record.html`.
fn record_template(theme: &theme::Theme, c: &Collection) -> Result<RecordTemplate, RenderError> {
    let name = c
        .template
        .clone()
        .filter(|t| theme.has(t))
        .or_else(|| Some(format!("record-{}.html", c.key)).filter(|t| theme.has(t)))
        .unwrap_or_else(|| "record.html".to_string());
    RecordTemplate::of(&theme.tera, name)
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
}
