//! Export: the open datasets, feeds and change history, all made from the published record set
//! (so they hold exactly what is on notice, personal data masked). Per collection it writes
//! `/data/<c>.csv|.json|.ndjson|.xlsx` (and says what goes into `/<c>/<id>.json` per record,
//! [`RecordFiles`], which the pipeline writes beside the pages), then
//! `/data/datapackage.json`, `/data/manifest.json`, `/data/SHA256SUMS`, the `/data/`
//! catalogue, `/changes/` (when an earlier manifest is known), the Atom feeds, `/sitemap.xml`
//! and `/robots.txt`. See `docs/datasets.md` for the formats.

pub mod catalogue;
pub mod changes;
pub mod datapackage;
pub mod feeds;
pub mod national;
pub mod sitemap;
pub mod tabular;
pub mod xlsx;

use crate::config::{Collection, SiteConfig};
use crate::exported::ExportReport;
use crate::folders::RecordFileSource;
use crate::notice::{PublicRecord, PublishedCollection, PublishedSet};
use crate::org::OrgIndex;
use crate::output::{sha256_hex_of_parts, OutputError, Staging};
use catalogue::{CollectionEntry, DataFile};
use changes::{ChangeList, Manifest, ManifestEntry};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;
use tabular::{Cell, Column, ColumnKind, OnNotice};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("writing {path}: {message}")]
    Format { path: String, message: String },
}

fn format_error(path: &str) -> impl FnOnce(String) -> ExportError + '_ {
    move |message| ExportError::Format {
        path: path.to_string(),
        message,
    }
}

/// Everything one collection's export produced that later steps need.
struct Exported<'a> {
    columns: Vec<Column<'a>>,
    labels: Vec<String>,
    /// The CSV file, which the data package describes.
    csv: DataFile,
    manifest: Vec<ManifestEntry>,
    /// Per published record, in the set's order: its listed fields as text.
    summaries: Vec<String>,
    entry: CollectionEntry,
}

/// What export reads besides the published set.
pub struct Inputs<'a> {
    /// An earlier build's manifest, read before this build replaces the output.
    pub previous: Option<&'a Manifest>,
    /// The theme's words (column titles, feed text).
    pub strings: &'a HashMap<String, String>,
    /// The organisations with pages, for their feeds and the sitemap.
    pub orgs: &'a OrgIndex,
    /// The content pages' slugs, for the sitemap.
    pub content_slugs: Vec<&'a str>,
}

/// Writes every export into `staging`, and reports what the pages describing the datasets
/// show.
pub fn export(
    config: &SiteConfig,
    set: &PublishedSet,
    inputs: &Inputs,
    staging: &Staging,
    record_files: &RecordFiles,
) -> Result<ExportReport, ExportError> {
    let Inputs {
        previous,
        strings,
        orgs,
        ..
    } = *inputs;
    let on_notice = &record_files.on_notice;
    // Collections at once as well as their files: one collection's workbook alone would
    // otherwise keep a core waiting.
    let mut exported = set
        .collections
        .par_iter()
        .enumerate()
        .map(|(ci, pc)| {
            let c = &pc.def;
            let json_written = |path| record_files.lines_written(ci, path);
            export_collection(
                config,
                c,
                pc,
                set,
                on_notice,
                strings,
                staging,
                &json_written,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;

    let package = write_package(config, set, &exported, staging)?;
    let (manifest, manifest_file) = write_manifest(set, &mut exported, staging)?;

    let summaries: Vec<Vec<String>> = exported
        .iter_mut()
        .map(|e| std::mem::take(&mut e.summaries))
        .collect();
    let change_list = previous
        .map(|p| change_list(config, set, p, &manifest, staging))
        .transpose()?;
    let text = feeds::FeedText {
        titles: set.collections.iter().map(|pc| &pc.titles[..]).collect(),
        summaries: &summaries,
        strings,
    };
    write_feeds(config, set, change_list.as_ref(), orgs, &text, staging)?;

    let has_changes = change_list.is_some();
    let pages = sitemap::SitePages {
        content_slugs: inputs.content_slugs.clone(),
        has_changes,
        orgs,
    };
    write_sitemaps(config, set, &pages, staging)?;
    let entries: Vec<CollectionEntry> = exported.into_iter().map(|e| e.entry).collect();
    let catalogue = catalogue::catalogue(
        config,
        set,
        entries,
        vec![package, manifest_file],
        has_changes,
        staging,
    )?;
    Ok(ExportReport {
        catalogue,
        changes: change_list,
    })
}

/// What changed since the build `previous` describes, also written as
/// `/changes/changes.json`.
fn change_list(
    config: &SiteConfig,
    set: &PublishedSet,
    previous: &Manifest,
    manifest: &Manifest,
    staging: &Staging,
) -> Result<ChangeList, ExportError> {
    let list = changes::diff(config, set, previous, manifest, &|ci, ri| {
        set.collections[ci].titles[ri].clone()
    });
    changes::write_json(&list, staging)?;
    Ok(list)
}

/// The sitemaps and `robots.txt`, which names them.
fn write_sitemaps(
    config: &SiteConfig,
    set: &PublishedSet,
    pages: &sitemap::SitePages,
    staging: &Staging,
) -> Result<(), ExportError> {
    for (path, bytes) in sitemap::sitemaps(config, set, pages) {
        staging.write(&path, &bytes)?;
    }
    staging.write("robots.txt", &sitemap::robots(config))?;
    Ok(())
}

/// `/data/manifest.json`: every published record's content hash, for the next build's change
/// list.
fn write_manifest(
    set: &PublishedSet,
    exported: &mut [Exported],
    staging: &Staging,
) -> Result<(Manifest, DataFile), ExportError> {
    let manifest = Manifest {
        format: changes::MANIFEST_FORMAT.to_string(),
        as_of: set.as_of,
        records: exported
            .iter_mut()
            .flat_map(|e| std::mem::take(&mut e.manifest))
            .collect(),
    };
    let bytes = manifest.to_json();
    staging.write("data/manifest.json", &bytes)?;
    let file = DataFile::new(
        "manifest.json".into(),
        "JSON",
        "application/json",
        Some(manifest.records.len()),
        &bytes,
    );
    Ok((manifest, file))
}

/// The site's, each collection's and each organisation's Atom feeds.
fn write_feeds(
    config: &SiteConfig,
    set: &PublishedSet,
    change_list: Option<&changes::ChangeList>,
    orgs: &OrgIndex,
    text: &feeds::FeedText,
    staging: &Staging,
) -> Result<(), ExportError> {
    for (path, bytes) in feeds::feeds(config, set, change_list, text) {
        staging.write(&path, &bytes)?;
    }
    for (path, bytes) in feeds::org_feeds(config, set, orgs, text) {
        staging.write(&path, &bytes)?;
    }
    Ok(())
}

/// `/data/datapackage.json`, describing every collection's CSV file.
fn write_package(
    config: &SiteConfig,
    set: &PublishedSet,
    exported: &[Exported],
    staging: &Staging,
) -> Result<DataFile, ExportError> {
    let resources: Vec<datapackage::Resource> = exported
        .iter()
        .enumerate()
        .map(|(ci, e)| datapackage::Resource {
            collection: ci,
            columns: &e.columns,
            titles: &e.labels,
            path: e.csv.name.clone(),
            bytes: e.csv.bytes,
            sha256: e.csv.sha256.clone(),
        })
        .collect();
    let package = datapackage::datapackage(config, &resources, &set.as_of.to_string());
    let bytes = pretty(&package);
    staging.write("data/datapackage.json", &bytes)?;
    Ok(DataFile::new(
        "datapackage.json".into(),
        "Data Package",
        "application/json",
        None,
        &bytes,
    ))
}

pub(crate) fn pretty(value: &serde_json::Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Column titles: the fields' labels, and the theme's words for the notice columns.
fn column_titles(columns: &[Column], strings: &HashMap<String, String>) -> Vec<String> {
    let t = |key: &str, fallback: &str| strings.get(key).cloned().unwrap_or(fallback.into());
    columns
        .iter()
        .map(|col| match col.kind {
            ColumnKind::Id => t("record_id", "id"),
            ColumnKind::Published => t("published", "published"),
            ColumnKind::NoticeUntil => t("notice_until", "notice until"),
            ColumnKind::History => t("history", "history"),
            ColumnKind::Field(_, f) => f.label.clone(),
        })
        .collect()
}

/// An example for each column: its first non-empty value (newest record first), shortened.
fn examples(rows: &[Vec<Cell>], width: usize) -> Vec<String> {
    (0..width)
        .map(|c| {
            rows.iter()
                .filter_map(|row| row.get(c))
                .find(|cell| **cell != Cell::Null)
                .map(|cell| {
                    let text = cell.text();
                    let short: String = text.chars().take(60).collect();
                    if short.len() < text.len() {
                        format!("{short}…")
                    } else {
                        short
                    }
                })
                .unwrap_or_default()
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn export_collection<'a>(
    config: &SiteConfig,
    c: &'a Collection,
    pc: &PublishedCollection,
    set: &PublishedSet,
    on_notice: &OnNotice,
    strings: &HashMap<String, String>,
    staging: &Staging,
    json_written: &LinesWritten,
) -> Result<Exported<'a>, ExportError> {
    let columns = tabular::columns(c);
    let labels = column_titles(&columns, strings);
    let rows: Vec<Vec<Cell>> = pc
        .records
        .par_iter()
        .map(|r| tabular::row(&columns, r, on_notice))
        .collect();
    datasets(
        config,
        c,
        pc,
        set,
        columns,
        labels,
        rows,
        staging,
        json_written,
        on_notice,
    )
}

/// `/data/<collection>-national.csv|.xlsx`: the records in the national 双公示 layout.
fn national_files(
    config: &SiteConfig,
    c: &Collection,
    layout: &crate::config::national::NationalFormat,
    pc: &PublishedCollection,
    set: &PublishedSet,
    staging: &Staging,
    on_notice: &OnNotice,
) -> Result<Vec<DataFile>, ExportError> {
    let table = national::table(c, layout, &config.site.bureau, pc, on_notice);
    let n = Some(table.rows.len());
    let csv_name = format!("{}-national.csv", c.key);
    let out = staging.stream(&format!("data/{csv_name}"))?;
    let out =
        national::write_csv(&table, out).map_err(|e| format_error(&csv_name)(e.to_string()))?;
    let csv = DataFile::written(csv_name, "CSV（双公示）", "text/csv", n, out.finish()?);
    let xlsx_name = format!("{}-national.xlsx", c.key);
    let bytes = national::xlsx_bytes(&table, &layout.title, &config.site.bureau, set.as_of)
        .map_err(|e| format_error(&xlsx_name)(e.to_string()))?;
    staging.write(&format!("data/{xlsx_name}"), &bytes)?;
    let xlsx = DataFile::new(
        xlsx_name,
        "XLSX（双公示）",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        n,
        &bytes,
    );
    Ok(vec![csv, xlsx])
}

/// Told where the collection's NDJSON file is once it is complete.
type LinesWritten<'f> = dyn Fn(PathBuf) + Sync + 'f;

/// Records whose JSON lines are made at once, then written: enough for both cores, few enough
/// that a collection's lines are never all in memory.
const JSON_BATCH: usize = 4096;

/// The collection's JSON and NDJSON files, and its manifest entries: each record's JSON line
/// goes into both files, and the hash of its own file (the line and a newline) into the
/// manifest. A full build then tells `written` where the NDJSON file is: its lines are the
/// record files (see [`RecordFileSource::lines_file`]).
fn json_files(
    c: &Collection,
    pc: &PublishedCollection,
    columns: &[Column],
    rows: &[Vec<Cell>],
    staging: &Staging,
    written: &LinesWritten,
) -> Result<(DataFile, DataFile, Vec<ManifestEntry>), ExportError> {
    let array_name = format!("{}.json", c.key);
    let ndjson_name = format!("{}.ndjson", c.key);
    let both = format!("{array_name}, {ndjson_name}");
    let mut files = tabular::JsonFiles::new(
        staging.stream(&format!("data/{array_name}"))?,
        staging.stream(&format!("data/{ndjson_name}"))?,
    );
    let mut manifest = Vec::with_capacity(rows.len());
    for (records, rows) in pc.records.chunks(JSON_BATCH).zip(rows.chunks(JSON_BATCH)) {
        let lines: Vec<String> = rows
            .par_iter()
            .map(|row| tabular::json_line(columns, row))
            .collect();
        manifest.par_extend(records.par_iter().zip(&lines).map(|(r, line)| {
            let hash = sha256_hex_of_parts(&[line.as_bytes(), b"\n"]);
            ManifestEntry {
                collection: c.key.clone(),
                id: r.record.id.to_string(),
                hash: format!("sha256:{hash}"),
            }
        }));
        files
            .lines(&lines)
            .map_err(|e| format_error(&both)(e.to_string()))?;
    }
    let (array, ndjson) = files
        .finish()
        .map_err(|e| format_error(&both)(e.to_string()))?;
    let n = Some(rows.len());
    let ndjson = ndjson.finish()?;
    // A live rebuild may drop a file it did not change, and writes its record files first.
    if staging.overlay().is_none() {
        written(staging.path_for(&format!("data/{ndjson_name}"))?);
    }
    Ok((
        DataFile::written(array_name, "JSON", "application/json", n, array.finish()?),
        DataFile::written(ndjson_name, "NDJSON", "application/x-ndjson", n, ndjson),
        manifest,
    ))
}

/// A record's own file, `/<collection>/<id>.json`: its JSON line.
fn record_file_bytes(line: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(line.len() + 1);
    bytes.extend_from_slice(line.as_bytes());
    bytes.push(b'\n');
    bytes
}

/// What goes into each record's own JSON file. The files are written beside the pages (see
/// [`crate::folders`]); [`export`] hashes the same bytes for the manifest.
pub struct RecordFiles<'a> {
    columns: Vec<Vec<Column<'a>>>,
    on_notice: OnNotice,
    /// Per collection, its finished NDJSON file, whose lines are its record files.
    lines: Vec<OnceLock<PathBuf>>,
}

impl<'a> RecordFiles<'a> {
    pub fn new(config: &'a SiteConfig, set: &PublishedSet) -> Self {
        RecordFiles {
            columns: config.collections.iter().map(tabular::columns).collect(),
            on_notice: OnNotice::new(set),
            lines: config.collections.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    fn lines_written(&self, ci: usize, path: PathBuf) {
        if let Some(lines) = self.lines.get(ci) {
            let _ = lines.set(path);
        }
    }
}

impl RecordFileSource for RecordFiles<'_> {
    fn bytes(&self, ci: usize, r: &PublicRecord) -> Vec<u8> {
        let columns = &self.columns[ci];
        record_file_bytes(&tabular::json_line(
            columns,
            &tabular::row(columns, r, &self.on_notice),
        ))
    }

    /// Once the export has written collection `ci`'s NDJSON file: its lines, each with its
    /// newline, are exactly the collection's record files in order, so copying them is cheaper
    /// than making each record's row and line a second time.
    fn lines_file(&self, ci: usize) -> Option<PathBuf> {
        self.lines.get(ci)?.get().cloned()
    }
}

/// The collection's datasets (CSV, JSON, NDJSON, XLSX) and what the catalogue, feeds and
/// manifest need from it.
#[allow(clippy::too_many_arguments)]
fn datasets<'a>(
    config: &SiteConfig,
    c: &'a Collection,
    pc: &PublishedCollection,
    set: &PublishedSet,
    columns: Vec<Column<'a>>,
    labels: Vec<String>,
    rows: Vec<Vec<Cell>>,
    staging: &Staging,
    json_written: &LinesWritten,
    on_notice: &OnNotice,
) -> Result<Exported<'a>, ExportError> {
    let n = rows.len();
    // The CSV, JSON and NDJSON files are streamed to disk; the XLSX file, compressed and a
    // tenth of their size, is made in memory. The three jobs run at once (the XLSX file's
    // compression takes longest).
    let sheet_title = format!("{} · {}", c.title, config.site.title);
    let sheet = xlsx::Sheet {
        name: &c.title,
        title: &sheet_title,
        author: &config.site.bureau,
        labels: &labels,
        columns: &columns,
        rows: &rows,
        as_of: set.as_of,
    };
    let csv = || csv_file(c, &columns, &rows, staging);
    let json = || json_files(c, pc, &columns, &rows, staging, json_written);
    let xlsx = || xlsx_file(&sheet, &c.key, staging);
    let (csv, (json, xlsx)) = rayon::join(csv, || rayon::join(json, xlsx));
    let csv = csv?;
    let (json, ndjson, manifest) = json?;
    let mut files = vec![csv.clone(), json, ndjson];
    let mut note = None;
    match xlsx {
        Some(file) => files.push(file?),
        None => {
            note = Some(format!(
                "XLSX: {n} > {} (Excel row limit)",
                xlsx::MAX_ROWS - 1
            ))
        }
    }
    if let Some(layout) = &c.national {
        files.extend(national_files(
            config, c, layout, pc, set, staging, on_notice,
        )?);
    }

    let summaries = summaries(c, &columns, &rows);
    let schema_fields = datapackage::schema_fields(config, &columns, &labels);
    let dictionary = catalogue::dictionary(&schema_fields, &examples(&rows, columns.len()));
    Ok(Exported {
        columns,
        labels,
        csv,
        manifest,
        summaries,
        entry: CollectionEntry {
            key: c.key.clone(),
            title: c.title.clone(),
            description: c.description.clone(),
            records: n,
            files,
            dictionary,
            note,
        },
    })
}

/// The collection's XLSX file, made in memory; `None` past Excel's row limit.
fn xlsx_file(
    sheet: &xlsx::Sheet,
    key: &str,
    staging: &Staging,
) -> Option<Result<DataFile, ExportError>> {
    let n = sheet.rows.len();
    (n < xlsx::MAX_ROWS).then(|| -> Result<DataFile, ExportError> {
        let name = format!("{key}.xlsx");
        let bytes = xlsx::xlsx_bytes(sheet).map_err(|e| format_error(&name)(e.to_string()))?;
        staging.write(&format!("data/{name}"), &bytes)?;
        Ok(DataFile::new(
            name,
            "XLSX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Some(n),
            &bytes,
        ))
    })
}

/// Per row, the collection's listed fields as dataset text, for the feeds.
fn summaries(c: &Collection, columns: &[Column], rows: &[Vec<Cell>]) -> Vec<String> {
    let listed: Vec<(usize, &str)> = c
        .listed
        .iter()
        .filter_map(|fi| {
            columns
                .iter()
                .position(|col| matches!(col.kind, ColumnKind::Field(i, _) if i == *fi))
                .map(|pos| (pos, c.fields[*fi].label.as_str()))
        })
        .collect();
    rows.par_iter()
        .map(|row| {
            listed
                .iter()
                .filter(|(pos, _)| row[*pos] != Cell::Null)
                .map(|(pos, label)| format!("{label}：{}", row[*pos].text()))
                .collect::<Vec<_>>()
                .join("；")
        })
        .collect()
}

/// `/data/<c>.csv`, streamed to disk.
fn csv_file(
    c: &Collection,
    columns: &[Column],
    rows: &[Vec<Cell>],
    staging: &Staging,
) -> Result<DataFile, ExportError> {
    let name = format!("{}.csv", c.key);
    let out = staging.stream(&format!("data/{name}"))?;
    let out =
        tabular::write_csv(columns, rows, out).map_err(|e| format_error(&name)(e.to_string()))?;
    Ok(DataFile::written(
        name,
        "CSV",
        "text/csv",
        Some(rows.len()),
        out.finish()?,
    ))
}
