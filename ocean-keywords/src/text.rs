//! Text rules: narrative (XHTML) to plain text, whitespace collapsing, concept text.

use ocean_model::CodeableConcept;

/// Collapses every run of whitespace (Unicode, newlines and no-break spaces included) to one
/// space and trims, so an item is always one line.
pub(crate) fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
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

/// `CodeableConcept.text`, else the first coding with a non-empty `display`, else the first coding
/// with a non-empty `code`. Whitespace-only strings count as absent.
pub(crate) fn concept_text(cc: &CodeableConcept) -> Option<&str> {
    cc.display_text()
}

/// The plain text of an XHTML narrative `div`: comments dropped, each tag replaced by one space,
/// character references decoded, whitespace collapsed, trimmed.
///
/// Character references: decimal (`&#233;`) and hexadecimal (`&#xE9;`) ones, the five XML ones
/// (`&amp; &lt; &gt; &quot; &apos;`) and the HTML names listed in [`named_entity`]. An unknown
/// name, or a `&` that starts no reference, is kept as written.
pub(crate) fn narrative_plain_text(div: &str) -> String {
    let mut raw = String::with_capacity(div.len());
    let mut rest = div;
    while let Some(pos) = rest.find(['<', '&']) {
        let (before, at) = rest.split_at(pos);
        raw.push_str(before);
        if at.starts_with("<!--") {
            // A comment: dropped whole (an unterminated one runs to the end).
            rest = at
                .find("-->")
                .map_or("", |end| at.get(end + 3..).unwrap_or(""));
        } else if at.starts_with('<') {
            raw.push(' ');
            rest = skip_tag(at);
        } else {
            let (decoded, len) = decode_reference(at);
            match decoded {
                Some(c) => raw.push(c),
                None => raw.push('&'),
            }
            rest = at.get(len..).unwrap_or("");
        }
    }
    raw.push_str(rest);
    collapse_ws(&raw)
}

/// Skips a tag starting at `<`, honouring quoted attribute values; returns the text after `>`.
fn skip_tag(s: &str) -> &str {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return s.get(i + 1..).unwrap_or(""),
            (None, _) => {}
        }
    }
    ""
}

/// Decodes a character reference at the start of `s` (which starts with `&`). Returns the
/// character and the length consumed, or `(None, 1)` when `s` does not start with one.
fn decode_reference(s: &str) -> (Option<char>, usize) {
    let body_end = s
        .char_indices()
        .skip(1)
        .take(33)
        .find(|&(_, c)| c == ';')
        .map(|(i, _)| i);
    let Some(end) = body_end else {
        return (None, 1);
    };
    let body = s.get(1..end).unwrap_or("");
    let c = if let Some(num) = body.strip_prefix('#') {
        let parsed = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        };
        parsed.and_then(char::from_u32).filter(|&c| c != '\0')
    } else {
        named_entity(body)
    };
    match c {
        Some(c) => (Some(c), end + 1),
        None => (None, 1),
    }
}

/// The named character references decoded in narratives: the XML five, and the HTML names that
/// appear in clinical text (punctuation, symbols, and the accented letters of French and other
/// Western European languages).
pub(crate) fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "copy" => '©',
        "reg" => '®',
        "deg" => '°',
        "plusmn" => '±',
        "micro" => 'µ',
        "middot" => '·',
        "times" => '×',
        "divide" => '÷',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "hellip" => '…',
        "bull" => '•',
        "frac12" => '½',
        "frac14" => '¼',
        "frac34" => '¾',
        "sup2" => '²',
        "sup3" => '³',
        "le" => '≤',
        "ge" => '≥',
        "ne" => '≠',
        "larr" => '←',
        "rarr" => '→',
        "uarr" => '↑',
        "darr" => '↓',
        "laquo" => '«',
        "raquo" => '»',
        "agrave" => 'à',
        "aacute" => 'á',
        "acirc" => 'â',
        "auml" => 'ä',
        "ccedil" => 'ç',
        "egrave" => 'è',
        "eacute" => 'é',
        "ecirc" => 'ê',
        "euml" => 'ë',
        "igrave" => 'ì',
        "iacute" => 'í',
        "icirc" => 'î',
        "iuml" => 'ï',
        "ntilde" => 'ñ',
        "ograve" => 'ò',
        "oacute" => 'ó',
        "ocirc" => 'ô',
        "ouml" => 'ö',
        "ugrave" => 'ù',
        "uacute" => 'ú',
        "ucirc" => 'û',
        "uuml" => 'ü',
        "yuml" => 'ÿ',
        "szlig" => 'ß',
        "oelig" => 'œ',
        "aelig" => 'æ',
        "Agrave" => 'À',
        "Aacute" => 'Á',
        "Acirc" => 'Â',
        "Auml" => 'Ä',
        "Ccedil" => 'Ç',
        "Egrave" => 'È',
        "Eacute" => 'É',
        "Ecirc" => 'Ê',
        "Euml" => 'Ë',
        "Icirc" => 'Î',
        "Iuml" => 'Ï',
        "Ntilde" => 'Ñ',
        "Ocirc" => 'Ô',
        "Ouml" => 'Ö',
        "Ugrave" => 'Ù',
        "Ucirc" => 'Û',
        "Uuml" => 'Ü',
        "OElig" => 'Œ',
        "AElig" => 'Æ',
        _ => return None,
    })
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
