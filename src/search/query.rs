//! `gongshi search`: opens the tantivy index a build wrote and ranks records for a query, with
//! the semantics described in [`super`] (the browser client follows the same rules).

use super::index::{
    register_tokenizers, search_fields, Kind, COLLECTION, FACET, ORD, RECORD_ID, TITLE_TEXT,
};
use super::tokenize::{ident_query, query_terms};
use super::{SearchError, INDEX_DIR};
use serde::Serialize;
use std::path::Path;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value as _};
use tantivy::{
    DocAddress, DocId, Index, Score, SegmentOrdinal, SegmentReader, TantivyDocument, Term,
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
    /// `ident` (looked up as an identifier) or `text`.
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
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
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

/// Runs a request against an open index.
pub fn search(index: &Index, request: &Request) -> Result<Results, SearchError> {
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let schema = index.schema();
    let fields = search_fields(&schema);
    let field = |name: &str| schema.get_field(name).map_err(SearchError::from);

    let mut mode = "text";
    let mut main: Option<Box<dyn Query>> = None;
    if let Some(ident) = ident_query(&request.query) {
        let terms: Vec<(Term, f32)> = fields
            .iter()
            .filter(|f| f.kind == Kind::Ident)
            .map(|f| (Term::from_field_text(f.field, &ident), f.boost))
            .collect();
        let mut found = 0;
        for (t, _) in &terms {
            found += searcher.doc_freq(t)?;
        }
        if found > 0 {
            mode = "ident";
            let clauses = terms
                .into_iter()
                .map(|(t, b)| (Occur::Should, boosted(t, b)))
                .collect();
            main = Some(Box::new(BooleanQuery::new(clauses)));
        }
    }
    if main.is_none() {
        let tokens = query_terms(&request.query);
        if !tokens.is_empty() {
            let clauses = tokens
                .iter()
                .map(|token| {
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
                    (
                        Occur::Must,
                        Box::new(BooleanQuery::new(per_field)) as Box<dyn Query>,
                    )
                })
                .collect();
            main = Some(Box::new(BooleanQuery::new(clauses)));
        }
    }
    let Some(main) = main else {
        return Ok(Results {
            query: request.query.clone(),
            mode,
            total: 0,
            hits: Vec::new(),
        });
    };
    let facet = field(FACET)?;
    let mut clauses = vec![(Occur::Must, main)];
    for (key, value) in &request.filters {
        let term = Term::from_field_text(facet, &format!("{key}={value}"));
        let filter = TermQuery::new(term, IndexRecordOption::Basic);
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(Box::new(filter), 0.0)),
        ));
    }
    let query = BooleanQuery::new(clauses);
    let all = searcher.search(&query, &AllScored)?;
    let (collection, rid, title) = (field(COLLECTION)?, field(RECORD_ID)?, field(TITLE_TEXT)?);
    let mut hits = Vec::new();
    for &(score, ord, address) in all.iter().skip(request.offset).take(request.limit) {
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
            score,
        });
    }
    Ok(Results {
        query: request.query.clone(),
        mode,
        total: all.len(),
        hits,
    })
}
