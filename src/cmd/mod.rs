//! One module per command; main.rs parses the command line and calls their `run`.

pub mod build;
pub mod check;
pub mod import;
pub mod init;
pub mod search;
pub mod serve;

use anyhow::Context as _;
use chrono::NaiveDate;

/// How much `build` and `check` print besides errors.
#[derive(Clone, Copy, PartialEq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// Whether the terminal's locale is Chinese (LC_ALL, LC_MESSAGES or LANG), for the spinner.
pub fn chinese_locale() -> bool {
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
pub fn print_diagnostics(diags: &[gongshi::diagnostic::Diagnostic], verbosity: Verbosity) {
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

pub fn as_of(arg: Option<&str>) -> anyhow::Result<NaiveDate> {
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
