//! What the simulated Ocean knows: the referrals it sent, what the POS sent back, the
//! attachments the POS downloaded, the tokens it issued and the prompts for the POS's operator.
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ocean_status::{FolderPair, ReferralState, Stage};
use serde::Serialize;
use uuid::Uuid;

use crate::template::ReferralSpec;

/// Which side of a referral the POS under test is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PosRole {
    /// The POS received the referral (`add-service-request`): it is its current receiver.
    Receiver,
    /// The POS sent the referral (it got the sender's copy, `notify-add-service-request`).
    Sender,
}

/// A referral the simulated Ocean sent to the POS.
#[derive(Debug, Clone)]
pub struct SimReferral {
    /// Ids, site numbers and the synthetic patient.
    pub spec: ReferralSpec,
    /// The POS's side.
    pub role: PosRole,
    /// Where Ocean files it now.
    pub state: ReferralState,
}

impl SimReferral {
    /// The current folders.
    pub fn folders(&self) -> FolderPair {
        self.state.folders()
    }

    /// The current stage.
    pub fn stage(&self) -> Stage {
        self.state.stage()
    }
}

/// One message the POS posted to the simulated `$process-messages`, and the answer.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inbound {
    /// Arrival order, from 1.
    pub seq: u64,
    /// The event code (`-` when the body was not a message).
    pub event: String,
    /// The Ocean referral id, when the message named one.
    pub referral: Option<Uuid>,
    /// The Task status, for a process-request event.
    pub task_status: Option<String>,
    /// The Appointment status, for an appointment event.
    pub appointment_status: Option<String>,
    /// The HTTP status the simulated Ocean answered.
    pub status: u16,
    /// Why Ocean refused it (no patient data: rule, path, code).
    pub reason: Option<String>,
    /// The referral's folders after the message.
    pub folders: Option<FolderPair>,
}

impl Inbound {
    /// Whether Ocean accepted it (2xx).
    pub fn accepted(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// A `$letter` or `$binary` download by the POS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Download {
    /// `letter` or `binary`.
    pub kind: &'static str,
    /// The referral (for `$letter`) or DocumentReference (for `$binary`) id.
    pub id: Uuid,
    /// The HTTP status answered.
    pub status: u16,
}

/// What the simulator asks the POS's operator (or a test driver) to do now; also served as
/// JSON at `GET /sim/prompts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Prompt {
    /// The scenario id.
    pub scenario: String,
    /// The referral to act on.
    pub referral: Uuid,
    /// The action: `accept`, `decline`, `complete`, `book`, `reschedule`, `cancel-appointment`,
    /// `correct`, `message`, `acknowledge`, `download`.
    pub action: &'static str,
    /// The same in words, for a person.
    pub text: String,
}

/// The mutable part of the simulated Ocean.
#[derive(Debug, Default)]
pub struct SimState {
    /// Referrals by Ocean referral id.
    pub referrals: HashMap<Uuid, SimReferral>,
    /// DocumentReference id → referral id, for `$binary`.
    pub documents: HashMap<Uuid, Uuid>,
    /// Every message the POS sent, in order.
    pub inbound: Vec<Inbound>,
    /// Every attachment download.
    pub downloads: Vec<Download>,
    /// Issued tokens → (client id, expiry).
    pub tokens: HashMap<String, (String, Instant)>,
    /// Open prompts.
    pub prompts: Vec<Prompt>,
    /// Launch ids the POS opened Ocean's launch URL with (`GET /sim/launch`), in order.
    pub launches: Vec<String>,
}

/// The simulated Ocean's state, shared by its API and the scenario runner.
#[derive(Debug, Default)]
pub struct Shared {
    state: Mutex<SimState>,
}

impl Shared {
    /// Locks the state (a poisoned lock is recovered: the state stays readable).
    pub fn lock(&self) -> MutexGuard<'_, SimState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers a referral the simulator is about to send.
    pub fn add_referral(&self, spec: ReferralSpec, role: PosRole) {
        let mut s = self.lock();
        if let Some(doc) = spec.attachment {
            s.documents.insert(doc, spec.referral_id);
        }
        s.referrals.insert(
            spec.referral_id,
            SimReferral {
                spec,
                role,
                state: ReferralState::new(),
            },
        );
    }

    /// The referral's current folders.
    pub fn folders(&self, referral: Uuid) -> Option<FolderPair> {
        self.lock()
            .referrals
            .get(&referral)
            .map(SimReferral::folders)
    }

    /// How many POS messages have arrived so far (a mark for [`Shared::wait_inbound`]).
    pub fn inbound_mark(&self) -> usize {
        self.lock().inbound.len()
    }

    /// Waits up to `timeout` for a POS message after `mark` that `pred` accepts.
    pub async fn wait_inbound(
        &self,
        mark: usize,
        timeout: Duration,
        pred: impl Fn(&Inbound) -> bool,
    ) -> Option<Inbound> {
        let deadline = Instant::now() + timeout;
        loop {
            let found = self
                .lock()
                .inbound
                .iter()
                .skip(mark)
                .find(|i| pred(i))
                .cloned();
            if found.is_some() || Instant::now() >= deadline {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// The POS messages after `mark` about `referral`.
    pub fn inbound_since(&self, mark: usize, referral: Uuid) -> Vec<Inbound> {
        self.lock()
            .inbound
            .iter()
            .skip(mark)
            .filter(|i| i.referral == Some(referral))
            .cloned()
            .collect()
    }

    /// Waits up to `timeout` for a download of `id`.
    pub async fn wait_download(&self, ids: &[Uuid], timeout: Duration) -> Option<Download> {
        let deadline = Instant::now() + timeout;
        loop {
            let found = self
                .lock()
                .downloads
                .iter()
                .find(|d| ids.contains(&d.id))
                .cloned();
            if found.is_some() || Instant::now() >= deadline {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Shows a prompt (and prints it for a person at the POS).
    pub fn prompt(&self, prompt: Prompt) {
        eprintln!("[ocean-sim] {}: {}", prompt.scenario, prompt.text);
        let mut s = self.lock();
        s.prompts.retain(|p| p.scenario != prompt.scenario);
        s.prompts.push(prompt);
    }

    /// Removes a scenario's prompt.
    pub fn clear_prompt(&self, scenario: &str) {
        self.lock().prompts.retain(|p| p.scenario != scenario);
    }
}
