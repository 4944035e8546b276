//! Writes a Hugo site holding the same content gongshi publishes, for the scale benchmark's
//! `--hugo` comparison. The records come from gongshi's own front half (load, validate, notice
//! rules at the as-of date, masking), so Hugo gets exactly the published set: one page per
//! record on notice (JSON front matter with the displayed fields, markdown fields as the body),
//! one short page per taken-down record, a section per collection paginated like site.yaml's
//! `page_size`, and a taxonomy per facet field so Hugo makes the facet listings too. Values are
//! plain text: the rendering (escaping, markdown, tables, pagination) is left to Hugo's
//! templates in `bench/hugo/layouts`, as gongshi's is to its theme.

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use gongshi::config::{Collection, FacetKind, FieldType, SiteConfig};
use gongshi::notice::{PublicRecord, PublishedSet, TakenDown};
use gongshi::record::Value;
use gongshi::render::view::LinkIndex;
use rayon::prelude::*;
use serde_json::{json, Map, Value as Json};
use std::path::Path;

/// What was written, for the benchmark's page-count comparison.
pub struct Written {
    pub records: usize,
    pub taken_down: usize,
}

/// Reads the site at `as_of` as a gongshi build would and writes its Hugo twin into `dest`.
pub fn write(site: &Path, dest: &Path, as_of: NaiveDate) -> Result<Written> {
    let checked = gongshi::pipeline::check(site, as_of, gongshi::load::DEFAULT_MAX_FILE_BYTES)
        .map_err(|d| anyhow::anyhow!("{} diagnostics loading {}", d.len(), site.display()))?;
    if checked.has_errors(false) {
        bail!("{} has errors: gongshi would not build it", site.display());
    }
    let config = checked.config;
    let set = gongshi::notice::publish(&config, checked.dataset, as_of);
    let links = LinkIndex::new(&config, &set);

    if dest.exists() {
        std::fs::remove_dir_all(dest).context("old Hugo site")?;
    }
    copy_layouts(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/hugo/layouts"),
        &dest.join("layouts"),
    )?;
    std::fs::write(dest.join("hugo.toml"), hugo_toml(&config)).context("hugo.toml")?;
    let content = dest.join("content");
    std::fs::create_dir_all(&content).context("content folder")?;
    write_page(
        &content.join("_index.md"),
        &json!({ "title": config.site.title }),
        "",
    )?;
    let mut written = Written {
        records: 0,
        taken_down: 0,
    };
    for (ci, c) in config.collections.iter().enumerate() {
        let dir = content.join(&c.key);
        std::fs::create_dir_all(&dir).context("content folder")?;
        let listed: Vec<&str> = c
            .listed
            .iter()
            .map(|&i| c.fields[i].label.as_str())
            .collect();
        let front = json!({ "title": c.title, "description": c.description, "listed": listed });
        write_page(&dir.join("_index.md"), &front, "")?;
        let pc = &set.collections[ci];
        pc.records.par_iter().try_for_each(|r| {
            let (front, body) = record_page(&config, &set, &links, ci, r);
            write_page(&dir.join(format!("{}.md", r.record.id)), &front, &body)
        })?;
        pc.taken_down.par_iter().try_for_each(|t| {
            write_page(&dir.join(format!("{}.md", t.id)), &takedown_page(t), "")
        })?;
        for f in c.fields.iter().filter(|f| f.facet.is_some()) {
            let dir = content.join(taxonomy(c, &f.key));
            std::fs::create_dir_all(&dir).context("taxonomy folder")?;
            let title = format!("{} · {}", c.title, f.label);
            write_page(&dir.join("_index.md"), &json!({ "title": title }), "")?;
        }
        written.records += pc.records.len();
        written.taken_down += pc.taken_down.len();
    }
    Ok(written)
}

/// The Hugo taxonomy of a facet field: per collection, as gongshi's facets are.
fn taxonomy(c: &Collection, field: &str) -> String {
    format!("{}_{}", c.key, field)
}

fn hugo_toml(config: &SiteConfig) -> String {
    let mut taxonomies = String::new();
    let mut facets = String::new();
    let mut collection_of = String::new();
    for c in &config.collections {
        let mut list = Vec::new();
        for f in c.fields.iter().filter(|f| f.facet.is_some()) {
            let tax = taxonomy(c, &f.key);
            taxonomies.push_str(&format!("{tax} = \"{tax}\"\n"));
            collection_of.push_str(&format!("{tax} = \"{}\"\n", c.key));
            list.push(format!(
                "{{ taxonomy = \"{tax}\", label = \"{}\" }}",
                f.label
            ));
        }
        facets.push_str(&format!("{} = [{}]\n", c.key, list.join(", ")));
    }
    // Pages only, as the comparison says: gongshi's feeds, sitemap and datasets have no Hugo
    // counterpart here. Labels and titles are site.yaml's own text (no quotes in them).
    format!(
        "baseURL = \"{base}\"\n\
         languageCode = \"zh-CN\"\n\
         title = \"{title}\"\n\
         paginate = {size}\n\
         disableKinds = [\"RSS\", \"sitemap\", \"robotsTXT\"]\n\
         \n[taxonomies]\n{taxonomies}\
         \n[params]\nsidebar_values = 12\n\
         \n[params.facets]\n{facets}\
         \n[params.collection_of]\n{collection_of}",
        base = config.site.base_url,
        title = config.site.title,
        size = config.site.page_size,
    )
}

/// Front matter and body of a record on notice.
fn record_page(
    config: &SiteConfig,
    set: &PublishedSet,
    links: &LinkIndex,
    ci: usize,
    r: &PublicRecord,
) -> (Json, String) {
    let c = &config.collections[ci];
    let mut front = Map::new();
    let mut fields = Vec::new();
    let mut body = String::new();
    for (fi, f) in c.fields.iter().enumerate() {
        let Some(value) = r.record.value(fi) else {
            continue;
        };
        let terms = f.facet.map(|kind| facet_terms(value, kind));
        if let Some(terms) = &terms {
            front.insert(taxonomy(c, &f.key), json!(terms));
        }
        match (value, &f.ty) {
            // Markdown goes in the body, for Hugo's own markdown renderer.
            (Value::Markdown(text), _) => {
                body.push_str(&format!("## {}\n\n{}\n\n", f.label, text));
            }
            (Value::Ref(id), FieldType::Ref(target)) => {
                let target_c = &config.collections[*target];
                let on_notice = set.find(*target, id).is_some();
                let title = links.title(*target, id).unwrap_or("（不在公示期内）");
                let href = on_notice.then(|| format!("/{}/{}/", target_c.key, id));
                fields.push(json!({ "label": f.label, "value": title, "href": href }));
            }
            _ => fields.push(json!({
                "label": f.label,
                "value": display(value),
                "filters": terms,
            })),
        }
    }
    let title = gongshi::render::view::title_of(c, &r.record);
    let row: Vec<String> = c
        .listed
        .iter()
        .map(|&i| r.record.value(i).map(display).unwrap_or_default())
        .collect();
    let history: Vec<Json> = r
        .record
        .notice
        .history
        .iter()
        .map(|h| json!({ "date": h.date.to_string(), "summary": h.summary }))
        .collect();
    front.insert("title".into(), json!(title));
    front.insert("date".into(), json!(r.record.notice.published.to_string()));
    front.insert("last_day".into(), json!(r.last_day.map(|d| d.to_string())));
    front.insert("record_id".into(), json!(r.record.id.as_str()));
    front.insert("collection_title".into(), json!(c.title));
    front.insert("fields".into(), Json::Array(fields));
    front.insert("row".into(), json!(row));
    front.insert("history".into(), Json::Array(history));
    // gongshi works out who refers to a record during its build; Hugo has no cheap reverse
    // lookup (a `where` over every page per page), so the converter hands them over as content.
    let backlinks: Vec<Json> = links
        .backlinks(ci, &r.record.id)
        .iter()
        .map(|l| json!({ "href": format!("/{}", l.href), "title": l.title, "source": l.collection_title, "via": l.via }))
        .collect();
    front.insert("backlinks".into(), Json::Array(backlinks));
    (Json::Object(front), body)
}

/// A taken-down record keeps its URL with a short notice, out of every listing.
fn takedown_page(t: &TakenDown) -> Json {
    json!({
        "title": "公示已结束",
        "layout": "takedown",
        "_build": { "list": "never" },
        "published": t.published.to_string(),
        "ended": t.ended.to_string(),
        "reason": t.withdrawn_reason,
    })
}

fn facet_terms(value: &Value, kind: FacetKind) -> Vec<String> {
    match (value, kind) {
        (Value::Date(d), FacetKind::Year) => vec![chrono::Datelike::year(d).to_string()],
        (Value::List(items), _) => items.iter().map(Value::plain_text).collect(),
        (v, _) => vec![v.plain_text()],
    }
}

/// A value as a reader sees it on a gongshi page, as plain text.
fn display(value: &Value) -> String {
    match value {
        Value::Money(m) => format!("{} 元", m.display()),
        Value::Bool(b) => (if *b { "是" } else { "否" }).to_string(),
        Value::List(items) => items.iter().map(display).collect::<Vec<_>>().join("、"),
        other => other.plain_text(),
    }
}

/// Hugo reads front matter as JSON when a page starts with `{`.
fn write_page(path: &Path, front: &Json, body: &str) -> Result<()> {
    let mut text = serde_json::to_string(front)?;
    text.push_str("\n\n");
    text.push_str(body);
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

fn copy_layouts(from: &Path, to: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry?;
        let rel = entry.path().strip_prefix(from)?;
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(to.join(rel))?;
        } else {
            std::fs::copy(entry.path(), to.join(rel))?;
        }
    }
    Ok(())
}
