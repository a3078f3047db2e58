//! The scenario catalog (the table in the parent module's docs) and `--scenarios` selection.
use crate::report::{Priority, Role};

/// A scenario's definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScenarioDef {
    /// Stable id.
    pub id: &'static str,
    /// The seed table.
    pub role: Role,
    /// The use case's priority in the seed.
    pub priority: Priority,
    /// The use case as the seed names it.
    pub use_case: &'static str,
    /// What the scenario checks.
    pub title: &'static str,
    /// Why it is never run (Ocean does not support it, or it is not observable), if so.
    pub not_supported: Option<&'static str>,
}

const fn def(
    id: &'static str,
    role: Role,
    priority: Priority,
    use_case: &'static str,
    title: &'static str,
) -> ScenarioDef {
    ScenarioDef {
        id,
        role,
        priority,
        use_case,
        title,
        not_supported: None,
    }
}

const fn unsupported(
    id: &'static str,
    role: Role,
    priority: Priority,
    use_case: &'static str,
    reason: &'static str,
) -> ScenarioDef {
    ScenarioDef {
        id,
        role,
        priority,
        use_case,
        title: "not exercisable through the integration",
        not_supported: Some(reason),
    }
}

use Priority::{Desirable as D, Required as REQ, StronglyRecommended as SR};
use Role::{General as G, Receiver as R, Sender as S};

const NOT_FROM_SENDER: &str = "Ocean does not support this integration for a sending POS (seed): users act in the Ocean portal";

/// Every scenario, in the seed's table order.
pub const CATALOG: &[ScenarioDef] = &[
    def(
        "S-LAUNCH-NEW",
        S,
        REQ,
        "Contextual Launch into Ocean",
        "launch for a new eRequest: discovery, authorize, token, $everything, pre-populated form",
    ),
    def(
        "S-LAUNCH-EXISTING",
        S,
        REQ,
        "Contextual Launch into Ocean",
        "launch for an existing eRequest: fhirContext names the POS referral",
    ),
    def(
        "S-LAUNCH-DASHBOARD",
        S,
        REQ,
        "Contextual Launch into Ocean",
        "launch without a patient to review the site's dashboards",
    ),
    def(
        "S-NEW",
        S,
        REQ,
        "Initiate New Service Request",
        "the sender's copy (notify-add-service-request) is acknowledged",
    ),
    unsupported(
        "S-UPDATE",
        S,
        REQ,
        "Update Existing Service Request",
        NOT_FROM_SENDER,
    ),
    def(
        "S-STATUS",
        S,
        REQ,
        "Receive and Process Status Updates Existing Service Requests",
        "status updates (accepted, completed) acknowledged; no status sent for a referral the POS is not the receiver of",
    ),
    unsupported(
        "S-CONFIRM",
        S,
        REQ,
        "Confirm completion of the Service Request",
        NOT_FROM_SENDER,
    ),
    def(
        "S-ATTACH",
        S,
        SR,
        "Send Supporting Information and attachments",
        "$everything offers an attachment Ocean accepts",
    ),
    def(
        "S-APPT-NEW",
        S,
        SR,
        "Receive and Process Appointment Details (New)",
        "a booked appointment acknowledged: Booking Confirmed",
    ),
    def(
        "S-APPT-UPDATE",
        S,
        SR,
        "Receive and Process Appointment Details (Updates)",
        "a rescheduled, then cancelled appointment acknowledged",
    ),
    unsupported(
        "S-CANCEL",
        S,
        SR,
        "Cancel the Service Request",
        NOT_FROM_SENDER,
    ),
    unsupported(
        "S-CORRECTION",
        S,
        SR,
        "Receive Data Corrections Notifications",
        NOT_FROM_SENDER,
    ),
    def(
        "S-COMM",
        S,
        D,
        "Exchange Communications",
        "a message from the receiver acknowledged: Awaiting Response",
    ),
    def(
        "R-CHALLENGE",
        R,
        REQ,
        "Receive New Service Request",
        "endpoint validation: the challenge is echoed",
    ),
    def(
        "R-NEW",
        R,
        REQ,
        "Receive New Service Request",
        "a new referral (add-service-request) is acknowledged",
    ),
    def(
        "R-MALFORMED",
        R,
        REQ,
        "Receive New Service Request",
        "a message that breaks the IG is refused (4xx), not acknowledged",
    ),
    def(
        "R-DUPLICATE",
        R,
        REQ,
        "Receive New Service Request",
        "duplicates and retries: the same message three times, each 2xx, handled once",
    ),
    def(
        "R-STATUS-ACK",
        R,
        REQ,
        "Send Service Request Status",
        "a Task status Ocean accepts is sent for a new referral",
    ),
    def(
        "R-STATUS-ACCEPT",
        R,
        REQ,
        "Send Service Request Status",
        "accept: Pending Booking",
    ),
    def(
        "R-STATUS-DECLINE",
        R,
        REQ,
        "Send Service Request Status",
        "decline: Declined",
    ),
    def(
        "R-STATUS-COMPLETE",
        R,
        REQ,
        "Send Service Request Status",
        "accept, then complete: Completed",
    ),
    def(
        "R-CANCEL",
        R,
        REQ,
        "Receive Service Request Cancellation",
        "a cancellation (revoke-service-request) is acknowledged: Cancelled",
    ),
    def(
        "R-ATTACH",
        R,
        SR,
        "Receive and attach supporting documentation to a referral",
        "an update with a new attachment is acknowledged and the attachment downloaded",
    ),
    def(
        "R-APPT-NEW",
        R,
        SR,
        "Send Appointment Details (New)",
        "accept, then book: Booking Confirmed or Unconfirmed",
    ),
    def(
        "R-APPT-UPDATE",
        R,
        SR,
        "Send Appointment Details (Updates)",
        "book, reschedule, cancel the appointment: back to Pending Booking",
    ),
    def(
        "R-CORRECTION",
        R,
        SR,
        "Send Data Correction Notification",
        "a data correction (notify-data-correction) is accepted",
    ),
    def(
        "R-COMM-OUT",
        R,
        D,
        "Exchange Communications",
        "a message to the referrer: Awaiting Reply",
    ),
    def(
        "R-COMM-IN",
        R,
        D,
        "Exchange Communications",
        "a message from the referrer (send-communication-from-requester) is acknowledged",
    ),
    unsupported(
        "G-MATCH",
        G,
        SR,
        "Auto-Match Patient to Received eRequest in \"Receiving POS\"",
        "not observable through Ocean's API: the match happens inside the POS",
    ),
    def(
        "G-MULTISITE",
        G,
        D,
        "Support Multiple Ocean Sites (per POS Account)",
        "referrals for two Ocean sites acknowledged; each status names its own site",
    ),
];

/// Which scenarios to run: `--scenarios` items, comma-separated. An item is a scenario id
/// (`R-NEW`), a prefix ending in `*` (`R-STATUS-*`), a table (`sender`, `receiver`,
/// `general`) or a priority (`required`, `strongly-recommended`, `desirable`); case does not
/// matter. Empty: all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    items: Vec<String>,
}

impl Selection {
    /// Every scenario.
    pub fn all() -> Self {
        Self::default()
    }

    /// From the `--scenarios` text; unknown items are an error naming them.
    pub fn parse(text: &str) -> Result<Self, String> {
        let items: Vec<String> = text
            .split(',')
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .collect();
        let selection = Self { items };
        for item in &selection.items {
            if !CATALOG.iter().any(|d| Self::item_matches(item, d)) {
                return Err(format!("--scenarios: `{item}` matches no scenario"));
            }
        }
        Ok(selection)
    }

    fn item_matches(item: &str, def: &ScenarioDef) -> bool {
        let id = def.id.to_ascii_lowercase();
        if let Some(prefix) = item.strip_suffix('*') {
            return id.starts_with(prefix);
        }
        item == id
            || item == def.role.name().to_ascii_lowercase()
            || item == def.priority.name().to_ascii_lowercase().replace(' ', "-")
    }

    /// Whether `def` is selected.
    pub fn matches(&self, def: &ScenarioDef) -> bool {
        self.items.is_empty() || self.items.iter().any(|i| Self::item_matches(i, def))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_selection_works() {
        let mut ids: Vec<_> = CATALOG.iter().map(|d| d.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CATALOG.len());
        let s = Selection::parse("r-status-*, S-NEW").unwrap();
        let picked: Vec<_> = CATALOG
            .iter()
            .filter(|d| s.matches(d))
            .map(|d| d.id)
            .collect();
        assert_eq!(
            picked,
            [
                "S-NEW",
                "R-STATUS-ACK",
                "R-STATUS-ACCEPT",
                "R-STATUS-DECLINE",
                "R-STATUS-COMPLETE"
            ]
        );
        assert!(Selection::parse("nope").is_err());
        let req = Selection::parse("required").unwrap();
        assert!(
            CATALOG
                .iter()
                .filter(|d| req.matches(d))
                .all(|d| d.priority == Priority::Required)
        );
    }
}
