//! Which URLs qualify for the rule "endpoints are absolute `https` URLs": https, http on a
//! loopback host (development only), other http, or not an absolute URL.

/// How a URL qualifies for the rule "endpoints are absolute `https` URLs" ([`url_kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlKind {
    /// `https://host…`
    Https,
    /// `http://localhost…`, `http://127.0.0.1…` or `http://[::1]…`: development only.
    HttpLoopback,
    /// `http://` to any other host.
    Http,
    /// Not an absolute http(s) URL with a host, or contains whitespace.
    NotAbsolute,
}

/// Classifies a URL for the rules "endpoints are absolute `https` URLs".
pub fn url_kind(s: &str) -> UrlKind {
    if s.chars().any(char::is_whitespace) {
        return UrlKind::NotAbsolute;
    }
    let lower = s.to_ascii_lowercase();
    let (https, rest) = if let Some(r) = lower.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = lower.strip_prefix("http://") {
        (false, r)
    } else {
        return UrlKind::NotAbsolute;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = if host_port.starts_with('[') {
        host_port
            .split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default().to_owned()
    };
    if host.is_empty() {
        return UrlKind::NotAbsolute;
    }
    if https {
        UrlKind::Https
    } else if host == "localhost" || host == "127.0.0.1" || host == "[::1]" {
        UrlKind::HttpLoopback
    } else {
        UrlKind::Http
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_urls() {
        assert_eq!(url_kind("https://pos.example/fhir"), UrlKind::Https);
        assert_eq!(url_kind("HTTPS://POS.example"), UrlKind::Https);
        assert_eq!(url_kind("http://localhost:8080/x"), UrlKind::HttpLoopback);
        assert_eq!(url_kind("http://127.0.0.1/x"), UrlKind::HttpLoopback);
        assert_eq!(url_kind("http://[::1]:80/x"), UrlKind::HttpLoopback);
        assert_eq!(url_kind("http://pos.example"), UrlKind::Http);
        assert_eq!(url_kind("/auth/token"), UrlKind::NotAbsolute);
        assert_eq!(url_kind("https://"), UrlKind::NotAbsolute);
        assert_eq!(url_kind("https:///x"), UrlKind::NotAbsolute);
        assert_eq!(url_kind("https://a b"), UrlKind::NotAbsolute);
        assert_eq!(url_kind("ftp://x"), UrlKind::NotAbsolute);
    }
}
