//! Validation: turns positioned YAML nodes into typed records, checking every value against its
//! declared field type and the domain rules, then across records (duplicate ids, unique fields,
//! references). Every problem is collected; the caller decides whether anything may be written.
//!
//! `record` types one record, `values` reads scalar values, `cross` checks across records.

mod cross;
mod record;
mod values;

pub use values::parse_date;

use crate::config::{Collection, SiteConfig};
use crate::diagnostic::Diagnostic;
use crate::load::{self, DataFile};
use crate::record::{Record, SYSTEM_KEYS};
use crate::yaml::Node;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// All records of a site, grouped by collection in `site.yaml` order.
#[derive(Debug)]
pub struct Dataset {
    pub collections: Vec<Vec<Record>>,
}

/// Validation does not depend on the build's as-of date: whether a record is valid is a fact
/// about the record, so a site that is valid today can be rebuilt as of any past or future day.
pub struct Options {
    pub max_file_bytes: u64,
}

/// Loads and validates every data file. Returns the dataset (possibly incomplete when there
/// were errors) and every problem found, errors and warnings, sorted.
pub fn validate_site(config: &SiteConfig, opts: &Options) -> (Dataset, Vec<Diagnostic>) {
    let (files, mut diags) = load::discover(config);
    let per_file: Vec<(usize, Vec<Record>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|file| {
            let (records, d) = validate_file(config, file, opts);
            (file.collection, records, d)
        })
        .collect();
    let mut collections: Vec<Vec<Record>> = vec![Vec::new(); config.collections.len()];
    for (ci, records, d) in per_file {
        collections[ci].extend(records);
        diags.extend(d);
    }
    let dataset = Dataset { collections };
    diags.extend(cross::cross_record_checks(config, &dataset));
    crate::diagnostic::sort(&mut diags);
    (dataset, diags)
}

fn validate_file(
    config: &SiteConfig,
    file: &DataFile,
    opts: &Options,
) -> (Vec<Record>, Vec<Diagnostic>) {
    match load::read_records(file, opts.max_file_bytes) {
        Ok(nodes) => validate_nodes(config, file.collection, &file.rel_path, &nodes),
        Err(d) => (Vec::new(), vec![*d]),
    }
}

/// Validates the bytes of one data file of `collection` on their own (no cross-record checks):
/// the entry point for fuzzing and for editors.
pub fn validate_bytes(
    config: &SiteConfig,
    collection: usize,
    rel_path: &Path,
    bytes: &[u8],
) -> (Vec<Record>, Vec<Diagnostic>) {
    match load::parse_records(rel_path, bytes) {
        Ok(nodes) => validate_nodes(
            config,
            collection,
            &Arc::new(rel_path.to_path_buf()),
            &nodes,
        ),
        Err(d) => (Vec::new(), vec![*d]),
    }
}

fn validate_nodes(
    config: &SiteConfig,
    collection: usize,
    file: &Arc<PathBuf>,
    nodes: &[Node],
) -> (Vec<Record>, Vec<Diagnostic>) {
    let collection = &config.collections[collection];
    let mut ctx = record::Ctx {
        file,
        record: None,
        diags: Vec::new(),
    };
    let keys = RecordKeys::new(collection);
    let records = nodes
        .iter()
        .filter_map(|node| ctx.record(collection, &keys, node))
        .collect();
    (records, ctx.diags)
}

/// The keys a record of one collection may have: its fields, then the system keys. Built once
/// per file, so that each key of a record is looked up once rather than every field searching
/// the record's entries.
struct RecordKeys<'c> {
    pub(super) keys: Vec<&'c str>,
}

impl<'c> RecordKeys<'c> {
    fn new(collection: &'c Collection) -> Self {
        let keys = collection
            .fields
            .iter()
            .map(|f| f.key.as_str())
            .chain(SYSTEM_KEYS)
            .collect();
        RecordKeys { keys }
    }

    /// Where `key` sits, trying `guess` first: records mostly list their keys in the order
    /// site.yaml declares them, so the key after the previous one is usually right.
    pub(super) fn position(&self, key: &str, guess: usize) -> Option<usize> {
        if self.keys.get(guess) == Some(&key) {
            return Some(guess);
        }
        self.keys.iter().position(|k| *k == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_order_does_not_change_the_record() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good");
        let config = crate::config::load(&root).expect("good fixture config");
        let labs = config.collections.iter().position(|c| c.key == "labs");
        let lines = [
            "id: xa-alpha",
            "published: 2024-01-10",
            "name: 西安甲检测有限公司",
            "credit_code: 91330201MA282UF146",
            "cma_number: \"152701060345\"",
            "city: 西安市",
            "nmae: typo",
        ];
        let check = |order: &[usize]| {
            let text: String = order.iter().map(|&i| format!("{}\n", lines[i])).collect();
            let (records, diags) =
                validate_bytes(&config, labs.unwrap(), Path::new("a.yaml"), text.as_bytes());
            let values = records
                .first()
                .map(|r| (r.id.to_string(), r.values.clone()));
            let problems: Vec<String> = diags.iter().map(|d| d.message.to_string()).collect();
            (values, problems)
        };
        let declared = check(&[0, 1, 2, 3, 4, 5, 6]);
        assert!(declared.0.is_some(), "{declared:?}");
        assert_eq!(declared.1.len(), 1, "only the unknown key: {declared:?}");
        for order in [
            [6, 5, 4, 3, 2, 1, 0],
            [2, 0, 6, 5, 1, 3, 4],
            [5, 3, 1, 6, 0, 4, 2],
        ] {
            assert_eq!(check(&order), declared, "order {order:?}");
        }
    }

    #[test]
    fn a_cma_year_is_checked_against_the_records_own_dates() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good");
        let config = crate::config::load(&root).expect("good fixture config");
        let labs = config.collections.iter().position(|c| c.key == "labs");
        let lab = |published: &str, extra: &str| {
            let text = format!("id: xa-alpha\npublished: {published}\nname: 西安甲检测有限公司\ncredit_code: 91330201MA282UF146\ncma_number: \"242701060345\"\ncity: 西安市\n{extra}");
            let (_, diags) =
                validate_bytes(&config, labs.unwrap(), Path::new("a.yaml"), text.as_bytes());
            diags
                .iter()
                .map(|d| d.human(crate::messages::Lang::En))
                .collect::<Vec<String>>()
        };
        assert_eq!(lab("2024-01-10", ""), Vec::<String>::new());
        let early = lab("2023-12-20", "");
        assert!(
            early.len() == 1
                && early[0].starts_with("a.yaml:5:")
                && early[0].contains("field \"cma_number\"")
                && early[0].contains("2024 is after 2023"),
            "{early:?}"
        );
        let corrected = "history:\n  - { date: 2024-03-01, summary: 换发证书 }\n";
        assert_eq!(lab("2023-12-20", corrected), Vec::<String>::new());
    }
}
