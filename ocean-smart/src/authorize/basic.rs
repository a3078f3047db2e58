//! `client_secret_basic`: the `Authorization: Basic` header a client may authenticate with
//! (RFC 6749 2.3.1), read by [`ocean_model::oauth::BasicCredentials`].

use ocean_model::oauth::BasicCredentials;

use crate::secret::Secret;

/// Reads an `Authorization: Basic …` header into client id and secret (RFC 6749 2.3.1: both
/// form-encoded before Base64). `None` if it is not a valid Basic header.
///
/// The rules are [`BasicCredentials::from_authorization`]'s: the scheme name in any case, white
/// space around the value, standard Base64 with or without its padding (more `=` than due is
/// refused), unused bits zero, a `:` between id and secret, valid `%` escapes, UTF-8.
pub fn parse_basic_auth(header: &str) -> Option<(String, Secret)> {
    let (id, secret) = BasicCredentials::from_authorization(header)?.into_parts();
    Some((id, Secret::new(secret)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(header: &str) -> Option<(String, String)> {
        parse_basic_auth(header).map(|(id, s)| (id, s.expose().to_owned()))
    }

    #[test]
    fn basic_auth() {
        let (id, s) = parse_basic_auth("Basic b2NlYW46czNjcmV0").unwrap();
        assert_eq!((id.as_str(), s.expose()), ("ocean", "s3cret"));
        // "a%3Ab:c d" form-encoded id with a colon.
        let (id, s) = parse_basic_auth("basic YSUzQWI6YytkIQ==").unwrap();
        assert_eq!((id.as_str(), s.expose()), ("a:b", "c d!"));
        assert!(parse_basic_auth("Bearer x").is_none());
        assert!(parse_basic_auth("Basic !!").is_none());
        assert!(parse_basic_auth("Basic bm9jb2xvbg==").is_none());
    }

    #[test]
    fn base64_padding_edges() {
        // "a:b" is YTpi (no padding due); "a:" is YTo= (one due).
        let ab = Some(("a".to_owned(), "b".to_owned()));
        let a = Some(("a".to_owned(), String::new()));
        assert_eq!(read("Basic YTpi"), ab);
        assert_eq!(read("Basic YTo="), a);
        assert_eq!(read("Basic YTo"), a);
        // More padding than due is refused (the hand-written decoder before ocean-model's
        // accepted up to two extra `=`).
        assert_eq!(read("Basic YTo=="), None);
        assert_eq!(read("Basic YTpi="), None);
        // Unused bits of the last character must be zero; `=` only at the end.
        assert_eq!(read("Basic YTp="), None);
        assert_eq!(read("Basic YT=o="), None);
        // The URL-safe alphabet is not the Basic header's: "a:?" is YTo/ in standard base64.
        assert_eq!(read("Basic YTo/"), Some(("a".to_owned(), "?".to_owned())));
        assert_eq!(read("Basic YTo_"), None);
    }
}
