//! `gongshi import`: spreadsheet rows into a collection's records.

use super::{as_of, chinese_locale};
use std::path::PathBuf;
use std::process::ExitCode;

// The command's help is the doc comment on its variant in main.rs.
#[derive(clap::Args)]
pub struct Args {
    collection: String,
    file: PathBuf,
    #[arg(long, default_value = ".")]
    site: PathBuf,
    /// The sheet to read (default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// A YAML file of `column header: field_key` lines (`"-"` leaves a column out).
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// The day new records are published and changes are dated (default: today).
    #[arg(long)]
    as_of: Option<String>,
    /// Check every row and report, but write nothing.
    #[arg(long)]
    dry_run: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let Args {
        collection,
        file,
        site,
        sheet,
        mapping,
        as_of: date,
        dry_run,
    } = args;
    let opts = gongshi::import::ImportOptions {
        site,
        collection,
        file,
        sheet,
        mapping,
        as_of: as_of(date.as_deref())?,
        dry_run,
    };
    gongshi::progress::start(if chinese_locale() {
        "正在导入"
    } else {
        "importing"
    });
    let imported = gongshi::import::import(&opts);
    gongshi::progress::finish();
    match imported {
        Ok(s) => {
            let from = [s.sheet.as_deref(), s.encoding]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            eprintln!(
                "{} row(s) of {} ({from}): {} new, {} updated, {} unchanged{}",
                s.rows,
                opts.file.display(),
                s.created.len(),
                s.updated.len(),
                s.unchanged,
                if dry_run {
                    " (dry run: nothing written)"
                } else {
                    ""
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ gongshi::import::ImportError::Rows { .. }) => {
            for line in e.lines() {
                eprintln!("error: {line}");
            }
            eprintln!("{e}");
            Ok(ExitCode::from(1))
        }
        Err(e) => {
            for line in e.lines() {
                eprintln!("error: {line}");
            }
            Ok(ExitCode::from(2))
        }
    }
}
