//! The search benchmark's query set: for each kind of query a person types, records that are
//! on notice at [`BENCHMARK_AS_OF`] and the record each query must find.

use super::records::{Meta, Notice};
use chrono::{Days, Months, NaiveDate};
use gongshi::search::orgs::ORG_KEY;
use gongshi::search::tokenize::canonical_key;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// The build date the benchmark uses; expected records are on notice then.
pub const BENCHMARK_AS_OF: (i32, u32, u32) = (2025, 6, 30);

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Expected {
    pub collection: String,
    pub id: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Query {
    pub kind: &'static str,
    pub query: String,
    pub expected: Option<Expected>,
}

/// Words found in very many records: the benchmark measures ranking speed, not one answer.
const COMMON: [&str; 5] = ["检测", "西安", "有限公司", "罚款", "食品"];
/// Queries whose characters never occur together in generated data.
const NO_HIT: [&str; 5] = [
    "量子引力望远镜",
    "霍格沃茨魔法学校",
    "企鹅冰淇淋工厂",
    "ZQXW7781",
    "火星移民管理局",
];

/// On notice at `as_of` with a margin, by the rules site.yaml declares. This mirrors
/// `notice::status` on the generator's own facts rather than re-reading the written site; the
/// margins keep records near a boundary out, and tests/generate.rs checks every expected record
/// is in the build.
fn on_notice(m: &Meta, as_of: NaiveDate) -> bool {
    if m.published > as_of || m.withdrawn {
        return false;
    }
    let ends = match m.notice {
        Notice::Forever => return true,
        Notice::Never => return false,
        Notice::ThreeYears => m.published.checked_add_months(Months::new(36)),
        Notice::ThreeMonths => m.published.checked_add_months(Months::new(3)),
    };
    ends.and_then(|e| e.checked_sub_days(Days::new(10)))
        .is_some_and(|e| e > as_of)
}

/// `k` items spread evenly over `items`, so picks do not cluster at the start.
fn spread<T>(items: &[T], k: usize) -> impl Iterator<Item = &T> {
    let n = items.len();
    let k = k.min(n);
    (0..k).map(move |i| &items[i * n / k])
}

/// The result a query for `m` must put first: the organisation's page when the query is the
/// organisation's name (whole or without its legal form) or its credit code (in any form, or a
/// prefix of it), else `m` itself.
fn expected(m: &Meta, query: &str) -> Option<Expected> {
    let code = m.credit_code.as_deref().filter(|_| m.org);
    if let Some(code) = code {
        let key = canonical_key(query);
        let name = canonical_key(&m.name);
        let code_key = canonical_key(code);
        let names_org = key == name
            || LEGAL_FORMS
                .iter()
                .any(|f| name.strip_suffix(f) == Some(&key));
        let codes_org = key.len() >= 10 && (code_key.starts_with(&key) || key.ends_with(&code_key));
        if names_org || codes_org {
            return Some(Expected {
                collection: ORG_KEY.to_string(),
                id: code.to_string(),
            });
        }
    }
    Some(Expected {
        collection: m.collection.to_string(),
        id: m.id.clone(),
    })
}

pub fn build(meta: &[Meta]) -> Vec<Query> {
    let (y, mo, d) = BENCHMARK_AS_OF;
    let as_of = NaiveDate::from_ymd_opt(y, mo, d).unwrap_or(NaiveDate::MAX);
    let live: Vec<&Meta> = meta.iter().filter(|m| on_notice(m, as_of)).collect();
    let mut name_count: HashMap<&str, usize> = HashMap::new();
    let mut code_count: HashMap<&str, usize> = HashMap::new();
    for m in meta {
        *name_count.entry(&m.name).or_default() += 1;
        if let Some(c) = &m.credit_code {
            *code_count.entry(c).or_default() += 1;
        }
    }
    let mut queries = name_queries(&live, meta, &name_count);
    queries.extend(code_queries(&live, &code_count));
    queries.extend(number_queries(&live));
    queries.extend(identity_queries(&live, meta));
    queries.extend(phrase_queries(&live));
    for (kind, words) in [("common", &COMMON), ("no_hit", &NO_HIT)] {
        queries.extend(words.iter().map(|w| Query {
            kind,
            query: w.to_string(),
            expected: None,
        }));
    }
    queries
}

/// Whole names used by exactly one record, so the expected answer is unambiguous; then
/// distinctive pieces of company names: 4–5 characters from the place and trade-name part that
/// no other generated name contains (a piece several companies share, such as a county and the
/// first character of a trade name, names none of them in particular).
fn name_queries(live: &[&Meta], meta: &[Meta], name_count: &HashMap<&str, usize>) -> Vec<Query> {
    let mut queries = Vec::new();
    let named: Vec<&Meta> = live
        .iter()
        .copied()
        .filter(|m| {
            matches!(m.collection, "labs" | "organic-parks") && name_count[m.name.as_str()] == 1
        })
        .collect();
    for m in spread(&named, 10) {
        queries.push(query("name", m.name.clone(), m));
    }

    let companies: Vec<&Meta> = live
        .iter()
        .copied()
        .filter(|m| m.name.ends_with("公司") && name_count[m.name.as_str()] == 1)
        .collect();
    let candidates: Vec<(&Meta, Vec<String>)> = spread(&companies, 40)
        .map(|m| {
            let chars: Vec<char> = m.name.chars().collect();
            let mut pieces = Vec::new();
            for start in 0..chars.len().min(5) {
                for len in [4, 5] {
                    if start + len < chars.len() {
                        pieces.push(chars[start..start + len].iter().collect());
                    }
                }
            }
            (*m, pieces)
        })
        .collect();
    // The company's name is its one record's: a piece in one record's name is in that one only.
    let alone = |piece: &str| {
        meta.par_iter()
            .filter(|m| m.name.contains(piece))
            .take_any(2)
            .count()
            == 1
    };
    let mut found = 0;
    for (m, pieces) in &candidates {
        if found == 10 {
            break;
        }
        if let Some(p) = pieces.iter().find(|p| alone(p)) {
            queries.push(query("name_piece", p.clone(), m));
            found += 1;
        }
    }
    queries
}

/// Credit codes only one record has, whole and as prefixes.
fn code_queries(live: &[&Meta], code_count: &HashMap<&str, usize>) -> Vec<Query> {
    let mut queries = Vec::new();
    let coded: Vec<&Meta> = live
        .iter()
        .copied()
        .filter(|m| m.credit_code.as_deref().is_some_and(|c| code_count[c] == 1))
        .collect();
    for m in spread(&coded, 10) {
        let code = m.credit_code.clone().unwrap_or_default();
        queries.push(query("credit_code", code, m));
    }

    // The first 8 characters are the registering authority, kind and division: thousands of
    // records share them. The prefix query is the shortest prefix of 10 or more characters
    // that only this record's code has.
    let mut sorted: Vec<&str> = code_count.keys().copied().collect();
    sorted.sort_unstable();
    let lcp = |a: &str, b: &str| a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    for m in spread(&coded, 15).skip(10) {
        let code = m.credit_code.as_deref().unwrap_or_default();
        let Ok(i) = sorted.binary_search(&code) else {
            continue;
        };
        let before = i.checked_sub(1).map_or(0, |j| lcp(sorted[j], code));
        let after = sorted.get(i + 1).map_or(0, |n| lcp(n, code));
        let len = (before.max(after) + 1).max(10).min(code.len());
        queries.push(query("credit_code_prefix", code[..len].to_string(), m));
    }
    queries
}

/// CMA numbers, and decision numbers in each kind of bracket people type.
fn number_queries(live: &[&Meta]) -> Vec<Query> {
    let mut queries = Vec::new();
    let labs: Vec<&Meta> = live
        .iter()
        .copied()
        .filter(|m| m.cma_number.is_some())
        .collect();
    for m in spread(&labs, 10) {
        let cma = m.cma_number.clone().unwrap_or_default();
        queries.push(query("cma_number", cma, m));
    }

    let penalties: Vec<&Meta> = live
        .iter()
        .copied()
        .filter(|m| m.decision_number.is_some())
        .collect();
    for m in spread(&penalties, 4) {
        let number = m.decision_number.as_deref().unwrap_or_default();
        for (open, close) in [
            ("〔", "〕"),
            ("[", "]"),
            ("(", ")"),
            ("（", "）"),
            ("【", "】"),
        ] {
            let form = number.replace('〔', open).replace('〕', close);
            queries.push(query("decision_number", form, m));
        }
    }
    queries
}

/// Legal-form suffixes a person leaves off a company's name.
use gongshi::search::tokenize::LEGAL_FORMS;

/// Two words each, a city and a kind of record: every one finds records in generated data.
const CITY_KIND: [&str; 5] = [
    "西安 罚款",
    "宝鸡 检测",
    "咸阳 食品",
    "汉中 有机",
    "渭南 抽查",
];

fn query(kind: &'static str, query: String, m: &Meta) -> Query {
    Query {
        kind,
        expected: expected(m, &query),
        query,
    }
}

/// Names and identifiers in the forms people type: short names, middle pieces, decision
/// numbers without brackets or 号 or as year + number, labelled and spaced identifiers.
fn identity_queries(live: &[&Meta], meta: &[Meta]) -> Vec<Query> {
    let labs: Vec<&Meta> = live
        .iter()
        .copied()
        .filter(|m| m.collection == "labs")
        .collect();
    let penalties: Vec<&Meta> = live
        .iter()
        .copied()
        .filter(|m| m.decision_number.is_some())
        .collect();
    let mut out = short_name_queries(&labs, meta);
    out.extend(decision_form_queries(&penalties, meta));
    for (i, m) in spread(&labs, 12).enumerate() {
        let cma = m.cma_number.clone().unwrap_or_default();
        let code = m.credit_code.clone().unwrap_or_default();
        let (kind, form) = match i % 4 {
            0 => ("labelled_ident", format!("CMA {cma}")),
            1 => ("labelled_ident", format!("信用代码：{code}")),
            2 => ("spaced_ident", grouped(&cma, 4, '-')),
            _ => ("spaced_ident", grouped(&code.to_lowercase(), 6, ' ')),
        };
        out.push(query(kind, form, m));
    }
    for m in spread(&penalties, 30).skip(27) {
        let number = m.decision_number.clone().unwrap_or_default();
        out.push(query("labelled_ident", format!("文号 {number}"), m));
    }
    out
}

/// Labs' names without the legal form, held by no other name; then middle pieces of them.
fn short_name_queries(labs: &[&Meta], meta: &[Meta]) -> Vec<Query> {
    let mut out = Vec::new();
    // Short names: only this lab's name (as lab, inspected party or penalised party) holds it.
    let short: Vec<(&Meta, &str)> = labs
        .iter()
        .filter_map(|m| {
            let short = LEGAL_FORMS.iter().find_map(|f| m.name.strip_suffix(f))?;
            Some((*m, short))
        })
        .collect();
    let picks: Vec<(&Meta, &str)> = spread(&short, 20).copied().collect();
    let holders: Vec<usize> = picks
        .par_iter()
        .map(|(m, s)| {
            let others = meta
                .iter()
                .filter(|x| x.name.contains(s) && x.name != m.name);
            others.count()
        })
        .collect();
    for ((m, s), others) in picks.iter().zip(holders) {
        if others == 0 && out.len() < 10 {
            out.push(query("short_name", s.to_string(), m));
        }
    }
    // Middle pieces: 4 or 5 characters after the place, before the legal form, that no other
    // name holds (records naming this lab share its name). On a large site most middles are
    // shared, so labs are tried until 10 have one.
    let shared = |m: &Meta, piece: &str| {
        meta.par_iter()
            .any(|x| x.name.contains(piece) && x.name != m.name)
    };
    let mut found = 0;
    for (m, s) in spread(&short, 400).skip(20) {
        if found == 10 {
            break;
        }
        let chars: Vec<char> = s.chars().collect();
        let mut pieces = Vec::new();
        for len in [4, 5] {
            for start in 2..chars.len().saturating_sub(len - 1) {
                pieces.push(chars[start..start + len].iter().collect::<String>());
            }
        }
        if let Some(p) = pieces.into_iter().find(|p| !shared(m, p)) {
            out.push(query("name_middle", p, m));
            found += 1;
        }
    }
    out
}

/// Decision numbers without brackets, without 号, and as year and number alone (only where no
/// other authority used them).
fn decision_form_queries(penalties: &[&Meta], meta: &[Meta]) -> Vec<Query> {
    let mut out: Vec<Query> = Vec::new();
    let year_number = |number: &str| {
        let (_, from_year) = number.split_once('〔').unwrap_or(("", number));
        from_year.replacen('〕', " ", 1)
    };
    let mut tails: HashMap<String, usize> = HashMap::new();
    for m in meta {
        if let Some(n) = &m.decision_number {
            *tails.entry(year_number(n)).or_default() += 1;
        }
    }
    for m in spread(penalties, 200).skip(4) {
        let number = m.decision_number.as_deref().unwrap_or_default();
        let bare = number.replace(['〔', '〕'], "");
        let tail = year_number(number);
        let unique = tails[&tail] == 1;
        let no_hao = number.trim_end_matches('号').to_string();
        for (kind, form) in [
            ("decision_unbracketed", bare),
            ("decision_no_hao", no_hao),
            ("decision_year_number", tail),
        ] {
            let wanted = kind != "decision_year_number" || unique;
            if wanted && out.iter().filter(|q| q.kind == kind).count() < 6 {
                out.push(query(kind, form, m));
            }
        }
    }
    out
}

fn grouped(s: &str, size: usize, sep: char) -> String {
    let chars: Vec<char> = s.chars().collect();
    let groups: Vec<String> = chars.chunks(size).map(|c| c.iter().collect()).collect();
    groups.join(&sep.to_string())
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Phrases whose parts occur in a record but not side by side (every one should find records),
/// a park's county and product in two words, and a city with a kind of record.
fn phrase_queries(live: &[&Meta]) -> Vec<Query> {
    let mut out = Vec::new();
    let facts: Vec<&Meta> = live.iter().copied().filter(|m| m.facts.is_some()).collect();
    for m in spread(&facts, 8) {
        let chars: Vec<char> = m.facts.as_deref().unwrap_or_default().chars().collect();
        // Two runs of three Han characters with at least two characters between them.
        let runs: Vec<usize> = (0..chars.len().saturating_sub(3))
            .filter(|&i| chars[i..i + 3].iter().all(|&c| is_han(c)))
            .collect();
        // Past the opening and its date, in the statement of what was done.
        let start = chars.iter().position(|&c| c == '起').map_or(0, |i| i + 1);
        let pair = runs.iter().filter(|&&a| a >= start).find_map(|&a| {
            runs.iter()
                .find(|&&b| b >= a + 5 && chars[a + 3..b].iter().all(|&c| is_han(c)))
                .map(|&b| (a, b))
        });
        if let Some((a, b)) = pair {
            let phrase: String = chars[a..a + 3].iter().chain(&chars[b..b + 3]).collect();
            out.push(Query {
                kind: "phrase",
                query: phrase,
                expected: None,
            });
        }
    }
    let parks: Vec<&Meta> = live
        .iter()
        .copied()
        .filter(|m| m.place_product.is_some())
        .collect();
    let mut seen: HashMap<&(String, String), usize> = HashMap::new();
    for m in &parks {
        if let Some(pp) = &m.place_product {
            *seen.entry(pp).or_default() += 1;
        }
    }
    for m in spread(&parks, 30) {
        let Some(pp) = &m.place_product else { continue };
        if seen[pp] == 1 && out.iter().filter(|q| q.kind == "place_product").count() < 8 {
            out.push(query("place_product", format!("{} 有机{}", pp.0, pp.1), m));
        }
    }
    for w in CITY_KIND {
        out.push(Query {
            kind: "city_kind",
            query: w.to_string(),
            expected: None,
        });
    }
    out
}
