//! Display data of the search results (`search/d/<k>.bin`; the format is in
//! [`super::shards`]): one JSON object per record or organisation, padded to a fixed slot.

use super::orgs::OrgDoc;
use super::shards::{DOC_PACK_BITS, DOC_SLOT};
use super::SearchError;
use crate::config::SiteConfig;
use crate::notice::PublishedSet;
use crate::output::Staging;
use crate::record::Value;

/// How many characters of a record's searchable text its result snippet keeps.
const SNIPPET_CHARS: usize = 240;
/// Key fields shown under a result's title.
const KEY_FIELDS: usize = 3;

/// Display data of one record in a result list: collection index, id, title, date (the
/// decision date where the collection has one, else the publication date), key fields (label,
/// value) and snippet (the searched fields but the title). The search page shows kind, date,
/// title and the snippet; the key fields are for other clients.
#[derive(serde::Serialize)]
struct Display<'a> {
    c: usize,
    id: &'a str,
    t: String,
    d: String,
    f: Vec<[String; 2]>,
    s: String,
}

fn display<'a>(config: &SiteConfig, c: usize, record: &'a crate::record::Record) -> Display<'a> {
    let collection = &config.collections[c];
    let title = record
        .value(collection.title_field)
        .map(Value::plain_text)
        .unwrap_or_default();
    let key_fields: Vec<[String; 2]> = collection
        .listed
        .iter()
        .filter_map(|&i| {
            let v = record.value(i)?;
            Some([collection.fields[i].label.clone(), v.plain_text()])
        })
        .take(KEY_FIELDS)
        .collect();
    let mut snippet = String::new();
    let mut chars = 0;
    for (i, f) in collection.fields.iter().enumerate() {
        if i == collection.title_field || (f.search_weight <= 0.0 && f.identifier.is_none()) {
            continue;
        }
        if let Some(v) = record.value(i) {
            if !snippet.is_empty() {
                snippet.push_str(" · ");
                chars += 3;
            }
            let text = v.text();
            chars += text.chars().count();
            snippet.push_str(&text);
        }
        if chars >= SNIPPET_CHARS {
            break;
        }
    }
    if let Some((cut, _)) = snippet.char_indices().nth(SNIPPET_CHARS) {
        snippet.truncate(cut);
    }
    let date = collection
        .notice
        .decision_date_field
        .and_then(|i| record.value(i))
        .map(Value::plain_text)
        .unwrap_or_else(|| record.notice.published.to_string());
    Display {
        c,
        id: record.id.as_str(),
        t: title,
        d: date,
        f: key_fields,
        s: snippet,
    }
}

/// What a display slot shows: a record (with its collection's index) or an organisation.
enum Shown<'a> {
    Record(usize, &'a crate::record::Record),
    Org(&'a OrgDoc),
}

/// An organisation's result: its name, and its credit code and former names as the snippet.
fn org_display(c: usize, org: &OrgDoc) -> Display<'_> {
    let mut s = org.code.clone();
    for name in &org.former_names {
        s.push_str(" · ");
        s.push_str(name);
    }
    Display {
        c,
        id: &org.code,
        t: org.name.clone(),
        d: String::new(),
        f: Vec::new(),
        s,
    }
}

/// Makes `text` at least `excess` bytes shorter as JSON, ending it with "…" (or empties it).
fn shorten(text: &mut String, excess: usize) {
    const ELLIPSIS: &str = "…";
    // A character costs at least its UTF-8 length in JSON; the ellipsis costs exactly its own.
    let need = excess + ELLIPSIS.len();
    let mut removed = 0;
    while removed < need {
        match text.pop() {
            Some(c) => removed += c.len_utf8(),
            None => return,
        }
    }
    text.push_str(ELLIPSIS);
}

/// The display JSON padded with spaces to [`DOC_SLOT`] bytes, shortening the snippet, then the
/// key fields' values (last first), then the title, then dropping the key fields, until it fits.
fn fit_display(mut d: Display) -> Result<Vec<u8>, SearchError> {
    loop {
        let mut bytes = serde_json::to_vec(&d).map_err(std::io::Error::from)?;
        let Some(excess) = bytes.len().checked_sub(DOC_SLOT) else {
            bytes.resize(DOC_SLOT, b' ');
            return Ok(bytes);
        };
        let excess = excess.max(1);
        if !d.s.is_empty() {
            shorten(&mut d.s, excess);
        } else if let Some(v) = d.f.iter_mut().rev().find(|f| f[1].chars().count() > 1) {
            shorten(&mut v[1], excess);
        } else if d.t.chars().count() > 1 {
            shorten(&mut d.t, excess);
        } else if !d.f.is_empty() {
            d.f.clear();
        } else {
            return Err(SearchError::Usage(format!(
                "record {:?}: its search result does not fit {DOC_SLOT} bytes",
                d.id
            )));
        }
    }
}

/// Writes every record's display slot, `2^DOC_PACK_BITS` records per file. Returns the number
/// of files.
pub(super) fn write_displays(
    config: &SiteConfig,
    set: &PublishedSet,
    orgs: &[OrgDoc],
    staging: &Staging,
) -> Result<u64, SearchError> {
    let mut docs = Vec::new();
    for (c, published) in set.collections.iter().enumerate() {
        for r in &published.records {
            docs.push(Shown::Record(c, &r.record));
        }
    }
    docs.extend(orgs.iter().map(Shown::Org));
    let org_c = config.collections.len();
    let chunks: Vec<_> = docs.chunks(1 << DOC_PACK_BITS).collect();
    chunks.iter().enumerate().try_for_each(|(k, chunk)| {
        let mut bytes = Vec::with_capacity(chunk.len() * DOC_SLOT);
        for shown in chunk.iter() {
            bytes.extend(fit_display(match shown {
                Shown::Record(c, record) => display(config, *c, record),
                Shown::Org(org) => org_display(org_c, org),
            })?);
        }
        staging
            .write(&format!("search/d/{k:x}.bin"), &bytes)
            .map_err(SearchError::from)
    })?;
    Ok(chunks.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_display(title: &str, value: &str, snippet: &str) -> Display<'static> {
        Display {
            c: 1,
            id: "rec-1",
            t: title.into(),
            d: "2025-06-30".into(),
            f: vec![
                ["城市".into(), value.into()],
                ["状态".into(), "有效".into()],
            ],
            s: snippet.into(),
        }
    }

    #[test]
    fn displays_fill_their_slot_exactly() {
        let small = fit_display(sample_display("西安检测", "西安市", "检测 · \"引号\"")).unwrap();
        assert_eq!(small.len(), DOC_SLOT);
        let json: serde_json::Value = serde_json::from_slice(&small).unwrap();
        assert_eq!(json["s"], "检测 · \"引号\"", "text that fits is kept whole");
        assert_eq!(json["f"][0][1], "西安市");

        let long = "很长的名称".repeat(100);
        for (title, value, snippet) in [
            ("短", "西安市", long.as_str()),
            (long.as_str(), long.as_str(), long.as_str()),
            ("短", "\u{1}\"".repeat(300).as_str(), ""),
        ] {
            let bytes = fit_display(sample_display(title, value, snippet)).unwrap();
            assert_eq!(bytes.len(), DOC_SLOT);
            let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(json["id"], "rec-1");
            let shown = json["s"].as_str().unwrap();
            assert!(shown.is_empty() || shown.ends_with('…'), "{shown}");
        }
        let bytes = fit_display(sample_display(&long, &long, &long)).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert!(json["t"].as_str().unwrap().starts_with("很长的名称"));
    }
}
