//! What changed since an earlier build. Every build writes `/data/manifest.json` (each
//! published record's collection, id and content hash, and the as-of date); given an earlier
//! build's manifest, the build lists the records added, corrected (content hash changed) and
//! taken down (expired, withdrawn or gone) since then, for `/changes/` and the feeds.
//!
//! A record's content hash is the SHA-256 of its `/<collection>/<id>.json` file, so anyone can
//! check a hash against the published file.

use super::ExportError;
use crate::config::SiteConfig;
pub use crate::exported::{Change, ChangeList, TakedownReason};
pub use crate::manifest::{
    read_manifest, read_previous, Manifest, ManifestEntry, PreviousError, MANIFEST_FORMAT,
};
use crate::notice::{PublicRecord, PublishedCollection, PublishedSet, TakenDown};
use crate::output::Staging;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// Compares the earlier manifest with this build's. `titles` gives each published record's
/// title by (collection index, record index), in the set's order.
pub fn diff(
    config: &SiteConfig,
    set: &PublishedSet,
    previous: &Manifest,
    current: &Manifest,
    title: &dyn Fn(usize, usize) -> String,
) -> ChangeList {
    let before = hashes(previous);
    let now = hashes(current);
    let base = &config.site.base_url;
    let mut list = ChangeList {
        since: previous.as_of,
        as_of: set.as_of,
        added: Vec::new(),
        corrected: Vec::new(),
        taken_down: Vec::new(),
    };
    for (ci, pc) in set.collections.iter().enumerate() {
        let c = &pc.def;
        for (ri, r) in pc.records.iter().enumerate() {
            let id = r.record.id.as_str();
            let change = |date, detail| Change {
                collection: c.key.clone(),
                id: id.to_string(),
                url: format!("{base}{}/{id}/", c.key),
                title: Some(title(ci, ri)),
                date,
                detail,
                reason: None,
            };
            match (
                before.get(&(c.key.as_str(), id)),
                now.get(&(c.key.as_str(), id)),
            ) {
                (None, _) => list
                    .added
                    .push(change(Some(r.record.notice.published), None)),
                (Some(old), Some(new)) if old != new => {
                    let (date, detail) = corrections_since(r, previous.as_of, set.as_of);
                    list.corrected.push(change(Some(date), detail));
                }
                _ => {}
            }
        }
        list.taken_down
            .extend(taken_down_since(pc, previous, &now, base));
    }
    sort_changes(config, &mut list);
    list
}

/// Each record's content hash in `manifest`, by (collection, id).
fn hashes(manifest: &Manifest) -> HashMap<(&str, &str), &str> {
    manifest
        .records
        .iter()
        .map(|r| ((r.collection.as_str(), r.id.as_str()), r.hash.as_str()))
        .collect()
}

/// A changed record's date and detail: its newest correction since `since` and their
/// summaries, or the as-of date and no detail when its history records none.
fn corrections_since(
    r: &PublicRecord,
    since: NaiveDate,
    as_of: NaiveDate,
) -> (NaiveDate, Option<String>) {
    let recent: Vec<_> = r
        .record
        .notice
        .history
        .iter()
        .filter(|h| h.date > since)
        .collect();
    let date = recent.iter().map(|h| h.date).max().unwrap_or(as_of);
    let detail = (!recent.is_empty()).then(|| {
        recent
            .iter()
            .map(|h| h.summary.as_str())
            .collect::<Vec<_>>()
            .join("；")
    });
    (date, detail)
}

/// The records of `pc`'s collection the earlier build published and this one does not, and
/// why: withdrawn, expired, or gone from the data.
fn taken_down_since(
    pc: &PublishedCollection,
    previous: &Manifest,
    now: &HashMap<(&str, &str), &str>,
    base: &str,
) -> Vec<Change> {
    let c = &pc.def;
    let taken: BTreeMap<&str, &TakenDown> =
        pc.taken_down.iter().map(|t| (t.id.as_str(), t)).collect();
    let mut changes = Vec::new();
    for r in previous.records.iter().filter(|r| r.collection == c.key) {
        if now.contains_key(&(c.key.as_str(), r.id.as_str())) {
            continue;
        }
        let t = taken.get(r.id.as_str());
        let reason = match t {
            Some(t) if t.withdrawn_reason.is_some() => TakedownReason::Withdrawn,
            Some(_) => TakedownReason::Expired,
            None => TakedownReason::Removed,
        };
        changes.push(Change {
            collection: c.key.clone(),
            id: r.id.clone(),
            url: format!("{base}{}/{}/", c.key, r.id),
            title: None,
            date: t.map(|t| t.ended),
            detail: t.and_then(|t| t.withdrawn_reason.clone()),
            reason: Some(reason),
        });
    }
    changes
}

/// Newest first, then in site.yaml's collection order, then by id.
fn sort_changes(config: &SiteConfig, list: &mut ChangeList) {
    let order =
        |c: &SiteConfig, x: &Change| c.collections.iter().position(|k| k.key == x.collection);
    for changes in [&mut list.added, &mut list.corrected, &mut list.taken_down] {
        changes.sort_by(|a, b| {
            b.date
                .cmp(&a.date)
                .then_with(|| order(config, a).cmp(&order(config, b)))
                .then_with(|| a.id.cmp(&b.id))
        });
    }
}

/// `/changes/changes.json`: the list as data (render makes the `/changes/` page).
pub fn write_json(list: &ChangeList, staging: &Staging) -> Result<(), ExportError> {
    let json = serde_json::to_value(list).unwrap_or_default();
    staging.write("changes/changes.json", &super::pretty(&json))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_round_trips() {
        let m = Manifest {
            format: MANIFEST_FORMAT.into(),
            as_of: NaiveDate::from_ymd_opt(2024, 4, 15).unwrap(),
            records: vec![ManifestEntry {
                collection: "labs".into(),
                id: "a".into(),
                hash: "sha256:00".into(),
            }],
        };
        let bytes = m.to_json();
        let back: Manifest = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, m);
    }
}
