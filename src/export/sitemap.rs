//! `/sitemap.xml` and `/robots.txt`. The sitemap lists every public page the renderer writes —
//! home, content pages, search, the data catalogue, the change list, every listing page with
//! its pagination, facet pages, record pages and organisation pages — but not the 404 page or the
//! notice-ended pages (all `noindex`). Over 50,000 URLs it becomes a sitemap index of
//! `/sitemap-N.xml` files (the protocol's limit per file; they sit at the root because a
//! sitemap may only list URLs under its own folder).

use super::feeds::esc;
use crate::config::SiteConfig;
use crate::notice::PublishedSet;
use crate::text::{facet_segment, url_segment};
use chrono::NaiveDate;

pub const URLS_PER_FILE: usize = 50_000;

/// What besides the collections the site has.
pub struct SitePages<'a> {
    pub content_slugs: Vec<&'a str>,
    pub has_changes: bool,
    /// The organisation pages.
    pub orgs: &'a crate::org::OrgIndex,
}

/// `(path, bytes)` of `sitemap.xml` (and its parts when there are many pages).
pub fn sitemaps(
    config: &SiteConfig,
    set: &PublishedSet,
    pages: &SitePages,
) -> Vec<(String, Vec<u8>)> {
    let urls = page_urls(config, set, pages);
    split(&urls, &config.site.base_url, set.as_of, URLS_PER_FILE)
}

/// One urlset, or an index of urlsets of at most `per_file` URLs each.
fn split(
    urls: &[(String, NaiveDate)],
    base: &str,
    as_of: NaiveDate,
    per_file: usize,
) -> Vec<(String, Vec<u8>)> {
    if urls.len() <= per_file {
        return vec![("sitemap.xml".into(), urlset(urls))];
    }
    let mut files = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (n, chunk) in urls.chunks(per_file).enumerate() {
        let name = format!("sitemap-{}.xml", n + 1);
        let lastmod = chunk.iter().map(|(_, d)| *d).max().unwrap_or(as_of);
        index.push_str(&format!(
            "<sitemap><loc>{}</loc><lastmod>{lastmod}</lastmod></sitemap>\n",
            esc(&format!("{base}{name}"))
        ));
        files.push((name, urlset(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    files.push(("sitemap.xml".into(), index.into_bytes()));
    files
}

fn urlset(urls: &[(String, NaiveDate)]) -> Vec<u8> {
    let mut x = String::with_capacity(128 + urls.len() * 100);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (loc, lastmod) in urls {
        x.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{lastmod}</lastmod></url>\n",
            esc(loc)
        ));
    }
    x.push_str("</urlset>\n");
    x.into_bytes()
}

/// Every public page's absolute URL and last change: a record page changes when it is
/// published or corrected; other pages show the as-of date, so they change with every build.
fn page_urls(
    config: &SiteConfig,
    set: &PublishedSet,
    pages: &SitePages,
) -> Vec<(String, NaiveDate)> {
    let base = &config.site.base_url;
    let as_of = set.as_of;
    let mut urls = vec![(base.clone(), as_of)];
    for slug in &pages.content_slugs {
        urls.push((format!("{base}{}/", url_segment(slug)), as_of));
    }
    urls.push((format!("{base}search/"), as_of));
    urls.push((format!("{base}data/"), as_of));
    urls.push((format!("{base}stats/"), as_of));
    if pages.has_changes {
        urls.push((format!("{base}changes/"), as_of));
    }
    let size = config.site.page_size.max(1);
    let paged = |urls: &mut Vec<(String, NaiveDate)>, path: &str, count: usize| {
        urls.push((format!("{base}{path}"), as_of));
        for page in 2..=count.div_ceil(size) {
            urls.push((format!("{base}{path}page/{page}/"), as_of));
        }
    };
    for pc in &set.collections {
        let c = &pc.def;
        paged(&mut urls, &format!("{}/", c.key), pc.records.len());
        for facet in &pc.facets {
            let f = &c.fields[facet.field];
            urls.push((format!("{base}{}/{}/", c.key, f.key), as_of));
            for v in &facet.values {
                let path = format!(
                    "{}/{}/{}/",
                    c.key,
                    f.key,
                    url_segment(&facet_segment(&v.value))
                );
                paged(&mut urls, &path, v.records.len());
            }
        }
        for r in &pc.records {
            let notice = &r.record.notice;
            let changed = notice
                .history
                .iter()
                .map(|h| h.date)
                .filter(|d| *d <= as_of)
                .fold(notice.published, NaiveDate::max);
            urls.push((format!("{base}{}/{}/", c.key, r.record.id), changed));
        }
    }
    // An organisation page changes with its newest record.
    for org in &pages.orgs.orgs {
        let newest = org
            .records
            .iter()
            .zip(&set.collections)
            .filter_map(|(records, pc)| {
                let r = &pc.records[*records.first()?].record;
                Some(r.notice.published)
            })
            .max()
            .unwrap_or(as_of);
        urls.push((format!("{base}{}", org.path()), newest));
    }
    urls
}

/// `robots.txt`: everything may be crawled; points to the sitemap. (It names no path to keep
/// crawlers out of: a list of such paths is the first thing a curious reader opens.)
pub fn robots(config: &SiteConfig) -> Vec<u8> {
    let base = &config.site.base_url;
    format!("User-agent: *\nDisallow:\n\nSitemap: {base}sitemap.xml\n").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_urls_become_a_sitemap_index() {
        let day = NaiveDate::from_ymd_opt(2024, 4, 15).unwrap();
        let urls: Vec<(String, NaiveDate)> = (0..5)
            .map(|i| (format!("https://x.org/labs/{i}/"), day))
            .collect();
        let one = split(&urls, "https://x.org/", day, 5);
        assert_eq!(one.len(), 1);
        let files = split(&urls, "https://x.org/", day, 2);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml",
                "sitemap.xml"
            ]
        );
        let index = String::from_utf8(files[3].1.clone()).unwrap();
        assert!(index.contains("<sitemapindex"));
        assert!(index.contains("<loc>https://x.org/sitemap-3.xml</loc>"));
        let last = String::from_utf8(files[2].1.clone()).unwrap();
        assert_eq!(last.matches("<url>").count(), 1);
    }
}
