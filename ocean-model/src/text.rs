//! Plain text from HTML or XHTML: narratives (`text.div`), Ocean's HTML notes
//! (`<b>Reason for Referral:</b> Back pain&nbsp;`), anything a POS files as text.
//!
//! # Rules of [`plain_text`]
//! - **Tags are dropped.** A tag starts with `<` followed by a letter, `/` and a letter, `!` or
//!   `?`, and runs to the next `>` outside quoted attribute values (an unterminated tag runs to
//!   the end). Any other `<` is text (`a < b`).
//! - **Block elements break lines**: the start and end tags of `address article aside
//!   blockquote body caption center dd details dialog dir div dl dt fieldset figcaption figure
//!   footer form h1`–`h6 header hgroup hr html legend li listing main menu nav ol p pre section
//!   summary table tbody tfoot thead tr ul`, and `<br>`. Table cells (`td`, `th`) are separated
//!   by a space. Other (inline) tags join their text (`<b>Re</b>ason` is `Reason`). Namespace
//!   prefixes (`<h:p>`) and case are ignored.
//! - **Dropped with their content**: comments `<!-- … -->` (an unterminated one runs to the end),
//!   `<script>`, `<style>`, `<head>`, `<title>`, `<template>`; `<!DOCTYPE …>` and `<?…?>`. The
//!   text of `<![CDATA[…]]>` is kept as written.
//! - **Character references are decoded**: every HTML5 named reference (the WHATWG table of the
//!   `html-escape` crate: `&nbsp;`, `&eacute;`, `&rarr;`, `&NotEqualTilde;`, …), decimal
//!   (`&#233;`) and hexadecimal (`&#xE9;`) ones. A reference needs its `;`. An unknown name, a
//!   number that is not a Unicode scalar value, zero, or a control character other than tab, line
//!   feed, form feed and carriage return, and a `&` that starts no reference, are kept as written.
//! - **Lines**: a line feed or carriage return in the text, and each break above, ends a line.
//!   In each line every run of white space (Unicode `White_Space`: no-break spaces included) is
//!   one space, and the line is trimmed. Empty lines are dropped, so the result has no leading,
//!   trailing or doubled line breaks.
//! - A dropped tag or comment never joins a literal `<`, `</` or `&` to the text after it (a
//!   space is kept between them), so markup never appears in the result unless the input wrote
//!   it as text.
//! - Never panics, on any input.
//!
//! [`one_line`] is the same text on one line: every line break is a space ([`collapse_whitespace`]
//! of the text).
//!
//! The result is idempotent ([`plain_text`] of the result is the result) unless the input wrote
//! markup or references as text (`&lt;b&gt;` and `<![CDATA[<b>]]>` are `<b>`, `&amp;amp;` is
//! `&amp;`, which a second pass reads again).
//!
//! ```
//! use ocean_model::text::{one_line, plain_text};
//! let note = "<p><b>Reason for Referral:</b> Back pain with no red flags&nbsp;</p><ul><li>MRI &amp; X-ray</li><li>Caf&eacute;</li></ul>";
//! assert_eq!(plain_text(note), "Reason for Referral: Back pain with no red flags\nMRI & X-ray\nCafé");
//! assert_eq!(one_line(note), "Reason for Referral: Back pain with no red flags MRI & X-ray Café");
//! assert_eq!(plain_text("a &lt; b<br/>c<script>x()</script>"), "a < b\nc");
//! ```

/// Elements whose start and end tags break the line.
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
];

/// Elements dropped with their content.
const HIDDEN: &[&str] = &["head", "script", "style", "template", "title"];

/// The plain text of HTML or XHTML, one line per block (see the module rules).
pub fn plain_text(html: &str) -> String {
    let raw = strip_markup(html);
    let mut out = String::with_capacity(raw.len());
    for line in raw.split(['\n', '\r']) {
        let line = collapse_whitespace(line);
        if !line.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&line);
        }
    }
    out
}

/// [`plain_text`] on one line: every line break is a space.
///
/// ```
/// use ocean_model::text::one_line;
/// assert_eq!(one_line("<div>a<br/>b</div>\n<p>c</p>"), "a b c");
/// ```
pub fn one_line(html: &str) -> String {
    collapse_whitespace(&strip_markup(html))
}

/// Every run of white space (Unicode `White_Space`: line breaks and no-break spaces included)
/// as one space, trimmed. For text that is already plain.
///
/// ```
/// use ocean_model::text::collapse_whitespace;
/// assert_eq!(collapse_whitespace("  a \n\t b\u{a0}\u{a0}c  "), "a b c");
/// ```
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// After markup was dropped: keep a literal `<`, `</` or `&` from joining the following text.
fn separate(out: &mut String) {
    if out.ends_with(['<', '&']) || out.ends_with("</") {
        out.push(' ');
    }
}

/// The text with markup removed and references decoded; `\n` where a line breaks.
fn strip_markup(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(pos) = rest.find(['<', '&']) {
        let Some((before, at)) = rest.split_at_checked(pos) else {
            break;
        };
        out.push_str(before);
        if let Some(after) = at.strip_prefix("<!--") {
            separate(&mut out);
            rest = after
                .find("-->")
                .map_or("", |end| after.get(end + 3..).unwrap_or(""));
        } else if let Some(after) = at.strip_prefix("<![CDATA[") {
            separate(&mut out);
            let (text, tail) = after.split_once("]]>").unwrap_or((after, ""));
            out.push_str(text);
            rest = tail;
        } else if let Some(after) = at.strip_prefix('<') {
            rest = match tag(after) {
                Some(t) => {
                    separate(&mut out);
                    apply_tag(&t, &mut out)
                }
                None => {
                    out.push('<');
                    after
                }
            };
        } else {
            let after = at.get(1..).unwrap_or("");
            match reference(after) {
                Some((decoded, len)) => {
                    out.push_str(decoded.as_str());
                    rest = after.get(len..).unwrap_or("");
                }
                None => {
                    out.push('&');
                    rest = after;
                }
            }
        }
    }
    out.push_str(rest);
    out
}

/// A tag (or `<!…>`, `<?…>`) after its `<`.
struct Tag<'a> {
    /// Lower-case local name; empty for `<!…>` and `<?…>`.
    name: String,
    closing: bool,
    self_closing: bool,
    /// The text after the tag's `>` (empty if unterminated).
    rest: &'a str,
}

/// Reads a tag starting after `<`; `None` if the `<` opens no tag.
fn tag(s: &str) -> Option<Tag<'_>> {
    let (closing, body) = match s.strip_prefix('/') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let first = body.chars().next()?;
    let bogus = !closing && (first == '!' || first == '?');
    if !first.is_ascii_alphabetic() && !bogus {
        return None;
    }
    let name_len = if bogus {
        0
    } else {
        body.find(|c: char| c.is_whitespace() || c == '/' || c == '>')
            .unwrap_or(body.len())
    };
    let raw_name = body.get(..name_len).unwrap_or("");
    let local = raw_name.rsplit(':').next().unwrap_or(raw_name);
    let (inside, rest) = split_at_tag_end(body);
    Some(Tag {
        name: local.to_ascii_lowercase(),
        closing,
        self_closing: inside.ends_with('/'),
        rest,
    })
}

/// Splits at the `>` that ends a tag, honouring quoted attribute values: (inside, after `>`).
/// Unterminated: (everything, "").
fn split_at_tag_end(s: &str) -> (&str, &str) {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => {
                return (s.get(..i).unwrap_or(""), s.get(i + 1..).unwrap_or(""));
            }
            (None, _) => {}
        }
    }
    (s, "")
}

/// Writes what a tag leaves in the text; returns the text to go on with.
fn apply_tag<'a>(t: &Tag<'a>, out: &mut String) -> &'a str {
    let name = t.name.as_str();
    if BLOCK.contains(&name) {
        out.push('\n');
    } else if name == "td" || name == "th" {
        out.push(' ');
    } else if HIDDEN.contains(&name) && !t.closing && !t.self_closing {
        return skip_content(t.rest, name);
    }
    t.rest
}

/// Skips to after `</name …>` (any case); the end of the text if there is none.
fn skip_content<'a>(s: &'a str, name: &str) -> &'a str {
    let lower = s.to_ascii_lowercase();
    let close = format!("</{name}");
    let mut from = 0;
    while let Some(i) = lower
        .get(from..)
        .and_then(|l| l.find(&close))
        .map(|i| i + from)
    {
        let after = i + close.len();
        let next = lower.get(after..).and_then(|r| r.chars().next());
        if next.is_none_or(|c| c.is_whitespace() || c == '>' || c == '/') {
            return s.get(after..).map_or("", |r| split_at_tag_end(r).1);
        }
        from = after;
    }
    ""
}

/// Decodes a character reference whose `&` was just before `s`: (text, bytes of `s` used,
/// `;` included).
fn reference(s: &str) -> Option<(String, usize)> {
    let end = s.char_indices().take(40).find(|&(_, c)| c == ';')?.0;
    let body = s.get(..end)?;
    let text = match body.strip_prefix('#') {
        Some(num) => numeric(num)?.to_string(),
        None => named(body)?.to_owned(),
    };
    Some((text, end + 1))
}

fn numeric(num: &str) -> Option<char> {
    let (digits, radix) = match num.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16),
        None => (num, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let c = char::from_u32(u32::from_str_radix(digits, radix).ok()?)?;
    let control_ok = matches!(c, '\t' | '\n' | '\u{c}' | '\r');
    (!c.is_control() || control_ok).then_some(c)
}

/// The text of an HTML5 named character reference (name without `&` and `;`).
fn named(name: &str) -> Option<&'static str> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let table = &html_escape::NAMED_ENTITIES;
    let i = table
        .binary_search_by(|(n, _)| (*n).cmp(name.as_bytes()))
        .ok()?;
    table.get(i).map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ocean_keywords_narrative_cases_on_one_line() {
        // The cases of ocean-keywords' narrative_plain_text, same results.
        let div = r#"<div xmlns="http://www.w3.org/1999/xhtml"><p>Penicillin<!-- a > comment --></p><p title="a>b">rash &amp; hives&#160;&#x2014;&nbsp;severe &eacute;&unknown; & x</p></div>"#;
        assert_eq!(
            one_line(div),
            "Penicillin rash & hives — severe é&unknown; & x"
        );
        assert_eq!(one_line("<div>a<br/>b</div>"), "a b");
        assert_eq!(one_line("<div>  </div>"), "");
        assert_eq!(one_line("<div>x<!-- never closed"), "x");
        assert_eq!(
            one_line("<div>x &#0; &#xFFFFFFFF; &#;"),
            "x &#0; &#xFFFFFFFF; &#;"
        );
        assert_eq!(one_line("<div unterminated"), "");
        assert_eq!(one_line("a &lt;b&gt; c"), "a <b> c");
    }

    #[test]
    fn lines_and_blocks() {
        assert_eq!(
            plain_text("<div>\n  <p>a</p>\n\n  <p> b  c </p>\n</div>"),
            "a\nb c"
        );
        assert_eq!(plain_text("<ul><li>one</li><li>two</li></ul>"), "one\ntwo");
        assert_eq!(plain_text("a<BR>b<br />c<H:P>d</H:P>e"), "a\nb\nc\nd\ne");
        assert_eq!(
            plain_text("<table><tr><th>BP</th><td>120/80</td></tr><tr><td>HR</td></tr></table>"),
            "BP 120/80\nHR"
        );
        assert_eq!(plain_text("<b>Re</b>ason <i>for</i>"), "Reason for");
        assert_eq!(
            plain_text("line 1\r\nline 2\rline 3"),
            "line 1\nline 2\nline 3"
        );
        assert_eq!(plain_text("a&#10;b"), "a\nb");
    }

    #[test]
    fn hidden_content_and_odd_markup() {
        assert_eq!(
            plain_text(
                "<html><head><title>T</title><style>p{}</style></head><body>x<SCRIPT type='a'>if (a</b) {}</script >y</body></html>"
            ),
            "xy"
        );
        assert_eq!(plain_text("a<script>never closed"), "a");
        assert_eq!(plain_text("a<scripts>b</scripts>"), "ab");
        assert_eq!(plain_text("<!DOCTYPE html><?xml version='1.0'?>a"), "a");
        assert_eq!(plain_text("<![CDATA[a <b> & c]]>"), "a <b> & c");
        assert_eq!(
            plain_text("1 < 2 and 3 <= 4, </3 <"),
            "1 < 2 and 3 <= 4, </3 <"
        );
        assert_eq!(plain_text("<<b>x</b>"), "< x");
        assert_eq!(plain_text("&<b>amp;</b>"), "& amp;");
        assert_eq!(plain_text("</<b>x"), "</ x");
        assert_eq!(plain_text("<img src='a>b' alt=\"x\">c"), "c");
    }

    #[test]
    fn references() {
        assert_eq!(plain_text("&NotEqualTilde;&rarr;&frac12;&AMP;"), "≂̸→½&");
        assert_eq!(
            plain_text("&#65;&#x42;&#X43;&#+68;&#x;&#1;&#9;x"),
            "ABC&#+68;&#x;&#1; x"
        );
        assert_eq!(
            plain_text("&#xD800;&#1114112;&#99999999999;"),
            "&#xD800;&#1114112;&#99999999999;"
        );
        assert_eq!(plain_text("AT&T &amp &copy 2020"), "AT&T &amp &copy 2020");
        assert_eq!(plain_text("&nbsp;&#160;"), "");
        assert_eq!(plain_text("&é;&;"), "&é;&;");
    }
}
