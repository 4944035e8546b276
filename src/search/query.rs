//! `gongshi search`: opens the tantivy index a build wrote and ranks records for a query, with
//! the semantics described in [`super`] (the browser client follows the same rules).

use super::index::{
    record_count, register_tokenizers, search_fields, Kind, SearchField, COLLECTION, FACET, ORD,
    RECORD_ID, TITLE_TEXT,
};
use super::prefix::postings_of;
use super::shards::{dequantise, quantise};
use super::tokenize::{parse_query, TextQuery, MIN_PREFIX};
use super::{SearchError, INDEX_DIR};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use tantivy::collector::{Collector, DocSetCollector, SegmentCollector};
use tantivy::query::{
    Bm25StatisticsProvider, Bm25Weight, BooleanQuery, BoostQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value as _};
use tantivy::{
    DocAddress, DocId, Index, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyDocument, Term,
};

#[derive(Debug, Clone, Default)]
pub struct Request {
    pub query: String,
    /// `(field, value)`; the field `collection` filters by collection key.
    pub filters: Vec<(String, String)>,
    pub offset: usize,
    pub limit: usize,
}

/// Parses a `field=value` filter argument.
pub fn parse_filter(arg: &str) -> Result<(String, String), SearchError> {
    match arg.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(SearchError::Usage(format!(
            "filter \"{arg}\" is not field=value"
        ))),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub ord: u64,
    pub collection: String,
    pub id: String,
    pub title: String,
    pub score: f32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub query: String,
    /// `ident` (looked up as an identifier), `text`, or `partial` (no record holds every part
    /// of the query: the records holding some, best first).
    pub mode: &'static str,
    pub total: usize,
    pub hits: Vec<Hit>,
}

/// Opens the index under a build's output directory.
pub fn open(out: &Path) -> Result<Index, SearchError> {
    let dir = out.join(INDEX_DIR);
    if !dir.join("meta.json").is_file() {
        return Err(SearchError::Missing(dir.display().to_string()));
    }
    let index = Index::open_in_dir(&dir)?;
    register_tokenizers(&index);
    Ok(index)
}

fn boosted(term: Term, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(
        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
        boost,
    ))
}

/// Every matching record with its score, sorted by score descending then ordinal.
struct AllScored;

struct SegmentScored {
    segment: SegmentOrdinal,
    ords: tantivy::columnar::Column<u64>,
    hits: Vec<(Score, u64, DocAddress)>,
}

impl Collector for AllScored {
    type Fruit = Vec<(Score, u64, DocAddress)>;
    type Child = SegmentScored;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentScored> {
        Ok(SegmentScored {
            segment,
            ords: reader.fast_fields().u64(ORD)?,
            hits: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<_> = fruits.into_iter().flatten().collect();
        rank(&mut all);
        Ok(all)
    }
}

impl SegmentCollector for SegmentScored {
    type Fruit = Vec<(Score, u64, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let ord = self.ords.first(doc).unwrap_or(0);
        self.hits
            .push((score, ord, DocAddress::new(self.segment, doc)));
    }

    fn harvest(self) -> Self::Fruit {
        self.hits
    }
}

/// Ranks scored records: score descending, then record ordinal.
fn rank(all: &mut [(Score, u64, DocAddress)]) {
    all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
}

/// A score as the browser engine reads it from the static index: quantised (one record's
/// score for one term or key, see [`quantise`]) and back, so that both sides add the same
/// numbers and records that tie for the browser tie here too (then the ordinal decides).
fn as_exported(score: Score) -> f64 {
    dequantise(quantise(score))
}

/// Ranks found records: those the key finds first (by their key score), then the others (by
/// their text score); each tier by score descending, then record ordinal.
fn rank_found(all: &mut [(bool, f64, u64, DocAddress)]) {
    all.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
}

/// Records found by the key `key` (see [`super::tokenize::ParsedQuery::key`]), each with its
/// score summed over fields in schema order, as the static export sums them: identifiers that
/// start with it (whole, when it is shorter than a prefix; see [`super::prefix`]) and names
/// that are it.
fn key_scores(
    searcher: &Searcher,
    fields: &[SearchField],
    key: &str,
) -> Result<BTreeMap<DocAddress, Score>, SearchError> {
    let n = searcher.num_docs().max(1);
    let segments = searcher.segment_readers();
    let by_prefix = key.chars().count() >= MIN_PREFIX;
    let mut scores: BTreeMap<DocAddress, Score> = BTreeMap::new();
    for f in fields.iter().filter(|f| f.kind != Kind::Text) {
        let mut total_tokens = 0u64;
        let mut found = Vec::with_capacity(segments.len());
        for seg in segments {
            let inverted = seg.inverted_index(f.field)?;
            total_tokens += inverted.total_num_tokens();
            let prefix = by_prefix && f.kind == Kind::Ident;
            found.push(postings_of(&inverted, key, prefix)?);
        }
        let df: usize = found.iter().map(Vec::len).sum();
        if df == 0 {
            continue;
        }
        let weight =
            Bm25Weight::for_one_term_without_explain(df as u64, n, total_tokens as f32 / n as f32);
        for (s, (seg, postings)) in segments.iter().zip(found).enumerate() {
            let norms = seg.get_fieldnorms_reader(f.field)?;
            for (doc, tf) in postings {
                let score = weight.score(norms.fieldnorm_id(doc), tf) * f.boost;
                *scores
                    .entry(DocAddress::new(s as SegmentOrdinal, doc))
                    .or_insert(0.0) += score;
            }
        }
    }
    Ok(scores)
}

/// Found records with their ordinals, ranked (see [`rank_found`]).
fn ranked(
    searcher: &Searcher,
    found: impl Iterator<Item = (DocAddress, bool, f64)>,
) -> Result<Vec<(bool, f64, u64, DocAddress)>, SearchError> {
    let ords = searcher
        .segment_readers()
        .iter()
        .map(|seg| seg.fast_fields().u64(ORD))
        .collect::<Result<Vec<_>, _>>()?;
    let mut all: Vec<(bool, f64, u64, DocAddress)> = found
        .map(|(address, keyed, score)| {
            let ord = ords[address.segment_ord as usize].first(address.doc_id);
            (keyed, score, ord.unwrap_or(0), address)
        })
        .collect();
    rank_found(&mut all);
    Ok(all)
}

/// One text token in any text field; a record scores the sum over fields.
fn term_query(fields: &[SearchField], token: &str) -> Box<dyn Query> {
    let per_field = fields
        .iter()
        .filter(|f| f.kind == Kind::Text)
        .map(|f| {
            (
                Occur::Should,
                boosted(Term::from_field_text(f.field, token), f.boost),
            )
        })
        .collect();
    Box::new(BooleanQuery::new(per_field))
}

/// The searcher's BM25 statistics for text fields, with records only as documents (see
/// [`record_count`]), as the static export scores text.
struct RecordStats<'a> {
    searcher: &'a Searcher,
    records: u64,
}

impl Bm25StatisticsProvider for RecordStats<'_> {
    fn total_num_tokens(&self, field: tantivy::schema::Field) -> tantivy::Result<u64> {
        self.searcher.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.records)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.searcher.doc_freq(term)
    }
}

/// Records found, whether by the key (the first tier), and their scores.
type Found = Vec<(DocAddress, bool, f64)>;

/// A record's standing for a text query: which terms it holds, its key score when the key
/// finds it, and its text score so far.
struct Standing {
    present: Vec<bool>,
    keyed: Option<f64>,
    score: f64,
}

/// The records a text query finds, in `text` mode (found by the key, scored by it alone; or
/// covering every unit, scored by their terms), or, when there are none, in `partial` mode.
fn text_matches(
    searcher: &Searcher,
    fields: &[SearchField],
    query: &TextQuery,
    keyed: BTreeMap<DocAddress, Score>,
    keep: &dyn Fn(&DocAddress) -> bool,
) -> Result<(&'static str, Found), SearchError> {
    let n = query.terms.len();
    let mut records: HashMap<DocAddress, Standing> = HashMap::new();
    let blank = || Standing {
        present: vec![false; n],
        keyed: None,
        score: 0.0,
    };
    let stats = RecordStats {
        searcher,
        records: record_count(searcher)?,
    };
    for (t, term) in query.terms.iter().enumerate() {
        let term_q = term_query(fields, term);
        for (score, _, address) in
            searcher.search_with_statistics_provider(&*term_q, &AllScored, &stats)?
        {
            let r = records.entry(address).or_insert_with(blank);
            r.present[t] = true;
            r.score += as_exported(score);
        }
    }
    for (address, score) in keyed {
        records.entry(address).or_insert_with(blank).keyed = Some(as_exported(score));
    }
    records.retain(|a, _| keep(a));
    let full: Found = records
        .iter()
        .filter_map(|(a, r)| match r.keyed {
            Some(key) => Some((*a, true, key)),
            None => query.covered(&r.present).then_some((*a, false, r.score)),
        })
        .collect();
    if !full.is_empty() {
        return Ok(("text", full));
    }
    let need = query.partial_need();
    // The key found nothing here (else there would be full matches).
    let partial: Found = records
        .into_iter()
        .filter(|(_, r)| query.covered_units(&r.present) >= need)
        .map(|(a, r)| (a, false, r.score))
        .collect();
    let mode = if partial.is_empty() {
        "text"
    } else {
        "partial"
    };
    Ok((mode, partial))
}

/// The records passing every filter, or `None` without filters.
fn allowed_records(
    searcher: &Searcher,
    facet: tantivy::schema::Field,
    filters: &[(String, String)],
) -> Result<Option<HashSet<DocAddress>>, SearchError> {
    if filters.is_empty() {
        return Ok(None);
    }
    let clauses: Vec<(Occur, Box<dyn Query>)> = filters
        .iter()
        .map(|(key, value)| {
            let term = Term::from_field_text(facet, &format!("{key}={value}"));
            let filter: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
            (Occur::Must, filter)
        })
        .collect();
    Ok(Some(
        searcher.search(&BooleanQuery::new(clauses), &DocSetCollector)?,
    ))
}

/// Runs a request against an open index.
pub fn search(index: &Index, request: &Request) -> Result<Results, SearchError> {
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let schema = index.schema();
    let fields = search_fields(&schema);
    let field = |name: &str| schema.get_field(name).map_err(SearchError::from);
    let allowed = allowed_records(&searcher, field(FACET)?, &request.filters)?;
    let keep = |a: &DocAddress| allowed.as_ref().is_none_or(|s| s.contains(a));
    let parsed = parse_query(&request.query);
    let keyed = if parsed.key.is_empty() || !parsed.looks_up_key() {
        BTreeMap::new()
    } else {
        key_scores(&searcher, &fields, &parsed.key)?
    };
    let numbered = match parsed.numbered_key() {
        Some(key) => key_scores(&searcher, &fields, &key)?,
        None => BTreeMap::new(),
    };
    let (mode, found) = if parsed.labelled || (parsed.ident && keyed.len() + numbered.len() > 0) {
        let mut found: BTreeMap<DocAddress, f64> = keyed
            .into_iter()
            .map(|(a, score)| (a, as_exported(score)))
            .collect();
        for (address, score) in numbered {
            *found.entry(address).or_insert(0.0) += as_exported(score);
        }
        let found = found
            .into_iter()
            .filter(|(a, _)| keep(a))
            .map(|(a, score)| (a, false, score))
            .collect();
        ("ident", found)
    } else {
        text_matches(&searcher, &fields, &parsed.text, keyed, &keep)?
    };
    let all = ranked(&searcher, found.into_iter())?;
    let (collection, rid, title) = (field(COLLECTION)?, field(RECORD_ID)?, field(TITLE_TEXT)?);
    let mut hits = Vec::new();
    for &(_, score, ord, address) in all.iter().skip(request.offset).take(request.limit) {
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |f| {
            doc.get_first(f)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        hits.push(Hit {
            ord,
            collection: text(collection),
            id: text(rid),
            title: text(title),
            score: score as f32,
        });
    }
    Ok(Results {
        query: request.query.clone(),
        mode,
        total: all.len(),
        hits,
    })
}
