//! `gongshi build --minify`: the theme's CSS and JavaScript files and the site-level pages
//! (home, listings and facet pages, /stats/, /data/, /changes/, /search/, content pages, 404)
//! minified with minify-html and the CSS and JavaScript minifiers it is built on (css-minify,
//! minify-js). Record, take-down and organisation pages are not: they are nearly all of a
//! site's pages, their templates are compacted once at load instead (`theme.rs`), and the
//! host's gzip takes back most of what minifying them would save.
//!
//! Only in a gongshi built with the cargo feature `minify` (its compile time is in
//! docs/deployment.md); [`AVAILABLE`] says whether this one was. The same input always gives
//! the same bytes.

/// Whether this gongshi was built with the `minify` feature.
pub const AVAILABLE: bool = cfg!(feature = "minify");

/// A site-level page, minified.
#[cfg(feature = "minify")]
pub fn page(html: &[u8]) -> Vec<u8> {
    // Spec-compliant attributes, and character references closed, so the Nu HTML Checker
    // passes the pages as it does without --minify.
    close_references(&minify_html::minify(
        html,
        &minify_html::Cfg::spec_compliant(),
    ))
}

/// minify-html writes `<` in text as `&LT` and `&` as `&amp` without their semicolons, which
/// browsers read as meant but the standard counts as errors: this adds the semicolons. Only
/// in text: inside a tag such a sequence may be literal (a reference followed by a letter is
/// not decoded in an attribute value), and script and style contents are copied as they are.
#[cfg(feature = "minify")]
fn close_references(html: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(html.len() + 64);
    let mut i = 0;
    while i < html.len() {
        let rest = &html[i..];
        if rest[0] == b'<' {
            let end = i + tag_len(rest);
            out.extend_from_slice(&html[i..end]);
            i = end;
            if let Some(close) = raw_text_close(rest) {
                let len = find(&html[i..], close).unwrap_or(html.len() - i);
                out.extend_from_slice(&html[i..i + len]);
                i += len;
            }
        } else if let Some((open, closed)) = open_reference(rest) {
            out.extend_from_slice(closed);
            i += open.len();
        } else {
            out.push(rest[0]);
            i += 1;
        }
    }
    out
}

/// The reference minify-html left open at the start of `text`, and its closed form.
#[cfg(feature = "minify")]
fn open_reference(text: &[u8]) -> Option<(&'static [u8], &'static [u8])> {
    if text[0] != b'&' {
        return None;
    }
    [(&b"&LT"[..], &b"&lt;"[..]), (b"&amp", b"&amp;")]
        .into_iter()
        .find(|(open, _)| text.starts_with(open) && text.get(open.len()) != Some(&b';'))
}

/// The length of the tag `html` starts with, up to its `>` outside quoted values.
#[cfg(feature = "minify")]
fn tag_len(html: &[u8]) -> usize {
    let mut quote = None;
    for (i, &b) in html.iter().enumerate().skip(1) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'>') => return i + 1,
            _ => {}
        }
    }
    html.len()
}

/// For a `<script>` or `<style>` start tag, the end tag its raw contents run to.
#[cfg(feature = "minify")]
fn raw_text_close(tag: &[u8]) -> Option<&'static [u8]> {
    let name: Vec<u8> = tag[1..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .map(u8::to_ascii_lowercase)
        .collect();
    match name.as_slice() {
        b"script" => Some(b"</script"),
        b"style" => Some(b"</style"),
        _ => None,
    }
}

#[cfg(feature = "minify")]
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// A theme file minified when it is CSS or JavaScript; other files, and a file the minifier
/// cannot parse, are left as they are.
#[cfg(feature = "minify")]
pub fn static_file(name: &str, bytes: &mut Vec<u8>) {
    let minified = if name.ends_with(".css") {
        css(bytes)
    } else if name.ends_with(".js") || name.ends_with(".mjs") {
        js(bytes)
    } else {
        None
    };
    if let Some(minified) = minified {
        *bytes = minified;
    }
}

#[cfg(feature = "minify")]
fn css(bytes: &[u8]) -> Option<Vec<u8>> {
    use css_minify::optimizations::{Level, Minifier};
    let text = std::str::from_utf8(bytes).ok()?;
    // Level one: whitespace, comments, colours and numbers; the higher levels merge and
    // reorder rules, which can change what a cascade means.
    let minified = Minifier::default().minify(text, Level::One).ok()?;
    Some(minified.into_bytes())
}

/// A module keeps its exports under their names and may have its top-level names shortened; a
/// classic script keeps its top-level names, which other scripts and the page may use.
#[cfg(feature = "minify")]
fn js(bytes: &[u8]) -> Option<Vec<u8>> {
    use minify_js::TopLevelMode;
    let mode = if is_module(bytes)? {
        TopLevelMode::Module
    } else {
        TopLevelMode::Global
    };
    let mut out = Vec::with_capacity(bytes.len());
    minify_js::minify(mode, bytes.to_vec(), &mut out).ok()?;
    Some(out)
}

/// Whether the script imports or exports at its top level, so is a module; `None` when it
/// does not parse. (minify-js must be told, and fails on a module minified as a script.)
#[cfg(feature = "minify")]
fn is_module(bytes: &[u8]) -> Option<bool> {
    use parse_js::ast::Syntax;
    let parsed = parse_js::parse(bytes.to_vec(), minify_js::TopLevelMode::Global).ok()?;
    let Syntax::TopLevel { body } = parsed.node_map[parsed.top_level_node_id].stx() else {
        return None;
    };
    Some(body.iter().any(|&statement| {
        matches!(
            parsed.node_map[statement].stx(),
            Syntax::ImportStmt { .. }
                | Syntax::ExportDeclStmt { .. }
                | Syntax::ExportDefaultExprStmt { .. }
                | Syntax::ExportListStmt { .. }
        )
    }))
}

// Without the feature `Theme::load` refuses `--minify`, so nothing calls these.
#[cfg(not(feature = "minify"))]
pub fn page(html: &[u8]) -> Vec<u8> {
    html.to_vec()
}

#[cfg(not(feature = "minify"))]
pub fn static_file(_name: &str, _bytes: &mut Vec<u8>) {}

#[cfg(all(test, feature = "minify"))]
mod tests {
    use super::*;

    #[test]
    fn modules_keep_their_exports_and_scripts_their_globals() {
        let mut module =
            b"export function tokenize(text) { const words = []; return words; }\n".to_vec();
        static_file("search.js", &mut module);
        let module = String::from_utf8(module).expect("utf-8");
        assert!(module.contains("as tokenize"), "{module}");

        let mut script = b"function toggleLarge(on) { return on; }\n".to_vec();
        static_file("mode.js", &mut script);
        let script = String::from_utf8(script).expect("utf-8");
        assert!(script.starts_with("function toggleLarge("), "{script}");
    }

    #[test]
    fn references_in_text_are_closed_and_others_kept() {
        let html = br#"<p title="a &LTb">x &lt;id&gt; &amp;copy; y</p><script type=application/json>{"t":"&LTx"}</script>"#;
        let page = String::from_utf8(page(html)).expect("utf-8");
        assert!(page.contains("x &lt;id> &amp;copy; y"), "{page}");
        assert!(page.contains("&LTb"), "a literal in an attribute: {page}");
        assert!(page.contains(r#"{"t":"&LTx"}"#), "script contents: {page}");
    }

    #[test]
    fn what_does_not_parse_is_kept() {
        let broken = b"function ( {".to_vec();
        let mut kept = broken.clone();
        static_file("broken.js", &mut kept);
        assert_eq!(kept, broken);
        let mut svg = b"<svg>  </svg>".to_vec();
        static_file("favicon.svg", &mut svg);
        assert_eq!(svg, b"<svg>  </svg>");
    }
}
