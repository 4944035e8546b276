//! One search document per organisation with a page (`/org/<credit-code>/`, see [`crate::org`]):
//! its name, former names and credit code are the document's own names and identifier, boosted
//! above any collection's own ([`routes`]), so that an organisation's exact name or credit code
//! puts its page first, and its own record (a lab's) and the records about it after. A masked
//! party (a natural person, an individual business) has no page and gets no document. The
//! documents follow every record (ordinals after the last collection's) as a pseudo-collection
//! keyed [`ORG_KEY`], whose results link to `/org/<credit-code>/`.

use super::index::{boost_name, NAME_SELF_BOOST};
use crate::config::SiteConfig;
use crate::notice::PublishedSet;
use crate::org::OrgIndex;

/// The collection key of organisation documents (and the first segment of their pages' path).
pub const ORG_KEY: &str = "org";

/// An organisation's search document.
#[derive(Debug, Clone)]
pub struct OrgDoc {
    pub code: String,
    pub name: String,
    pub former_names: Vec<String>,
}

/// Every organisation with a page, by credit code.
pub fn docs(config: &SiteConfig, set: &PublishedSet) -> Vec<OrgDoc> {
    if config
        .collections
        .iter()
        .all(|c| c.organisations.is_empty())
    {
        return Vec::new();
    }
    OrgIndex::new(config, set)
        .orgs
        .into_iter()
        .map(|o| OrgDoc {
            code: o.code,
            name: o.name,
            former_names: o.former_names,
        })
        .collect()
}

/// The scored fields organisation documents go into: names (whole keys) and identifier (the
/// credit code). Not text: a piece of a name finds the records holding it, not the page too
/// (with the names as text the page took a place in the top 3 of a piece query, and the lab
/// fell out of it for 1 in 10 pieces at 100,000 records).
pub struct Routes {
    pub name: String,
    pub ident: String,
}

/// How many times the boost of the heaviest field a collection names its records by an
/// organisation's fields have. BM25 normalises a field's length by its mean over every
/// document, and only organisations fill these fields: with organisations a third of the
/// documents (as in generated sites) a name in them scores about 0.6 of the same name in a
/// record's field, with a fifth (the orgs test fixture) 0.45; 16 keeps the organisation first
/// down to organisations being a few percent of the documents.
pub const ORG_BOOST: f32 = 16.0;

/// [`ORG_BOOST`] times the boosts of the heaviest fields any collection names its records by,
/// so that an organisation outranks its own record for the same name or code.
pub fn routes(config: &SiteConfig) -> Option<Routes> {
    if config
        .collections
        .iter()
        .all(|c| c.organisations.is_empty())
    {
        return None;
    }
    let (mut name_weight, mut ident_weight) = (1.0f32, 1.0f32);
    for c in &config.collections {
        for &i in &c.names_self {
            let f = &c.fields[i];
            let w = f.search_weight.max(1.0);
            if f.identifier.is_some() {
                ident_weight = ident_weight.max(w);
            } else {
                name_weight = name_weight.max(w);
            }
        }
    }
    Some(Routes {
        name: format!(
            "n:{}",
            boost_name(ORG_BOOST * NAME_SELF_BOOST * name_weight)
        ),
        ident: format!("i:{}", boost_name(ORG_BOOST * 2.0 * ident_weight)),
    })
}
