//! Search finds a record by what people type (the forms of issue 35), on both sides: the
//! browser engine (themes/default/static/search-engine.js under Node) and `gongshi search`'s tantivy
//! query. Queries and expectations are computed from the fixture's data.

mod common;

use common::search::*;
use gongshi::search::tokenize::{canonical_key, parse_query, text_tokens};
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::{Command, Stdio};

/// How the browser engine cuts each string (tests/js/cut.mjs).
fn js_cuts(strings: &[String]) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("strings.json");
    std::fs::write(&file, serde_json::to_vec(strings).expect("json")).expect("write");
    let run = Command::new("node")
        .arg(common::repo_root().join("tests/js/cut.mjs"))
        .arg(&file)
        .stdin(Stdio::null())
        .output()
        .expect("node is required (scripts/test-deps.sh)");
    assert!(
        run.status.success(),
        "cut.mjs failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_slice(&run.stdout).expect("cut.mjs output")
}

/// Strings that stress the cutting rules: every class of character, brackets, labels, widths.
fn awkward_strings() -> Vec<String> {
    let alphabet: Vec<char> =
        "aZ09Ａｚ０（）\u{3000} \t-.，西安检〇あカ한\u{20000}ΣİßÉ[]【〔〕号😀_²:："
            .chars()
            .collect();
    let mut out: Vec<String> = [
        "CMA 2127-0081-5600",
        "信用代码：91610112MAW5G6K43F",
        "文号 宝市监罚（2020）42号",
        "宝市监罚202042号",
        "2020 53号",
        "证书编号查询",
        "股份有限公司",
        "华股份有限公司",
        "检测有限公司有限公司",
        "有限公司检测",
        "ΑΣ ΑΣΑ",
        "宣传治疗高血压",
        "韩城 有机柿子",
        "陕西华测检测技术有限公司",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // A deterministic walk over the alphabet (no randomness: the test must repeat exactly).
    let mut state = 7u64;
    for _ in 0..300 {
        let mut s = String::new();
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        for _ in 0..(state >> 60) + 1 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            s.push(alphabet[(state >> 33) as usize % alphabet.len()]);
        }
        out.push(s);
    }
    out
}

#[test]
fn the_browser_cuts_text_and_reads_queries_as_the_index_does() {
    let site = build_site();
    let mut strings = awkward_strings();
    for records in site.published.values() {
        for r in records.iter().take(40) {
            for key in [
                "name",
                "party_name",
                "subject_name",
                "decision_number",
                "facts",
            ] {
                let v = text(r, key);
                if !v.is_empty() {
                    strings.push(v);
                }
            }
        }
    }
    let js = js_cuts(&strings);
    let mut differ = Vec::new();
    for (s, j) in strings.iter().zip(&js) {
        let parsed = parse_query(s);
        let tokens: Vec<String> = text_tokens(s).into_iter().map(|t| t.text).collect();
        let want = serde_json::json!({
            "tokens": tokens,
            "key": canonical_key(s),
            "labelled": parsed.labelled,
            "ident": parsed.ident,
            "parsed_key": parsed.key,
            "terms": parsed.text.terms,
            "units": parsed.text.units,
            "numbered": parsed.numbered_key(),
        });
        if &want != j {
            differ.push(format!("{s:?}\n  index:   {want}\n  browser: {j}"));
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {} strings cut differently:\n{}",
        differ.len(),
        strings.len(),
        differ.join("\n")
    );
}

/// (query, record that must be first) for the identifier forms people type.
fn identifier_forms(site: &Site) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for lab in &site.published["labs"] {
        let id = format!("labs/{}", text(lab, "id"));
        let cma = text(lab, "cma_number");
        let code = text(lab, "credit_code");
        let dashed: Vec<String> = cma
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        out.push((format!("CMA {cma}"), id.clone()));
        out.push((format!("cma{}", dashed.join("-")), id.clone()));
        out.push((format!("统一社会信用代码：{code}"), id.clone()));
        out.push((format!("{} {}", &code[..9], &code[9..].to_lowercase()), id));
    }
    let mut year_number: BTreeMap<String, usize> = BTreeMap::new();
    for p in &site.published["penalties"] {
        let number = gongshi::domain::canonical_decision_number(&text(p, "decision_number"));
        if let Some((_, tail)) = number.split_once('〔') {
            *year_number.entry(tail.replace('〕', " ")).or_default() += 1;
        }
    }
    for p in &site.published["penalties"] {
        let id = format!("penalties/{}", text(p, "id"));
        let number = gongshi::domain::canonical_decision_number(&text(p, "decision_number"));
        out.push((number.replace(['〔', '〕'], ""), id.clone()));
        out.push((number.trim_end_matches('号').to_string(), id.clone()));
        out.push((format!("文号 {}", number.replace('〔', "【")), id.clone()));
        if let Some((_, tail)) = number.split_once('〔') {
            let tail = tail.replace('〕', " ");
            if year_number[&tail] == 1 {
                out.push((tail, id));
            }
        }
    }
    out
}

/// (query, own record, records about it) for every name a lab or park is found by: the name
/// whole and without its legal form.
fn name_forms(site: &Site) -> Vec<(String, String, Vec<String>)> {
    let mut about: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (c, key) in [("inspections", "subject_name"), ("penalties", "party_name")] {
        for r in &site.published[c] {
            about
                .entry(text(r, key))
                .or_default()
                .push(format!("{c}/{}", text(r, "id")));
        }
    }
    let mut owners: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in ["labs", "organic-parks"] {
        for r in &site.published[c] {
            owners
                .entry(text(r, "name"))
                .or_default()
                .push(format!("{c}/{}", text(r, "id")));
        }
    }
    let mut out = Vec::new();
    for (name, own) in &owners {
        let [own] = own.as_slice() else { continue };
        let others = about.get(name).cloned().unwrap_or_default();
        out.push((name.clone(), own.clone(), others.clone()));
        let short = ["股份有限公司", "有限责任公司", "有限公司"]
            .iter()
            .find_map(|f| name.strip_suffix(f));
        // Only when no other owner's name holds the short name.
        if let Some(short) = short {
            if owners.keys().filter(|n| n.contains(short)).count() == 1 {
                out.push((short.to_string(), own.clone(), others));
            }
        }
    }
    out
}

#[test]
fn own_records_come_first_for_names_and_identifiers_in_every_form() {
    let site = build_site();
    let ids = identifier_forms(&site);
    let names = name_forms(&site);
    assert!(
        ids.len() > 100 && names.len() > 40,
        "{} {}",
        ids.len(),
        names.len()
    );
    let queries: Vec<Q> = ids
        .iter()
        .map(|(t, _)| q(t))
        .chain(names.iter().map(|(t, _, _)| q(t)))
        .collect();
    let js = js_answers(&site, &queries);
    let mut failures = Vec::new();
    for (i, query) in queries.iter().enumerate() {
        let rust = rust_answer(&site, query, false);
        let (own, about): (&str, &[String]) = match ids.get(i) {
            Some((_, id)) => (id, &[]),
            None => {
                let (_, own, about) = &names[i - ids.len()];
                (own, about)
            }
        };
        for (side, answer) in [("rust", &rust), ("js", &js[i])] {
            let got: Vec<&str> = answer.hits.iter().map(|h| h.0.as_str()).collect();
            let next: Vec<&str> = got.iter().skip(1).take(about.len()).copied().collect();
            let about_next =
                about.len() >= PAGE || about.iter().all(|a| next.contains(&a.as_str()));
            if got.first() != Some(&own) || !about_next {
                failures.push(format!(
                    "{side}: \"{}\" should rank {own} first, then {about:?}; got {got:?}",
                    query.q
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
fn phrases_find_records_holding_their_parts_and_say_when_partial() {
    let site = build_site();
    // Two pieces of a penalty's facts, far apart, made one phrase: the record holds every part
    // but not the phrase. And the same with a made-up word between them, which no record holds.
    let mut checks: Vec<(Q, String, &str)> = Vec::new();
    for p in site.published["penalties"].iter() {
        let facts: Vec<char> = text(p, "facts").chars().collect();
        let han = |i: usize| {
            facts[i..i + 3]
                .iter()
                .all(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        };
        let starts: Vec<usize> = (0..facts.len().saturating_sub(3))
            .filter(|&i| han(i))
            .collect();
        let (Some(&a), Some(&b)) = (starts.first(), starts.iter().find(|&&b| b > 20)) else {
            continue;
        };
        let first: String = facts[a..a + 3].iter().collect();
        let second: String = facts[b..b + 3].iter().collect();
        let id = format!("penalties/{}", text(p, "id"));
        checks.push((q(&format!("{first}{second}")), id.clone(), "text"));
        checks.push((q(&format!("{first} {second}")), id.clone(), "text"));
        checks.push((q(&format!("{first}{second}魑魅魍魉")), id, "partial"));
    }
    assert!(checks.len() >= 36, "only {} phrase checks", checks.len());
    let queries: Vec<Q> = checks.iter().map(|c| c.0.clone()).collect();
    let js = js_answers(&site, &queries);
    let mut failures = Vec::new();
    for ((query, id, mode), js) in checks.iter().zip(&js) {
        let rust = rust_answer(&site, query, true);
        for (side, answer) in [("rust", &rust), ("js", js)] {
            let mut all = answer.hits.iter().map(|h| h.0.as_str());
            let found = if side == "rust" {
                all.any(|h| h == id)
            } else {
                !answer.hits.is_empty()
            };
            if answer.mode != *mode || !found {
                failures.push(format!(
                    "{side}: \"{}\" should find {id} in mode {mode}; got mode {} and {} hits",
                    query.q,
                    answer.mode,
                    answer.hits.len()
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

/// Paging reaches every result, and a count is either exact or a lower bound.
#[test]
fn every_result_is_reachable_and_counts_are_honest() {
    let site = build_site();
    let words = ["检测 有限", "西安 罚款", "有限公司", "检测", "抽查 问题"];
    let mut queries = Vec::new();
    let mut want = Vec::new();
    for w in words {
        let all = rust_answer(&site, &q(w), true);
        assert!(all.total > PAGE, "\"{w}\" should have several pages");
        for page in 0..all.total.div_ceil(PAGE) {
            queries.push(qp(w, page));
            want.push((w, page, all.total));
        }
    }
    let js = js_answers(&site, &queries);
    for ((w, page, total), answer) in want.iter().zip(&js) {
        let expected = (total - page * PAGE).min(PAGE);
        assert_eq!(answer.hits.len(), expected, "\"{w}\" page {page}");
        if answer.complete {
            assert_eq!(answer.total, *total, "\"{w}\" page {page}: exact count");
        } else {
            assert!(answer.total <= *total, "\"{w}\" page {page}: a lower bound");
        }
    }
}
