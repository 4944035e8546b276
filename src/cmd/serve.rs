//! `gongshi serve`: build, preview and rebuild on change.

use super::as_of;
use gongshi::messages::Lang;
use gongshi::pipeline::BuildOptions;
use std::path::PathBuf;
use std::process::ExitCode;

// The command's help is the doc comment on its variant in main.rs.
#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value = ".")]
    pub site: PathBuf,
    #[arg(long, default_value = "public")]
    out: PathBuf,
    #[arg(long, default_value_t = 8000)]
    port: u16,
    #[arg(long)]
    as_of: Option<String>,
}

pub fn run(args: Args, lang: Lang) -> anyhow::Result<ExitCode> {
    let Args {
        site,
        out,
        port,
        as_of: date,
    } = args;
    let opts = BuildOptions::new(site, out, as_of(date.as_deref(), lang)?);
    gongshi::serve::serve(opts, port, lang)?;
    Ok(ExitCode::SUCCESS)
}
