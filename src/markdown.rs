//! Markdown as the site shows it: record fields of type `markdown` and the pages of `content/`.

/// Markdown to HTML, then sanitised: no script, style, iframe, event handler or
/// `javascript:`/`data:` URL survives, whatever the source contains.
pub fn markdown_html(source: &str) -> String {
    let events: Vec<pulldown_cmark::Event> =
        pulldown_cmark::Parser::new_ext(source, pulldown_cmark::Options::ENABLE_TABLES).collect();
    let mut html = String::with_capacity(source.len() * 2);
    let plain = events.iter().all(is_plain_markup);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if plain {
        // Text only in paragraphs, lists, emphasis and code: pulldown-cmark escapes all of it,
        // so there is nothing for the sanitiser to remove, and it would cost more than the
        // markdown itself on every record page.
        return html;
    }
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&html)
        .to_string()
}

/// Markup whose HTML carries no URL, attribute or raw HTML from the source.
fn is_plain_markup(event: &pulldown_cmark::Event) -> bool {
    use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
    match event {
        Event::Text(_) | Event::Code(_) | Event::SoftBreak | Event::HardBreak | Event::Rule => true,
        Event::Start(tag) => {
            matches!(
                tag,
                Tag::Paragraph
                    | Tag::BlockQuote(None)
                    | Tag::List(_)
                    | Tag::Item
                    | Tag::Emphasis
                    | Tag::Strong
                    | Tag::CodeBlock(CodeBlockKind::Indented)
            ) || matches!(tag, Tag::Heading { id: None, classes, attrs, .. }
                if classes.is_empty() && attrs.is_empty())
        }
        Event::End(tag) => matches!(
            tag,
            TagEnd::Paragraph
                | TagEnd::BlockQuote(None)
                | TagEnd::List(_)
                | TagEnd::Item
                | TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::CodeBlock
                | TagEnd::Heading(_)
        ),
        _ => false,
    }
}
