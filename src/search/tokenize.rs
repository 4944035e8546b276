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
//! (width folded, year brackets made 〔〕, whitespace removed, lowercased) whole, one token per
//! value. Prefixes of at least [`MIN_PREFIX`] characters are found from these whole tokens
//! when queried and exported (see [`super::prefix`]), not indexed as tokens of their own.

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

/// The text tokens of `text`, with byte offsets into `text` and consecutive positions.
pub fn text_tokens(text: &str) -> Vec<Token> {
    let mut stream = TextTokenStream::new(text);
    let mut tokens = Vec::new();
    while stream.advance() {
        tokens.push(stream.token.clone());
    }
    tokens
}

/// The text tokens of a string, computed as they are read: indexing calls the tokenizer once
/// per field value, and a token stream that reuses its buffers allocates nothing per token.
pub struct TextTokenStream<'a> {
    text: &'a str,
    chars: std::str::CharIndices<'a>,
    token: Token,
    next_position: usize,
    /// The current run: its class, first byte offset, and its last (folded) character with
    /// that character's byte offset (for CJK bigrams and a lone CJK character).
    run: Class,
    run_from: usize,
    last: (usize, char),
    run_len: usize,
    /// A word run's text so far, lowercased.
    word: String,
}

impl<'a> TextTokenStream<'a> {
    pub fn new(text: &'a str) -> Self {
        TextTokenStream {
            text,
            chars: text.char_indices(),
            token: Token::default(),
            next_position: 0,
            run: Class::Other,
            run_from: 0,
            last: (0, '\0'),
            run_len: 0,
            word: String::new(),
        }
    }

    fn emit(&mut self, from: usize, to: usize) {
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.next_position;
        self.token.position_length = 1;
        self.next_position += 1;
    }

    /// Ends the current run at byte `end`; true when that gave a token.
    fn end_run(&mut self, end: usize) -> bool {
        let emitted = match self.run {
            Class::Cjk if self.run_len == 1 => {
                self.token.text.clear();
                self.token.text.push(self.last.1);
                self.emit(self.last.0, end);
                true
            }
            Class::Word => {
                std::mem::swap(&mut self.token.text, &mut self.word);
                self.word.clear();
                self.emit(self.run_from, end);
                true
            }
            _ => false,
        };
        self.run = Class::Other;
        self.run_len = 0;
        emitted
    }
}

impl TokenStream for TextTokenStream<'_> {
    fn advance(&mut self) -> bool {
        while let Some((offset, raw)) = self.chars.next() {
            let c = crate::text::fold_char(raw);
            let cls = class(c);
            let mut emitted = false;
            if cls != self.run {
                emitted = self.end_run(offset);
                self.run = cls;
                self.run_from = offset;
            }
            match cls {
                Class::Cjk => {
                    if self.run_len > 0 {
                        // Runs are contiguous, so the bigram ends where this character does.
                        let (from, prev) = self.last;
                        self.token.text.clear();
                        self.token.text.push(prev);
                        self.token.text.push(c);
                        self.emit(from, offset + raw.len_utf8());
                        emitted = true;
                    }
                    self.last = (offset, c);
                    self.run_len += 1;
                }
                Class::Word => {
                    if c.is_ascii() {
                        self.word.push(c.to_ascii_lowercase());
                    } else {
                        self.word.extend(c.to_lowercase());
                    }
                    self.run_len += 1;
                }
                Class::Other => {}
            }
            if emitted {
                return true;
            }
        }
        self.end_run(self.text.len())
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// The canonical form of an identifier as the index and the query compare it.
pub fn canonical_identifier(raw: &str) -> String {
    crate::domain::canonical_decision_number(raw).to_lowercase()
}

/// The identifier token of `text`: its canonical form whole (none when that is empty).
pub fn ident_tokens(text: &str) -> Vec<Token> {
    let mut stream = IdentTokenStream::new(text);
    let mut tokens = Vec::new();
    while stream.advance() {
        tokens.push(stream.token.clone());
    }
    tokens
}

/// The identifier token stream of a string: one token, the canonical form.
pub struct IdentTokenStream {
    /// The token, until it has been emitted.
    pending: bool,
    token: Token,
}

impl IdentTokenStream {
    pub fn new(text: &str) -> Self {
        let canonical = canonical_identifier(text);
        IdentTokenStream {
            pending: !canonical.is_empty(),
            token: Token {
                offset_from: 0,
                offset_to: text.len(),
                position: 0,
                text: canonical,
                position_length: 1,
            },
        }
    }
}

impl TokenStream for IdentTokenStream {
    fn advance(&mut self) -> bool {
        std::mem::take(&mut self.pending)
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
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

/// The text tokenizer registered as [`TEXT_TOKENIZER`].
#[derive(Clone, Default)]
pub struct TextTokenizer;

impl Tokenizer for TextTokenizer {
    type TokenStream<'a> = TextTokenStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> TextTokenStream<'a> {
        TextTokenStream::new(text)
    }
}

/// The identifier tokenizer registered as [`IDENT_TOKENIZER`].
#[derive(Clone, Default)]
pub struct IdentTokenizer;

impl Tokenizer for IdentTokenizer {
    type TokenStream<'a> = IdentTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> IdentTokenStream {
        IdentTokenStream::new(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokenizers as first written (tokens collected up front), which the streaming ones
    /// must match token for token.
    mod reference {
        use super::super::{canonical_identifier, class, Class};
        use tantivy::tokenizer::Token;

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
            let flush = |run: &mut Vec<(usize, char)>,
                         class: Class,
                         end: usize,
                         tokens: &mut Vec<Token>| {
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

        /// The identifier tokens of `text`: the canonical form whole.
        pub fn ident_tokens(text: &str) -> Vec<Token> {
            let canonical = canonical_identifier(text);
            if canonical.is_empty() {
                return Vec::new();
            }
            vec![token(canonical, 0, text.len(), 0)]
        }
    }

    fn same(a: &[Token], b: &[Token]) -> bool {
        a.len() == b.len()
            && a.iter().zip(b).all(|(x, y)| {
                (
                    x.text.as_str(),
                    x.offset_from,
                    x.offset_to,
                    x.position,
                    x.position_length,
                ) == (
                    y.text.as_str(),
                    y.offset_from,
                    y.offset_to,
                    y.position,
                    y.position_length,
                )
            })
    }

    /// Characters of every class and the awkward cases: full-width forms, the ideographic
    /// space, kana, Hangul (a word, not CJK here), a supplementary-plane ideograph, letters whose
    /// lowercase is longer, brackets identifiers canonicalise, and separators.
    const ALPHABET: &[char] = &[
        'a',
        'Z',
        '0',
        '9',
        'Ａ',
        'ｚ',
        '０',
        '（',
        '）',
        '\u{3000}',
        ' ',
        '\t',
        '-',
        '.',
        '，',
        '西',
        '安',
        '检',
        '〇',
        'あ',
        'カ',
        '한',
        '\u{20000}',
        '\u{2A6D6}',
        'Σ',
        'İ',
        'ß',
        'É',
        '[',
        ']',
        '【',
        '〔',
        '号',
        '😀',
        '\u{FF5E}',
        '_',
        '²',
    ];

    proptest::proptest! {
        #[test]
        fn streaming_tokenizers_match_the_reference(
            picks in proptest::collection::vec(0..ALPHABET.len(), 0..40)
        ) {
            let text: String = picks.iter().map(|&i| ALPHABET[i]).collect();
            proptest::prop_assert!(same(&text_tokens(&text), &reference::text_tokens(&text)), "{:?}", text);
            proptest::prop_assert!(same(&ident_tokens(&text), &reference::ident_tokens(&text)), "{:?}", text);
        }
    }

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
    fn identifiers_are_whole_with_canonical_brackets() {
        let tokens = ident_tokens("陕市监罚[2024]12号");
        assert_eq!(texts(&tokens), ["陕市监罚〔2024〕12号"]);
        assert_eq!(
            texts(&ident_tokens("91330201MA282UF146")),
            ["91330201ma282uf146"]
        );
        assert!(ident_tokens(" ").is_empty());
        assert_eq!(
            ident_query("陕市监罚（２０２４）12号").as_deref(),
            Some("陕市监罚〔2024〕12号")
        );
        assert_eq!(ident_query("913302").as_deref(), Some("913302"));
        assert_eq!(ident_query("西安 2024 检测"), None);
        assert_eq!(ident_query("西安检测中心"), None);
    }
}
