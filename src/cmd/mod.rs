//! One module per command; main.rs parses the command line and calls their `run`.

pub mod build;
pub mod check;
pub mod import;
pub mod init;
pub mod search;
pub mod serve;

use anyhow::Context as _;
use chrono::NaiveDate;
use gongshi::messages::{Lang, Say};

/// How much `build` and `check` print besides errors.
#[derive(Clone, Copy, PartialEq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// Whether the terminal's locale is Chinese (LC_ALL, LC_MESSAGES or LANG), for commands
/// without a site.
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
pub fn print_diagnostics(
    diags: &[gongshi::diagnostic::Diagnostic],
    verbosity: Verbosity,
    lang: Lang,
) {
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

pub fn as_of(arg: Option<&str>, lang: Lang) -> anyhow::Result<NaiveDate> {
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
