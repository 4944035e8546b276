//! The tantivy index of the published record set. Fields are grouped by kind and boost: every
//! site.yaml field with a `search_weight` goes, as text, into the field `t:<weight>`; a
//! collection's title field, when it names the record itself (`names_self`), into
//! `title:<2 × weight>`; identifier fields into `i:<weight>` (×2 for a record's own
//! identifier). A field that names the record itself or another party (`names_self`,
//! `names_party`) and is not an identifier also goes whole into `n:<boost>` as name keys (see
//! [`super::tokenize::name_keys`]), with [`NAME_SELF_BOOST`] or [`NAME_PARTY_BOOST`] times its
//! weight: a query that is a record's name puts that record first and the records about it
//! next. The boost is part of the field name, so `gongshi search`
//! needs nothing but the index to query it. A record's ordinal (its place in the published set,
//! collection by collection) is a fast field: ties and the static shards use it.

use super::canonical;
use super::orgs::{self, OrgDoc, ORG_KEY};
use super::tokenize::{
    IdentTokenizer, NameTokenizer, TextTokenizer, IDENT_TOKENIZER, NAME_TOKENIZER, TEXT_TOKENIZER,
};
use super::SearchError;
use crate::config::{Collection, FacetKind, FieldDef, FieldType, SiteConfig};
use crate::notice::PublishedSet;
use crate::record::Value;
use std::collections::BTreeMap;
use std::path::Path;
use tantivy::indexer::NoMergePolicy;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};
use tantivy::{Index, TantivyDocument};

pub use super::canonical::ORD;
pub const COLLECTION: &str = "collection";
pub const RECORD_ID: &str = "rid";
pub const TITLE_TEXT: &str = "name";
/// Raw `field=value` terms (and `collection=<key>`) for filters.
pub const FACET: &str = "facet";

/// Writer memory of the one indexing thread; past it, segments are flushed and merged after.
const WRITER_MEMORY: usize = 160_000_000;

/// Boost of a name key, per unit of field weight, for a record's own name. Large enough that
/// a name key outweighs the text score of the name's bigrams in any other record.
pub const NAME_SELF_BOOST: f32 = 64.0;
/// The same for a name of another party the record is about: enough that the records about
/// the named party come before records whose text merely holds the name's parts.
pub const NAME_PARTY_BOOST: f32 = 16.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Text,
    Ident,
    /// Whole names (exact keys, no prefixes).
    Name,
}

/// One scored tantivy field.
#[derive(Debug, Clone)]
pub struct SearchField {
    pub name: String,
    pub kind: Kind,
    pub boost: f32,
    pub field: Field,
}

impl SearchField {
    /// Reads kind and boost back from a field name (`t:3`, `title:6`, `i:8`).
    fn parse(name: &str, field: Field) -> Option<SearchField> {
        let (prefix, boost) = name.split_once(':')?;
        let kind = match prefix {
            "t" | "title" => Kind::Text,
            "i" => Kind::Ident,
            "n" => Kind::Name,
            _ => return None,
        };
        Some(SearchField {
            name: name.to_string(),
            kind,
            boost: boost.parse().ok()?,
            field,
        })
    }
}

/// The scored fields of an index, in schema order.
pub fn search_fields(schema: &Schema) -> Vec<SearchField> {
    schema
        .fields()
        .filter_map(|(field, entry)| SearchField::parse(entry.name(), field))
        .collect()
}

pub(super) fn boost_name(boost: f32) -> String {
    format!("{boost}")
}

/// Where one site.yaml field's values go in the index.
#[derive(Debug, Clone, Default)]
struct Route {
    text: Option<String>,
    ident: Option<String>,
    name: Option<String>,
}

/// What a top-level field is to its collection's records.
#[derive(Debug, Clone, Copy, Default)]
struct Role {
    title: bool,
    /// Names the record itself.
    own: bool,
    /// Names another party.
    party: bool,
}

impl Role {
    fn of(collection: &Collection, i: usize) -> Role {
        Role {
            title: collection.title_field == i,
            own: collection.names_self.contains(&i),
            party: collection.names_party.contains(&i),
        }
    }
}

fn route(field: &FieldDef, role: Role) -> Route {
    let weight = field.search_weight.max(0.0);
    let text = if role.title && !role.party {
        Some(format!("title:{}", boost_name(2.0 * weight.max(1.0))))
    } else if weight > 0.0 {
        Some(format!("t:{}", boost_name(weight)))
    } else {
        None
    };
    let ident = field.identifier.map(|_| {
        let boost = weight.max(1.0) * if role.own { 2.0 } else { 1.0 };
        format!("i:{}", boost_name(boost))
    });
    let name = (field.identifier.is_none() && (role.own || role.party)).then(|| {
        let per = if role.own {
            NAME_SELF_BOOST
        } else {
            NAME_PARTY_BOOST
        };
        format!("n:{}", boost_name(per * weight.max(1.0)))
    });
    Route { text, ident, name }
}

/// Every (route name) a site uses, so the schema is the same for the same site.yaml.
fn field_names(config: &SiteConfig) -> Vec<String> {
    fn walk(fields: &[FieldDef], c: Option<&Collection>, out: &mut Vec<String>) {
        for (i, f) in fields.iter().enumerate() {
            if let FieldType::Object(sub) = &f.ty {
                walk(sub, None, out);
                continue;
            }
            let r = route(f, c.map(|c| Role::of(c, i)).unwrap_or_default());
            out.extend(r.text);
            out.extend(r.ident);
            out.extend(r.name);
        }
    }
    let mut names = Vec::new();
    for c in &config.collections {
        walk(&c.fields, Some(c), &mut names);
    }
    if let Some(r) = orgs::routes(config) {
        names.extend([r.name, r.ident]);
    }
    names.sort();
    names.dedup();
    names
}

fn build_schema(config: &SiteConfig) -> Schema {
    let mut b = Schema::builder();
    for name in field_names(config) {
        let tokenizer = if name.starts_with("i:") {
            IDENT_TOKENIZER
        } else if name.starts_with("n:") {
            NAME_TOKENIZER
        } else {
            TEXT_TOKENIZER
        };
        // Frequencies, no positions: queries are sums of term scores, never phrases, and
        // positions only cost indexing time and index size (5.7 MB of 110 at 100,000 records).
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqs);
        b.add_text_field(&name, TextOptions::default().set_indexing_options(indexing));
    }
    b.add_u64_field(ORD, FAST);
    b.add_text_field(COLLECTION, STRING | STORED);
    b.add_text_field(RECORD_ID, STORED);
    b.add_text_field(TITLE_TEXT, STORED);
    b.add_text_field(FACET, STRING);
    b.build()
}

/// Registers the gongshi tokenizers on an index (needed to write it; harmless to read it).
pub fn register_tokenizers(index: &Index) {
    index.tokenizers().register(TEXT_TOKENIZER, TextTokenizer);
    index.tokenizers().register(IDENT_TOKENIZER, IdentTokenizer);
    index.tokenizers().register(NAME_TOKENIZER, NameTokenizer);
}

/// The facet value of a record's field, as filters and facet counts see it: the year of a date
/// for `facet: year`, else the value's text (the first item of a list).
pub fn facet_value(kind: FacetKind, value: &Value) -> Option<String> {
    let value = match value {
        Value::List(items) => items.first()?,
        v => v,
    };
    match (kind, value) {
        (FacetKind::Year, Value::Date(d)) => Some(d.format("%Y").to_string()),
        (FacetKind::Year, _) => None,
        (FacetKind::Value, v) => Some(v.plain_text()).filter(|s| !s.is_empty()),
    }
}

/// Where one site.yaml field's values go, resolved once per collection to schema fields.
enum Target {
    Leaf {
        text: Option<Field>,
        ident: Option<Field>,
        name: Option<Field>,
    },
    Object(Vec<Target>),
}

fn targets(
    fields: &[FieldDef],
    collection: Option<&Collection>,
    field: &dyn Fn(&str) -> Field,
) -> Vec<Target> {
    fields
        .iter()
        .enumerate()
        .map(|(i, def)| match &def.ty {
            FieldType::Object(sub) => Target::Object(targets(sub, None, field)),
            _ => {
                let role = collection.map(|c| Role::of(c, i)).unwrap_or_default();
                let r = route(def, role);
                Target::Leaf {
                    text: r.text.as_deref().map(field),
                    ident: r.ident.as_deref().map(field),
                    name: r.name.as_deref().map(field),
                }
            }
        })
        .collect()
}

/// Adds the texts each scored field receives from one record's values to `doc`.
fn add_values(targets: &[Target], values: &[Option<Value>], doc: &mut TantivyDocument) {
    for (target, value) in targets.iter().zip(values) {
        let Some(value) = value else { continue };
        let items = match value {
            Value::List(items) => items.as_slice(),
            v => std::slice::from_ref(v),
        };
        match target {
            Target::Object(sub) => {
                for item in items {
                    if let Value::Object(o) = item {
                        add_values(sub, o, doc);
                    }
                }
            }
            Target::Leaf {
                text: None,
                ident: None,
                name: None,
            } => {}
            &Target::Leaf { text, ident, name } => {
                for item in items {
                    let value = item.text();
                    if value.is_empty() {
                        continue;
                    }
                    if let Some(f) = text {
                        doc.add_text(f, &value);
                    }
                    if let Some(f) = ident {
                        doc.add_text(f, &value);
                    }
                    if let Some(f) = name {
                        doc.add_text(f, &value);
                    }
                }
            }
        }
    }
}

/// How many documents of an index are records (not organisations' documents, see
/// [`super::orgs`]), at least 1. Text fields' BM25 statistics (document count, mean length)
/// are over records only, on both sides ([`super::terms`], [`super::query`]): organisations'
/// documents hold no text, and counting them would shorten every text field's mean and so
/// rank a record whose name is its whole title field (a lab) below the records mentioning it
/// in longer fields (a piece of a lab's name put its inspections first at 100,000 records).
pub fn record_count(searcher: &tantivy::Searcher) -> Result<u64, SearchError> {
    let orgs = match searcher.schema().get_field(COLLECTION) {
        Ok(collection) => {
            searcher.doc_freq(&tantivy::Term::from_field_text(collection, ORG_KEY))?
        }
        Err(_) => 0,
    };
    Ok(searcher.num_docs().saturating_sub(orgs).max(1))
}

/// What the static export needs to know about the index it reads.
pub struct Built {
    pub index: Index,
    /// Records and organisations.
    pub docs: u64,
    /// The organisations' documents, after the records (see [`super::orgs`]).
    pub orgs: Vec<OrgDoc>,
}

/// Adds the organisations' documents (see [`super::orgs`]), ordinals from `ord` on.
fn add_orgs(
    writer: &mut tantivy::IndexWriter<TantivyDocument>,
    routes: &orgs::Routes,
    orgs: &[OrgDoc],
    field: &dyn Fn(&str) -> Field,
    mut ord: u64,
) -> Result<(), SearchError> {
    let (name, ident) = (field(&routes.name), field(&routes.ident));
    let collection_facet = format!("{COLLECTION}={ORG_KEY}");
    for org in orgs {
        let mut doc = TantivyDocument::new();
        doc.add_u64(field(ORD), ord);
        doc.add_text(field(COLLECTION), ORG_KEY);
        doc.add_text(field(RECORD_ID), &org.code);
        doc.add_text(field(TITLE_TEXT), &org.name);
        doc.add_text(field(FACET), &collection_facet);
        for n in std::iter::once(&org.name).chain(&org.former_names) {
            doc.add_text(name, n);
        }
        doc.add_text(ident, &org.code);
        writer.add_document(doc)?;
        ord += 1;
    }
    Ok(())
}

/// Indexes every published record into a new index in `dir` (which must be empty), with at
/// most two indexing threads and a bounded writer memory.
pub fn build(config: &SiteConfig, set: &PublishedSet, dir: &Path) -> Result<Built, SearchError> {
    let schema = build_schema(config);
    let index = Index::create_in_dir(dir, schema.clone())?;
    register_tokenizers(&index);
    let by_name: BTreeMap<&str, Field> = schema.fields().map(|(f, e)| (e.name(), f)).collect();
    let field = |name: &str| by_name[name];
    // One thread keeps documents in record order, which canonical.rs relies on.
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    let mut ord = 0u64;
    let mut facet = String::new();
    for (collection, published) in config.collections.iter().zip(&set.collections) {
        let targets = targets(&collection.fields, Some(collection), &field);
        let collection_facet = format!("collection={}", collection.key);
        let facets: Vec<(usize, FacetKind, String)> = collection
            .fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.facet.map(|k| (i, k, format!("{}=", f.key))))
            .collect();
        let (ord_f, collection_f, rid_f, title_f, facet_f) = (
            field(ORD),
            field(COLLECTION),
            field(RECORD_ID),
            field(TITLE_TEXT),
            field(FACET),
        );
        for public in &published.records {
            let record = &public.record;
            let mut doc = TantivyDocument::new();
            doc.add_u64(ord_f, ord);
            doc.add_text(collection_f, &collection.key);
            doc.add_text(rid_f, record.id.as_str());
            let title = record
                .value(collection.title_field)
                .map(Value::text)
                .unwrap_or_default();
            doc.add_text(title_f, &title);
            doc.add_text(facet_f, &collection_facet);
            for (i, kind, prefix) in &facets {
                if let Some(v) = record.value(*i).and_then(|v| facet_value(*kind, v)) {
                    facet.clear();
                    facet.push_str(prefix);
                    facet.push_str(&v);
                    doc.add_text(facet_f, &facet);
                }
            }
            add_values(&targets, &record.values, &mut doc);
            writer.add_document(doc)?;
            ord += 1;
        }
    }
    let orgs = orgs::docs(config, set);
    if let Some(routes) = orgs::routes(config) {
        add_orgs(&mut writer, &routes, &orgs, &field, ord)?;
        ord += orgs.len() as u64;
    }
    writer.commit()?;
    canonical::merge_in_record_order(&index, writer)?;
    drop(index);
    canonical::rename_segment_by_content(dir)?;
    let index = Index::open_in_dir(dir)?;
    register_tokenizers(&index);
    Ok(Built {
        index,
        docs: ord,
        orgs,
    })
}
