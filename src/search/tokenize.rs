//! The search tokenizers, as tantivy `Tokenizer`s, and the query-side helpers built on them.
//! The browser client (`themes/default/static/search-engine.js`) implements exactly the same rules;
//! the parity test holds the two together.
//!
//! Text: full-width forms folded to half-width, Latin lowercased. A run of two or more Han (or
//! kana) characters gives one token per overlapping bigram, each at its own position, so any
//! substring of two or more characters is findable as the AND of its bigrams without a
//! dictionary; a lone Han character is one token. A run of letters and digits is one word (a
//! credit code stays whole, whatever its length: there is no 40-byte limit here). Everything
//! else separates tokens.
//!
//! Identifiers (credit codes, CMA and certificate numbers, decision numbers) and names are
//! keys: the key form ([`canonical_key`]) whole, and for a decision number also from its year
//! on ([`ident_keys`]), for a name also without its legal form ([`name_keys`]). Prefixes of at
//! least [`MIN_PREFIX`] characters of identifiers are found from these whole tokens when
//! queried and exported (see [`super::prefix`]), not indexed as tokens of their own.

pub use super::parse::{parse_query, query_terms, text_query, ParsedQuery, TextQuery, LABELS};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

pub const TEXT_TOKENIZER: &str = "gongshi_text";
pub const IDENT_TOKENIZER: &str = "gongshi_ident";
pub const NAME_TOKENIZER: &str = "gongshi_name";

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

pub(crate) fn is_cjk(c: char) -> bool {
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

/// The key form of a name or identifier, as the index and the query compare it: widths
/// folded, letters lowercased, and everything but letters, digits and CJK characters dropped,
/// so that brackets of any kind, spaces and hyphens do not matter (`陕市监罚〔2024〕12号`,
/// `陕市监罚[2024]12号` and `陕市监罚2024 12号` are one key, `陕市监罚202412号`).
pub fn canonical_key(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars().map(crate::text::fold_char) {
        match class(c) {
            Class::Cjk => out.push(c),
            Class::Word if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            Class::Word => out.extend(c.to_lowercase()),
            Class::Other => {}
        }
    }
    out
}

const OPEN_BRACKETS: &str = "[【(〔［﹝〖（";
const CLOSE_BRACKETS: &str = "]】)〕］﹞〗）";

/// The keys an identifier value is found by: its key form whole, and for a decision number
/// (a four-digit year in brackets) the part from the year on, so that `2024 12号` finds
/// `陕市监罚〔2024〕12号`.
pub fn ident_keys(value: &str) -> Vec<String> {
    let whole = canonical_key(value);
    if whole.is_empty() {
        return Vec::new();
    }
    let chars: Vec<char> = value.chars().map(crate::text::fold_char).collect();
    let tail = chars.windows(6).position(|w| {
        OPEN_BRACKETS.contains(w[0])
            && w[1..5].iter().all(char::is_ascii_digit)
            && CLOSE_BRACKETS.contains(w[5])
    });
    let mut keys = vec![whole];
    if let Some(at) = tail {
        let tail: String = chars[at + 1..].iter().collect();
        let tail = canonical_key(&tail);
        if tail.chars().count() > 4 && !keys.contains(&tail) {
            keys.push(tail);
        }
    }
    keys
}

/// The shortest name key: a query key shorter than this is not looked up (unless it is an
/// identifier query), which saves a request for the common one- and two-word queries.
pub const MIN_NAME_KEY: usize = 4;

/// Legal-form suffixes a person leaves off a company's name, longest first.
pub const LEGAL_FORMS: [&str; 3] = ["股份有限公司", "有限责任公司", "有限公司"];

/// The keys a name is found by whole: its key form, and without its legal form
/// (`陕西华测检测技术有限公司` is also `陕西华测检测技术`). A masked name (`张**`) has none.
pub fn name_keys(value: &str) -> Vec<String> {
    if value.contains('*') {
        return Vec::new();
    }
    let whole = canonical_key(value);
    if whole.chars().count() < MIN_NAME_KEY {
        return Vec::new();
    }
    let short = LEGAL_FORMS
        .iter()
        .find_map(|form| whole.strip_suffix(form))
        .filter(|s| s.chars().count() >= MIN_NAME_KEY)
        .map(str::to_string);
    let mut keys = vec![whole];
    keys.extend(short);
    keys
}

/// The identifier tokens of `text` (see [`ident_keys`]).
pub fn ident_tokens(text: &str) -> Vec<Token> {
    KeyTokenStream::new(text, ident_keys(text)).collect()
}

/// The name tokens of `text` (see [`name_keys`]).
pub fn name_tokens(text: &str) -> Vec<Token> {
    KeyTokenStream::new(text, name_keys(text)).collect()
}

/// A token stream of whole keys, one position each.
pub struct KeyTokenStream {
    keys: std::vec::IntoIter<String>,
    started: bool,
    token: Token,
}

impl KeyTokenStream {
    pub fn new(text: &str, keys: Vec<String>) -> Self {
        KeyTokenStream {
            keys: keys.into_iter(),
            started: false,
            token: Token {
                offset_from: 0,
                offset_to: text.len(),
                position: 0,
                text: String::new(),
                position_length: 1,
            },
        }
    }

    fn collect(mut self) -> Vec<Token> {
        let mut out = Vec::new();
        while self.advance() {
            out.push(self.token.clone());
        }
        out
    }
}

impl TokenStream for KeyTokenStream {
    fn advance(&mut self) -> bool {
        match self.keys.next() {
            Some(key) => {
                if self.started {
                    self.token.position += 1;
                }
                self.started = true;
                self.token.text = key;
                true
            }
            None => false,
        }
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
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
    type TokenStream<'a> = KeyTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> KeyTokenStream {
        KeyTokenStream::new(text, ident_keys(text))
    }
}

/// The name-key tokenizer registered as [`NAME_TOKENIZER`].
#[derive(Clone, Default)]
pub struct NameTokenizer;

impl Tokenizer for NameTokenizer {
    type TokenStream<'a> = KeyTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> KeyTokenStream {
        KeyTokenStream::new(text, name_keys(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokenizers as first written (tokens collected up front), which the streaming ones
    /// must match token for token.
    mod reference {
        use super::super::{class, Class};
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
    fn identifiers_are_keys_in_any_bracket_case_and_spacing() {
        let number = texts(&ident_tokens("陕市监罚[2024]12号")).join(" ");
        assert_eq!(number, "陕市监罚202412号 202412号");
        for form in [
            "陕市监罚〔2024〕12号",
            "陕市监罚（２０２４）12号",
            "陕市监罚 2024 12号",
        ] {
            assert_eq!(canonical_key(form), "陕市监罚202412号", "{form}");
        }
        assert_eq!(
            texts(&ident_tokens("91330201MA282UF146")),
            ["91330201ma282uf146"]
        );
        assert_eq!(canonical_key("2127-0081 5600"), "212700815600");
        assert!(ident_tokens(" ").is_empty());
        assert!(parse_query("913302").ident);
        assert!(!parse_query("西安检测中心").ident);
    }

    #[test]
    fn a_leading_label_makes_an_identifier_query() {
        for (query, key) in [
            ("CMA 212700815600", "212700815600"),
            ("cma:2127-0081-5600", "212700815600"),
            ("信用代码 91330201MA282UF146", "91330201ma282uf146"),
            ("文号：宝市监罚〔2020〕42号", "宝市监罚202042号"),
            ("证书编号 ABC-12", "abc12"),
        ] {
            let parsed = parse_query(query);
            assert!(parsed.labelled && parsed.ident, "{query}");
            assert_eq!(parsed.key, key, "{query}");
            assert!(parsed.text.terms.is_empty());
        }
        // A label without digits after it is text.
        assert!(!parse_query("证书编号查询").labelled);
    }

    #[test]
    fn names_are_keys_whole_and_without_their_legal_form() {
        assert_eq!(
            texts(&name_tokens("陕西华测检测技术有限公司")),
            ["陕西华测检测技术有限公司", "陕西华测检测技术"]
        );
        assert_eq!(
            texts(&name_tokens("宝鸡（示范）有限责任公司")),
            ["宝鸡示范有限责任公司", "宝鸡示范"]
        );
        assert!(name_tokens("张**").is_empty());
        assert!(name_tokens("西安市").is_empty(), "shorter than a name key");
    }

    #[test]
    fn han_characters_are_covered_by_either_bigram() {
        let q = text_query("宣传治疗 abc");
        assert_eq!(q.terms, ["宣传", "传治", "治疗", "abc"]);
        assert_eq!(
            q.units,
            vec![vec![0], vec![0, 1], vec![1, 2], vec![2], vec![3]]
        );
        // Every part but no bridge: covered; a part missing: not.
        assert!(q.covered(&[true, false, true, true]));
        assert!(!q.covered(&[true, true, false, true]));
        let two = text_query("韩城 有机柿子");
        assert_eq!(two.terms, ["韩城", "有机", "机柿", "柿子"]);
        assert!(two.covered(&[true, true, false, true]));
        assert_eq!(text_query("茶").units, vec![vec![0]]);
    }

    #[test]
    fn a_legal_form_is_left_to_the_key() {
        let q = text_query("德晟检测有限公司");
        assert_eq!(q.terms, ["德晟", "晟检", "检测"]);
        assert_eq!(
            text_query("陕西华测股份有限公司").terms,
            ["陕西", "西华", "华测"]
        );
        // Too little left without the longest form it ends with: the run is read whole.
        assert_eq!(
            text_query("X股份有限公司").terms,
            ["x", "股份", "份有", "有限", "限公", "公司"]
        );
        assert_eq!(text_query("华股份有限公司").terms.len(), 6);
        assert_eq!(text_query("有限公司").terms, ["有限", "限公", "公司"]);
        assert_eq!(text_query("A有限公司").terms, ["a", "有限", "限公", "公司"]);
    }
}
