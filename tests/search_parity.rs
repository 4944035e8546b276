//! Parity and quality of search: the browser engine (themes/default/static/search-engine.js, run under
//! Node by tests/js/parity.mjs against the exported shards) and `gongshi::search::query` (the
//! tantivy index) must rank the same records in the same order; and both must find what a
//! citizen types. Every query and expectation is computed from the fixture's data, not
//! hard-coded results.

mod common;

use common::search::*;
use std::collections::{BTreeMap, BTreeSet};

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() <= TIE * a.abs().max(b.abs())
}

/// The JS page must be the Rust ranking's page, except that records whose tantivy scores are
/// within [`TIE`] of each other may trade places (also across the page boundary).
fn check_same(query: &Q, rust_all: &Answer, js: &Answer) -> Result<(), String> {
    let start = query.page * PAGE;
    let expected: Vec<&(String, f64)> = rust_all.hits.iter().skip(start).take(PAGE).collect();
    let score: BTreeMap<&str, f64> = rust_all
        .hits
        .iter()
        .map(|(id, s)| (id.as_str(), *s))
        .collect();
    let fail = |why: String| {
        Err(format!(
            "{query:?}: {why}\n  rust: {:?}\n  js:   {:?}",
            expected.iter().map(|h| &h.0).collect::<Vec<_>>(),
            js.hits.iter().map(|h| &h.0).collect::<Vec<_>>()
        ))
    };
    if js.hits.len() != expected.len() {
        return fail(format!("{} hits vs {}", js.hits.len(), expected.len()));
    }
    if rust_all.mode != js.mode {
        return fail(format!("mode {} vs {}", rust_all.mode, js.mode));
    }
    let distinct: BTreeSet<&str> = js.hits.iter().map(|h| h.0.as_str()).collect();
    if distinct.len() != js.hits.len() {
        return fail("duplicate results".into());
    }
    for (i, ((want, want_score), (got, _))) in expected.iter().zip(&js.hits).enumerate() {
        if want == got {
            continue;
        }
        match score.get(got.as_str()) {
            None => return fail(format!("#{i}: {got} is not a match at all")),
            Some(&s) if !near(s, *want_score) => {
                return fail(format!(
                    "#{i}: {got} (score {s}) in place of {want} (score {want_score})"
                ))
            }
            _ => {}
        }
    }
    if js.complete && js.total != rust_all.total {
        return fail(format!("total {} vs {}", js.total, rust_all.total));
    }
    Ok(())
}

/// The ≥ 40 parity queries, built from the fixture's published records.
fn parity_queries(site: &Site) -> Vec<Q> {
    let labs = &site.published["labs"];
    let penalties = &site.published["penalties"];
    let parks = &site.published["organic-parks"];
    let inspections = &site.published["inspections"];
    let mut out = Vec::new();
    for lab in labs.iter().step_by(5) {
        out.push(q(&text(lab, "name")));
    }
    for piece in [
        "华测",
        "中测",
        "检测技术",
        "华测检测",
        "谱尼测试",
        "猕猴桃",
        "有机示范",
        "富硒",
        "西安华测",
        "技术有限",
        "机动车",
        "茶",
    ] {
        out.push(q(piece));
    }
    // Width and case variants, and a query in two words.
    for v in [
        "ＳＧＳ",
        "sgs",
        "SGS标准",
        "intertek",
        "ＩＮＴＥＲＴＥＫ天祥",
        "（经营场所）",
        "(经营场所)",
        "西安 检测",
        "华测　宝鸡",
    ] {
        out.push(q(v));
    }
    for lab in labs.iter().step_by(7) {
        let code = text(lab, "credit_code");
        out.push(q(&code));
        out.push(q(&code.to_lowercase()));
        out.push(q(&code[..6]));
        out.push(q(&code[..9]));
        let cma = text(lab, "cma_number");
        out.push(q(&cma));
        out.push(q(&cma[..7]));
    }
    let full_width: String = text(&labs[1], "credit_code")
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c))
        .collect();
    out.push(q(&full_width));
    for p in penalties.iter().step_by(6) {
        for form in bracket_forms(&text(p, "decision_number")) {
            out.push(q(&form));
        }
    }
    out.push(q("陕市监罚〔2024〕1"));
    out.push(q("陕市监罚[2024]"));
    out.push(q("西市监罚"));
    for i in inspections.iter().step_by(8) {
        out.push(q(&text(i, "task_number")));
    }
    for park in parks.iter().step_by(4) {
        if let Some(cert) = park["certificates"].as_array().and_then(|c| c.first()) {
            let number = text(cert, "number");
            out.push(q(&number));
            out.push(q(&number[..7]));
        }
    }
    for common in [
        "检测",
        "西安",
        "有限公司",
        "市场监督管理局",
        "罚款",
        "双随机抽查",
    ] {
        out.push(q(common));
    }
    out.push(qf("检测", "collection", "labs"));
    out.push(qf("西安", "collection", "penalties"));
    out.push(qf("有限公司", "collection", "inspections"));
    out.push(qf("检测", "city", "西安市"));
    out.push(qf("检测", "status", "有效"));
    out.push(qf("抽查", "result", "未发现问题"));
    out.push(qf("有限公司", "decision_date", "2024"));
    out.push(qf("有机", "certifier", &text(&parks[0], "certifier")));
    out.push(Q {
        filters: vec![
            ("collection".into(), "labs".into()),
            ("city".into(), "西安市".into()),
        ],
        ..q("有限公司")
    });
    out.push(qf("检测", "city", "不存在市"));
    for none in [
        "不存在的公司",
        "zzzz",
        "陕市监罚〔2019〕999号",
        "99999999",
        "",
        "   ",
        "，。",
    ] {
        out.push(q(none));
    }
    for page in 1..4 {
        out.push(qp("检测", page));
        out.push(qp("有限公司", page));
    }
    out.push(Q {
        page: 1,
        ..qf("检测", "collection", "labs")
    });
    out
}

fn bracket_forms(number: &str) -> Vec<String> {
    let canonical = gongshi::domain::canonical_decision_number(number);
    [
        ("〔", "〕"),
        ("[", "]"),
        ("(", ")"),
        ("（", "）"),
        ("【", "】"),
    ]
    .iter()
    .map(|(a, b)| canonical.replace('〔', a).replace('〕', b))
    .collect()
}

#[test]
fn browser_engine_and_tantivy_rank_alike() {
    let site = build_site();
    let queries = parity_queries(&site);
    assert!(queries.len() >= 40, "only {} queries", queries.len());
    let js = js_answers(&site, &queries);
    let mut failures = Vec::new();
    let mut with_hits = 0;
    for (query, js) in queries.iter().zip(&js) {
        let rust_all = rust_answer(&site, query, true);
        let rust_page = rust_answer(&site, query, false);
        assert_eq!(
            rust_page.hits.iter().map(|h| &h.0).collect::<Vec<_>>(),
            rust_all
                .hits
                .iter()
                .skip(query.page * PAGE)
                .take(PAGE)
                .map(|h| &h.0)
                .collect::<Vec<_>>(),
            "offset/limit of {query:?}"
        );
        with_hits += usize::from(!rust_page.hits.is_empty());
        if let Err(e) = check_same(query, &rust_all, js) {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} queries differ:\n{}",
        failures.len(),
        queries.len(),
        failures.join("\n")
    );
    assert!(
        with_hits >= 40,
        "only {with_hits} parity queries have results: the fixture no longer exercises ranking"
    );
}

/// (query, expected first `collection/id`) for every identifier a record owns.
fn identifier_queries(site: &Site) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for lab in &site.published["labs"] {
        let id = format!("labs/{}", text(lab, "id"));
        out.push((text(lab, "credit_code"), id.clone()));
        out.push((text(lab, "credit_code").to_lowercase(), id.clone()));
        out.push((text(lab, "cma_number"), id));
    }
    let lab_codes: BTreeSet<String> = site.published["labs"]
        .iter()
        .map(|l| text(l, "credit_code"))
        .collect();
    for p in &site.published["penalties"] {
        let id = format!("penalties/{}", text(p, "id"));
        for form in bracket_forms(&text(p, "decision_number")) {
            out.push((form, id.clone()));
        }
        let code = text(p, "party_credit_code");
        if !code.is_empty() && !lab_codes.contains(&code) {
            out.push((code, id.clone()));
        }
    }
    let mut cert_owners: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for park in &site.published["organic-parks"] {
        for cert in park["certificates"].as_array().into_iter().flatten() {
            cert_owners
                .entry(text(cert, "number"))
                .or_default()
                .push(format!("organic-parks/{}", text(park, "id")));
        }
    }
    let mut task_owners: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for i in &site.published["inspections"] {
        task_owners
            .entry(text(i, "task_number"))
            .or_default()
            .push(format!("inspections/{}", text(i, "id")));
    }
    for (number, owners) in cert_owners.into_iter().chain(task_owners) {
        if let [only] = owners.as_slice() {
            out.push((number, only.clone()));
        }
    }
    out
}

/// The name of a published record as search should find it: its title, and a penalty's party.
fn names(site: &Site) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (c, key) in [
        ("labs", "name"),
        ("inspections", "subject_name"),
        ("organic-parks", "name"),
        ("penalties", "party_name"),
    ] {
        for r in &site.published[c] {
            let name = text(r, key);
            if !name.contains('*') {
                out.push((name, format!("{c}/{}", text(r, "id"))));
            }
        }
    }
    out
}

#[test]
fn identifiers_names_and_pieces_are_found_by_both_sides() {
    let site = build_site();
    let mut checks: Vec<(Q, String, usize)> = Vec::new(); // query, record, must be within rank
    for (query, id) in identifier_queries(&site) {
        checks.push((q(&query), id, 1));
    }
    let names = names(&site);
    // An exact name: a record of that name first (several records may share it: a lab and the
    // inspections of that lab), and this record among the records of that name.
    let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, id) in &names {
        by_name.entry(name).or_default().push(id);
    }
    let mut pieces: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for (name, _) in &names {
        let chars: Vec<char> = name.chars().collect();
        // Pieces of Han text: a Latin word is one token, found whole, not by a piece of it.
        for w in chars.windows(4) {
            if !w.iter().all(|c| ('\u{4e00}'..='\u{9fff}').contains(c)) {
                continue;
            }
            let piece: String = w.iter().collect();
            let holders: BTreeSet<&str> = names
                .iter()
                .filter(|(n, _)| n.contains(&piece))
                .map(|(_, id)| id.as_str())
                .collect();
            pieces.insert(piece, holders);
        }
    }
    let mut piece_queries = 0;
    for (piece, holders) in &pieces {
        if holders.len() < PAGE {
            piece_queries += 1;
            for id in holders {
                checks.push((q(piece), id.to_string(), PAGE));
            }
        }
    }
    assert!(piece_queries > 100, "only {piece_queries} pieces");
    let queries: Vec<Q> = checks
        .iter()
        .map(|c| c.0.clone())
        .chain(by_name.keys().map(|n| q(n)))
        .collect();
    let js = js_answers(&site, &queries);
    let mut failures = Vec::new();
    for (i, (query, id, within)) in checks.iter().enumerate() {
        let rust = rust_answer(&site, query, false);
        for (side, answer) in [("rust", &rust), ("js", &js[i])] {
            let top: Vec<&str> = answer
                .hits
                .iter()
                .take(*within)
                .map(|h| h.0.as_str())
                .collect();
            if !top.contains(&id.as_str()) {
                failures.push(format!(
                    "{side}: \"{}\" should have {id} in the top {within}, got {top:?}",
                    query.q
                ));
            }
        }
    }
    for (k, (name, ids)) in by_name.iter().enumerate() {
        let query = q(name);
        let rust = rust_answer(&site, &query, false);
        for (side, answer) in [("rust", &rust), ("js", &js[checks.len() + k])] {
            let first = answer.hits.first().map(|h| h.0.as_str());
            let same_name: Vec<&str> = answer
                .hits
                .iter()
                .take(ids.len())
                .map(|h| h.0.as_str())
                .collect();
            if !first.is_some_and(|f| ids.contains(&f))
                || !ids.iter().all(|id| same_name.contains(id))
            {
                failures.push(format!(
                    "{side}: \"{name}\" should rank {ids:?} first, got {same_name:?}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn unpublished_and_masked_text_is_never_found() {
    let site = build_site();
    let mut probes: Vec<(String, String)> = Vec::new(); // raw text, record it must not find
    let mut unpublished = 0;
    for (c, records) in &site.raw {
        let published: BTreeSet<String> = site.published[c].iter().map(|r| text(r, "id")).collect();
        for r in records {
            let id = yaml_text(r, "id");
            let key = format!("{c}/{id}");
            if !published.contains(&id) {
                unpublished += 1;
                for field in [
                    "name",
                    "party_name",
                    "subject_name",
                    "decision_number",
                    "credit_code",
                    "party_credit_code",
                    "cma_number",
                ] {
                    let v = yaml_text(r, field);
                    if !v.is_empty() {
                        probes.push((v, key.clone()));
                    }
                }
            } else if ["自然人", "个体工商户"].contains(&yaml_text(r, "party_type").as_str())
            {
                let name = yaml_text(r, "party_name");
                probes.push((name.clone(), key.clone()));
                let chars: Vec<char> = name.chars().collect();
                probes.push((chars[1..].iter().collect(), key.clone()));
            }
        }
    }
    assert!(
        unpublished >= 6,
        "the fixture should hold embargoed, withdrawn and expired records"
    );
    let masked = probes
        .iter()
        .filter(|(_, k)| k.starts_with("penalties/"))
        .count();
    assert!(masked >= 4, "the fixture should hold masked personal names");
    let queries: Vec<Q> = probes.iter().map(|(t, _)| q(t)).collect();
    let js = js_answers(&site, &queries);
    let mut leaks = Vec::new();
    for ((text, key), js) in probes.iter().zip(&js) {
        let rust = rust_answer(&site, &q(text), true);
        for (side, answer) in [("rust", &rust), ("js", js)] {
            if answer.hits.iter().any(|h| &h.0 == key) {
                leaks.push(format!("{side}: \"{text}\" finds {key}"));
            }
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
    // Nothing of a masked or unpublished name reaches the exported shards either (unless a
    // published record carries the same text).
    let shards = common::read_tree(&site.out.join("search"));
    let datasets: Vec<Vec<u8>> = site
        .published
        .keys()
        .map(|c| std::fs::read(site.out.join(format!("data/{c}.json"))).expect("dataset"))
        .collect();
    for (text, key) in &probes {
        if text.chars().count() < 3 || datasets.iter().any(|d| common::contains(d, text)) {
            continue;
        }
        for (path, bytes) in &shards {
            if path.starts_with("index/") {
                continue;
            }
            assert!(
                !common::contains(bytes, text),
                "search/{path} contains \"{text}\" of {key}"
            );
        }
    }
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A dictionary bucket too big for its slot continues in a tail, which the browser engine
/// reads next. Real sites have enough buckets that tails are rare, so this one is made by hand
/// in the exported format (src/search/shards.rs): 120 inline terms, all in bucket 0.
#[test]
fn the_browser_engine_reads_dictionary_tails() {
    use gongshi::search::shards::{dict_pack, DICT_SLOT, DOC_SLOT};
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let search = out.join("search");
    for dir in ["t", "d"] {
        std::fs::create_dir_all(search.join(dir)).unwrap();
    }
    let count = 120u64;
    let mut entries = Vec::new();
    let mut docs = Vec::new();
    for ord in 0..count {
        let term = format!("word{ord:04}");
        let mut entry = Vec::new();
        varint(&mut entry, term.len() as u64);
        entry.extend_from_slice(term.as_bytes());
        varint(&mut entry, 1 << 1); // df 1, inline
        varint(&mut entry, ord); // one posting: its ordinal, score, no facets
        entry.extend_from_slice(&30_000u16.to_le_bytes());
        entries.push((0usize, entry));
        let mut doc = serde_json::to_vec(&serde_json::json!({
            "c": 0, "id": format!("rec-{ord}"), "t": term, "f": [], "s": "",
        }))
        .unwrap();
        doc.resize(DOC_SLOT, b' ');
        docs.extend(doc);
    }
    let slices: Vec<(usize, &[u8])> = entries.iter().map(|(s, e)| (*s, e.as_slice())).collect();
    let pack = dict_pack(&slices);
    assert!(pack.len() > 64 * DICT_SLOT, "bucket 0 has a tail");
    std::fs::write(search.join("t/0.bin"), pack).unwrap();
    std::fs::write(search.join("d/0.bin"), docs).unwrap();
    let manifest = serde_json::json!({
        "version": 5, "n": count, "shard_bits": 0, "inline_max": 24, "block0": 128,
        "dict_pack_bits": 6, "dict_slot": DICT_SLOT, "x_pack_bits": 5, "doc_pack_bits": 10,
        "doc_slot": DOC_SLOT, "q_scale": 2048.0, "q_offset": 12.0,
        "collections": [{"key": "labs", "title": "L", "start": 0, "count": count, "facets": []}],
    });
    std::fs::write(search.join("manifest.json"), manifest.to_string()).unwrap();
    let answers = js_answers_in(
        &out,
        &[q("word0000"), q("word0119"), q("word0060"), q("word9999")],
    );
    let ids: Vec<Vec<&str>> = answers
        .iter()
        .map(|a| a.hits.iter().map(|h| h.0.as_str()).collect())
        .collect();
    assert_eq!(
        ids,
        vec![
            vec!["labs/rec-0"],
            vec!["labs/rec-119"],
            vec!["labs/rec-60"],
            vec![]
        ]
    );
}

/// Records the browser scores alike (their per-term scores quantise to the same numbers) are
/// ordered by ordinal on both sides, so a page is the same record for record, ties included.
/// A generated site (seed 3131, 10,000 records) where `食品`'s tenth and eleventh records tie
/// for the browser but not in tantivy's own scores: every query of the generator, pages 1 to 3,
/// must be identical wherever the browser ranked whole.
#[test]
fn generated_queries_rank_identically_ties_included() {
    let (_dir, site, out) = common::generated_build(10_000, 3131, AS_OF);
    let index = gongshi::search::query::open(&out).expect("open index");
    let texts = common::generated_queries(
        &site,
        &[
            "name",
            "name_piece",
            "short_name",
            "name_middle",
            "phrase",
            "city_kind",
            "common",
        ],
    );
    assert!(
        texts.iter().any(|t| t == "食品"),
        "the generator's common words changed"
    );
    let queries: Vec<Q> = texts
        .iter()
        .flat_map(|t| (0..3).map(|p| qp(t, p)))
        .collect();
    let answers = js_answers_in(&out, &queries);
    let mut differ = Vec::new();
    for (query, js) in queries.iter().zip(&answers) {
        if !js.ranked {
            continue;
        }
        let cli = gongshi::search::query::search(
            &index,
            &gongshi::search::query::Request {
                query: query.q.clone(),
                filters: Vec::new(),
                offset: query.page * PAGE,
                limit: PAGE,
            },
        )
        .expect("search");
        let cli: Vec<String> = cli
            .hits
            .iter()
            .map(|h| format!("{}/{}", h.collection, h.id))
            .collect();
        let js: Vec<String> = js.hits.iter().map(|h| h.0.clone()).collect();
        if cli != js {
            differ.push(format!(
                "{} (page {}): cli {cli:?} browser {js:?}",
                query.q,
                query.page + 1
            ));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}
