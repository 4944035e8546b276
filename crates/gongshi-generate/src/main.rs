//! `gongshi-generate`: writes a synthetic site for tests and benchmarks (see the library).

use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

/// Write a deterministic synthetic site of N records (and its search queries.json) into --out.
#[derive(Parser)]
#[command(name = "gongshi-generate", version)]
struct Cli {
    #[arg(long)]
    records: usize,
    /// An empty or new folder.
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(Cli { records, out, seed }: Cli) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let summary = gongshi_generate::generate(&gongshi_generate::Options {
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
    Ok(())
}
