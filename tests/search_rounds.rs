//! Round trips of the browser engine: a cold query shows its first results after three
//! sequential rounds of requests (the dictionary, the lists, the results' display data), on a
//! generated site whose common words' lists are long enough to be read in blocks, with the
//! generator's own queries. The answers must also be `gongshi search`'s.

mod common;

use common::search::{js_answers_in, q, qf, qp, Answer, AS_OF, PAGE, Q};
use gongshi::search::query::{self, Request};
use std::collections::BTreeMap;
use std::path::Path;
use tantivy::Index;

/// Dictionary, lists, display.
const ROUNDS: u64 = 3;

#[test]
fn queries_are_answered_in_three_rounds() {
    let (_dir, site, out) = common::generated_build(20_000, 977, AS_OF);
    let index = query::open(&out).expect("open index");
    a_distinctive_part_of_a_name(&index, &site, &out);
    two_common_words(&index, &site, &out);
}

/// A piece of a name, or its middle: its rare part's lists are read whole, the other parts'
/// in record order.
fn a_distinctive_part_of_a_name(index: &Index, site: &Path, out: &Path) {
    let texts = common::generated_queries(site, &["name_piece", "name_middle"]);
    assert!(texts.len() >= 10, "generator wrote {} pieces", texts.len());
    let queries: Vec<Q> = texts.iter().map(|t| q(t)).collect();
    let slow = check_whole_and_cli(index, &queries, &js_answers_in(out, &queries));
    assert!(
        slow.is_empty(),
        "answered in more than {ROUNDS} rounds: {}",
        slow.join(", ")
    );
}

/// A city and a kind (`宝鸡 检测`): no part is rare, and the best blocks of the two lists seldom
/// share a record. Their lists in record order name every match with its score. On a site this
/// small a city's list would anchor the query, so the test turns the anchored plans off; with
/// the record-order plan off too, the same queries take more rounds (the material is hard).
fn two_common_words(index: &Index, site: &Path, out: &Path) {
    let texts = common::generated_queries(site, &["city_kind"]);
    assert!(
        texts.len() >= 3,
        "generator wrote {} city_kind",
        texts.len()
    );
    let plans = |ordered: u64| -> Vec<Q> {
        let limits = BTreeMap::from([("anchor", 0), ("whole", 0), ("ordered", ordered)]);
        let mut queries = Vec::new();
        for t in &texts {
            for query in [q(t), qp(t, 2), qf(t, "collection", "penalties")] {
                queries.push(Q {
                    limits: limits.clone(),
                    ..query
                });
            }
        }
        queries
    };
    let queries = plans(200_000);
    let answers = js_answers_in(out, &queries);
    let slow = check_whole_and_cli(index, &queries, &answers);
    assert!(
        slow.is_empty(),
        "answered in more than {ROUNDS} rounds: {}",
        slow.join(", ")
    );
    // Pages carry no facets: the matches' facets come from the blocks of one part's lists,
    // read with the display data, and count as the anchored plan (facets in every posting) does.
    let plain: Vec<Q> = queries
        .iter()
        .map(|x| Q {
            limits: BTreeMap::new(),
            ..x.clone()
        })
        .collect();
    for ((query, answer), reference) in queries.iter().zip(&answers).zip(js_answers_in(out, &plain))
    {
        assert!(
            reference.complete,
            "{}: the anchored plan did not finish",
            query.q
        );
        let groups = answer.facets.as_array().map_or(0, Vec::len);
        assert!(groups > 1, "{}: only {groups} facet groups", query.q);
        assert_eq!(
            answer.facets, reference.facets,
            "{}: facet counts differ",
            query.q
        );
    }
    let without = plans(0);
    let answers = js_answers_in(out, &without);
    assert!(
        answers.iter().any(|a| a.rounds > ROUNDS),
        "every city + kind query took {ROUNDS} rounds without the record-order plan: the test proves nothing"
    );
}

/// Checks each answer is ranked whole, counted exactly and is the CLI's page; returns the
/// queries that took more than ROUNDS rounds.
fn check_whole_and_cli(index: &Index, queries: &[Q], answers: &[Answer]) -> Vec<String> {
    let mut slow = Vec::new();
    for (query, answer) in queries.iter().zip(answers) {
        let text = format!("{} (page {}, {:?})", query.q, query.page, query.filters);
        assert!(answer.ranked && answer.complete, "{text}: not ranked whole");
        assert!(!answer.hits.is_empty(), "{text}: no results");
        let cli = query::search(
            index,
            &Request {
                query: query.q.clone(),
                filters: query.filters.clone(),
                offset: query.page * PAGE,
                limit: PAGE,
            },
        )
        .expect("search");
        assert_eq!(
            answer.total, cli.total,
            "{text}: browser and CLI count differ"
        );
        let cli_ids: Vec<String> = cli
            .hits
            .iter()
            .map(|h| format!("{}/{}", h.collection, h.id))
            .collect();
        let js_ids: Vec<String> = answer.hits.iter().map(|(id, _)| id.clone()).collect();
        assert_eq!(js_ids, cli_ids, "{text}: browser and CLI differ");
        if answer.rounds > ROUNDS {
            slow.push(format!("{text} ({} rounds)", answer.rounds));
        }
    }
    slow
}
