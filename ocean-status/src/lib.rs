//! Task status ↔ Ocean folders, the referral state after a sequence of events, and the DRO
//! Release Information Worksheet status table.
//!
//! | module | what a vendor finds there |
//! |---|---|
//! | [`folders`] | which Task status files a referral in which Ocean folder (the seed table), the statuses Ocean refuses |
//! | [`state`] | where a referral is after Task statuses, appointments, messages and a revoke; every rule in one table |
//! | [`worksheet`] | the POS folder configuration, its validation and the worksheet table in Markdown and CSV |
//!
//! ```
//! use ocean_status::{AcceptedTaskStatus, StatusError};
//! let s = AcceptedTaskStatus::from_code("on-hold").unwrap();
//! assert_eq!(s.folders().sent.name(), "Pending Booking");
//! assert_eq!(AcceptedTaskStatus::from_code("draft"), None);
//! assert_eq!(AcceptedTaskStatus::parse("draft"), Err(StatusError::NotAccepted("draft")));
//! ```
#![forbid(unsafe_code)]

pub mod folders;
pub mod state;
pub mod worksheet;

pub use folders::{
    AcceptedTaskStatus, FolderPair, ReceivedFolder, SentFolder, Stage, StatusError, TaskEffect,
};
pub use state::{AppointmentEvent, ReferralEvent, ReferralState, Transition};
pub use worksheet::{ConfigError, ConfigErrors, StatusMapping, Worksheet, WorksheetConfig};
