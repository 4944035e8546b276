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

/// Calls `emit` once for every prefix looked up (see [`prefix_ends`]) of every identifier in
/// `inverted`, with the postings of all identifiers that start with it (the export side).
/// Prefixes come in no particular order.
pub fn for_each_prefix<E: From<io::Error>>(
    inverted: &InvertedIndexReader,
    mut emit: impl FnMut(&[u8], PrefixPostings) -> Result<(), E>,
) -> Result<(), E> {
    let mut reader = PostingsReader::new(inverted);
    // The prefixes still gathering postings, shortest first, each a prefix of the next and of
    // `last`: terms come sorted, so a prefix's terms are consecutive.
    let mut open: Vec<(usize, Vec<(DocId, u32)>)> = Vec::new();
    let mut last: Vec<u8> = Vec::new();
    let mut postings = Vec::new();
    let mut stream = inverted.terms().stream()?;
    while stream.advance() {
        let key = stream.key();
        while let Some((end, _)) = open.last() {
            if key.starts_with(&last[..*end]) {
                break;
            }
            if let Some((end, gathered)) = open.pop() {
                emit(&last[..end], merged(gathered))?;
            }
        }
        postings.clear();
        reader.read(stream.value(), &mut postings)?;
        let term = std::str::from_utf8(key).unwrap_or_default();
        for end in prefix_ends(term) {
            match open.iter_mut().find(|(e, _)| *e == end) {
                Some((_, gathered)) => gathered.extend_from_slice(&postings),
                None => open.push((end, postings.clone())),
            }
        }
        last.clear();
        last.extend_from_slice(key);
    }
    while let Some((end, gathered)) = open.pop() {
        emit(&last[..end], merged(gathered))?;
    }
    Ok(())
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
        let canonical = |v: &str| crate::search::tokenize::canonical_identifier(v);
        let prefixes: BTreeSet<String> = docs
            .iter()
            .flat_map(|values| values.iter())
            .flat_map(|v| {
                let c = canonical(v);
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
                            .filter(|v| canonical(v).starts_with(&p))
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
        for_each_prefix::<io::Error>(&inverted, |prefix, postings| {
            let prefix = String::from_utf8(prefix.to_vec()).expect("utf-8");
            assert!(
                emitted.insert(prefix, postings).is_none(),
                "a prefix came twice"
            );
            Ok(())
        })
        .expect("prefixes");
        let expected = expected(DOCS);
        assert_eq!(emitted, expected);
        // Spot checks that the expectation itself means what it should.
        assert_eq!(
            expected["913302"],
            vec![(0, 2), (1, 1), (2, 1), (5, 1), (6, 1)]
        );
        assert_eq!(expected["91330201ma282uf146"], vec![(0, 1), (1, 1)]);
        assert_eq!(expected["abc"], vec![(3, 1)]);
        assert_eq!(expected["陕市监罚〔2024〕12"], vec![(4, 2)]);
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
