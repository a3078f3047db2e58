//! The POS side: which POS folder each Task status maps to, validated, and rendered as the
//! status table of the DRO Release Information Worksheet (seed "Statuses").
//!
//! # Configuration (JSON)
//! ```json
//! {
//!   "product": "Example EMR 4.2",
//!   "statuses": {
//!     "accepted": { "posFolder": "Pending Referrals", "configurable": true },
//!     "…": "one entry for each of the ten Task statuses Ocean accepts"
//!   },
//!   "folders": {
//!     "bookingUnconfirmed": { "posFolder": "Unconfirmed Bookings", "configurable": true },
//!     "bookingConfirmed":   { "posFolder": "Confirmed Bookings",   "configurable": true },
//!     "awaitingResponse":   { "posFolder": "Awaiting Reply",       "configurable": false }
//!   }
//! }
//! ```
//! Rules: `statuses` has exactly the ten statuses Ocean accepts (`requested`, `received`,
//! `accepted`, `in-progress`, `on-hold`, `ready`, `rejected`, `cancelled`, `completed`,
//! `failed`), each once; `draft` and `entered-in-error` are refused (Ocean does not accept
//! them); write `"Not Applicable"` as the folder of a status your POS never sends. `folders`
//! holds the worksheet rows that no Task status reaches; an absent row is "Not Applicable".
//! `posFolder` is non-empty. Unknown members are errors. Every problem is reported, each naming
//! its key (`statuses.acepted: not a FHIR Task status`). The JSON Schema is
//! [`WorksheetConfig::json_schema`] (checked in as `ocean-status/worksheet-config.schema.json`).
//!
//! ```
//! use ocean_status::worksheet::{Worksheet, SAMPLE_CONFIG};
//! let sheet = Worksheet::from_json(SAMPLE_CONFIG).unwrap();
//! assert!(sheet.to_markdown().contains("| Pending Booking | Pending Booking | accepted |"));
//! let err = Worksheet::from_json(r#"{"statuses":{"acepted":{"posFolder":"x","configurable":true}}}"#)
//!     .unwrap_err();
//! assert!(err.to_string().contains("statuses.acepted: not a FHIR Task status"));
//! ```

use std::collections::BTreeMap;
use std::fmt;

use ocean_model::TaskStatus;
use schemars::JsonSchema;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{AcceptedTaskStatus, Stage, StatusError};

mod shape;

/// A configuration key path (`statuses.accepted.configurable`) that is safe to log: every
/// segment that is not one of the configuration's own keys (its sections and members, the FHIR
/// Task status codes, the folder rows) is replaced by `?`, so a key typed into the file is never
/// repeated; a path with nothing of ours is `(root)`. The paths of [`ConfigError::Shape`] are
/// written this way.
///
/// ```
/// use ocean_status::worksheet::redacted_key_path;
/// assert_eq!(redacted_key_path("folders.bookingConfirmed.posFolder"), "folders.bookingConfirmed.posFolder");
/// assert_eq!(redacted_key_path("folders.Dr Smith.posFolder"), "folders.?.posFolder");
/// assert_eq!(redacted_key_path("Dr Smith"), "(root)");
/// ```
pub fn redacted_key_path(path: &str) -> String {
    shape::path(path)
}

/// The documented sample configuration (what `ocean worksheet` reads when given no CONFIG).
pub const SAMPLE_CONFIG: &str = include_str!("../sample-config.json");

/// Where a referral goes in the POS, and whether the POS lets its users change that.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PosLocation {
    /// The POS folder (e.g. "Pending Referrals"), or "Not Applicable".
    pub pos_folder: String,
    /// Whether the POS lets a clinic change this folder.
    pub configurable: bool,
}

impl PosLocation {
    /// A location.
    pub fn new(pos_folder: impl Into<String>, configurable: bool) -> Self {
        Self {
            pos_folder: pos_folder.into(),
            configurable,
        }
    }

    /// "Not Applicable", not configurable.
    pub fn not_applicable() -> Self {
        Self::new(NOT_APPLICABLE, false)
    }
}

const NOT_APPLICABLE: &str = "Not Applicable";

/// Entries of a JSON object, in order, duplicates kept (so validation can name them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entries(Vec<(String, PosLocation)>);

impl Entries {
    /// The entries as written.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &PosLocation)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of {\"posFolder\", \"configurable\"} entries")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    out.push((key, map.next_value()?));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl Serialize for Entries {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl JsonSchema for Entries {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Entries".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <BTreeMap<String, PosLocation>>::json_schema(generator)
    }
}

/// A vendor's worksheet configuration as written (see the module docs); validate it with
/// [`Worksheet::new`] or [`Worksheet::from_json`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorksheetConfig {
    /// The POS product and version, shown above the table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// One entry per Task status Ocean accepts, keyed by the FHIR code.
    pub statuses: Entries,
    /// The rows no Task status reaches: `bookingUnconfirmed`, `bookingConfirmed`,
    /// `awaitingResponse`.
    #[serde(default)]
    pub folders: Entries,
}

impl WorksheetConfig {
    /// The JSON Schema of the configuration.
    pub fn json_schema() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(WorksheetConfig)).unwrap_or_default()
    }
}

/// One problem in a configuration, naming its key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The JSON does not have the configuration's shape (wrong type, unknown member, not JSON).
    /// Neither field repeats text from the file other than the configuration's own keys.
    #[error("{path}: {message}")]
    Shape {
        /// Where (`statuses.accepted.configurable`), or `(root)`; a key that is not one of the
        /// configuration's own is written `?` (`folders.?.posFolder`).
        path: String,
        /// What, in our words (`wrong JSON type or value (expected a boolean)`, `unknown
        /// member (expected one of ...)`); never the offending value or member name.
        message: String,
    },
    /// A `statuses` key that is not a FHIR Task status.
    #[error("statuses.{0}: not a FHIR Task status")]
    UnknownStatus(String),
    /// A `statuses` key Ocean does not accept (`draft`, `entered-in-error`).
    #[error("statuses.{0}: Ocean does not accept this Task status")]
    NotAccepted(String),
    /// A status Ocean accepts with no entry.
    #[error("statuses.{0}: missing (every Task status Ocean accepts needs a row)")]
    MissingStatus(&'static str),
    /// A key given twice.
    #[error("{section}.{key}: given more than once")]
    Duplicate {
        /// `statuses` or `folders`.
        section: &'static str,
        /// The key.
        key: String,
    },
    /// A `folders` key that is not a worksheet row.
    #[error(
        "folders.{0}: not a worksheet row (bookingUnconfirmed, bookingConfirmed, awaitingResponse)"
    )]
    UnknownFolder(String),
    /// An empty `posFolder`.
    #[error(
        "{section}.{key}.posFolder: empty (write \"Not Applicable\" for a status the POS never sends)"
    )]
    EmptyFolder {
        /// `statuses` or `folders`.
        section: &'static str,
        /// The key.
        key: String,
    },
}

/// Every problem found in a configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// A worksheet row that no Task status reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FolderRow {
    /// Booking Unconfirmed (`bookingUnconfirmed`).
    BookingUnconfirmed,
    /// Booking Confirmed (`bookingConfirmed`).
    BookingConfirmed,
    /// Awaiting Response / Awaiting Reply (`awaitingResponse`).
    AwaitingResponse,
}

impl FolderRow {
    /// Every row, in worksheet order.
    pub const ALL: [FolderRow; 3] = [
        FolderRow::BookingUnconfirmed,
        FolderRow::BookingConfirmed,
        FolderRow::AwaitingResponse,
    ];

    /// The configuration key.
    pub fn key(self) -> &'static str {
        match self {
            FolderRow::BookingUnconfirmed => "bookingUnconfirmed",
            FolderRow::BookingConfirmed => "bookingConfirmed",
            FolderRow::AwaitingResponse => "awaitingResponse",
        }
    }
}

/// A validated configuration: a POS location for each of the ten accepted statuses and each
/// folder row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worksheet {
    product: Option<String>,
    statuses: BTreeMap<AcceptedTaskStatus, PosLocation>,
    folders: BTreeMap<FolderRow, PosLocation>,
}

fn check_location(
    section: &'static str,
    key: &str,
    loc: &PosLocation,
    errors: &mut Vec<ConfigError>,
) {
    if loc.pos_folder.trim().is_empty() {
        errors.push(ConfigError::EmptyFolder {
            section,
            key: key.to_owned(),
        });
    }
}

impl Worksheet {
    /// Validates a configuration (rules in the module docs), reporting every problem.
    pub fn new(config: WorksheetConfig) -> Result<Self, ConfigErrors> {
        let mut errors = Vec::new();
        let mut statuses = BTreeMap::new();
        for (key, loc) in config.statuses.0 {
            match AcceptedTaskStatus::try_from(&TaskStatus::from_code(&key)) {
                Ok(status) => {
                    check_location("statuses", &key, &loc, &mut errors);
                    if statuses.insert(status, loc).is_some() {
                        errors.push(ConfigError::Duplicate {
                            section: "statuses",
                            key,
                        });
                    }
                }
                Err(StatusError::NotAccepted(_)) => errors.push(ConfigError::NotAccepted(key)),
                Err(_) => errors.push(ConfigError::UnknownStatus(key)),
            }
        }
        for status in AcceptedTaskStatus::ALL {
            if !statuses.contains_key(&status) {
                errors.push(ConfigError::MissingStatus(status.code()));
            }
        }
        let mut folders = BTreeMap::new();
        for (key, loc) in config.folders.0 {
            match FolderRow::ALL.into_iter().find(|r| r.key() == key) {
                Some(row) => {
                    check_location("folders", &key, &loc, &mut errors);
                    if folders.insert(row, loc).is_some() {
                        errors.push(ConfigError::Duplicate {
                            section: "folders",
                            key,
                        });
                    }
                }
                None => errors.push(ConfigError::UnknownFolder(key)),
            }
        }
        if !errors.is_empty() {
            return Err(ConfigErrors(errors));
        }
        Ok(Self {
            product: config.product,
            statuses,
            folders,
        })
    }

    /// Parses and validates a JSON configuration.
    pub fn from_json(text: &str) -> Result<Self, ConfigErrors> {
        let mut de = serde_json::Deserializer::from_str(text);
        let config: WorksheetConfig = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = shape::path(&e.path().to_string());
            let message = shape::message(&e.into_inner().to_string());
            ConfigErrors(vec![ConfigError::Shape { path, message }])
        })?;
        Self::new(config)
    }

    /// The POS location of a Task status.
    pub fn location(&self, status: AcceptedTaskStatus) -> PosLocation {
        self.statuses
            .get(&status)
            .cloned()
            .unwrap_or_else(PosLocation::not_applicable)
    }

    /// The POS location of a folder row ("Not Applicable" when not configured).
    pub fn folder_location(&self, row: FolderRow) -> PosLocation {
        self.folders
            .get(&row)
            .cloned()
            .unwrap_or_else(PosLocation::not_applicable)
    }

    /// The product name, if configured.
    pub fn product(&self) -> Option<&str> {
        self.product.as_deref()
    }

    /// The table's rows, in the seed's order: one per status, plus the folder rows and
    /// Cancelled, with the folder names and notes on the first row of each folder.
    pub fn rows(&self) -> Vec<[String; 6]> {
        let mut rows = Vec::new();
        for group in GROUPS {
            let folders = group.stage.folders();
            let start = rows.len();
            let mut push = |status: String, loc: PosLocation, configurable: String| {
                let lead = rows.len() == start;
                rows.push([
                    if lead {
                        folders.sent.name().to_owned()
                    } else {
                        String::new()
                    },
                    if lead {
                        folders.received.name().to_owned()
                    } else {
                        String::new()
                    },
                    status,
                    if lead {
                        group.note.to_owned()
                    } else {
                        String::new()
                    },
                    loc.pos_folder.clone(),
                    configurable,
                ]);
            };
            match group.source {
                RowSource::Statuses(list) => {
                    for s in list {
                        let loc = self.location(*s);
                        let c = yes_no(loc.configurable);
                        push(s.code().to_owned(), loc, c);
                    }
                }
                RowSource::Folder(row) => {
                    let loc = self.folder_location(row);
                    let c = yes_no(loc.configurable);
                    push(NOT_APPLICABLE_STATUS.to_owned(), loc, c);
                }
                RowSource::Cancelled => push(
                    NOT_APPLICABLE_STATUS.to_owned(),
                    PosLocation::not_applicable(),
                    NOT_APPLICABLE.to_owned(),
                ),
            }
        }
        rows
    }

    /// The status table as Markdown (a `##` heading with the product, then the table).
    pub fn to_markdown(&self) -> String {
        let cell = |s: &str| s.replace('|', "\\|").replace(['\n', '\r'], " ");
        let mut out = String::new();
        if let Some(p) = &self.product {
            out.push_str(&format!("## Task statuses: {}\n\n", cell(p)));
        }
        out.push_str(&format!("| {} |\n", COLUMNS.join(" | ")));
        out.push_str(&format!("|{}\n", "---|".repeat(COLUMNS.len())));
        for row in self.rows() {
            let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        out
    }

    /// The status table as CSV (RFC 4180 quoting, `\n` line ends, header row first).
    pub fn to_csv(&self) -> String {
        let field = |s: &str| {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_owned()
            }
        };
        let mut out = String::new();
        let header: Vec<String> = COLUMNS.iter().map(|c| field(c)).collect();
        out.push_str(&header.join(","));
        out.push('\n');
        for row in self.rows() {
            let cells: Vec<String> = row.iter().map(|c| field(c)).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }
}

fn yes_no(b: bool) -> String {
    if b { "Yes" } else { "No" }.to_owned()
}

/// The worksheet's columns, as in the seed.
pub const COLUMNS: [&str; 6] = [
    "To Move a Referral into This Folder in the Ocean \"Sent\" Folders",
    "To Move a Referral into This Folder in the Ocean \"Received\" Folders",
    "Send the Following Value in the Task.Status",
    "Notes",
    "POS Folder Location",
    "Is POS Location Configurable?",
];

const NOT_APPLICABLE_STATUS: &str = "not applicable - see Notes";

enum RowSource {
    Statuses(&'static [AcceptedTaskStatus]),
    Folder(FolderRow),
    Cancelled,
}

struct Group {
    stage: Stage,
    source: RowSource,
    note: &'static str,
}

/// The seed's rows. Notes are the seed's, lightly edited (its "and/or 65 message event" typo
/// dropped; the Declined row names `cancelled`, which the seed leaves blank and Ocean's
/// Playbook files under Declined).
const GROUPS: [Group; 8] = {
    use AcceptedTaskStatus as S;
    [
        Group {
            stage: Stage::New,
            source: RowSource::Statuses(&[S::Requested, S::Received]),
            note: "When a referral is sent, it's automatically moved to the Sent/New folders; if any of these statuses are sent, no action will be taken and it will remain in this folder.",
        },
        Group {
            stage: Stage::PendingBooking,
            source: RowSource::Statuses(&[S::Accepted, S::InProgress, S::OnHold, S::Ready]),
            note: "Ocean stores referrals in any of these statuses in the Pending Booking folders.",
        },
        Group {
            stage: Stage::BookingUnconfirmed,
            source: RowSource::Folder(FolderRow::BookingUnconfirmed),
            note: "When Ocean receives an Appointment specific Message Event with an Appointment resource and a valid date, it will automatically convert to \"Booking Unconfirmed\".",
        },
        Group {
            stage: Stage::BookingConfirmed,
            source: RowSource::Folder(FolderRow::BookingConfirmed),
            note: "When Ocean receives an Appointment specific Message Event with an Appointment resource and a valid date, it will automatically convert to \"Booking Confirmed\".",
        },
        Group {
            stage: Stage::AwaitingResponse,
            source: RowSource::Folder(FolderRow::AwaitingResponse),
            note: "Moves into this folder if a send-communication message event is sent by the downstream system. A task specific message event will not update this folder.",
        },
        Group {
            stage: Stage::Declined,
            source: RowSource::Statuses(&[S::Rejected, S::Cancelled]),
            note: "Declined referrals can be re-opened by sending the appropriate status and/or message event. A Task status of cancelled also files the referral here: a receiver cannot cancel a referral.",
        },
        Group {
            stage: Stage::Cancelled,
            source: RowSource::Cancelled,
            note: "Referrals can only be cancelled by the referral sender (POS) via Ocean and not a receiver (POS). Therefore, no status update can be sent by the receiver for this action.",
        },
        Group {
            stage: Stage::Completed,
            source: RowSource::Statuses(&[S::Completed, S::Failed]),
            note: "Completed referrals can be re-opened by sending the appropriate status and/or message event.",
        },
    ]
};

/// The Task.status → Ocean folders mapping, serialised as
/// `{"<status>": {"sent": "<folder>", "received": "<folder>"}, ...}` in worksheet order.
#[derive(Debug, Clone, Copy, Default)]
pub struct StatusMapping;

impl Serialize for StatusMapping {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(
            AcceptedTaskStatus::ALL
                .iter()
                .map(|st| (st.code(), st.folders())),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(statuses: &str, folders: &str) -> Result<Worksheet, ConfigErrors> {
        Worksheet::from_json(&format!(
            r#"{{"statuses":{{{statuses}}},"folders":{{{folders}}}}}"#
        ))
    }

    fn all_statuses() -> String {
        AcceptedTaskStatus::ALL
            .iter()
            .map(|s| {
                format!(
                    r#""{}":{{"posFolder":"F {}","configurable":true}}"#,
                    s.code(),
                    s.code()
                )
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    #[test]
    fn sample_is_valid_and_every_group_is_covered() {
        let sheet = Worksheet::from_json(SAMPLE_CONFIG).unwrap();
        assert_eq!(sheet.rows().len(), 10 + 3 + 1);
        let covered: Vec<AcceptedTaskStatus> = GROUPS
            .iter()
            .flat_map(|g| match g.source {
                RowSource::Statuses(l) => l.to_vec(),
                _ => vec![],
            })
            .collect();
        assert_eq!(covered, AcceptedTaskStatus::ALL.to_vec());
        for g in GROUPS {
            if let RowSource::Statuses(l) = g.source {
                assert!(l.iter().all(|s| s.stage() == g.stage));
            }
        }
    }

    #[test]
    fn errors_name_the_key() {
        let all = all_statuses();
        let e = with(
            &format!("{all},\"acepted\":{{\"posFolder\":\"x\",\"configurable\":true}}"),
            "",
        )
        .unwrap_err();
        assert_eq!(e.0, vec![ConfigError::UnknownStatus("acepted".into())]);
        let e = with(
            &format!("{all},\"draft\":{{\"posFolder\":\"x\",\"configurable\":true}}"),
            "",
        )
        .unwrap_err();
        assert_eq!(e.0, vec![ConfigError::NotAccepted("draft".into())]);
        let e = with(
            &format!("{all},\"ready\":{{\"posFolder\":\"x\",\"configurable\":true}}"),
            "",
        )
        .unwrap_err();
        assert_eq!(
            e.0,
            vec![ConfigError::Duplicate {
                section: "statuses",
                key: "ready".into()
            }]
        );
        let without_ready = all.replace(
            r#""ready":{"posFolder":"F ready","configurable":true},"#,
            "",
        );
        let e = with(&without_ready, "").unwrap_err();
        assert_eq!(e.0, vec![ConfigError::MissingStatus("ready")]);
        let e = with(
            &all.replace(
                r#""accepted":{"posFolder":"F accepted","configurable":true}"#,
                r#""accepted":{"posFolder":"F","configurable":"yes"}"#,
            ),
            "",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "statuses.accepted.configurable: wrong JSON type or value (expected a boolean)"
        );
        let e = with(
            &all,
            r#""bookingPending":{"posFolder":"x","configurable":true}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.0,
            vec![ConfigError::UnknownFolder("bookingPending".into())]
        );
        let e = with(&all.replace("F failed", " "), "").unwrap_err();
        assert_eq!(
            e.to_string(),
            "statuses.failed.posFolder: empty (write \"Not Applicable\" for a status the POS never sends)"
        );
        let e = Worksheet::from_json(r#"{"statuses":{},"color":"blue"}"#).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("(root): unknown member (expected one of"),
            "{e}"
        );
        assert!(!e.to_string().contains("color"), "{e}");
        let e = Worksheet::from_json("[").unwrap_err();
        assert!(matches!(e.0[0], ConfigError::Shape { .. }));
        let e = Worksheet::from_json(r#"{"statuses":{}}"#).unwrap_err();
        assert_eq!(e.0.len(), 10);
    }

    #[test]
    fn mapping_json() {
        let v = serde_json::to_string(&StatusMapping).unwrap();
        assert!(
            v.starts_with(r#"{"requested":{"sent":"Sent (All)","received":"New"},"received":"#)
        );
        assert!(v.contains(r#""cancelled":{"sent":"Declined","received":"Declined"}"#));
        assert!(v.ends_with(r#""failed":{"sent":"Completed","received":"Completed"}}"#));
    }

    #[test]
    fn markdown_escapes_cells() {
        let all = all_statuses().replace("F ready", "A | B");
        let sheet = with(&all, "").unwrap();
        assert!(sheet.to_markdown().contains("A \\| B"));
        let all = all_statuses().replace("F ready", "A, \\\"B\\\"");
        let sheet = with(&all, "").unwrap();
        assert!(sheet.to_csv().contains("\"A, \"\"B\"\"\""));
    }
}
