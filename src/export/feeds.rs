//! Atom feeds (RFC 4287): `/<collection>/feed.xml` per collection and `/feed.xml` for all
//! notices, newest first, the last `site.feed_entries` entries. An entry is a new notice, a
//! correction from a record's `history`, or — when an earlier build's manifest is known — a
//! record whose published content changed without a recorded correction. Dates are days in
//! China Standard Time.
//!
//! A notice that ended is announced as a deletion (RFC 6721 `at:deleted-entry`), so a follower
//! learns it no longer stands: withdrawals in the site and collection feeds, withdrawals and
//! expiries in an organisation's feed (`/org/<code>/feed.xml`).

use super::changes::ChangeList;
use crate::config::SiteConfig;
use crate::notice::{PublicRecord, PublishedSet, TakenDown};
use crate::org::OrgIndex;
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::HashMap;

const TOMBSTONES_NS: &str = "http://purl.org/atompub/tombstones/1.0";

/// A record whose notice ended, announced as an RFC 6721 deletion.
struct Deleted<'a> {
    collection: usize,
    taken_down: &'a TakenDown,
}

fn sort_deleted(deleted: &mut [Deleted]) {
    deleted.sort_by(|a, b| {
        b.taken_down
            .ended
            .cmp(&a.taken_down.ended)
            .then(a.collection.cmp(&b.collection))
            .then_with(|| a.taken_down.id.cmp(&b.taken_down.id))
    });
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Notice,
    Correction(String),
    Changed,
}

struct Entry<'a> {
    date: NaiveDate,
    collection: usize,
    /// Index of the record in its collection's published records.
    index: usize,
    record: &'a PublicRecord,
    kind: Kind,
}

/// Text every feed needs besides the records.
pub struct FeedText<'a> {
    /// Title of each published record, per collection, in the set's order.
    pub titles: Vec<&'a [String]>,
    /// Summary line of each published record (its listed fields), same shape.
    pub summaries: &'a [Vec<String>],
    pub strings: &'a HashMap<String, String>,
}

impl FeedText<'_> {
    fn t<'k>(&'k self, key: &'k str, fallback: &'k str) -> &'k str {
        self.strings.get(key).map_or(fallback, String::as_str)
    }
}

/// `(path, bytes)` of every feed: one per collection, then `feed.xml`.
pub fn feeds(
    config: &SiteConfig,
    set: &PublishedSet,
    changes: Option<&ChangeList>,
    text: &FeedText,
) -> Vec<(String, Vec<u8>)> {
    let limit = config.site.feed_entries;
    let mut all = Vec::new();
    let mut out = Vec::new();
    let mut all_deleted = Vec::new();
    for (ci, c) in config.collections.iter().enumerate() {
        let mut entries = collection_entries(config, set, ci, changes);
        sort(&mut entries);
        entries.truncate(limit);
        let mut deleted: Vec<Deleted> = set.collections[ci]
            .taken_down
            .iter()
            .filter(|t| t.withdrawn_reason.is_some())
            .map(|taken_down| Deleted {
                collection: ci,
                taken_down,
            })
            .collect();
        sort_deleted(&mut deleted);
        deleted.truncate(limit);
        let title = format!("{} · {}", c.title, config.site.title);
        let path = format!("{}/feed.xml", c.key);
        let page = format!("{}{}/", config.site.base_url, c.key);
        let feed = Feed {
            path: &path,
            page: &page,
            title: &title,
            subtitle: &c.description,
        };
        out.push((
            path.clone(),
            atom(config, &feed, &entries, &deleted, set.as_of, text),
        ));
        all.extend(entries);
        all_deleted.extend(deleted);
    }
    sort(&mut all);
    all.truncate(limit);
    sort_deleted(&mut all_deleted);
    all_deleted.truncate(limit);
    let description = if config.site.description.is_empty() {
        config.site.title.clone()
    } else {
        config.site.description.clone()
    };
    let feed = Feed {
        path: "feed.xml",
        page: &config.site.base_url,
        title: &config.site.title,
        subtitle: &description,
    };
    out.push((
        "feed.xml".to_string(),
        atom(config, &feed, &all, &all_deleted, set.as_of, text),
    ));
    out
}

/// `(path, bytes)` of each organisation's feed: its notices and their corrections, and, as
/// deletions, its notices that were withdrawn or expired.
pub fn org_feeds(
    config: &SiteConfig,
    set: &PublishedSet,
    orgs: &OrgIndex,
    text: &FeedText,
) -> Vec<(String, Vec<u8>)> {
    let limit = config.site.feed_entries;
    orgs.orgs
        .par_iter()
        .map(|org| {
            let mut entries = Vec::new();
            for (ci, records) in org.records.iter().enumerate() {
                let pc = &set.collections[ci];
                for &index in records {
                    let record = &pc.records[index];
                    entries.push(Entry {
                        date: record.record.notice.published,
                        collection: ci,
                        index,
                        record,
                        kind: Kind::Notice,
                    });
                    for h in &record.record.notice.history {
                        entries.push(Entry {
                            date: h.date,
                            collection: ci,
                            index,
                            record,
                            kind: Kind::Correction(h.summary.clone()),
                        });
                    }
                }
            }
            sort(&mut entries);
            entries.truncate(limit);
            let mut deleted: Vec<Deleted> = org
                .taken_down
                .iter()
                .enumerate()
                .flat_map(|(ci, ts)| {
                    ts.iter().map(move |&ti| Deleted {
                        collection: ci,
                        taken_down: &set.collections[ci].taken_down[ti],
                    })
                })
                .collect();
            sort_deleted(&mut deleted);
            deleted.truncate(limit);
            let path = format!("{}feed.xml", org.path());
            let page = format!("{}{}", config.site.base_url, org.path());
            let title = format!("{} · {}", org.name, config.site.title);
            let subtitle = format!(
                "{} {}",
                text.t("org_credit_code", "统一社会信用代码"),
                org.code
            );
            let feed = Feed {
                path: &path,
                page: &page,
                title: &title,
                subtitle: &subtitle,
            };
            let bytes = atom(config, &feed, &entries, &deleted, set.as_of, text);
            (path, bytes)
        })
        .collect()
}

/// A feed's own address, its page's, and its title and subtitle.
struct Feed<'a> {
    path: &'a str,
    page: &'a str,
    title: &'a str,
    subtitle: &'a str,
}

fn sort(entries: &mut [Entry]) {
    entries.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then(a.collection.cmp(&b.collection))
            .then_with(|| a.record.record.id.cmp(&b.record.record.id))
            .then_with(|| a.kind.cmp(&b.kind))
    });
}

fn collection_entries<'a>(
    config: &SiteConfig,
    set: &'a PublishedSet,
    ci: usize,
    changes: Option<&ChangeList>,
) -> Vec<Entry<'a>> {
    let pc = &set.collections[ci];
    let limit = config.site.feed_entries;
    // Records are newest first: the newest notices are the first `limit`.
    let mut entries: Vec<Entry> = pc
        .records
        .iter()
        .take(limit)
        .enumerate()
        .map(|(index, r)| Entry {
            date: r.record.notice.published,
            collection: ci,
            index,
            record: r,
            kind: Kind::Notice,
        })
        .collect();
    for (index, r) in pc.records.iter().enumerate() {
        for h in &r.record.notice.history {
            entries.push(Entry {
                date: h.date,
                collection: ci,
                index,
                record: r,
                kind: Kind::Correction(h.summary.clone()),
            });
        }
    }
    if let Some(changes) = changes {
        let key = &config.collections[ci].key;
        for change in changes
            .corrected
            .iter()
            .filter(|c| &c.collection == key && c.detail.is_none())
        {
            let found = pc
                .records
                .iter()
                .enumerate()
                .find(|(_, r)| r.record.id.as_str() == change.id);
            if let Some((index, r)) = found {
                entries.push(Entry {
                    date: change.date.unwrap_or(set.as_of),
                    collection: ci,
                    index,
                    record: r,
                    kind: Kind::Changed,
                });
            }
        }
    }
    entries
}

fn day(d: NaiveDate) -> String {
    format!("{d}T00:00:00+08:00")
}

fn atom(
    config: &SiteConfig,
    feed: &Feed,
    entries: &[Entry],
    deleted: &[Deleted],
    as_of: NaiveDate,
    text: &FeedText,
) -> Vec<u8> {
    let updated = entries
        .iter()
        .map(|e| e.date)
        .chain(deleted.iter().map(|d| d.taken_down.ended))
        .max()
        .unwrap_or(as_of);
    let mut x = String::with_capacity(1024 + entries.len() * 512);
    push_head(&mut x, config, feed, updated, !deleted.is_empty());
    for e in entries {
        push_entry(&mut x, config, e, text);
    }
    for d in deleted {
        push_deleted(&mut x, config, d, text);
    }
    x.push_str("</feed>\n");
    x.into_bytes()
}

/// The XML declaration, the `<feed>` element and the feed's own elements, up to its entries.
fn push_head(
    x: &mut String,
    config: &SiteConfig,
    feed: &Feed,
    updated: NaiveDate,
    deletions: bool,
) {
    let Feed {
        path,
        page,
        title,
        subtitle,
    } = *feed;
    let base = &config.site.base_url;
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    // The tombstone namespace only where there are deletions: other feeds keep their bytes.
    let tombstones = if deletions {
        format!(" xmlns:at=\"{TOMBSTONES_NS}\"")
    } else {
        String::new()
    };
    x.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"{tombstones} xml:lang=\"{}\">\n",
        esc(&config.site.language)
    ));
    x.push_str(&format!("<id>{}</id>\n", esc(&format!("{base}{path}"))));
    x.push_str(&format!("<title>{}</title>\n", esc(title)));
    if !subtitle.is_empty() {
        x.push_str(&format!("<subtitle>{}</subtitle>\n", esc(subtitle)));
    }
    x.push_str(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        esc(&format!("{base}{path}"))
    ));
    x.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        esc(page)
    ));
    x.push_str(&format!("<updated>{}</updated>\n", day(updated)));
    x.push_str(&format!(
        "<author><name>{}</name></author>\n",
        esc(&config.site.bureau)
    ));
    if let Some(l) = &config.site.licence {
        x.push_str(&format!("<rights>{}</rights>\n", esc(&l.name)));
    }
    x.push_str("<generator>gongshi</generator>\n");
}

/// One `<entry>`: a new notice, a correction from its history, or a change found against the
/// earlier build.
fn push_entry(x: &mut String, config: &SiteConfig, e: &Entry, text: &FeedText) {
    let base = &config.site.base_url;
    let c = &config.collections[e.collection];
    let (r, ri) = (e.record, e.index);
    let url = format!("{base}{}/{}/", c.key, r.record.id);
    let record_title = &text.titles[e.collection][ri];
    let (id, entry_title, summary, published) = match &e.kind {
        Kind::Notice => (
            url.clone(),
            record_title.clone(),
            text.summaries[e.collection][ri].clone(),
            r.record.notice.published,
        ),
        Kind::Correction(summary) => (
            format!(
                "{url}#correction-{}-{}",
                e.date,
                &crate::output::sha256_hex(summary.as_bytes())[..8]
            ),
            format!("{}：{record_title}", text.t("correction", "更正")),
            summary.clone(),
            e.date,
        ),
        Kind::Changed => (
            format!("{url}#changed-{}", e.date),
            format!("{}：{record_title}", text.t("correction", "更正")),
            text.t("content_changed", "公示内容已更新").to_string(),
            e.date,
        ),
    };
    x.push_str("<entry>\n");
    x.push_str(&format!("<id>{}</id>\n", esc(&id)));
    x.push_str(&format!("<title>{}</title>\n", esc(&entry_title)));
    x.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        esc(&url)
    ));
    x.push_str(&format!("<published>{}</published>\n", day(published)));
    x.push_str(&format!("<updated>{}</updated>\n", day(e.date)));
    x.push_str(&format!(
        "<category term=\"{}\" label=\"{}\"/>\n",
        esc(&c.key),
        esc(&c.title)
    ));
    if !summary.is_empty() {
        x.push_str(&format!(
            "<summary type=\"text\">{}</summary>\n",
            esc(&summary)
        ));
    }
    x.push_str("</entry>\n");
}

/// An `at:deleted-entry` whose `ref` is the notice's entry id (its page's URL).
fn push_deleted(x: &mut String, config: &SiteConfig, d: &Deleted, text: &FeedText) {
    let c = &config.collections[d.collection];
    let t = d.taken_down;
    let url = format!("{}{}/{}/", config.site.base_url, c.key, t.id);
    let comment = match &t.withdrawn_reason {
        Some(reason) => format!("{}：{reason}", text.t("withdrawn_reason", "撤下原因")),
        None => text.t("notice_ended", "公示已结束").to_string(),
    };
    x.push_str(&format!(
        "<at:deleted-entry ref=\"{}\" when=\"{}\">\n",
        esc(&url),
        day(t.ended)
    ));
    x.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        esc(&url)
    ));
    x.push_str(&format!("<at:comment>{}</at:comment>\n", esc(&comment)));
    x.push_str("</at:deleted-entry>\n");
}

/// Escapes text for XML and drops the control characters XML 1.0 cannot carry.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}
