//! Shape problems of a configuration file in our own words. serde's messages repeat the
//! offending value (`invalid type: string "yes"`) or member name (`unknown field `color``), text
//! from the vendor's file; the messages here name only the configuration's own keys and what
//! was expected, so an error can be logged anywhere.

use crate::AcceptedTaskStatus;

/// The keys of the configuration that are ours: sections, members, and the status and folder
/// row keys.
fn known_key(segment: &str) -> bool {
    const MEMBERS: [&str; 5] = [
        "product",
        "statuses",
        "folders",
        "posFolder",
        "configurable",
    ];
    const FOLDER_ROWS: [&str; 3] = ["bookingUnconfirmed", "bookingConfirmed", "awaitingResponse"];
    MEMBERS.contains(&segment)
        || FOLDER_ROWS.contains(&segment)
        || ["draft", "entered-in-error"].contains(&segment)
        || AcceptedTaskStatus::ALL.iter().any(|s| s.code() == segment)
}

/// A key path (`statuses.accepted.configurable`) with every segment that is not ours replaced
/// by `?`; `(root)` for the whole document.
pub(super) fn path(path: &str) -> String {
    if path == "." || path == "(root)" || path.is_empty() {
        return "(root)".to_owned();
    }
    let key = path
        .split('.')
        .map(|seg| if known_key(seg) { seg } else { "?" })
        .collect::<Vec<_>>()
        .join(".");
    if key == "?" { "(root)".to_owned() } else { key }
}

/// serde_json's message for a shape problem, in our words.
pub(super) fn message(serde_message: &str) -> String {
    // Without serde_json's " at line L column C" suffix.
    let m = serde_message.split(" at line ").next().unwrap_or_default();
    // What serde expected comes from our own types, unless it quotes something.
    let expected = m
        .rsplit_once(", expected ")
        .map(|(_, e)| e)
        .filter(|e| !e.contains('"'));
    let what = if m.starts_with("invalid type") || m.starts_with("invalid value") {
        "wrong JSON type or value"
    } else if m.starts_with("unknown field") {
        "unknown member"
    } else if m.starts_with("unknown variant") {
        "unknown value"
    } else if m.starts_with("missing field") {
        return match m.split('`').nth(1).filter(|k| known_key(k)) {
            Some(k) => format!("missing member `{k}`"),
            None => "a required member is missing".to_owned(),
        };
    } else if m.starts_with("duplicate field") {
        "a member given more than once"
    } else if m.starts_with("EOF") {
        return "the JSON text ends too early".to_owned();
    } else {
        "not JSON, or not the configuration's shape"
    };
    match expected {
        Some(e) => format!("{what} (expected {e})"),
        None => what.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_keys_are_named() {
        assert_eq!(path("."), "(root)");
        assert_eq!(
            path("statuses.accepted.configurable"),
            "statuses.accepted.configurable"
        );
        assert_eq!(path("folders.secret.posFolder"), "folders.?.posFolder");
        assert_eq!(path("secret"), "(root)");
    }

    #[test]
    fn values_and_foreign_names_are_not_repeated() {
        assert_eq!(
            message("invalid type: string \"SECRET\", expected a boolean at line 1 column 9"),
            "wrong JSON type or value (expected a boolean)"
        );
        let m = message("unknown field `SECRET`, expected one of `product`, `statuses`");
        assert_eq!(m, "unknown member (expected one of `product`, `statuses`)");
        assert_eq!(
            message("missing field `posFolder`"),
            "missing member `posFolder`"
        );
        assert_eq!(
            message("missing field `SECRET`"),
            "a required member is missing"
        );
        assert_eq!(
            message("key must be a string at line 1 column 2"),
            "not JSON, or not the configuration's shape"
        );
        assert_eq!(
            message("EOF while parsing an object at line 1 column 1"),
            "the JSON text ends too early"
        );
    }
}
