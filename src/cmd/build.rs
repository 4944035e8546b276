//! `gongshi build`: the whole site into `--out`.

use super::{as_of, print_diagnostics, Verbosity};
use anyhow::Context as _;
use gongshi::messages::{Lang, Say};
use gongshi::out_guard;
use gongshi::pipeline::{self, BuildError, BuildOptions, StageTiming};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// The command's help is the doc comment on its variant in main.rs.
#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value = ".")]
    pub site: PathBuf,
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
    /// Minify the theme's CSS and JavaScript and the site-level pages (home, listings, /stats/,
    /// /data/, …; not the record pages). Needs gongshi built with `--features minify`.
    #[arg(long)]
    minify: bool,
}

/// The spinner's language: `on_stage` is a plain function (it cannot capture `lang`).
static STAGES_IN_CHINESE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn run(args: Args, verbosity: Verbosity, lang: Lang) -> anyhow::Result<ExitCode> {
    if args.minify && !gongshi::render::minify::AVAILABLE {
        return Err(BuildError::MinifyNotBuilt.into());
    }
    if let Some(file) = &args.staff_report {
        refuse_report_inside_out(file, &args.out, lang)?;
    }
    let opts = options(&args, lang)?;
    gongshi::progress::start("gongshi build");
    let built = pipeline::build(&opts);
    gongshi::progress::finish();
    match built {
        Ok(summary) => {
            print_diagnostics(&summary.warnings, verbosity, lang);
            if args.timings {
                print_timings(&summary.stages);
            }
            if let Some(file) = &args.staff_report {
                let text = gongshi::notice::staff_report_text(&summary.staff, lang);
                std::fs::write(file, text).with_context(|| {
                    let file = file.clone();
                    Say::WritingStaffReport { file }.render(lang)
                })?;
            }
            if verbosity != Verbosity::Quiet {
                let built = Say::Built {
                    files: summary.files,
                    bytes: summary.bytes,
                    published: summary.published,
                    as_of: opts.as_of,
                    out: opts.out.clone(),
                };
                eprintln!("{}", built.render(lang));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(BuildError::Invalid(diags)) => {
            print_diagnostics(&diags, verbosity, lang);
            let errors = diags.iter().filter(|d| d.is_error() || args.strict).count();
            eprintln!("{}", Say::BuildFailed { errors }.render(lang));
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
}

/// The pipeline's options from the command line, with stage messages in `lang`.
fn options(args: &Args, lang: Lang) -> anyhow::Result<BuildOptions> {
    let mut opts = BuildOptions::new(
        args.site.clone(),
        args.out.clone(),
        as_of(args.as_of.as_deref(), lang)?,
    );
    opts.base_url = args.base_url.clone();
    opts.previous = args.previous.clone();
    opts.strict = args.strict;
    opts.max_file_bytes = args.max_file_bytes;
    opts.minify = args.minify;
    STAGES_IN_CHINESE.store(lang == Lang::Zh, std::sync::atomic::Ordering::Relaxed);
    opts.on_stage = Some(|stage| {
        gongshi::progress::message(gongshi::progress::stage_message(
            stage,
            STAGES_IN_CHINESE.load(std::sync::atomic::Ordering::Relaxed),
        ))
    });
    Ok(opts)
}

/// `--timings`: each stage's wall time, output, CPU time and peak memory.
fn print_timings(stages: &[StageTiming]) {
    for s in stages {
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

/// The staff report names the repository's files: inside --out it would be published.
fn refuse_report_inside_out(file: &Path, out: &Path, lang: Lang) -> anyhow::Result<()> {
    let (file, out) = (out_guard::resolve(file)?, out_guard::resolve(out)?);
    if file.starts_with(&out) {
        anyhow::bail!(Say::ReportInsideOut { file, out }.render(lang));
    }
    Ok(())
}
