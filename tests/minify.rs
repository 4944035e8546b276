//! `gongshi build --minify`. Without the cargo feature `minify` the option is refused; with it
//! (scripts/test.sh runs this file with `--features minify`), the theme's CSS and JavaScript
//! and the site-level pages are minified and say the same, and the record and organisation
//! pages are left as they are.

mod common;

/// Without the feature: exit 2, a message naming the feature, and nothing written.
#[cfg(not(feature = "minify"))]
#[test]
fn minify_without_the_feature_is_refused_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("public");
    let site = common::repo_root();
    let run = common::gongshi_en(&[
        "build",
        "--site",
        site.to_str().expect("utf-8 path"),
        "--as-of",
        "2025-06-30",
        "--out",
        out.to_str().expect("utf-8 path"),
        "--minify",
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--features minify"), "{stderr}");
    assert!(!out.exists(), "nothing may be written");
    assert_eq!(
        std::fs::read_dir(tmp.path()).expect("tmp").count(),
        0,
        "no staging folder either"
    );
}

#[cfg(feature = "minify")]
mod with_the_feature {
    use super::common;
    use gongshi::pipeline::{self, BuildOptions};
    use std::collections::BTreeMap;
    use std::path::Path;

    fn build(out: &Path, minify: bool) -> BTreeMap<String, Vec<u8>> {
        let mut opts = BuildOptions::new(common::repo_root(), out, common::date("2025-06-30"));
        opts.minify = minify;
        pipeline::build(&opts).expect("build");
        common::read_tree(out)
    }

    /// The static files' version in a page's links (`?v=…`).
    fn asset_version(home: &[u8]) -> String {
        let home = String::from_utf8_lossy(home);
        let at = home
            .find("style.css?v=")
            .expect("a versioned stylesheet link")
            + 12;
        home[at..at + 10].to_string()
    }

    /// What a reader gets from a page: its text without whitespace (minifying drops the
    /// whitespace between blocks), and every link and source in order. Text in `<noscript>`
    /// is left out: a parser with scripting on reads it as raw markup, which minifying
    /// changes (the browser tests read it with JavaScript off).
    fn reading(html: &[u8]) -> (String, Vec<String>) {
        let doc = scraper::Html::parse_document(&String::from_utf8_lossy(html));
        let text: String = doc
            .root_element()
            .descendants()
            .filter(|node| {
                !node.ancestors().any(|a| {
                    a.value()
                        .as_element()
                        .is_some_and(|e| e.name() == "noscript")
                })
            })
            .filter_map(|node| node.value().as_text().map(|t| t.to_string()))
            .flat_map(|t| t.chars().collect::<Vec<_>>())
            .filter(|c| !c.is_whitespace())
            .collect();
        let links = scraper::Selector::parse("[href], [src]").expect("selector");
        let links = doc
            .select(&links)
            .filter_map(|e| e.value().attr("href").or(e.value().attr("src")))
            .map(str::to_string)
            .collect();
        (text, links)
    }

    #[test]
    fn site_pages_and_theme_files_are_minified_and_say_the_same() {
        let tmp = tempfile::tempdir().expect("tmp");
        let plain = build(&tmp.path().join("plain"), false);
        let minified = build(&tmp.path().join("min"), true);
        assert_eq!(
            minified,
            build(&tmp.path().join("again"), true),
            "the same input gives the same bytes"
        );
        assert_eq!(
            plain.keys().collect::<Vec<_>>(),
            minified.keys().collect::<Vec<_>>()
        );
        let (from, to) = (
            asset_version(&plain["index.html"]),
            asset_version(&minified["index.html"]),
        );
        assert_ne!(from, to, "minified static files have their own version");

        for name in ["static/style.css", "static/search.js", "static/mode.js"] {
            assert!(
                minified[name].len() < plain[name].len(),
                "{name}: {} -> {} bytes",
                plain[name].len(),
                minified[name].len()
            );
        }
        let search = String::from_utf8_lossy(&minified["static/search.js"]);
        assert!(
            search.contains("as createEngine"),
            "the module keeps its exports"
        );

        let mut site_pages = Vec::new();
        for (path, before) in plain.iter().filter(|(p, _)| p.ends_with(".html")) {
            let after = &minified[path];
            let text = String::from_utf8_lossy(before).replace(&from, &to);
            let takedown =
                text.contains("<meta name=\"robots\" content=\"noindex\">") && path != "404.html";
            let entity =
                path.starts_with("org/") || text.contains("<article class=\"record") || takedown;
            if entity {
                assert_eq!(
                    text.as_bytes(),
                    &after[..],
                    "{path}: record and organisation pages are not minified"
                );
                continue;
            }
            assert!(after.len() < before.len(), "{path} is not minified");
            assert_eq!(reading(text.as_bytes()), reading(after), "{path}");
            site_pages.push(path.as_str());
        }
        for page in [
            "index.html",
            "404.html",
            "stats/index.html",
            "data/index.html",
            "search/index.html",
            "labs/index.html",
            "about/index.html",
        ] {
            assert!(site_pages.contains(&page), "{page} is minified");
        }
    }
}
