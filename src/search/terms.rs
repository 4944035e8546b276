//! Every term of the index in byte order, with each record's whole score contribution for it.
//! The search fields' term streams are each sorted (identifier prefixes too, see
//! [`Prefixes`]), so merging them gives the terms in order with no sort, and a term found in
//! several fields is joined up as it comes: the export holds a batch of terms at a time, not
//! every posting list of the index.

use super::index::{record_count, search_fields, Built, Kind, ORD};
use super::prefix::{PostingsReader, Prefixes};
use super::SearchError;
use std::collections::HashMap;
use std::sync::Arc;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::Bm25Weight;
use tantivy::termdict::TermStreamer;
use tantivy::{DocId, InvertedIndexReader};

/// A term's bytes and, per record ordinal, the record's score contribution for it: one entry
/// per field the term occurs in, in field order.
pub type ScoredPostings = (Vec<u8>, Vec<(u32, f32)>);

/// What scoring one field needs from the index.
struct FieldIndex {
    kind: Kind,
    boost: f32,
    inverted: Arc<InvertedIndexReader>,
    norms: FieldNormReader,
    /// Documents BM25's idf counts: every document for names and identifiers, records only
    /// for text (see [`record_count`]).
    n: u64,
    /// Mean tokens per document of those, for BM25's length normalisation.
    average: f32,
}

/// The parts of an index the term streams read, opened once.
pub struct IndexParts {
    fields: Vec<FieldIndex>,
    /// Record ordinal by document id.
    ords: Vec<u32>,
}

impl IndexParts {
    pub fn open(built: &Built) -> Result<IndexParts, SearchError> {
        let reader = built.index.reader()?;
        let searcher = reader.searcher();
        let segments = searcher.segment_readers();
        // Nothing on notice (a build as of a day before the first publication): tantivy
        // commits no segment, and there are no terms to export.
        if segments.is_empty() {
            return Ok(IndexParts {
                fields: Vec::new(),
                ords: Vec::new(),
            });
        }
        // Document frequencies are read per segment, which only a single segment makes the
        // index's own (the build merges its segments into one: see canonical.rs).
        let segment = match segments {
            [segment] => segment,
            // No records, no segment: a site with nothing on notice yet has no terms either.
            [] => {
                return Ok(IndexParts {
                    fields: Vec::new(),
                    ords: Vec::new(),
                })
            }
            _ => return Err(SearchError::Segments(segments.len())),
        };
        let all = searcher.num_docs().max(1);
        let records = record_count(&searcher)?;
        let column = segment.fast_fields().u64(ORD)?;
        let ords = (0..segment.max_doc())
            .map(|doc| column.first(doc).unwrap_or(0) as u32)
            .collect();
        let fields = search_fields(&built.index.schema())
            .into_iter()
            .map(|sf| {
                let inverted = segment.inverted_index(sf.field)?;
                let n = if sf.kind == Kind::Text { records } else { all };
                Ok(FieldIndex {
                    kind: sf.kind,
                    boost: sf.boost,
                    n,
                    average: inverted.total_num_tokens() as f32 / n as f32,
                    norms: segment.get_fieldnorms_reader(sf.field)?,
                    inverted,
                })
            })
            .collect::<Result<_, SearchError>>()?;
        Ok(IndexParts { fields, ords })
    }

    /// Every term, in byte order.
    pub fn terms(&self) -> Result<Terms<'_>, SearchError> {
        let mut sources = Vec::with_capacity(self.fields.len());
        for field in &self.fields {
            let stream = match field.kind {
                // Identifiers are indexed whole; the dictionary has each of their prefixes.
                Kind::Ident => Stream::Prefixes(Prefixes::new(&field.inverted)?),
                kind => Stream::Text {
                    // Name keys share the identifiers' namespace: a query looks up one key.
                    namespace: kind == Kind::Name,
                    terms: field.inverted.terms().stream()?,
                    reader: PostingsReader::new(&field.inverted),
                    postings: Vec::new(),
                },
            };
            let mut source = Source {
                stream,
                scorer: Scorer {
                    field,
                    ords: &self.ords,
                    weights: HashMap::new(),
                },
                head: None,
            };
            source.advance()?;
            sources.push(source);
        }
        Ok(Terms { sources })
    }
}

/// Scores one field's postings.
struct Scorer<'a> {
    field: &'a FieldIndex,
    ords: &'a [u32],
    /// A weight depends only on the document frequency (most terms share a handful).
    weights: HashMap<u64, Bm25Weight>,
}

impl Scorer<'_> {
    /// Each record's contribution to a term's score, by record ordinal. The document frequency
    /// is the list's length: one segment without deletions (see [`IndexParts::open`]).
    fn scored(&mut self, postings: &[(DocId, u32)]) -> Vec<(u32, f32)> {
        let df = postings.len() as u64;
        let (n, average) = (self.field.n, self.field.average);
        let weight = self
            .weights
            .entry(df)
            .or_insert_with(|| Bm25Weight::for_one_term_without_explain(df, n, average));
        postings
            .iter()
            .map(|&(doc, tf)| {
                let norm = self.field.norms.fieldnorm_id(doc);
                let score = weight.score(norm, tf) * self.field.boost;
                (self.ords[doc as usize], score)
            })
            .collect()
    }
}

enum Stream<'a> {
    Text {
        namespace: bool,
        terms: TermStreamer<'a>,
        reader: PostingsReader<'a>,
        postings: Vec<(DocId, u32)>,
    },
    Prefixes(Prefixes<'a>),
}

/// One field's terms, with the next one waiting in `head`.
struct Source<'a> {
    stream: Stream<'a>,
    scorer: Scorer<'a>,
    head: Option<ScoredPostings>,
}

impl Source<'_> {
    fn advance(&mut self) -> Result<(), SearchError> {
        self.head = match &mut self.stream {
            Stream::Text {
                namespace,
                terms,
                reader,
                postings,
            } => {
                if terms.advance() {
                    postings.clear();
                    reader.read(terms.value(), postings)?;
                    let mut term = Vec::with_capacity(terms.key().len() + 1);
                    if *namespace {
                        term.push(b'#');
                    }
                    term.extend_from_slice(terms.key());
                    Some((term, self.scorer.scored(postings)))
                } else {
                    None
                }
            }
            Stream::Prefixes(prefixes) => match prefixes.next_prefix()? {
                Some((prefix, postings)) => {
                    let mut namespaced = Vec::with_capacity(prefix.len() + 1);
                    namespaced.push(b'#');
                    namespaced.extend_from_slice(&prefix);
                    Some((namespaced, self.scorer.scored(&postings)))
                }
                None => None,
            },
        };
        Ok(())
    }
}

/// The merged term stream of every search field.
pub struct Terms<'a> {
    sources: Vec<Source<'a>>,
}

impl Terms<'_> {
    /// The next term (the smallest of the fields' next terms) with its postings from every
    /// field that has it, or `None` after the last.
    pub fn next_term(&mut self) -> Result<Option<ScoredPostings>, SearchError> {
        // The first of the smallest heads: fields before it do not have the term.
        let first = self
            .sources
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.head.as_ref().map(|h| (&h.0, i)))
            .min()
            .map(|(_, i)| i);
        let Some(first) = first else {
            return Ok(None);
        };
        let (before, rest) = self.sources.split_at_mut(first + 1);
        let source = &mut before[first];
        let Some(mut joined) = source.head.take() else {
            return Ok(None);
        };
        source.advance()?;
        for source in rest {
            if let Some((_, list)) = source.head.take_if(|h| h.0 == joined.0) {
                joined.1.extend_from_slice(&list);
                source.advance()?;
            }
        }
        Ok(Some(joined))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::index::register_tokenizers;
    use crate::search::tokenize::{IDENT_TOKENIZER, TEXT_TOKENIZER};
    use tantivy::collector::TopDocs;
    use tantivy::query::TermQuery;
    use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST};
    use tantivy::{doc, Index, Term};

    /// Documents: (title, text, identifier); document `d` is record ordinal `10 - d`.
    const DOCS: [(&str, &str, &str); 4] = [
        ("alpha beta", "beta gamma beta", "91330201MA282UF146"),
        ("gamma", "alpha", "91330201MA282UF147"),
        ("delta", "alpha alpha delta", "913302"),
        ("beta", "", "X1234567"),
    ];

    fn built() -> Built {
        let mut schema = Schema::builder();
        let options = |tokenizer| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqs),
            )
        };
        let title = schema.add_text_field("title:6", options(TEXT_TOKENIZER));
        let text = schema.add_text_field("t:1.5", options(TEXT_TOKENIZER));
        let ident = schema.add_text_field("i:8", options(IDENT_TOKENIZER));
        let ord = schema.add_u64_field(ORD, FAST);
        let index = Index::create_in_ram(schema.build());
        register_tokenizers(&index);
        let mut writer = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        for (d, (t, x, i)) in DOCS.iter().enumerate() {
            let document = doc!(title => *t, text => *x, ident => *i, ord => 10 - d as u64);
            writer.add_document(document).expect("add");
        }
        writer.commit().expect("commit");
        Built {
            index,
            docs: DOCS.len() as u64,
            orgs: Vec::new(),
        }
    }

    fn all_terms(built: &Built) -> Vec<ScoredPostings> {
        let parts = IndexParts::open(built).expect("index parts");
        let mut terms = parts.terms().expect("terms");
        let mut all = Vec::new();
        while let Some(term) = terms.next_term().expect("next term") {
            all.push(term);
        }
        all
    }

    /// tantivy's own BM25 score of one term in one field, by record ordinal.
    fn tantivy_scores(built: &Built, field: &str, word: &str) -> Vec<(u32, f32)> {
        let schema = built.index.schema();
        let field = schema.get_field(field).expect("field");
        let searcher = built.index.reader().expect("reader").searcher();
        let query = TermQuery::new(
            Term::from_field_text(field, word),
            IndexRecordOption::WithFreqs,
        );
        let mut found: Vec<(u32, f32)> = searcher
            .search(&query, &TopDocs::with_limit(10).order_by_score())
            .expect("search")
            .into_iter()
            .map(|(score, address)| (10 - address.doc_id, score))
            .collect();
        found.sort_by_key(|p| std::cmp::Reverse(p.0));
        found
    }

    #[test]
    fn terms_come_in_order_joined_across_fields_in_field_order() {
        let built = built();
        let all = all_terms(&built);
        assert!(
            all.windows(2).all(|w| w[0].0 < w[1].0),
            "terms strictly ascending"
        );
        let find = |term: &str| {
            all.iter()
                .find(|t| t.0 == term.as_bytes())
                .map(|t| t.1.clone())
                .unwrap_or_else(|| panic!("no term {term}"))
        };
        // "alpha": title of record 10, then text of records 9 and 8.
        let scale = |list: Vec<(u32, f32)>, boost: f32| -> Vec<(u32, f32)> {
            list.into_iter().map(|(o, s)| (o, s * boost)).collect()
        };
        let mut want = scale(tantivy_scores(&built, "title:6", "alpha"), 6.0);
        want.extend(scale(tantivy_scores(&built, "t:1.5", "alpha"), 1.5));
        let got = find("alpha");
        assert_eq!(
            got.iter().map(|p| p.0).collect::<Vec<_>>(),
            vec![10, 9, 8],
            "{got:?}"
        );
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.0, w.0);
            assert!((g.1 - w.1).abs() < 1e-5 * w.1, "{got:?} against {want:?}");
        }
        // A term of one field only, and an identifier prefix shared by three records.
        assert_eq!(find("gamma").len(), 2);
        let shared = find("#913302");
        assert_eq!(
            shared.iter().map(|p| p.0).collect::<Vec<_>>(),
            vec![10, 9, 8]
        );
        assert!(all.iter().any(|t| t.0 == b"#x1234567"));
        assert!(all.iter().any(|t| t.0 == b"#x12345"), "six characters");
        assert!(
            !all.iter().any(|t| t.0 == b"#x1234"),
            "shorter than a prefix"
        );
    }
}
