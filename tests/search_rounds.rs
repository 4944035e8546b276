//! Round trips of the browser engine. A query holding a distinctive part of a name (a piece of
//! it, or its middle) is answered in three sequential rounds of requests: the dictionary, the
//! lists (the rare part's whole, the other parts' in record order), then the results' display
//! data. Run on a generated site whose common words' lists are long enough to be read in
//! blocks, with the generator's own queries; the answers must also be `gongshi search`'s.

mod common;

use common::search::{js_answers_in, q, AS_OF, PAGE};
use gongshi::search::query::{self, Request};

/// Dictionary, lists, display.
const ROUNDS: u64 = 3;

#[test]
fn a_distinctive_part_of_a_name_is_answered_in_three_rounds() {
    let (_dir, site, out) = common::generated_build(20_000, 977, AS_OF);
    let index = query::open(&out).expect("open index");
    let texts = common::generated_queries(&site, &["name_piece", "name_middle"]);
    assert!(texts.len() >= 10, "generator wrote {} pieces", texts.len());
    let answers = js_answers_in(&out, &texts.iter().map(|t| q(t)).collect::<Vec<_>>());
    let mut slow = Vec::new();
    for (text, answer) in texts.iter().zip(&answers) {
        assert!(answer.ranked && answer.complete, "{text}: not ranked whole");
        assert!(!answer.hits.is_empty(), "{text}: no results");
        let cli = query::search(
            &index,
            &Request {
                query: text.clone(),
                filters: Vec::new(),
                offset: 0,
                limit: PAGE,
            },
        )
        .expect("search");
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
    assert!(
        slow.is_empty(),
        "answered in more than {ROUNDS} rounds: {}",
        slow.join(", ")
    );
}
