//! The `gongshi` command line: parses arguments and hands each command to its module in
//! `cmd/`.

mod allocator;
mod cmd;

use clap::{Parser, Subcommand};
use cmd::Verbosity;
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
}

#[derive(Subcommand)]
enum Command {
    /// Validate the site and write the whole static site into --out.
    Build(cmd::build::Args),
    /// Validate the site and report every problem; writes nothing.
    Check(cmd::check::Args),
    /// Build, serve on 127.0.0.1 and rebuild on every change.
    Serve(cmd::serve::Args),
    /// Start a new bureau's site in DIR (new or empty): site.yaml, data folders, pages.
    Init(cmd::init::Args),
    /// Read spreadsheet rows (XLSX/XLS/ODS, or CSV in UTF-8 or GBK) into COLLECTION's records.
    Import(cmd::import::Args),
    /// Query the search index a build wrote and print ranked results.
    Search(cmd::search::Args),
}

fn main() -> ExitCode {
    allocator::tune();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    match cli.command {
        Command::Build(args) => cmd::build::run(args, verbosity),
        Command::Check(args) => cmd::check::run(args, verbosity),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::Import(args) => cmd::import::run(args),
        Command::Search(args) => cmd::search::run(args),
    }
}
