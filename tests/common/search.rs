//! Helpers of the search tests: the fixture site built once per test, its answers from
//! `gongshi::search::query` and from the browser engine under Node.

use gongshi::search::query::{self, Request};
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::{Command, Stdio};

pub const AS_OF: &str = "2025-06-30";
pub const PAGE: usize = 10;
/// Adjacent results whose scores differ by less than this may come in either order.
pub const TIE: f64 = 0.02;

#[derive(Clone, Debug)]
pub struct Q {
    pub q: String,
    pub filters: Vec<(String, String)>,
    pub page: usize,
    /// Bytes the browser engine's first page may read (its default when None).
    pub budget: Option<u64>,
    /// Rank the first page whatever it reads.
    pub full: bool,
    /// The browser engine's plan limits in bytes (`anchor`, `whole`, `ordered`, `hard`), where a test
    /// sets them to follow one plan on a small site.
    pub limits: BTreeMap<&'static str, u64>,
}

pub fn q(text: &str) -> Q {
    Q {
        q: text.to_string(),
        filters: Vec::new(),
        page: 0,
        budget: None,
        full: false,
        limits: BTreeMap::new(),
    }
}

pub fn qf(text: &str, key: &str, value: &str) -> Q {
    Q {
        filters: vec![(key.to_string(), value.to_string())],
        ..q(text)
    }
}

pub fn qp(text: &str, page: usize) -> Q {
    Q { page, ..q(text) }
}

/// One side's answer: ids (`collection/id`) of the page, with scores where known.
#[derive(Debug)]
pub struct Answer {
    pub mode: String,
    pub total: usize,
    pub complete: bool,
    /// The browser engine's first page was ranked whole (false: it stopped at its budget).
    pub ranked: bool,
    /// Bytes the browser engine read.
    pub bytes: u64,
    /// Sequential rounds of range reads the browser engine made.
    pub rounds: u64,
    pub hits: Vec<(String, f64)>,
    /// The browser engine's facet counts: `[[group, [[value, count]]]]` (Null from the CLI).
    pub facets: Value,
}

pub struct Site {
    _dir: tempfile::TempDir,
    pub out: std::path::PathBuf,
    pub index: tantivy::Index,
    /// Published records per collection, from the build's own datasets (masked as published).
    pub published: BTreeMap<String, Vec<Value>>,
    /// Every record of the fixture's data, as written (before notice rules and masking).
    pub raw: BTreeMap<String, Vec<serde_yaml::Value>>,
}

pub fn build_site() -> Site {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let fixture = super::fixture("search");
    super::build_with_binary(&fixture, &out, AS_OF);
    let index = query::open(&out).expect("open index");
    let mut published = BTreeMap::new();
    let mut raw = BTreeMap::new();
    for c in ["labs", "inspections", "penalties", "organic-parks"] {
        let json: Value =
            serde_json::from_str(&super::read(&out, &format!("data/{c}.json"))).expect("json");
        let records = match json {
            Value::Array(a) => a,
            Value::Object(mut o) => match o.remove("records") {
                Some(Value::Array(a)) => a,
                other => panic!("data/{c}.json: no record list: {other:?}"),
            },
            other => panic!("data/{c}.json: {other:?}"),
        };
        published.insert(c.to_string(), records);
        let mut all = Vec::new();
        for entry in std::fs::read_dir(fixture.join("data").join(c)).expect("data dir") {
            let text = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
            let list: Vec<serde_yaml::Value> = serde_yaml::from_str(&text).expect("yaml");
            all.extend(list);
        }
        raw.insert(c.to_string(), all);
    }
    Site {
        _dir: dir,
        out,
        index,
        published,
        raw,
    }
}

pub fn text(v: &Value, key: &str) -> String {
    match &v[key] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

pub fn yaml_text(v: &serde_yaml::Value, key: &str) -> String {
    v.get(key)
        .and_then(|x| x.as_str())
        .unwrap_or_default()
        .to_string()
}

pub fn rust_answer(site: &Site, query: &Q, all: bool) -> Answer {
    let request = Request {
        query: query.q.clone(),
        filters: query.filters.clone(),
        offset: if all { 0 } else { query.page * PAGE },
        limit: if all { usize::MAX / 2 } else { PAGE },
    };
    let r = query::search(&site.index, &request).expect("search");
    Answer {
        mode: r.mode.to_string(),
        total: r.total,
        complete: true,
        ranked: true,
        bytes: 0,
        rounds: 0,
        facets: Value::Null,
        hits: r
            .hits
            .iter()
            .map(|h| (format!("{}/{}", h.collection, h.id), f64::from(h.score)))
            .collect(),
    }
}

/// Runs every query through the browser engine under Node, each from a cold start.
pub fn js_answers(site: &Site, queries: &[Q]) -> Vec<Answer> {
    js_answers_in(&site.out, queries)
}

/// The same, against the `search/` folder under `out`.
pub fn js_answers_in(out: &std::path::Path, queries: &[Q]) -> Vec<Answer> {
    let node = Command::new("node").arg("--version").output();
    assert!(
        matches!(&node, Ok(o) if o.status.success()),
        "node is required for the search parity test (install Node.js 18+ or run scripts/test-deps.sh)"
    );
    let script = super::repo_root().join("tests/js/parity.mjs");
    let input = serde_json::json!({
        "out": out,
        "queries": queries.iter().map(|q| serde_json::json!({
            "q": q.q, "filters": q.filters, "page": q.page, "size": PAGE,
            "budget": q.budget, "full": q.full, "limits": q.limits,
        })).collect::<Vec<_>>(),
    });
    let file = out.parent().expect("parent").join("queries.json");
    std::fs::write(&file, serde_json::to_vec(&input).expect("json")).expect("write queries");
    let run = Command::new("node")
        .arg(&script)
        .arg(&file)
        .stdin(Stdio::null())
        .output()
        .expect("run node");
    assert!(
        run.status.success(),
        "parity.mjs failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let answers: Vec<Value> = serde_json::from_slice(&run.stdout).expect("parity.mjs output");
    assert_eq!(answers.len(), queries.len());
    answers
        .iter()
        .map(|a| Answer {
            mode: text(a, "mode"),
            total: a["total"].as_u64().unwrap_or(0) as usize,
            complete: a["complete"].as_bool().unwrap_or(false),
            ranked: a["ranked"]
                .as_bool()
                .expect("the engine says whether it ranked"),
            bytes: a["bytes"].as_u64().unwrap_or(0),
            rounds: a["rounds"].as_u64().expect("the engine's rounds"),
            facets: a["facets"].clone(),
            hits: a["hits"]
                .as_array()
                .expect("hits")
                .iter()
                .map(|h| {
                    (
                        format!("{}/{}", text(h, "collection"), text(h, "id")),
                        h["score"].as_f64().unwrap_or(0.0),
                    )
                })
                .collect(),
        })
        .collect()
}
