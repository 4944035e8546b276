//! Themes: the default theme ships inside the binary, so any site builds without copying it; a
//! site's `themes/<name>/` folder adds or overrides templates, static files and UI strings.

use crate::config::SiteConfig;
use crate::output::{OutputError, Staging};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

macro_rules! bundled {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*]
    };
}

const TEMPLATES: [(&str, &str); 16] = bundled!(
    "base.html",
    "header.html",
    "footer.html",
    "macros.html",
    "index.html",
    "list.html",
    "facet_index.html",
    "record.html",
    "org.html",
    "takedown.html",
    "page.html",
    "404.html",
    "search.html",
    "data.html",
    "changes.html",
    "stats.html",
);

const STATIC: [(&str, &[u8]); 4] = [
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    // The search engine and the page that uses it, one module (a cold query waits for no
    // second script).
    (
        "search.js",
        concat!(
            include_str!("../../themes/default/static/search-engine.js"),
            "\n",
            include_str!("../../themes/default/static/search-page.js"),
        )
        .as_bytes(),
    ),
    (
        "mode.js",
        include_bytes!("../../themes/default/static/mode.js"),
    ),
    (
        "favicon.svg",
        include_bytes!("../../themes/default/static/favicon.svg"),
    ),
];

const I18N: [(&str, &str); 2] = [
    (
        "zh-CN",
        include_str!("../../themes/default/i18n/zh-CN.yaml"),
    ),
    ("en", include_str!("../../themes/default/i18n/en.yaml")),
];

pub struct Theme {
    pub tera: tera::Tera,
    pub strings: HashMap<String, String>,
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// Short hash of the static files, appended to their URLs so caches refresh on change.
    pub asset_version: String,
    /// Hash of every template's source: a live rebuild renders all pages again when it changes.
    pub templates_hash: u64,
}

impl Theme {
    /// The site's theme over the bundled one; `minify` minifies its CSS and JavaScript files
    /// (see [`super::minify`]).
    pub fn load(config: &SiteConfig, minify: bool) -> Result<Self, String> {
        if minify && !super::minify::AVAILABLE {
            return Err(crate::pipeline::BuildError::MinifyNotBuilt.to_string());
        }
        let dir = config.root.join("themes").join(&config.site.theme);
        if config.site.theme != "default" && !dir.is_dir() {
            return Err(format!(
                "theme \"{}\" not found at {}",
                config.site.theme,
                dir.display()
            ));
        }
        let mut sources: BTreeMap<String, String> = TEMPLATES
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        read_dir_into(&dir.join("templates"), &mut sources, |b| {
            String::from_utf8(b).ok()
        })?;
        for source in sources.values_mut() {
            *source = compact_template(source);
        }
        let mut all_sources = Vec::new();
        for (name, source) in &sources {
            all_sources.extend_from_slice(name.as_bytes());
            all_sources.extend_from_slice(source.as_bytes());
        }
        let templates_hash = crate::output::overlay::content_hash(&all_sources);
        let strings = load_strings(&dir, &config.site.language)?;
        let globals = [
            (
                "t",
                serde_json::to_value(&strings).map_err(|e| e.to_string())?,
            ),
            (
                "site",
                serde_json::to_value(&config.site).map_err(|e| e.to_string())?,
            ),
        ];
        super::fold::fold_constants(&mut sources, &globals, super::view::escape);
        let mut tera = tera::Tera::new();
        // One escaper for templates and for the fragments the views build, so both agree.
        tera.set_escape_fn(super::view::escape_to);
        tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
            .map_err(|e| format!("templates: {e}"))?;

        let mut static_files: BTreeMap<String, Vec<u8>> = STATIC
            .iter()
            .map(|(n, b)| (n.to_string(), b.to_vec()))
            .collect();
        read_dir_into(&dir.join("static"), &mut static_files, Some)?;
        if minify {
            for (name, bytes) in static_files.iter_mut() {
                super::minify::static_file(name, bytes);
            }
        }
        // Of the files as published, so a minified file has its own version.
        let mut all = Vec::new();
        for (name, bytes) in &static_files {
            all.extend_from_slice(name.as_bytes());
            all.extend_from_slice(bytes);
        }
        let asset_version = crate::output::sha256_hex(&all)[..10].to_string();

        Ok(Theme {
            tera,
            strings,
            static_files,
            asset_version,
            templates_hash,
        })
    }

    pub fn has(&self, template: &str) -> bool {
        self.tera.get_template_names().any(|n| n == template)
    }

    pub fn copy_static(&self, staging: &Staging) -> Result<(), OutputError> {
        for (name, bytes) in &self.static_files {
            staging.write(&format!("static/{name}"), bytes)?;
        }
        Ok(())
    }
}

/// Drops each line's indentation and trailing blanks, keeping the line breaks (so template
/// error line numbers stay right and inline elements keep the space between them). This is the
/// whole of the pages' minification: done once per template instead of parsing every one of
/// 100,000 pages again, it makes rendering about twice as fast for a few percent more bytes,
/// which gzip on the host takes back. Templates with `<pre>` or `<textarea>` keep their
/// whitespace, which is significant there.
fn compact_template(source: &str) -> String {
    if source.contains("<pre") || source.contains("<textarea") {
        return source.to_string();
    }
    let lines: Vec<&str> = source.lines().map(str::trim).collect();
    let mut compact = lines.join("\n");
    if source.ends_with('\n') {
        compact.push('\n');
    }
    compact
}

/// English strings underneath, the site language on top, the theme's own files on top of that.
fn load_strings(theme_dir: &Path, language: &str) -> Result<HashMap<String, String>, String> {
    let mut strings = HashMap::new();
    for lang in ["en", language] {
        if let Some((_, text)) = I18N.iter().find(|(l, _)| *l == lang) {
            let map: HashMap<String, String> =
                serde_yaml::from_str(text).map_err(|e| format!("i18n {lang}: {e}"))?;
            strings.extend(map);
        }
        let own = theme_dir.join("i18n").join(format!("{lang}.yaml"));
        if own.is_file() {
            let text =
                std::fs::read_to_string(&own).map_err(|e| format!("{}: {e}", own.display()))?;
            let map: HashMap<String, String> =
                serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", own.display()))?;
            strings.extend(map);
        }
    }
    Ok(strings)
}

fn read_dir_into<T>(
    dir: &Path,
    into: &mut BTreeMap<String, T>,
    convert: impl Fn(Vec<u8>) -> Option<T>,
) -> Result<(), String> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| e.to_string())?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).map_err(|e| e.to_string())?;
        let name = rel.to_string_lossy().replace('\\', "/");
        let bytes =
            std::fs::read(entry.path()).map_err(|e| format!("{}: {e}", entry.path().display()))?;
        let value =
            convert(bytes).ok_or_else(|| format!("{}: not UTF-8 text", entry.path().display()))?;
        into.insert(name, value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{compact_template, I18N, TEMPLATES};
    use crate::render::view::escape;
    use std::collections::BTreeMap;

    #[test]
    fn the_bundled_page_templates_print_no_ui_string_by_lookup() {
        let strings: std::collections::HashMap<String, String> =
            serde_yaml::from_str(I18N[0].1).unwrap();
        let globals = [
            ("t", serde_json::to_value(&strings).unwrap()),
            (
                "site",
                serde_json::json!({"title": "x", "language": "zh-CN", "description": "d", "base_url": "https://x.org/"}),
            ),
        ];
        let mut sources: BTreeMap<String, String> = TEMPLATES
            .iter()
            .map(|(n, s)| (n.to_string(), compact_template(s)))
            .collect();
        let folded = crate::render::fold::fold_constants(&mut sources, &globals, escape);
        assert!(folded > 30, "{folded} uses folded");
        // What is left is a string put through a filter, which is not folded.
        for name in ["base.html", "record.html", "list.html", "takedown.html"] {
            let source = &sources[name];
            for (at, _) in source.match_indices("{{ t.") {
                let expression = &source[at..at + source[at..].find("}}").unwrap()];
                assert!(expression.contains(" | "), "{name}: {expression}");
            }
            assert!(!source.contains("{{ site."), "{name}");
        }
    }

    #[test]
    fn escaping_covers_markup_and_quotes_but_leaves_slashes() {
        assert_eq!(
            escape(r#"../a/<b> & "c" 'd'"#),
            "../a/&lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;"
        );
    }

    #[test]
    fn compaction_drops_indentation_but_keeps_lines_and_preformatted_text() {
        let source = "<ul>\n    <li>{{ a }}</li>\n\n    <li>b</li>  \n</ul>\n";
        assert_eq!(
            compact_template(source),
            "<ul>\n<li>{{ a }}</li>\n\n<li>b</li>\n</ul>\n"
        );
        let pre = "<pre>\n  keep\n</pre>";
        assert_eq!(compact_template(pre), pre);
    }
}
