//! `gongshi build`: the whole site into `--out`.

use super::{as_of, print_diagnostics, Verbosity};
use anyhow::Context as _;
use gongshi::messages::{Lang, Say};
use gongshi::out_guard;
use gongshi::pipeline::{self, BuildError, BuildOptions};
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
}

/// The spinner's language: `on_stage` is a plain function (it cannot capture `lang`).
static STAGES_IN_CHINESE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn run(args: Args, verbosity: Verbosity, lang: Lang) -> anyhow::Result<ExitCode> {
    let Args {
        site,
        out,
        as_of: date,
        base_url,
        previous,
        strict,
        max_file_bytes,
        timings,
        staff_report,
    } = args;
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

/// The staff report names the repository's files: inside --out it would be published.
fn refuse_report_inside_out(file: &Path, out: &Path, lang: Lang) -> anyhow::Result<()> {
    let (file, out) = (out_guard::resolve(file)?, out_guard::resolve(out)?);
    if file.starts_with(&out) {
        anyhow::bail!(Say::ReportInsideOut { file, out }.render(lang));
    }
    Ok(())
}
