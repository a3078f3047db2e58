//! HTML escaping and a small page buffer that escapes every piece of text it is given.
//!
//! Everything that comes from the input (list items, values, dates, names, titles, finding
//! messages with their `fullUrl`s) goes through [`Page::text`]; only the page's own markup goes
//! through [`Page::raw`]. Input text is never put in an attribute.

/// `s` with `&`, `<`, `>`, `"` and `'` replaced by character references, safe in element
/// content and in quoted attribute values.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The page being written.
#[derive(Debug, Default)]
pub(super) struct Page {
    buf: String,
}

impl Page {
    /// Appends the page's own markup as is.
    pub(super) fn raw(&mut self, markup: &str) {
        self.buf.push_str(markup);
    }

    /// Appends text, escaped.
    pub(super) fn text(&mut self, text: &str) {
        self.buf.push_str(&escape(text));
    }

    /// Appends `<tag class="class">text</tag>`, the text escaped (`tag` and `class` are the
    /// page's own).
    pub(super) fn element(&mut self, tag: &str, class: &str, text: &str) {
        self.raw(&format!("<{tag} class=\"{class}\">"));
        self.text(text);
        self.raw(&format!("</{tag}>"));
    }

    /// The finished page.
    pub(super) fn finish(self) -> String {
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(escape(r#""&<>"#), "&quot;&amp;&lt;&gt;");
        // Already-escaped text is escaped again: the page shows exactly what the input says.
        assert_eq!(escape("&amp;"), "&amp;amp;");
        // Everything else, non-ASCII included, is kept.
        assert_eq!(escape("Maëlle — 128/82 mm[Hg]"), "Maëlle — 128/82 mm[Hg]");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn the_page_escapes_text_but_not_its_own_markup() {
        let mut p = Page::default();
        p.raw("<p>");
        p.text("<b>&</b>");
        p.element("span", "v", "\"q\"");
        p.raw("</p>");
        assert_eq!(
            p.finish(),
            "<p>&lt;b&gt;&amp;&lt;/b&gt;<span class=\"v\">&quot;q&quot;</span></p>"
        );
    }
}
