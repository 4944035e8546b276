//! `gongshi init`: a new bureau's site.

use gongshi::messages::{Lang, Say};
use std::path::PathBuf;
use std::process::ExitCode;

// The command's help is the doc comment on its variant in main.rs.
#[derive(clap::Args)]
pub struct Args {
    dir: PathBuf,
    /// The bureau publishing the site (主办单位).
    #[arg(long, default_value = "某市场监督管理局")]
    bureau: String,
    /// The site's title (default: the bureau's name + 公示平台).
    #[arg(long)]
    title: Option<String>,
    #[arg(long, default_value = "https://example.org/")]
    base_url: String,
}

pub fn run(args: Args, lang: Lang) -> anyhow::Result<ExitCode> {
    let Args {
        dir,
        bureau,
        title,
        base_url,
    } = args;
    let files = gongshi::init::init(&gongshi::init::InitOptions {
        dir: dir.clone(),
        title,
        bureau,
        base_url,
    })?;
    let files = files.len();
    eprintln!("{}", Say::InitDone { dir, files }.render(lang));
    Ok(ExitCode::SUCCESS)
}
