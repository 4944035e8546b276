//! A page's own template variables, kept as a list beside tera's context: a live rebuild hashes
//! exactly what the page is rendered from, and tera's context cannot be read back.

use serde::Serialize;
use tera::{Context, Value};

#[derive(Default)]
pub struct PageVars {
    vars: Vec<(&'static str, Value)>,
    shared: bool,
}

impl PageVars {
    pub fn new() -> Self {
        PageVars::default()
    }

    /// The variables every page shares, tera's global context.
    pub fn shared() -> Self {
        PageVars {
            shared: true,
            ..PageVars::default()
        }
    }

    /// Adds a variable; a later value for the same name replaces the earlier one.
    pub fn insert<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.insert_value(name, Value::from_serializable(value));
    }

    /// Adds a value converted beforehand: shared by many pages, it is converted once.
    ///
    /// Templates have the shared `t` and `site` folded into their text, so a page setting its
    /// own would not be seen: only the shared variables (made with [`PageVars::shared`]) may.
    pub fn insert_value(&mut self, name: &'static str, value: Value) {
        debug_assert!(
            self.shared || !super::fold::FOLDED_NAMES.contains(&name),
            "a page variable named {name} would be hidden by folding"
        );
        self.vars.push((name, value));
    }

    pub fn extend(&mut self, other: PageVars) {
        self.vars.extend(other.vars);
    }

    /// Feeds every name and value, in insertion order, to `hasher`.
    pub fn hash_into(&self, hasher: &mut crate::render::memo::HashWriter) {
        for (name, value) in &self.vars {
            std::hash::Hash::hash(name, &mut hasher.0);
            let _ = serde_json::to_writer(&mut *hasher, value);
        }
    }

    pub fn into_context(self) -> Context {
        let mut context = Context::new();
        for (name, value) in self.vars {
            context.insert_value(name, value);
        }
        context
    }
}

#[cfg(test)]
mod tests {
    use super::PageVars;
    use crate::render::memo::HashWriter;

    fn hash(vars: &PageVars) -> u64 {
        let mut hasher = HashWriter::new();
        vars.hash_into(&mut hasher);
        std::hash::Hasher::finish(&hasher.0)
    }

    #[test]
    fn later_values_win_and_every_value_counts_in_the_hash() {
        let mut a = PageVars::new();
        a.insert("title", "x");
        a.insert("title", "y");
        let context = a.into_context();
        assert_eq!(
            context.get("title").and_then(|v| v.as_str()),
            Some("y"),
            "the later insert should win"
        );

        let mut one = PageVars::new();
        one.insert("count", &1);
        let mut two = PageVars::new();
        two.insert("count", &2);
        assert_ne!(hash(&one), hash(&two));
        let mut again = PageVars::new();
        again.insert("count", &1);
        assert_eq!(hash(&one), hash(&again));
    }
}
