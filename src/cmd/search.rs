//! `gongshi search`: queries the index a build wrote.

use gongshi::messages::{Lang, Say};
use std::path::PathBuf;
use std::process::ExitCode;

// The command's help is the doc comment on its variant in main.rs.
#[derive(clap::Args)]
pub struct Args {
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
}

pub fn run(args: Args, lang: Lang) -> anyhow::Result<ExitCode> {
    let Args {
        out,
        query,
        collection,
        filters,
        limit,
        offset,
        json,
    } = args;
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
        let heading = Say::SearchResults {
            total: results.total,
            query: results.query.clone(),
            mode: results.mode.to_string(),
        };
        println!("{}", heading.render(lang));
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
