//! The `gongshi` command line: parses arguments and hands each command to its module in
//! `cmd/`.

mod allocator;
mod cmd;

use clap::{Parser, Subcommand, ValueEnum};
use cmd::Verbosity;
use gongshi::messages::{error_chain, Lang, Say};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "gongshi",
    version,
    about = "Static open-data site generator for public disclosure (公示)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print only errors.
    #[arg(long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print every warning (by default the first 20, then counts by kind).
    #[arg(long, global = true)]
    verbose: bool,
    /// Language of messages (default: the site's language in site.yaml, so Chinese for a
    /// zh-CN site). --help itself is English.
    #[arg(long, global = true, value_enum)]
    lang: Option<LangArg>,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Zh,
    En,
}

/// The language messages are printed in: --lang, else the site's language, else (no site,
/// as for `search`) the terminal's locale.
fn messages_language(arg: Option<LangArg>, command: &Command) -> Lang {
    match arg {
        Some(LangArg::Zh) => Lang::Zh,
        Some(LangArg::En) => Lang::En,
        None => command.site_language().unwrap_or(if cmd::chinese_locale() {
            Lang::Zh
        } else {
            Lang::En
        }),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Validate the site and write the whole static site into --out (校验并构建站点).
    Build(cmd::build::Args),
    /// Validate the site and report every problem; writes nothing (检查数据，不写文件).
    Check(cmd::check::Args),
    /// Build, serve on 127.0.0.1 and rebuild on every change (本地预览).
    Serve(cmd::serve::Args),
    /// Start a new bureau's site in DIR (new or empty): site.yaml, data folders, pages (新建站点).
    Init(cmd::init::Args),
    /// Read spreadsheet rows (XLSX/XLS/ODS, or CSV in UTF-8 or GBK) into COLLECTION's records
    /// (从表格导入记录).
    Import(cmd::import::Args),
    /// Query the search index a build wrote and print ranked results (检索).
    Search(cmd::search::Args),
}

fn main() -> ExitCode {
    allocator::tune();
    let cli = Cli::parse();
    let lang = messages_language(cli.lang, &cli.command);
    match run(cli, lang) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}: {}", Say::Error.render(lang), error_chain(&e, lang));
            ExitCode::from(2)
        }
    }
}

impl Command {
    /// The language of the site the command works on; `init` writes a zh-CN site.
    fn site_language(&self) -> Option<Lang> {
        match self {
            Command::Build(args) => gongshi::config::messages_language(&args.site),
            Command::Check(args) => gongshi::config::messages_language(&args.site),
            Command::Serve(args) => gongshi::config::messages_language(&args.site),
            Command::Import(args) => gongshi::config::messages_language(&args.site),
            Command::Init(_) => Some(Lang::Zh),
            Command::Search(_) => None,
        }
    }
}

fn run(cli: Cli, lang: Lang) -> anyhow::Result<ExitCode> {
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    match cli.command {
        Command::Build(args) => cmd::build::run(args, verbosity, lang),
        Command::Check(args) => cmd::check::run(args, verbosity, lang),
        Command::Serve(args) => cmd::serve::run(args, lang),
        Command::Init(args) => cmd::init::run(args, lang),
        Command::Import(args) => cmd::import::run(args, lang),
        Command::Search(args) => cmd::search::run(args, lang),
    }
}
