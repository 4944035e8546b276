//! Markdown pages from `content/` (about, disclosure policy, contact): front matter with title
//! and description, body rendered with pulldown-cmark and sanitised like every other markdown.

use crate::config::SiteConfig;
use crate::diagnostic::Diagnostic;
use crate::domain::RecordId;
use crate::messages::Msg;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A markdown page from `content/`.
#[derive(Debug, Clone, Serialize)]
pub struct ContentPage {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub html: String,
}

pub const CONTENT_DIR: &str = "content";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    weight: i64,
}

/// Reads every `content/*.md`, ordered by `weight` then file name.
pub fn load_pages(config: &SiteConfig, reserved: &[&str]) -> (Vec<ContentPage>, Vec<Diagnostic>) {
    let dir = config.root.join(CONTENT_DIR);
    let mut pages: Vec<(i64, ContentPage)> = Vec::new();
    let mut diags = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return (Vec::new(), diags);
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let rel = Path::new(CONTENT_DIR).join(&name);
        if name.starts_with('.') || !name.ends_with(".md") || !path.is_file() {
            continue;
        }
        let slug = name.trim_end_matches(".md");
        if RecordId::parse(slug).is_err() || reserved.contains(&slug) {
            let msg = Msg::BadPageName {
                slug: slug.to_string(),
                reserved: reserved.join(", "),
            };
            diags.push(Diagnostic::error(&rel, 0, msg));
            continue;
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                let error = e.to_string();
                diags.push(Diagnostic::error(&rel, 0, Msg::CannotRead { error }));
                continue;
            }
        };
        match parse_page(slug, text.trim_start_matches('\u{feff}')) {
            Ok((weight, page)) => pages.push((weight, page)),
            Err((line, msg)) => diags.push(Diagnostic::error(&rel, line, msg)),
        }
    }
    pages.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.slug.cmp(&b.1.slug)));
    (pages.into_iter().map(|(_, p)| p).collect(), diags)
}

fn parse_page(slug: &str, text: &str) -> Result<(i64, ContentPage), (usize, Msg)> {
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .ok_or((1, Msg::NoFrontMatter))?;
    let end = rest.find("\n---").ok_or((1, Msg::UnclosedFrontMatter))?;
    let front: FrontMatter = serde_yaml::from_str(&rest[..end]).map_err(|e| {
        (
            e.location().map_or(1, |l| l.line() + 1),
            Msg::FrontMatter {
                detail: e.to_string(),
            },
        )
    })?;
    let body = rest[end + 4..].trim_start_matches(['-', '\r', '\n']);
    Ok((
        front.weight,
        ContentPage {
            slug: slug.to_string(),
            title: front.title,
            description: front.description,
            html: crate::markdown::markdown_html(body),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_front_matter_and_sanitises_body() {
        let (_, page) = parse_page(
            "about",
            "---\ntitle: 关于\ndescription: d\n---\n# 标题\n<script>x</script>\n",
        )
        .unwrap();
        assert_eq!(page.title, "关于");
        assert!(page.html.contains("<h1>标题</h1>"));
        assert!(!page.html.contains("<script"));
        assert!(parse_page("x", "no front matter").is_err());
    }
}
