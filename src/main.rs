//! The `gongshi` command line: parses arguments and calls the library.

use anyhow::Context as _;
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use gongshi::messages::{error_chain, Lang, Say};
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
/// as for `generate` and `search`) the terminal's locale.
fn messages_language(arg: Option<LangArg>, command: &Command) -> Lang {
    match arg {
        Some(LangArg::Zh) => Lang::Zh,
        Some(LangArg::En) => Lang::En,
        None => {
            command
                .site_language()
                .unwrap_or(if chinese_locale() { Lang::Zh } else { Lang::En })
        }
    }
}

/// How much `build` and `check` print besides errors.
#[derive(Clone, Copy, PartialEq)]
enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// Whether the terminal's locale is Chinese (LC_ALL, LC_MESSAGES or LANG), for commands
/// without a site.
fn chinese_locale() -> bool {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .next()
        .is_some_and(|l| l.starts_with("zh"))
}

/// The spinner's language: `on_stage` is a plain function (it cannot capture `lang`).
static STAGES_IN_CHINESE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Warnings shown one by one before the rest are only counted.
const WARNINGS_SHOWN: usize = 20;

/// Prints errors, then warnings: all of them with --verbose, none with --quiet, else the first
/// 20 and a count per kind, so a build with thousands of late notices still ends readably.
fn print_diagnostics(diags: &[gongshi::diagnostic::Diagnostic], verbosity: Verbosity, lang: Lang) {
    let (errors, warnings): (Vec<_>, Vec<_>) = diags.iter().cloned().partition(|d| d.is_error());
    for d in &errors {
        eprintln!("{}", d.human(lang));
    }
    let shown = match verbosity {
        Verbosity::Quiet => 0,
        Verbosity::Normal => WARNINGS_SHOWN,
        Verbosity::Verbose => warnings.len(),
    };
    for d in warnings.iter().take(shown) {
        eprintln!("{}", d.human(lang));
    }
    if verbosity == Verbosity::Normal && warnings.len() > shown {
        let more = warnings.len() - shown;
        eprintln!("{}", Say::MoreWarnings { more }.render(lang));
        for (code, n) in gongshi::diagnostic::count_kinds(&warnings) {
            eprintln!("{n:>8}  {}  {}", code.as_str(), code.help(lang).0);
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Validate the site and write the whole static site into --out (校验并构建站点).
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
    /// Validate the site and report every problem; writes nothing (检查数据，不写文件).
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
    /// Build, serve on 127.0.0.1 and rebuild on every change (本地预览).
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
    /// Write a deterministic synthetic site of N records (and its search queries.json) into --out.
    Generate {
        #[arg(long)]
        records: usize,
        /// An empty or new folder.
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Start a new bureau's site in DIR (new or empty): site.yaml, data folders, pages (新建站点).
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
    /// Read spreadsheet rows (XLSX/XLS/ODS, or CSV in UTF-8 or GBK) into COLLECTION's records
    /// (从表格导入记录).
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
    /// Query the search index a build wrote and print ranked results (检索).
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

fn as_of(arg: Option<&str>, lang: Lang) -> anyhow::Result<NaiveDate> {
    if let Some(s) = arg {
        return NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| {
            let value = s.to_string();
            Say::AsOfNotADate { value }.render(lang)
        });
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
fn refuse_report_inside_out(file: &Path, out: &Path, lang: Lang) -> anyhow::Result<()> {
    let (file, out) = (out_guard::resolve(file)?, out_guard::resolve(out)?);
    if file.starts_with(&out) {
        anyhow::bail!(Say::ReportInsideOut { file, out }.render(lang));
    }
    Ok(())
}

fn main() -> ExitCode {
    gongshi::memory::tune_allocator();
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
            Command::Build { site, .. }
            | Command::Check { site, .. }
            | Command::Serve { site, .. }
            | Command::Import { site, .. } => gongshi::config::messages_language(site),
            Command::Init { .. } => Some(Lang::Zh),
            Command::Generate { .. } | Command::Search { .. } => None,
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
                refuse_report_inside_out(file, &out, lang)?;
            }
            let mut opts = BuildOptions::new(site, out, as_of(date.as_deref(), lang)?);
            opts.base_url = base_url;
            opts.previous = previous;
            opts.strict = strict;
            opts.max_file_bytes = max_file_bytes;
            STAGES_IN_CHINESE.store(lang == Lang::Zh, std::sync::atomic::Ordering::Relaxed);
            opts.on_stage = Some(|stage| {
                gongshi::progress::message(gongshi::progress::stage_message(
                    stage,
                    STAGES_IN_CHINESE.load(std::sync::atomic::Ordering::Relaxed),
                ))
            });
            gongshi::progress::start("gongshi build");
            let built = pipeline::build(&opts);
            gongshi::progress::finish();
            match built {
                Ok(summary) => {
                    print_diagnostics(&summary.warnings, verbosity, lang);
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
                        let text = gongshi::notice::staff_report_text(&summary.staff, lang);
                        std::fs::write(file, text).with_context(|| {
                            let file = file.clone();
                            Say::WritingStaffReport { file }.render(lang)
                        })?;
                    }
                    if verbosity == Verbosity::Quiet {
                        return Ok(ExitCode::SUCCESS);
                    }
                    let built = Say::Built {
                        files: summary.files,
                        bytes: summary.bytes,
                        published: summary.published,
                        as_of: opts.as_of,
                        out: opts.out.clone(),
                    };
                    eprintln!("{}", built.render(lang));
                    Ok(ExitCode::SUCCESS)
                }
                Err(BuildError::Invalid(diags)) => {
                    print_diagnostics(&diags, verbosity, lang);
                    let errors = diags.iter().filter(|d| d.is_error() || strict).count();
                    eprintln!("{}", Say::BuildFailed { errors }.render(lang));
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
            let files = files.len();
            eprintln!("{}", Say::InitDone { dir, files }.render(lang));
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
        Command::Generate { records, out, seed } => {
            let started = std::time::Instant::now();
            let summary = gongshi::generate::generate(&gongshi::generate::Options {
                records,
                out: out.clone(),
                seed,
            })?;
            let counts: Vec<String> = summary
                .collections
                .iter()
                .map(|(c, n)| format!("{n} {c}"))
                .collect();
            eprintln!(
                "generated {} ({}), {} queries: {} files, {} bytes into {} in {:.2} s",
                records,
                counts.join(", "),
                summary.queries,
                summary.files,
                summary.bytes,
                out.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
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
            let opts = BuildOptions::new(site, out, as_of(date.as_deref(), lang)?);
            gongshi::serve::serve(opts, port, lang)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
