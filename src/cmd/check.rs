//! `gongshi check`: every problem in the site; writes nothing.

use super::{as_of, print_diagnostics, Verbosity};
use clap::ValueEnum;
use gongshi::messages::{Lang, Say};
use gongshi::pipeline;
use std::path::PathBuf;
use std::process::ExitCode;

// The command's help is the doc comment on its variant in main.rs.
#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value = ".")]
    pub site: PathBuf,
    #[arg(long)]
    as_of: Option<String>,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    #[arg(long)]
    strict: bool,
    #[arg(long, default_value_t = gongshi::load::DEFAULT_MAX_FILE_BYTES)]
    max_file_bytes: u64,
}

pub fn run(args: Args, verbosity: Verbosity, lang: Lang) -> anyhow::Result<ExitCode> {
    let Args {
        site,
        as_of: date,
        format,
        strict,
        max_file_bytes,
    } = args;
    let date = as_of(date.as_deref(), lang)?;
    let checked = pipeline::check(&site, date, max_file_bytes);
    let (diags, staff) = match &checked {
        Ok(c) => (c.diagnostics.clone(), Some(&c.staff)),
        Err(d) => (d.clone(), None),
    };
    match format {
        Format::Human => {
            print_diagnostics(&diags, verbosity, lang);
            if let Some(staff) = staff.filter(|_| verbosity != Verbosity::Quiet) {
                gongshi::notice::print_staff_report(staff, lang);
            }
        }
        Format::Github => {
            for d in &diags {
                println!("{}", d.github(lang));
            }
        }
        Format::Json => {
            let json: Vec<_> = diags.iter().map(|d| d.json(lang)).collect();
            println!("{}", serde_json::to_string_pretty(&json)?)
        }
    }
    let failed = diags.iter().any(|d| d.is_error() || strict);
    if matches!(format, Format::Human) && verbosity != Verbosity::Quiet {
        let errors = diags.iter().filter(|d| d.is_error()).count();
        let warnings = diags.len() - errors;
        eprintln!("{}", Say::CheckCounts { errors, warnings }.render(lang));
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}
