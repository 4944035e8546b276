//! The browser engine's byte budget. A cold first page reads about its budget at most; past it
//! a page that has found matches says its order is not final (`ranked: false`),
//! shows only records that do match, and counts them as a lower bound. Asked to rank whole (`full`), it agrees with
//! `gongshi search`. A page with no match yet reads on, up to a hard limit where it stops and
//! says so rather than showing nothing as if nothing matched. Run on a generated site whose word
//! lists are long enough to be read in blocks, with the generator's own two-word queries (a city
//! and a kind of record).

mod common;

use common::search::{js_answers_in, q, Answer, AS_OF, PAGE, Q, TIE};
use gongshi::search::query::{self, Request};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Small enough that a query of two common words cannot be ranked within it.
const SMALL_BUDGET: u64 = 3_000;

fn cli(index: &tantivy::Index, text: &str) -> Vec<(String, f64)> {
    let request = Request {
        query: text.to_string(),
        filters: Vec::new(),
        offset: 0,
        limit: usize::MAX / 2,
    };
    let r = query::search(index, &request).expect("search");
    r.hits
        .iter()
        .map(|h| (format!("{}/{}", h.collection, h.id), f64::from(h.score)))
        .collect()
}

#[test]
fn a_first_page_stops_at_its_budget_and_ranks_whole_on_request() {
    let (_dir, site, out) = common::generated_build(20_000, 4242, AS_OF);
    let index = query::open(&out).expect("open index");
    let texts = common::generated_queries(&site, &["city_kind"]);
    stops_with_matches(&index, &out, &texts);
    stops_with_none_yet(&index, &out, &texts);
}

fn stops_with_matches(index: &tantivy::Index, out: &Path, texts: &[String]) {
    assert!(
        texts.len() >= 3,
        "generator wrote {} city_kind queries",
        texts.len()
    );
    let cut = js_answers_in(out, &budgeted(texts, false, BTreeMap::new()));
    let whole = js_answers_in(out, &budgeted(texts, true, BTreeMap::new()));
    let unlimited = js_answers_in(out, &texts.iter().map(|t| q(t)).collect::<Vec<_>>());
    let mut stopped = 0;
    for (((text, cut), whole), unlimited) in texts.iter().zip(&cut).zip(&whole).zip(&unlimited) {
        let all = cli(index, text);
        let scores: HashMap<&str, f64> = all.iter().map(|(id, s)| (id.as_str(), *s)).collect();
        check_ranked_whole(text, whole, &all);
        if cut.ranked {
            continue;
        }
        stopped += 1;
        assert!(
            !cut.complete,
            "{text}: a stopped page's count is a lower bound"
        );
        assert!(
            !cut.hits.is_empty(),
            "{text}: a page stops once it has matches to show"
        );
        for (id, _) in &cut.hits {
            assert!(scores.contains_key(id.as_str()), "{text}: {id} is no match");
        }
        assert!(unlimited.ranked, "{text}: the default budget stopped too");
        assert!(
            cut.total >= cut.hits.len() && cut.total <= all.len(),
            "{text}: lower bound {} above the {} matches",
            cut.total,
            all.len()
        );
        assert!(
            cut.bytes < unlimited.bytes,
            "{text}: read {} bytes with a budget, {} without",
            cut.bytes,
            unlimited.bytes
        );
    }
    assert!(
        stopped > 0,
        "no query of {texts:?} reached a budget of {SMALL_BUDGET} bytes: the test proves nothing"
    );
}

/// With the record-order and anchored plans off and a hard limit of one byte, a first page
/// reads its lists' best blocks and stops: those that found no match in them say so (no
/// count, not partial, not ranked), and ranked whole they are the CLI's first page.
fn stops_with_none_yet(index: &tantivy::Index, out: &Path, texts: &[String]) {
    let limits = BTreeMap::from([("anchor", 0), ("whole", 0), ("ordered", 0), ("hard", 1)]);
    let cut = js_answers_in(out, &budgeted(texts, false, limits.clone()));
    let whole = js_answers_in(out, &budgeted(texts, true, limits));
    let mut none_yet = 0;
    for ((text, cut), whole) in texts.iter().zip(&cut).zip(&whole) {
        let all = cli(index, text);
        check_ranked_whole(text, whole, &all);
        assert!(!all.is_empty(), "{text}: the CLI finds nothing");
        // Records holding every word exist: partial matches would hide that.
        assert_eq!(
            cut.mode, "text",
            "{text}: a stopped page shown as {}",
            cut.mode
        );
        if !cut.hits.is_empty() {
            continue;
        }
        none_yet += 1;
        assert!(
            !cut.ranked && !cut.complete && cut.total == 0,
            "{text}: a page stopped before a match must say so"
        );
        assert!(
            cut.bytes < whole.bytes,
            "{text}: stopped after reading everything"
        );
    }
    assert!(
        none_yet > 0,
        "every query of {texts:?} found a match in its best blocks: the test proves nothing"
    );
}

/// The queries `texts` with the small budget, ranked whole when `full`, under plan `limits`.
fn budgeted(texts: &[String], full: bool, limits: BTreeMap<&'static str, u64>) -> Vec<Q> {
    texts
        .iter()
        .map(|t| Q {
            budget: Some(SMALL_BUDGET),
            full,
            limits: limits.clone(),
            ..q(t)
        })
        .collect()
}

/// The page ranked whole is the CLI's first page, but for records whose scores tie.
fn check_ranked_whole(text: &str, js: &Answer, all: &[(String, f64)]) {
    assert!(js.ranked, "{text}: asked to rank whole, it did not");
    assert_eq!(js.hits.len(), all.len().min(PAGE), "{text}: page length");
    let Some(tenth) = PAGE.min(all.len()).checked_sub(1).map(|i| all[i].1) else {
        return;
    };
    let scores: HashMap<&str, f64> = all.iter().map(|(id, s)| (id.as_str(), *s)).collect();
    for (id, _) in &js.hits {
        let s = scores
            .get(id.as_str())
            .copied()
            .unwrap_or(f64::NEG_INFINITY);
        assert!(
            s >= tenth * (1.0 - TIE),
            "{text}: {id} (CLI score {s}) is not in the CLI's first page (10th: {tenth})"
        );
    }
}
