//! CommonMark `description` fields → HTML that is safe to put in the page.
//!
//! Descriptions come from the document, which may be written by someone other than whoever
//! reads the docs, so the output must never carry live markup of the author's choosing:
//! - raw HTML (blocks and inline tags) is shown as text, escaped, never passed through;
//! - links keep only `http`, `https` and `mailto` destinations or relative ones
//!   (`javascript:`, `data:`, `vbscript:` … lose the link and keep their text);
//! - images become links to the image (the page loads nothing from elsewhere);
//! - headings are demoted below the page's own heading levels.

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

/// Renders CommonMark `text` to safe HTML (see the module docs for what is removed).
pub(super) fn to_safe_html(text: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    // Per open link/image: whether its start tag was kept, so that its end tag matches.
    let mut kept_links: Vec<bool> = Vec::new();
    let events = Parser::new_ext(text, options).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::HtmlBlock) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::HtmlBlock) => Some(Event::End(TagEnd::Paragraph)),
        Event::Start(Tag::Heading { level, .. }) => Some(Event::Start(Tag::Heading {
            level: demote(level),
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
        })),
        Event::End(TagEnd::Heading(level)) => Some(Event::End(TagEnd::Heading(demote(level)))),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let keep = is_safe_url(&dest_url);
            kept_links.push(keep);
            keep.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::Start(Tag::Image {
            dest_url, title, ..
        }) => {
            let keep = is_safe_url(&dest_url);
            kept_links.push(keep);
            keep.then_some(Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url,
                title,
                id: CowStr::Borrowed(""),
            }))
        }
        Event::End(TagEnd::Link | TagEnd::Image) => kept_links
            .pop()
            .unwrap_or(false)
            .then_some(Event::End(TagEnd::Link)),
        other => Some(other),
    });
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// Descriptions sit under the page's `h1`–`h4`; their headings start at `h5`.
fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Whether a link destination is harmless: relative, or one of a few known schemes.
///
/// Browsers ignore leading control characters and spaces and tabs or newlines inside the
/// scheme (`java\tscript:`), so those are dropped before the scheme is read.
fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect();
    let scheme_end = cleaned.find(':');
    let path_start = cleaned.find(['/', '?', '#']);
    match (scheme_end, path_start) {
        // No colon, or the colon comes after the path starts: a relative reference.
        (None, _) => true,
        (Some(colon), Some(path)) if path < colon => true,
        (Some(colon), _) => {
            let scheme = cleaned[..colon].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_ordinary_markdown() {
        let html =
            to_safe_html("Hello **world**, see [the site](https://example.com).\n\n- a\n- b");
        assert!(html.contains("<strong>world</strong>"), "{html}");
        assert!(
            html.contains(r#"<a href="https://example.com">the site</a>"#),
            "{html}"
        );
        assert!(html.contains("<li>a</li>"), "{html}");
    }

    #[test]
    fn raw_html_is_escaped_not_passed_through() {
        let html =
            to_safe_html("<script>alert(1)</script>\n\ntext <img src=x onerror=alert(1)> more");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
    }

    #[test]
    fn dangerous_link_schemes_lose_the_link_but_keep_the_text() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
        ] {
            let html = to_safe_html(&format!("[click me](<{url}>) and <{url}>"));
            assert!(!html.contains("<a"), "{url}: {html}");
            assert!(html.contains("click me"), "{url}: {html}");
        }
    }

    #[test]
    fn relative_and_mailto_links_are_kept() {
        let html = to_safe_html("[a](#ns-chat) [b](docs/x.html) [c](mailto:a@b.c) [d](/x:y)");
        assert_eq!(html.matches("<a ").count(), 4, "{html}");
    }

    #[test]
    fn images_become_links_and_load_nothing() {
        let html = to_safe_html("![logo](https://example.com/logo.png) ![bad](javascript:x)");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains(r#"<a href="https://example.com/logo.png">logo</a>"#),
            "{html}"
        );
        assert!(!html.contains("javascript"), "{html}");
    }

    #[test]
    fn headings_are_demoted() {
        let html = to_safe_html("# Big\n\n## Smaller");
        assert!(html.contains("<h5>Big</h5>"), "{html}");
        assert!(html.contains("<h6>Smaller</h6>"), "{html}");
    }
}
