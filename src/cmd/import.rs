//! `gongshi import`: spreadsheet rows into a collection's records.

use super::as_of;
use gongshi::messages::{error_chain, Lang, Say};
use std::path::PathBuf;
use std::process::ExitCode;

// The command's help is the doc comment on its variant in main.rs.
#[derive(clap::Args)]
pub struct Args {
    collection: String,
    file: PathBuf,
    #[arg(long, default_value = ".")]
    pub site: PathBuf,
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

pub fn run(args: Args, lang: Lang) -> anyhow::Result<ExitCode> {
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
        as_of: as_of(date.as_deref(), lang)?,
        dry_run,
    };
    gongshi::progress::start(&Say::Importing.render(lang));
    let imported = gongshi::import::import(&opts);
    gongshi::progress::finish();
    match imported {
        Ok(s) => {
            let from = [s.sheet.as_deref(), s.encoding]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            let imported = Say::Imported {
                rows: s.rows,
                file: opts.file.clone(),
                from,
                created: s.created.len(),
                updated: s.updated.len(),
                unchanged: s.unchanged,
                dry_run,
            };
            eprintln!("{}", imported.render(lang));
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ gongshi::import::ImportError::Rows { .. }) => {
            let level = Say::Error.render(lang);
            for line in e.lines(lang) {
                eprintln!("{level}: {line}");
            }
            eprintln!("{}", error_chain(&e.into(), lang));
            Ok(ExitCode::from(1))
        }
        Err(e) => {
            let level = Say::Error.render(lang);
            for line in e.lines(lang) {
                eprintln!("{level}: {line}");
            }
            eprintln!("{level}: {}", error_chain(&e.into(), lang));
            Ok(ExitCode::from(2))
        }
    }
}
