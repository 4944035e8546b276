//! How both sides read a query: an identifier label, the key, and the text query whose units a
//! matching record covers. The browser client (`themes/default/static/search-engine.js`: `parseQuery`,
//! `textQuery`) implements the same rules; tests/search_forms.rs holds the two together.

use super::tokenize::{
    canonical_key, is_cjk, text_tokens, IDENT_MIN_DIGITS, LEGAL_FORMS, MIN_NAME_KEY, MIN_PREFIX,
};

/// A text query: its distinct tokens, and the units (characters of Han runs, whole words)
/// that a matching record must cover. A unit lists the tokens that cover it: a word or a lone
/// Han character itself; a character of a Han run the looked-up bigrams it is part of. So a
/// record holding every part of `宣传治疗高血压` (宣传, 治疗, 高血压) matches without the
/// bridging bigrams 传治 and 疗高; those that also hold the bridges (the phrase itself) score
/// higher.
///
/// A Han run's legal form (有限公司 …, [`LEGAL_FORMS`]) is left to the key, which finds whole
/// names with and without it: its pairs occur in most records and would cost a lookup each
/// while deciding nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextQuery {
    pub terms: Vec<String>,
    pub units: Vec<Vec<usize>>,
}

impl TextQuery {
    /// Whether a record holding the terms marked in `present` covers every unit.
    pub fn covered(&self, present: &[bool]) -> bool {
        self.covered_units(present) == self.units.len()
    }

    /// How many units a record holding the terms marked in `present` covers.
    pub fn covered_units(&self, present: &[bool]) -> usize {
        self.units
            .iter()
            .filter(|u| u.iter().any(|&t| present[t]))
            .count()
    }

    /// The units a partial match covers at least: half of them, so that one common word of a
    /// long query does not make a match.
    pub fn partial_need(&self) -> usize {
        self.units.len().div_ceil(2)
    }

    fn term(&mut self, text: String) -> usize {
        match self.terms.iter().position(|x| *x == text) {
            Some(i) => i,
            None => {
                self.terms.push(text);
                self.terms.len() - 1
            }
        }
    }

    fn unit(&mut self, mut u: Vec<usize>) {
        u.sort_unstable();
        u.dedup();
        if !u.is_empty() && !self.units.contains(&u) {
            self.units.push(u);
        }
    }

    /// The terms and units of one Han run of two or more characters.
    fn han_run(&mut self, run: &[char]) {
        // The longest legal form the run ends with, if two characters or more are left.
        let run = LEGAL_FORMS
            .iter()
            .map(|form| form.chars().collect::<Vec<char>>())
            .find(|form| run.ends_with(form))
            .map(|form| &run[..run.len() - form.len()])
            .filter(|rest| rest.len() >= 2)
            .unwrap_or(run);
        let terms: Vec<(usize, usize)> = (0..run.len() - 1)
            .map(|a| (a, self.term(run[a..a + 2].iter().collect())))
            .collect();
        for c in 0..run.len() {
            let covering = terms.iter().filter(|(a, _)| *a == c || a + 1 == c);
            self.unit(covering.map(|(_, t)| *t).collect());
        }
    }
}

fn is_cjk_pair(text: &str) -> bool {
    let mut chars = text.chars();
    matches!((chars.next(), chars.next(), chars.next()), (Some(a), Some(b), None) if is_cjk(a) && is_cjk(b))
}

/// The text query of `query` (see [`TextQuery`]).
pub fn text_query(query: &str) -> TextQuery {
    let mut q = TextQuery::default();
    // The Han run being read: its characters and where its last bigram ends.
    let mut run: Vec<char> = Vec::new();
    let mut run_end = 0;
    for t in text_tokens(query) {
        if is_cjk_pair(&t.text) {
            if !run.is_empty() && t.offset_from < run_end {
                run.extend(t.text.chars().nth(1));
            } else {
                if !run.is_empty() {
                    q.han_run(&std::mem::take(&mut run));
                }
                run.extend(t.text.chars());
            }
            run_end = t.offset_to;
        } else {
            if !run.is_empty() {
                q.han_run(&std::mem::take(&mut run));
            }
            let i = q.term(t.text);
            q.unit(vec![i]);
        }
    }
    if !run.is_empty() {
        q.han_run(&run);
    }
    q
}

/// The distinct text tokens of a query, in order of first appearance.
pub fn query_terms(query: &str) -> Vec<String> {
    text_query(query).terms
}

/// Labels a person may type before an identifier, longest first (in key form).
pub const LABELS: [&str; 12] = [
    "统一社会信用代码",
    "资质认定证书编号",
    "处罚决定书文号",
    "社会信用代码",
    "资质认定编号",
    "决定书文号",
    "信用代码",
    "证书编号",
    "任务编号",
    "文号",
    "编号",
    "cma",
];

/// A query as both sides read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedQuery {
    /// The query began with an identifier label: it is looked up as an identifier only.
    pub labelled: bool,
    /// The key form of the query (without its label), looked up among names and identifiers.
    pub key: String,
    /// Read as an identifier: labelled, or a key of [`MIN_PREFIX`] characters or more with
    /// [`IDENT_MIN_DIGITS`] digits. Identifier matches, when there are any, are the results.
    pub ident: bool,
    pub text: TextQuery,
}

impl ParsedQuery {
    /// Whether the key is looked up: an identifier query, or a key of [`MIN_NAME_KEY`]
    /// characters or more.
    pub fn looks_up_key(&self) -> bool {
        self.ident || self.key.chars().count() >= MIN_NAME_KEY
    }

    /// For an identifier query ending in a digit that may be a decision number (it has a Han
    /// character, or is short enough to be a year and a number), the key with `号` after it:
    /// the record numbered exactly so ranks before those whose number merely starts so.
    pub fn numbered_key(&self) -> Option<String> {
        let short = self.key.chars().count() <= 10;
        let han = self.key.chars().any(is_cjk);
        (self.ident && self.key.ends_with(|c: char| c.is_ascii_digit()) && (short || han))
            .then(|| format!("{}号", self.key))
    }
}

/// Reads a query: an identifier label, its key, its text terms.
pub fn parse_query(query: &str) -> ParsedQuery {
    let whole = canonical_key(query);
    let label = LABELS.iter().find(|l| {
        whole
            .strip_prefix(*l)
            .is_some_and(|rest| rest.chars().any(|c| c.is_ascii_digit()))
    });
    if let Some(label) = label {
        return ParsedQuery {
            labelled: true,
            key: whole[label.len()..].to_string(),
            ident: true,
            text: TextQuery::default(),
        };
    }
    let digits = whole.chars().filter(char::is_ascii_digit).count();
    let ident = whole.chars().count() >= MIN_PREFIX && digits >= IDENT_MIN_DIGITS;
    ParsedQuery {
        labelled: false,
        key: whole,
        ident,
        text: text_query(query),
    }
}
