//! Text rules: narrative (XHTML) to plain text, whitespace collapsing, concept text. The first
//! two are `ocean_model::text`'s, the workspace's one HTML-to-text code.

use ocean_model::CodeableConcept;

/// Collapses every run of whitespace (Unicode, newlines and no-break spaces included) to one
/// space and trims, so an item is always one line: [`ocean_model::text::collapse_whitespace`].
pub(crate) use ocean_model::text::collapse_whitespace as collapse_ws;

/// The plain text of an XHTML narrative `div` on one line: [`ocean_model::text::one_line`]
/// (comments, scripts and styles dropped; every HTML5 named and numeric character reference
/// decoded; white space collapsed, trimmed; an unknown name, or a `&` that starts no reference,
/// kept as written), with this crate's one rule on top: **every tag is a space**, inline ones
/// too, so `<b>Egg</b><i>Milk</i>` is `Egg Milk` (two allergies written inline stay two words;
/// `one_line` alone joins inline tags as a browser shows them, `EggMilk`).
pub(crate) fn narrative_plain_text(div: &str) -> String {
    let mut spaced = String::with_capacity(div.len() + div.len() / 8);
    let mut rest = div;
    while let Some(at) = rest.find('<') {
        let (before, tag) = rest.split_at(at);
        spaced.push_str(before);
        if opens_tag(tag) {
            spaced.push(' ');
        }
        spaced.push('<');
        rest = tag.get(1..).unwrap_or("");
    }
    spaced.push_str(rest);
    ocean_model::text::one_line(&spaced)
}

/// Whether text starting with `<` opens a tag, comment or declaration by `ocean_model::text`'s
/// rule: `<` then a letter, `/` and a letter, `!` or `?`.
fn opens_tag(s: &str) -> bool {
    let mut b = s.bytes().skip(1);
    match b.next() {
        Some(c) if c.is_ascii_alphabetic() || c == b'!' || c == b'?' => true,
        Some(b'/') => b.next().is_some_and(|c| c.is_ascii_alphabetic()),
        _ => false,
    }
}

/// `CodeableConcept.text`, else the first coding with a non-empty `display`, else the first coding
/// with a non-empty `code`. Whitespace-only strings count as absent.
pub(crate) fn concept_text(cc: &CodeableConcept) -> Option<&str> {
    cc.display_text()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapse() {
        assert_eq!(collapse_ws("  a \n\t b\u{a0}\u{a0}c  "), "a b c");
        assert_eq!(collapse_ws(" \n "), "");
    }

    #[test]
    fn narrative() {
        let div = r#"<div xmlns="http://www.w3.org/1999/xhtml"><p>Penicillin<!-- a > comment --></p><p title="a>b">rash &amp; hives&#160;&#x2014;&nbsp;severe &eacute;&unknown; & x</p></div>"#;
        assert_eq!(
            narrative_plain_text(div),
            "Penicillin rash & hives — severe é&unknown; & x"
        );
        assert_eq!(narrative_plain_text("<div>a<br/>b</div>"), "a b");
        assert_eq!(narrative_plain_text("<div>  </div>"), "");
        assert_eq!(narrative_plain_text("<div>x<!-- never closed"), "x");
        assert_eq!(
            narrative_plain_text("<div>x &#0; &#xFFFFFFFF; &#;"),
            "x &#0; &#xFFFFFFFF; &#;"
        );
        assert_eq!(narrative_plain_text("<div unterminated"), "");
        assert_eq!(narrative_plain_text("a &lt;b&gt; c"), "a <b> c");
    }
}
