//! The layout's header and footer (`header.html`, `footer.html`), rendered once per link depth
//! and site section and then reused: every page of a depth and section shares them, and
//! rendering them again for each of 100,000 pages was 7% of a build's CPU time.

use std::collections::HashMap;
use std::sync::RwLock;
use tera::{Context, Tera, Value};

#[derive(Default)]
pub struct Chrome {
    rendered: RwLock<HashMap<(String, String), (Value, Value)>>,
}

impl Chrome {
    /// The header and footer for pages whose links start with `root`, in `section`.
    pub fn parts(
        &self,
        tera: &Tera,
        root: &str,
        section: &str,
    ) -> Result<(Value, Value), tera::Error> {
        let key = (root.to_string(), section.to_string());
        if let Some(parts) = self.rendered.read().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(parts);
        }
        let mut context = Context::new();
        context.insert("root", root);
        context.insert("section", section);
        let header = Value::safe_string(&tera.render("header.html", &context)?);
        let footer = Value::safe_string(&tera.render("footer.html", &context)?);
        if let Ok(mut rendered) = self.rendered.write() {
            rendered.insert(key, (header.clone(), footer.clone()));
        }
        Ok((header, footer))
    }
}

/// A page's section: its path up to and including the first slash (`labs/` for
/// `labs/lab-1/`), or the whole path when it has none (`""` for the home page).
pub fn section_of(path: &str) -> &str {
    path.find('/').map_or(path, |slash| &path[..=slash])
}

#[cfg(test)]
mod tests {
    use super::{section_of, Chrome};

    #[test]
    fn sections_are_first_path_segments() {
        assert_eq!(section_of(""), "");
        assert_eq!(section_of("labs/"), "labs/");
        assert_eq!(section_of("labs/lab-1/"), "labs/");
        assert_eq!(section_of("labs/city/西安市/page/2/"), "labs/");
        assert_eq!(section_of("404.html"), "404.html");
    }

    #[test]
    fn parts_are_rendered_per_depth_and_section() {
        let mut tera = tera::Tera::new();
        tera.add_raw_templates([
            ("header.html", "<h>{{ root }}|{{ section }}</h>"),
            ("footer.html", "<f>{{ root }}</f>"),
        ])
        .expect("templates");
        let chrome = Chrome::default();
        let (h, f) = chrome.parts(&tera, "../", "labs/").expect("rendered");
        assert_eq!(h.as_str(), Some("<h>../|labs/</h>"));
        assert_eq!(f.as_str(), Some("<f>../</f>"));
        let (h2, _) = chrome.parts(&tera, "../../", "labs/").expect("rendered");
        assert_eq!(h2.as_str(), Some("<h>../../|labs/</h>"));
        assert_eq!(chrome.rendered.read().map(|m| m.len()).unwrap_or(0), 2);
        let (again, _) = chrome.parts(&tera, "../", "labs/").expect("cached");
        assert_eq!(again.as_str(), Some("<h>../|labs/</h>"));
    }
}
