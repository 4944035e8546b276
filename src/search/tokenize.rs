//! The search tokenizers, as tantivy `Tokenizer`s, and the query-side helpers built on them.
//! The browser client (`themes/default/static/search.js`) implements exactly the same rules;
//! the parity test holds the two together.
//!
//! Text: full-width forms folded to half-width, Latin lowercased. A run of two or more Han (or
//! kana) characters gives one token per overlapping bigram, each at its own position, so any
//! substring of two or more characters is findable as the AND of its bigrams without a
//! dictionary; a lone Han character is one token. A run of letters and digits is one word (a
//! credit code stays whole, whatever its length: there is no 40-byte limit here). Everything
//! else separates tokens.
//!
//! Identifiers (credit codes, CMA and certificate numbers, decision numbers): the canonical form
//! (width folded, year brackets made 〔〕, whitespace removed, lowercased) whole, plus every
//! prefix of at least [`MIN_PREFIX`] characters, at increasing positions.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

pub const TEXT_TOKENIZER: &str = "gongshi_text";
pub const IDENT_TOKENIZER: &str = "gongshi_ident";

/// The shortest identifier prefix that finds a record.
pub const MIN_PREFIX: usize = 6;

/// A query is read as an identifier when, with whitespace-free canonical form, it is at least
/// this long and has at least [`IDENT_MIN_DIGITS`] ASCII digits.
pub const IDENT_MIN_DIGITS: usize = 4;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Cjk,
    Word,
    Other,
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3007 | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

fn class(c: char) -> Class {
    if is_cjk(c) {
        Class::Cjk
    } else if c.is_alphanumeric() {
        Class::Word
    } else {
        Class::Other
    }
}

fn token(text: String, from: usize, to: usize, position: usize) -> Token {
    Token {
        offset_from: from,
        offset_to: to,
        position,
        text,
        position_length: 1,
    }
}

/// The text tokens of `text`, with byte offsets into `text` and consecutive positions.
pub fn text_tokens(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    // (byte offset, folded char) of the current run.
    let mut run: Vec<(usize, char)> = Vec::new();
    let mut run_class = Class::Other;
    let flush =
        |run: &mut Vec<(usize, char)>, class: Class, end: usize, tokens: &mut Vec<Token>| {
            match class {
                Class::Cjk if run.len() == 1 => {
                    tokens.push(token(run[0].1.to_string(), run[0].0, end, tokens.len()));
                }
                Class::Cjk => {
                    for i in 0..run.len() - 1 {
                        let to = run.get(i + 2).map_or(end, |r| r.0);
                        let text: String = [run[i].1, run[i + 1].1].iter().collect();
                        tokens.push(token(text, run[i].0, to, tokens.len()));
                    }
                }
                Class::Word => {
                    let text: String = run.iter().flat_map(|(_, c)| c.to_lowercase()).collect();
                    tokens.push(token(text, run[0].0, end, tokens.len()));
                }
                Class::Other => {}
            }
            run.clear();
        };
    for (offset, raw) in text.char_indices() {
        let c = crate::text::fold_char(raw);
        let cls = class(c);
        if cls != run_class && !run.is_empty() {
            flush(&mut run, run_class, offset, &mut tokens);
        }
        run_class = cls;
        if cls != Class::Other {
            run.push((offset, c));
        }
    }
    if !run.is_empty() {
        flush(&mut run, run_class, text.len(), &mut tokens);
    }
    tokens
}

/// The canonical form of an identifier as the index and the query compare it.
pub fn canonical_identifier(raw: &str) -> String {
    crate::domain::canonical_decision_number(raw).to_lowercase()
}

/// The identifier tokens of `text`: the canonical form whole and its prefixes.
pub fn ident_tokens(text: &str) -> Vec<Token> {
    let canonical = canonical_identifier(text);
    let chars: Vec<char> = canonical.chars().collect();
    if chars.is_empty() {
        return Vec::new();
    }
    let shortest = MIN_PREFIX.min(chars.len());
    (shortest..=chars.len())
        .enumerate()
        .map(|(position, len)| token(chars[..len].iter().collect(), 0, text.len(), position))
        .collect()
}

/// The distinct text tokens of a query, in order of first appearance.
pub fn query_terms(query: &str) -> Vec<String> {
    let mut seen = Vec::new();
    for t in text_tokens(query) {
        if !seen.contains(&t.text) {
            seen.push(t.text);
        }
    }
    seen
}

/// The identifier a query may be (see [`IDENT_MIN_DIGITS`]); the caller uses it when the index
/// has it, and falls back to text search when not.
pub fn ident_query(query: &str) -> Option<String> {
    let trimmed = query.trim();
    if trimmed
        .chars()
        .any(|c| crate::text::fold_char(c).is_whitespace())
    {
        return None;
    }
    let canonical = canonical_identifier(trimmed);
    let digits = canonical.chars().filter(char::is_ascii_digit).count();
    (canonical.chars().count() >= MIN_PREFIX && digits >= IDENT_MIN_DIGITS).then_some(canonical)
}

/// A token stream over tokens computed up front (field values are short).
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// The text tokenizer registered as [`TEXT_TOKENIZER`].
#[derive(Clone, Default)]
pub struct TextTokenizer;

impl Tokenizer for TextTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream {
            tokens: text_tokens(text),
            next: 0,
        }
    }
}

/// The identifier tokenizer registered as [`IDENT_TOKENIZER`].
#[derive(Clone, Default)]
pub struct IdentTokenizer;

impl Tokenizer for IdentTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream {
            tokens: ident_tokens(text),
            next: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(tokens: &[Token]) -> Vec<&str> {
        tokens.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn han_runs_become_bigrams_with_positions_and_offsets() {
        let tokens = text_tokens("西安检测，Lab");
        assert_eq!(texts(&tokens), ["西安", "安检", "检测", "lab"]);
        let positions: Vec<usize> = tokens.iter().map(|t| t.position).collect();
        assert_eq!(positions, [0, 1, 2, 3]);
        assert_eq!((tokens[1].offset_from, tokens[1].offset_to), (3, 9));
        assert_eq!(
            &"西安检测，Lab"[tokens[3].offset_from..tokens[3].offset_to],
            "Lab"
        );
    }

    #[test]
    fn every_substring_of_two_or_more_is_a_run_of_bigrams() {
        let name: Vec<char> = "陕西华测检测技术有限公司".chars().collect();
        let all = texts(&text_tokens("陕西华测检测技术有限公司")).join(" ");
        for len in 2..=name.len() {
            for start in 0..=name.len() - len {
                let piece: String = name[start..start + len].iter().collect();
                for q in query_terms(&piece) {
                    assert!(all.contains(&q), "{piece}: {q}");
                }
            }
        }
    }

    #[test]
    fn widths_and_case_fold() {
        assert_eq!(texts(&text_tokens("ＡＢＣ（西安）")), ["abc", "西安"]);
        assert_eq!(texts(&text_tokens("ABC (西安)")), ["abc", "西安"]);
        assert_eq!(texts(&text_tokens("省")), ["省"]);
    }

    #[test]
    fn long_words_are_kept_whole() {
        let long = "a".repeat(60);
        assert_eq!(texts(&text_tokens(&long)), [long.as_str()]);
    }

    #[test]
    fn identifiers_have_prefixes_and_canonical_brackets() {
        let tokens = ident_tokens("陕市监罚[2024]12号");
        let t = texts(&tokens);
        assert_eq!(t.last(), Some(&"陕市监罚〔2024〕12号"));
        assert_eq!(t[0], "陕市监罚〔2");
        assert_eq!(ident_tokens("91330201MA282UF146").len(), 13);
        assert_eq!(
            ident_query("陕市监罚（２０２４）12号").as_deref(),
            Some("陕市监罚〔2024〕12号")
        );
        assert_eq!(ident_query("913302").as_deref(), Some("913302"));
        assert_eq!(ident_query("西安 2024 检测"), None);
        assert_eq!(ident_query("西安检测中心"), None);
    }
}
