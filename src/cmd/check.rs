//! `gongshi check`: every problem in the site; writes nothing.

use super::{as_of, print_diagnostics, Verbosity};
use clap::ValueEnum;
use gongshi::pipeline;
use std::path::PathBuf;
use std::process::ExitCode;

// The command's help is the doc comment on its variant in main.rs.
#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value = ".")]
    site: PathBuf,
    #[arg(long)]
    as_of: Option<String>,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    #[arg(long)]
    strict: bool,
    #[arg(long, default_value_t = gongshi::load::DEFAULT_MAX_FILE_BYTES)]
    max_file_bytes: u64,
}

pub fn run(args: Args, verbosity: Verbosity) -> anyhow::Result<ExitCode> {
    let Args {
        site,
        as_of: date,
        format,
        strict,
        max_file_bytes,
    } = args;
    let date = as_of(date.as_deref())?;
    let checked = pipeline::check(&site, date, max_file_bytes);
    let (diags, staff) = match &checked {
        Ok(c) => (c.diagnostics.clone(), Some(&c.staff)),
        Err(d) => (d.clone(), None),
    };
    match format {
        Format::Human => {
            print_diagnostics(&diags, verbosity);
            if let Some(staff) = staff.filter(|_| verbosity != Verbosity::Quiet) {
                gongshi::notice::print_staff_report(staff);
            }
        }
        Format::Github => {
            for d in &diags {
                println!("{}", d.github());
            }
        }
        Format::Json => println!("{}", serde_json::to_string_pretty(&diags)?),
    }
    let failed = diags.iter().any(|d| d.is_error() || strict);
    if matches!(format, Format::Human) && verbosity != Verbosity::Quiet {
        let errors = diags.iter().filter(|d| d.is_error()).count();
        eprintln!("{} error(s), {} warning(s)", errors, diags.len() - errors);
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
