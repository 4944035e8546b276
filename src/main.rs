//! The `gongshi` command line: parses arguments and calls the library.

use anyhow::Context as _;
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use gongshi::out_guard;
use gongshi::pipeline::{self, BuildError, BuildOptions};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// Rendering allocates many short strings on every thread; mimalloc keeps that off the profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

/// How much `build` and `check` print besides errors.
#[derive(Clone, Copy, PartialEq)]
enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// Whether the terminal's locale is Chinese (LC_ALL, LC_MESSAGES or LANG), for the spinner.
fn chinese_locale() -> bool {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .next()
        .is_some_and(|l| l.starts_with("zh"))
}

/// Warnings shown one by one before the rest are only counted.
const WARNINGS_SHOWN: usize = 20;

/// Prints errors, then warnings: all of them with --verbose, none with --quiet, else the first
/// 20 and a count per kind, so a build with thousands of late notices still ends readably.
fn print_diagnostics(diags: &[gongshi::diagnostic::Diagnostic], verbosity: Verbosity) {
    let (errors, warnings): (Vec<_>, Vec<_>) = diags.iter().cloned().partition(|d| d.is_error());
    for d in &errors {
        eprintln!("{}", d.human());
    }
    let shown = match verbosity {
        Verbosity::Quiet => 0,
        Verbosity::Normal => WARNINGS_SHOWN,
        Verbosity::Verbose => warnings.len(),
    };
    for d in warnings.iter().take(shown) {
        eprintln!("{}", d.human());
    }
    if verbosity == Verbosity::Normal && warnings.len() > shown {
        eprintln!(
            "... and {} more warning(s) (--verbose shows all); warnings by kind:",
            warnings.len() - shown
        );
        for (kind, n) in gongshi::diagnostic::count_kinds(&warnings) {
            eprintln!("{n:>8}  {kind}");
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Validate the site and write the whole static site into --out.
    Build {
        #[arg(long, default_value = ".")]
        site: PathBuf,
        #[arg(long, default_value = "public")]
        out: PathBuf,
        /// The build date (YYYY-MM-DD); default SOURCE_DATE_EPOCH, else today.
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long)]
        base_url: Option<String>,
        /// An earlier build's data/manifest.json (or its output folder), for /changes/;
        /// default: the manifest already in --out.
        #[arg(long)]
        previous: Option<PathBuf>,
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
        /// Largest data file accepted, in bytes.
        #[arg(long, default_value_t = gongshi::load::DEFAULT_MAX_FILE_BYTES)]
        max_file_bytes: u64,
        /// Print each stage's wall time, files and bytes written.
        #[arg(long)]
        timings: bool,
        /// Also write the staff report (late and soon-ending notices, with the repository's
        /// file paths) to this file, which must lie outside --out: it is not for the public.
        #[arg(long)]
        staff_report: Option<PathBuf>,
    },
    /// Validate the site and report every problem; writes nothing.
    Check {
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
    },
    /// Build, serve on 127.0.0.1 and rebuild on every change.
    Serve {
        #[arg(long, default_value = ".")]
        site: PathBuf,
        #[arg(long, default_value = "public")]
        out: PathBuf,
        #[arg(long, default_value_t = 8000)]
        port: u16,
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Start a new bureau's site in DIR (new or empty): site.yaml, data folders, pages.
    Init {
        dir: PathBuf,
        /// The bureau publishing the site (主办单位).
        #[arg(long, default_value = "某市场监督管理局")]
        bureau: String,
        /// The site's title (default: the bureau's name + 公示平台).
        #[arg(long)]
        title: Option<String>,
        #[arg(long, default_value = "https://example.org/")]
        base_url: String,
    },
    /// Read spreadsheet rows (XLSX/XLS/ODS, or CSV in UTF-8 or GBK) into COLLECTION's records.
    Import {
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
    },
    /// Query the search index a build wrote and print ranked results.
    Search {
        /// The build's output directory.
        #[arg(long, default_value = "public")]
        out: PathBuf,
        query: String,
        /// Only records of this collection.
        #[arg(long)]
        collection: Option<String>,
        /// Only records whose facet field has this value (field=value; repeatable).
        #[arg(long = "filter")]
        filters: Vec<String>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// Print JSON instead of a list.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Github,
}

fn as_of(arg: Option<&str>) -> anyhow::Result<NaiveDate> {
    if let Some(s) = arg {
        return NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .with_context(|| format!("--as-of \"{s}\" is not a date (YYYY-MM-DD)"));
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let secs: i64 = epoch
            .trim()
            .parse()
            .context("SOURCE_DATE_EPOCH is not a number of seconds")?;
        return chrono::DateTime::from_timestamp(secs, 0)
            .map(|t| t.date_naive())
            .context("SOURCE_DATE_EPOCH is out of range");
    }
    Ok(chrono::Local::now().date_naive())
}

/// The staff report names the repository's files: inside --out it would be published.
fn refuse_report_inside_out(file: &Path, out: &Path) -> anyhow::Result<()> {
    let (file, out) = (out_guard::resolve(file)?, out_guard::resolve(out)?);
    if file.starts_with(&out) {
        anyhow::bail!(
            "refusing to write the staff report to \"{}\": it lies inside the output folder {}, \
             which is published; write it outside, e.g. --staff-report staff-report.txt",
            file.display(),
            out.display()
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    gongshi::memory::tune_allocator();
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
        Command::Build {
            site,
            out,
            as_of: date,
            base_url,
            previous,
            strict,
            max_file_bytes,
            timings,
            staff_report,
        } => {
            if let Some(file) = &staff_report {
                refuse_report_inside_out(file, &out)?;
            }
            let mut opts = BuildOptions::new(site, out, as_of(date.as_deref())?);
            opts.base_url = base_url;
            opts.previous = previous;
            opts.strict = strict;
            opts.max_file_bytes = max_file_bytes;
            opts.on_stage = Some(|stage| {
                gongshi::progress::message(gongshi::progress::stage_message(
                    stage,
                    chinese_locale(),
                ))
            });
            gongshi::progress::start("gongshi build");
            let built = pipeline::build(&opts);
            gongshi::progress::finish();
            match built {
                Ok(summary) => {
                    print_diagnostics(&summary.warnings, verbosity);
                    if timings {
                        for s in &summary.stages {
                            eprintln!(
                                "stage {:<16} {:>8.2} s {:>9} files {:>13} bytes {:>7.2} s cpu {:>7} MB peak",
                                s.stage,
                                s.seconds,
                                s.files,
                                s.bytes,
                                s.cpu_seconds,
                                s.peak_rss >> 20
                            );
                        }
                    }
                    if let Some(file) = &staff_report {
                        let text = gongshi::notice::staff_report_text(&summary.staff);
                        std::fs::write(file, text).with_context(|| {
                            format!("writing the staff report to {}", file.display())
                        })?;
                    }
                    if verbosity == Verbosity::Quiet {
                        return Ok(ExitCode::SUCCESS);
                    }
                    eprintln!(
                        "built {} files, {} bytes, {} records on notice, as of {}, into {}",
                        summary.files,
                        summary.bytes,
                        summary.published,
                        opts.as_of,
                        opts.out.display()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(BuildError::Invalid(diags)) => {
                    print_diagnostics(&diags, verbosity);
                    eprintln!(
                        "build failed: {} error(s); nothing was written",
                        diags.iter().filter(|d| d.is_error() || strict).count()
                    );
                    Ok(ExitCode::from(1))
                }
                Err(e) => Err(e.into()),
            }
        }
        Command::Check {
            site,
            as_of: date,
            format,
            strict,
            max_file_bytes,
        } => {
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
        Command::Init {
            dir,
            bureau,
            title,
            base_url,
        } => {
            let files = gongshi::init::init(&gongshi::init::InitOptions {
                dir: dir.clone(),
                title,
                bureau,
                base_url,
            })?;
            eprintln!(
                "wrote a new site into {} ({} files); next: cd {} && gongshi check && gongshi serve",
                dir.display(),
                files.len(),
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            collection,
            file,
            site,
            sheet,
            mapping,
            as_of: date,
            dry_run,
        } => {
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
        Command::Search {
            out,
            query,
            collection,
            filters,
            limit,
            offset,
            json,
        } => {
            use gongshi::search::query;
            let mut request = query::Request {
                query,
                offset,
                limit,
                filters: Vec::new(),
            };
            if let Some(c) = collection {
                request.filters.push(("collection".into(), c));
            }
            for f in &filters {
                request.filters.push(query::parse_filter(f)?);
            }
            let index = query::open(&out)?;
            let results = query::search(&index, &request)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&results)?);
            } else {
                println!(
                    "{} result(s) for \"{}\" ({})",
                    results.total, results.query, results.mode
                );
                for (i, h) in results.hits.iter().enumerate() {
                    println!(
                        "{:>3}. [{}] {}  {}/{}  score {:.4}",
                        offset + i + 1,
                        h.collection,
                        h.title,
                        h.collection,
                        h.id,
                        h.score
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            site,
            out,
            port,
            as_of: date,
        } => {
            let opts = BuildOptions::new(site, out, as_of(date.as_deref())?);
            gongshi::serve::serve(opts, port)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
