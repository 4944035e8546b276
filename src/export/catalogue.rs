//! The `/data/` catalogue for people: every file with its format, record count, size and
//! SHA-256, the as-of date and licence, a data dictionary per collection, and a schema.org
//! `Dataset` in JSON-LD for search engines; plus `/data/SHA256SUMS` for `sha256sum -c`.

use super::ExportError;
use crate::config::SiteConfig;
pub use crate::exported::{human_size, Catalogue, CollectionEntry, DataFile, DictionaryRow};
use crate::notice::PublishedSet;
use crate::output::Staging;
use serde_json::{json, Value as Json};

/// The `sha256sum` text format: digest, two spaces, file name; sorted by name.
pub fn sha256sums(files: &[DataFile]) -> Vec<u8> {
    let mut sorted: Vec<&DataFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    sorted
        .iter()
        .map(|f| format!("{}  {}\n", f.sha256, f.name))
        .collect::<String>()
        .into_bytes()
}

/// The dictionary rows of a Table Schema's fields, with an example value per column.
pub fn dictionary(schema_fields: &[Json], examples: &[String]) -> Vec<DictionaryRow> {
    let text = |f: &Json, k: &str| f.get(k).and_then(Json::as_str).unwrap_or("").to_string();
    schema_fields
        .iter()
        .zip(examples)
        .map(|(f, example)| {
            let mut ty = text(f, "type");
            if let Some(item) = f.get("itemType").and_then(Json::as_str) {
                ty = format!("{ty}<{item}>");
            }
            DictionaryRow {
                key: text(f, "name"),
                label: text(f, "title"),
                ty,
                meaning: text(f, "description"),
                example: example.clone(),
            }
        })
        .collect()
}

/// A schema.org `Dataset` for the whole catalogue, with one `DataDownload` per file, as JSON
/// safe to embed in a `<script type="application/ld+json">` element.
pub fn json_ld(
    config: &SiteConfig,
    files: &[DataFile],
    earliest: Option<chrono::NaiveDate>,
    as_of: chrono::NaiveDate,
) -> String {
    let site = &config.site;
    let base = &site.base_url;
    let publisher = json!({"@type": "GovernmentOrganization", "name": site.bureau, "url": base});
    let description = if site.description.is_empty() {
        site.title.clone()
    } else {
        site.description.clone()
    };
    let distribution: Vec<Json> = files
        .iter()
        .map(|f| {
            json!({
                "@type": "DataDownload",
                "name": f.name,
                "encodingFormat": f.media_type,
                "contentUrl": format!("{base}data/{}", f.name),
                "contentSize": f.size,
            })
        })
        .collect();
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": site.title,
        "description": description,
        "url": format!("{base}data/"),
        "inLanguage": site.language,
        "isAccessibleForFree": true,
        "keywords": config.collections.iter().map(|c| c.title.as_str()).collect::<Vec<_>>(),
        "publisher": publisher.clone(),
        "creator": publisher,
        "dateModified": as_of.to_string(),
        "temporalCoverage": format!("{}/{as_of}", earliest.unwrap_or(as_of)),
        "distribution": distribution,
    });
    if let Some(l) = &site.licence {
        ld["license"] = json!(l.url);
    }
    // `</script>` inside the data would end the element: escape every '<'.
    serde_json::to_string(&ld)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

/// Writes `/data/SHA256SUMS` over every data file; returns what the `/data/` catalogue page
/// shows (render makes the page).
pub fn catalogue(
    config: &SiteConfig,
    set: &PublishedSet,
    collections: Vec<CollectionEntry>,
    package_files: Vec<DataFile>,
    has_changes: bool,
    staging: &Staging,
) -> Result<Catalogue, ExportError> {
    let mut all_files: Vec<DataFile> = collections
        .iter()
        .flat_map(|c| c.files.iter().cloned())
        .collect();
    all_files.extend(package_files.iter().cloned());
    let sums = sha256sums(&all_files);
    staging.write("data/SHA256SUMS", &sums)?;

    let earliest = set
        .collections
        .iter()
        .flat_map(|pc| pc.records.iter().map(|r| r.record.notice.published))
        .min();
    Ok(Catalogue {
        sums_size: human_size(sums.len()),
        has_changes,
        has_derived: config.collections.iter().any(|c| !c.expiries.is_empty()),
        json_ld: json_ld(config, &all_files, earliest, set.as_of),
        total_records: set.collections.iter().map(|pc| pc.records.len()).sum(),
        collections,
        package_files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_sums() {
        assert_eq!(human_size(500), "500 B");
        assert_eq!(human_size(1536), "1.5 KB");
        assert_eq!(human_size(5 * 1024 * 1024), "5.0 MB");
        let f = DataFile::new("a.csv".into(), "CSV", "text/csv", Some(1), b"x");
        let sums = String::from_utf8(sha256sums(&[f])).unwrap();
        assert_eq!(
            sums,
            "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881  a.csv\n"
        );
    }
}
