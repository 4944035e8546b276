//! Facets: per facet field of a collection, each value and the published records having it.
//! Made once as records are published; the listings, the charts, the map and the sitemap all
//! read the same groups.

use crate::config::{Collection, FacetKind, FieldType};
use crate::record::{Record, Value};
use std::collections::BTreeMap;

/// One facet field of a collection and its values, in the order pages list them.
#[derive(Debug, Clone, PartialEq)]
pub struct Facet {
    /// The field's index in the collection.
    pub field: usize,
    pub values: Vec<FacetValue>,
}

/// One value of a facet and the records having it.
#[derive(Debug, Clone, PartialEq)]
pub struct FacetValue {
    pub value: String,
    /// Indices into the collection's published records.
    pub records: Vec<usize>,
}

/// The facets of collection `c` over its published `records` (indexed in that order): values
/// sorted as text, years newest first, enumerations in their declared order.
pub fn groups<'r>(c: &Collection, records: impl Iterator<Item = &'r Record> + Clone) -> Vec<Facet> {
    c.fields
        .iter()
        .enumerate()
        .filter_map(|(fi, f)| f.facet.map(|kind| (fi, kind)))
        .map(|(fi, kind)| {
            let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for (ri, r) in records.clone().enumerate() {
                for v in facet_values(r.value(fi), kind) {
                    groups.entry(v).or_default().push(ri);
                }
            }
            let mut values: Vec<FacetValue> = groups
                .into_iter()
                .map(|(value, records)| FacetValue { value, records })
                .collect();
            if kind == FacetKind::Year {
                values.reverse();
            } else if let FieldType::Enum(order) = &c.fields[fi].ty {
                values.sort_by_key(|v| order.iter().position(|o| *o == v.value));
            }
            Facet { field: fi, values }
        })
        .collect()
}

fn facet_values(value: Option<&Value>, kind: FacetKind) -> Vec<String> {
    match (value, kind) {
        (None, _) => Vec::new(),
        (Some(Value::Date(d)), FacetKind::Year) => vec![chrono::Datelike::year(d).to_string()],
        (Some(Value::List(items)), _) => items.iter().map(Value::plain_text).collect(),
        (Some(v), _) => vec![v.plain_text()],
    }
}
