//! Identifier prefixes. The index holds each identifier value whole, as one token; a query that
//! looks like an identifier finds every record with an identifier starting with it (at least
//! [`MIN_PREFIX`] characters, or the whole identifier). Both the static export and
//! `gongshi search` read a prefix from here, so both score it alike: as one BM25 term whose
//! document frequency is the number of records with a matching identifier in the field, and
//! whose frequency in a record is the number of that record's matching identifiers.
//!
//! Indexing every prefix as a token of its own made tantivy hold 3.4 times as many terms at
//! 100,000 records (477,000 against 140,000) and cost the search stage about a third more CPU;
//! the identifier terms are sorted in the term dictionary, so the terms sharing a prefix are
//! neighbours and their postings are merged here instead.

use super::tokenize::MIN_PREFIX;
use std::io;
use tantivy::postings::BlockSegmentPostings;
use tantivy::schema::IndexRecordOption;
use tantivy::termdict::TermStreamer;
use tantivy::{DocId, InvertedIndexReader};

/// (document, summed frequency of the matching identifiers), sorted by document.
pub type PrefixPostings = Vec<(DocId, u32)>;

/// Byte ends of the prefixes of `term` that are looked up: every prefix of at least
/// [`MIN_PREFIX`] characters, the whole term included (a shorter term: only itself).
fn prefix_ends(term: &str) -> Vec<usize> {
    let mut ends: Vec<usize> = term
        .char_indices()
        .skip(MIN_PREFIX)
        .map(|(at, _)| at)
        .collect();
    ends.push(term.len());
    ends
}

/// Sorts postings gathered from several terms by document, adding up a document's frequencies.
fn merged(mut postings: Vec<(DocId, u32)>) -> PrefixPostings {
    if postings.is_sorted_by_key(|p| p.0) && postings.windows(2).all(|w| w[0].0 != w[1].0) {
        return postings;
    }
    postings.sort_unstable_by_key(|p| p.0);
    let mut out: PrefixPostings = Vec::with_capacity(postings.len());
    for (doc, tf) in postings {
        match out.last_mut() {
            Some(last) if last.0 == doc => last.1 += tf,
            _ => out.push((doc, tf)),
        }
    }
    out
}

/// Reads term postings with one block reader, reset for each term (opening one per term copied
/// its kilobytes of decoder state for every term).
pub struct PostingsReader<'a> {
    inverted: &'a InvertedIndexReader,
    block: Option<BlockSegmentPostings>,
}

impl<'a> PostingsReader<'a> {
    pub fn new(inverted: &'a InvertedIndexReader) -> Self {
        PostingsReader {
            inverted,
            block: None,
        }
    }

    /// Appends the (document, term frequency) postings of the term `info` describes to `out`.
    pub fn read(
        &mut self,
        info: &tantivy::postings::TermInfo,
        out: &mut Vec<(DocId, u32)>,
    ) -> io::Result<()> {
        let block = match &mut self.block {
            Some(block) => {
                self.inverted
                    .reset_block_postings_from_terminfo(info, block)?;
                block
            }
            None => self.block.insert(
                self.inverted
                    .read_block_postings_from_terminfo(info, IndexRecordOption::WithFreqs)?,
            ),
        };
        loop {
            let docs = block.docs();
            if docs.is_empty() {
                return Ok(());
            }
            out.extend(docs.iter().copied().zip(block.freqs().iter().copied()));
            block.advance();
        }
    }
}

/// The postings of the term `key` in `inverted`, or with `prefix` of every term starting with
/// it (the query side).
pub fn postings_of(
    inverted: &InvertedIndexReader,
    key: &str,
    prefix: bool,
) -> io::Result<PrefixPostings> {
    if prefix {
        return postings_with_prefix(inverted, key);
    }
    let mut all = Vec::new();
    let mut stream = inverted.terms().range().ge(key.as_bytes()).into_stream()?;
    if stream.advance() && stream.key() == key.as_bytes() {
        PostingsReader::new(inverted).read(stream.value(), &mut all)?;
    }
    Ok(all)
}

/// The postings of every identifier in `inverted` that starts with `prefix` (the query side).
pub fn postings_with_prefix(
    inverted: &InvertedIndexReader,
    prefix: &str,
) -> io::Result<PrefixPostings> {
    let mut reader = PostingsReader::new(inverted);
    let mut all = Vec::new();
    let mut stream = inverted
        .terms()
        .range()
        .ge(prefix.as_bytes())
        .into_stream()?;
    while stream.advance() {
        if !stream.key().starts_with(prefix.as_bytes()) {
            break;
        }
        reader.read(stream.value(), &mut all)?;
    }
    Ok(merged(all))
}

/// Every prefix looked up (see [`prefix_ends`]) of every identifier in an inverted index, in
/// ascending byte order, with the postings of all identifiers that start with it (the export
/// side, which merges it with the other fields' term streams).
pub struct Prefixes<'a> {
    terms: TermStreamer<'a>,
    reader: PostingsReader<'a>,
    /// The prefixes still gathering postings, shortest first, each a prefix of the next and of
    /// `last`: terms come sorted, so a prefix's terms are consecutive.
    open: Vec<(usize, Vec<(DocId, u32)>)>,
    last: Vec<u8>,
    postings: Vec<(DocId, u32)>,
    /// Prefixes closed while a shorter one is open. A prefix closes after its extensions,
    /// which sort after it; once none is open, every prefix still to come sorts after these
    /// (they all extend the shortest, which the next term does not start with).
    closed: Vec<(Vec<u8>, PrefixPostings)>,
    /// Closed prefixes in descending order, handed out from the end.
    ready: Vec<(Vec<u8>, PrefixPostings)>,
    exhausted: bool,
}

impl<'a> Prefixes<'a> {
    pub fn new(inverted: &'a InvertedIndexReader) -> io::Result<Self> {
        Ok(Prefixes {
            terms: inverted.terms().stream()?,
            reader: PostingsReader::new(inverted),
            open: Vec::new(),
            last: Vec::new(),
            postings: Vec::new(),
            closed: Vec::new(),
            ready: Vec::new(),
            exhausted: false,
        })
    }

    /// The next prefix and its postings, or `None` after the last.
    pub fn next_prefix(&mut self) -> io::Result<Option<(Vec<u8>, PrefixPostings)>> {
        loop {
            if let Some(prefix) = self.ready.pop() {
                return Ok(Some(prefix));
            }
            if self.exhausted {
                return Ok(None);
            }
            if self.terms.advance() {
                self.take_term()?;
            } else {
                self.exhausted = true;
                self.close_unless(&[]);
            }
        }
    }

    fn take_term(&mut self) -> io::Result<()> {
        let key = self.terms.key().to_vec();
        self.close_unless(&key);
        self.postings.clear();
        self.reader.read(self.terms.value(), &mut self.postings)?;
        let term = std::str::from_utf8(&key).unwrap_or_default();
        for end in prefix_ends(term) {
            match self.open.iter_mut().find(|(e, _)| *e == end) {
                Some((_, gathered)) => gathered.extend_from_slice(&self.postings),
                None => self.open.push((end, self.postings.clone())),
            }
        }
        self.last = key;
        Ok(())
    }

    /// Closes the open prefixes that `key` does not start with (all of them for an empty key).
    fn close_unless(&mut self, key: &[u8]) {
        while let Some((end, _)) = self.open.last() {
            if !key.is_empty() && key.starts_with(&self.last[..*end]) {
                break;
            }
            if let Some((end, gathered)) = self.open.pop() {
                self.closed
                    .push((self.last[..end].to_vec(), merged(gathered)));
            }
        }
        if self.open.is_empty() && !self.closed.is_empty() {
            self.closed.sort_unstable_by(|a, b| b.0.cmp(&a.0));
            std::mem::swap(&mut self.ready, &mut self.closed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::tokenize::{IdentTokenizer, IDENT_TOKENIZER};
    use std::collections::{BTreeMap, BTreeSet};
    use tantivy::schema::{Schema, TextFieldIndexing, TextOptions};
    use tantivy::{doc, Index};

    /// An index of one identifier field; document `d` holds the identifiers `docs[d]`.
    fn index_of(docs: &[&[&str]]) -> Index {
        let mut schema = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(IDENT_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs);
        let field =
            schema.add_text_field("i", TextOptions::default().set_indexing_options(indexing));
        let index = Index::create_in_ram(schema.build());
        index.tokenizers().register(IDENT_TOKENIZER, IdentTokenizer);
        let mut writer = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        for values in docs {
            let mut d = doc!();
            for v in *values {
                d.add_text(field, v);
            }
            writer.add_document(d).expect("add");
        }
        writer.commit().expect("commit");
        index
    }

    /// What each looked-up prefix should find, worked out from the identifiers directly.
    fn expected(docs: &[&[&str]]) -> BTreeMap<String, PrefixPostings> {
        let keys = |v: &str| crate::search::tokenize::ident_keys(v);
        let prefixes: BTreeSet<String> = docs
            .iter()
            .flat_map(|values| values.iter())
            .flat_map(|v| keys(v))
            .flat_map(|c| {
                prefix_ends(&c)
                    .into_iter()
                    .map(move |end| c[..end].to_string())
            })
            .collect();
        prefixes
            .into_iter()
            .map(|p| {
                let found: PrefixPostings = docs
                    .iter()
                    .enumerate()
                    .map(|(d, values)| {
                        let n = values
                            .iter()
                            .flat_map(|v| keys(v))
                            .filter(|k| k.starts_with(&p))
                            .count();
                        (d as DocId, n as u32)
                    })
                    .filter(|&(_, n)| n > 0)
                    .collect();
                (p, found)
            })
            .collect()
    }

    const DOCS: &[&[&str]] = &[
        &["91330201MA282UF146", "913302010000000001"],
        &["91330201MA282UF146"],
        &["9133020"],
        &["abc"],
        &["陕市监罚[2024]12号", "陕市监罚〔2024〕123号"],
        &["913302"],
        &["91330201MA282UF147"],
    ];

    #[test]
    fn every_prefix_finds_every_identifier_starting_with_it() {
        let index = index_of(DOCS);
        let searcher = index.reader().expect("reader").searcher();
        let inverted = searcher
            .segment_reader(0)
            .inverted_index(index.schema().get_field("i").expect("field"));
        let inverted = inverted.expect("inverted index");
        let mut emitted = BTreeMap::new();
        let mut previous: Option<String> = None;
        let mut prefixes = Prefixes::new(&inverted).expect("term stream");
        while let Some((prefix, postings)) = prefixes.next_prefix().expect("prefixes") {
            let prefix = String::from_utf8(prefix).expect("utf-8");
            if let Some(before) = &previous {
                assert!(before < &prefix, "{before:?} came before {prefix:?}");
            }
            previous = Some(prefix.clone());
            assert!(
                emitted.insert(prefix, postings).is_none(),
                "a prefix came twice"
            );
        }
        let expected = expected(DOCS);
        assert_eq!(emitted, expected);
        // Spot checks that the expectation itself means what it should.
        assert_eq!(
            expected["913302"],
            vec![(0, 2), (1, 1), (2, 1), (5, 1), (6, 1)]
        );
        assert_eq!(expected["91330201ma282uf146"], vec![(0, 1), (1, 1)]);
        assert_eq!(expected["abc"], vec![(3, 1)]);
        assert_eq!(expected["陕市监罚202412"], vec![(4, 2)]);
        assert_eq!(expected["202412号"], vec![(4, 1)]);
        for (prefix, postings) in &expected {
            assert_eq!(
                &postings_with_prefix(&inverted, prefix).expect("postings"),
                postings,
                "query {prefix}"
            );
        }
        assert!(postings_with_prefix(&inverted, "913303")
            .expect("postings")
            .is_empty());
    }
}
