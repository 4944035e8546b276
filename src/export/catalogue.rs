//! The `/data/` catalogue for people: every file with its format, record count, size and
//! SHA-256, the as-of date and licence, a data dictionary per collection, and a schema.org
//! `Dataset` in JSON-LD for search engines; plus `/data/SHA256SUMS` for `sha256sum -c`.

use super::ExportError;
use crate::config::SiteConfig;
use crate::notice::PublishedSet;
use crate::output::Staging;
use crate::render::Renderer;
use serde::Serialize;
use serde_json::{json, Value as Json};

/// One file under `/data/`.
#[derive(Debug, Clone, Serialize)]
pub struct DataFile {
    /// File name inside `/data/`.
    pub name: String,
    pub format: &'static str,
    pub media_type: &'static str,
    /// Data rows, for the record files.
    pub records: Option<usize>,
    pub bytes: usize,
    pub size: String,
    pub sha256: String,
}

impl DataFile {
    pub fn new(
        name: String,
        format: &'static str,
        media_type: &'static str,
        records: Option<usize>,
        bytes: &[u8],
    ) -> Self {
        let written = crate::output::WrittenFile {
            len: bytes.len() as u64,
            sha256: crate::output::sha256_hex(bytes),
        };
        Self::written(name, format, media_type, records, written)
    }

    /// A file of `written.len` bytes with the given hash, e.g. one streamed to disk
    /// ([`crate::output::StagedFile`]).
    pub fn written(
        name: String,
        format: &'static str,
        media_type: &'static str,
        records: Option<usize>,
        written: crate::output::WrittenFile,
    ) -> Self {
        let bytes = usize::try_from(written.len).unwrap_or(usize::MAX);
        DataFile {
            name,
            format,
            media_type,
            records,
            bytes,
            size: human_size(bytes),
            sha256: written.sha256,
        }
    }
}

/// `12.3 KB`: binary multiples, one decimal.
pub fn human_size(bytes: usize) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

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

/// One row of a collection's data dictionary.
#[derive(Debug, Clone, Serialize)]
pub struct DictionaryRow {
    pub key: String,
    pub label: String,
    pub ty: String,
    pub meaning: String,
    pub example: String,
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

/// What the catalogue shows of one collection.
#[derive(Serialize)]
pub struct CollectionEntry {
    pub key: String,
    pub title: String,
    pub description: String,
    pub records: usize,
    pub files: Vec<DataFile>,
    pub dictionary: Vec<DictionaryRow>,
    /// Why a format is missing (XLSX over Excel's row limit).
    pub note: Option<String>,
}

/// `/data/SHA256SUMS` over every data file, and the `/data/` catalogue page.
pub fn catalogue_page(
    config: &SiteConfig,
    set: &PublishedSet,
    collections: &[&CollectionEntry],
    package_files: &[DataFile],
    has_changes: bool,
    staging: &Staging,
    renderer: &Renderer,
) -> Result<(), ExportError> {
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
    let mut vars = crate::render::PageVars::new();
    vars.insert("collections", collections);
    vars.insert("package_files", package_files);
    vars.insert("sums_size", &human_size(sums.len()));
    vars.insert("has_changes", &has_changes);
    let has_derived = config.collections.iter().any(|c| !c.expiries.is_empty());
    vars.insert("has_derived", &has_derived);
    vars.insert("json_ld", &json_ld(config, &all_files, earliest, set.as_of));
    vars.insert(
        "total_records",
        &set.collections
            .iter()
            .map(|pc| pc.records.len())
            .sum::<usize>(),
    );
    vars.insert(
        "alternates",
        &[(
            "application/json",
            "datapackage.json",
            "Frictionless Data Package",
        )],
    );
    let title = renderer
        .i18n()
        .get("data_title")
        .map_or("Open data", String::as_str);
    renderer.write_extra_page("data.html", "data/", title, vars)?;
    Ok(())
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
