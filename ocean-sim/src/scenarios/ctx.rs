//! What a scenario runs with ([`Ctx`]) and how it records its steps ([`Run`]).
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ocean_status::ReferralEvent;
use ocean_status::{FolderPair, Stage};
use uuid::Uuid;

use crate::deliver::{Deliverer, Delivery};
use crate::report::{Outcome, ScenarioResult, Step};
use crate::retry::TimeScale;
use crate::smart::SmartTarget;
use crate::state::{Inbound, PosRole, Prompt, Shared};
use crate::template::{Addition, OceanMessage, ReferralSpec, Templates};

/// A failed step (already recorded in the [`Run`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failed;

/// The steps of one scenario run.
#[derive(Debug)]
pub struct Run {
    id: &'static str,
    steps: Vec<Step>,
    seen: u64,
    /// What a SMART launch pre-populated.
    pub prefill: Option<crate::report::Prefill>,
}

fn folder_text(f: FolderPair) -> String {
    format!("Sent: {} / Received: {}", f.sent.name(), f.received.name())
}

impl Run {
    /// A run of scenario `id`.
    pub fn new(id: &'static str) -> Self {
        Self {
            id,
            steps: Vec::new(),
            seen: 0,
            prefill: None,
        }
    }

    /// The scenario id.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// Records a passed step.
    pub fn pass(
        &mut self,
        name: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
        folder: Option<FolderPair>,
    ) {
        self.steps.push(Step {
            name: name.into(),
            outcome: Outcome::Pass,
            expected: expected.into(),
            actual: actual.into(),
            folder: folder.map(folder_text),
        });
    }

    /// Records a failed step; returns the marker to propagate with `?`.
    pub fn fail(
        &mut self,
        name: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
        folder: Option<FolderPair>,
    ) -> Failed {
        self.steps.push(Step {
            name: name.into(),
            outcome: Outcome::Fail,
            expected: expected.into(),
            actual: actual.into(),
            folder: folder.map(folder_text),
        });
        Failed
    }

    /// The scenario's result.
    pub fn into_result(self, def: &super::ScenarioDef, outcome: Outcome) -> ScenarioResult {
        let failed = self
            .steps
            .iter()
            .rev()
            .find(|s| s.outcome == Outcome::Fail)
            .cloned();
        let (step, expected, actual) = match (outcome, failed) {
            (Outcome::Fail, Some(s)) => (Some(s.name), Some(s.expected), Some(s.actual)),
            (Outcome::NotRun, _) => (
                Some("-".to_owned()),
                None,
                self.steps.last().map(|s| s.actual.clone()),
            ),
            _ => (None, None, None),
        };
        ScenarioResult {
            id: def.id.to_owned(),
            use_case: def.use_case.to_owned(),
            role: def.role,
            priority: def.priority,
            title: def.title.to_owned(),
            outcome,
            step,
            expected,
            actual,
            steps: self.steps,
            prefill: self.prefill,
        }
    }
}

/// Everything a scenario needs.
#[derive(Debug)]
pub struct Ctx {
    /// The simulated Ocean's state.
    pub shared: Arc<Shared>,
    /// Ocean's messages.
    pub templates: Templates,
    /// Deliveries to the POS.
    pub deliverer: Deliverer,
    /// The Ocean site numbers the POS serves (at least one; `G-MULTISITE` uses two).
    pub sites: Vec<String>,
    /// The site number of the other clinic (the referrer, or the receiver of a sent referral).
    pub other_site: String,
    /// How long to wait for the POS to act.
    pub wait: Duration,
    /// The retry clock's compression.
    pub scale: TimeScale,
    /// The POS's SMART server, for the launch scenarios.
    pub smart: Option<SmartTarget>,
    next_patient: AtomicUsize,
}

/// The current time as a FHIR instant.
pub fn now_instant() -> String {
    let t = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

impl Ctx {
    /// A context.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        shared: Arc<Shared>,
        templates: Templates,
        deliverer: Deliverer,
        sites: Vec<String>,
        other_site: String,
        wait: Duration,
        scale: TimeScale,
        smart: Option<SmartTarget>,
    ) -> Self {
        Self {
            shared,
            templates,
            deliverer,
            sites,
            other_site,
            wait,
            scale,
            smart,
            next_patient: AtomicUsize::new(0),
        }
    }

    /// The POS's first site.
    pub fn site(&self) -> &str {
        self.sites.first().map(String::as_str).unwrap_or("1")
    }

    /// A new referral with fresh ids and the next synthetic patient, registered.
    pub fn referral(&self, role: PosRole, site: &str) -> ReferralSpec {
        let n = self.next_patient.fetch_add(1, Ordering::Relaxed);
        let (receiver_site, sender_site) = match role {
            PosRole::Receiver => (site.to_owned(), self.other_site.clone()),
            PosRole::Sender => (self.other_site.clone(), site.to_owned()),
        };
        let spec = ReferralSpec {
            referral_id: Uuid::new_v4(),
            receiver_site,
            sender_site,
            patient: crate::patients::patient(n),
            attachment: None,
        };
        self.shared.add_referral(spec.clone(), role);
        spec
    }

    /// Ocean's message for `event`.
    pub fn message(
        &self,
        event: &'static str,
        spec: &ReferralSpec,
        additions: &[Addition],
    ) -> OceanMessage {
        self.templates
            .message(event, spec, additions, &now_instant(), None)
    }

    /// Delivers a message; the step passes on a 2xx (after Ocean's retries).
    pub async fn deliver(
        &self,
        run: &mut Run,
        msg: &OceanMessage,
        referral: Uuid,
    ) -> Result<Delivery, Failed> {
        let step = format!("deliver {}", msg.event);
        let d = self.deliverer.deliver(&msg.body()).await;
        let folder = self.shared.folders(referral);
        if d.delivered {
            run.pass(step, "2xx", d.describe(), folder);
            Ok(d)
        } else {
            Err(run.fail(
                step,
                "2xx (Ocean resends anything else for 96 hours)",
                d.describe(),
                folder,
            ))
        }
    }

    /// Applies what Ocean's message says happened (at the other clinic) to the referral.
    pub fn happened(&self, referral: Uuid, event: ReferralEvent) {
        if let Some(r) = self.shared.lock().referrals.get_mut(&referral) {
            r.state.apply(event);
        }
    }

    /// Checks the referral's folders.
    pub fn expect_stage(
        &self,
        run: &mut Run,
        step: &str,
        referral: Uuid,
        stage: &[Stage],
    ) -> Result<(), Failed> {
        let now = self
            .shared
            .lock()
            .referrals
            .get(&referral)
            .map(|r| r.stage());
        let expected = stage
            .iter()
            .map(|s| s.received_folder().name())
            .collect::<Vec<_>>()
            .join(" or ");
        let folder = self.shared.folders(referral);
        match now {
            Some(s) if stage.contains(&s) => {
                run.pass(
                    step,
                    format!("Ocean folder {expected}"),
                    format!("Ocean folder {}", s.received_folder().name()),
                    folder,
                );
                Ok(())
            }
            other => Err(run.fail(
                step,
                format!("Ocean folder {expected}"),
                format!(
                    "Ocean folder {}",
                    other
                        .map(|s| s.received_folder().name())
                        .unwrap_or("(unknown referral)")
                ),
                folder,
            )),
        }
    }

    /// Asks the POS to act on a referral and waits for a message Ocean accepts and `want`
    /// recognises; a message about the referral that Ocean refused fails the step at once.
    pub async fn await_pos(
        &self,
        run: &mut Run,
        spec: &ReferralSpec,
        action: &'static str,
        expected: &str,
        want: impl Fn(&Inbound) -> bool,
    ) -> Result<Inbound, Failed> {
        let id = spec.referral_id;
        self.shared.prompt(Prompt {
            scenario: run.id().to_owned(),
            referral: id,
            action,
            text: format!(
                "in the POS, {action} referral {id} (patient {}), site {}",
                spec.patient.display(),
                spec.receiver_site
            ),
        });
        let seen = run.seen;
        let found = self
            .shared
            .wait_inbound(0, self.wait, |i| {
                i.seq > seen && i.referral == Some(id) && (!i.accepted() || want(i))
            })
            .await;
        self.shared.clear_prompt(run.id());
        let step = format!("POS: {action}");
        match found {
            Some(i) if i.accepted() => {
                run.seen = i.seq;
                run.pass(
                    step,
                    expected,
                    format!("{} accepted", describe_inbound(&i)),
                    i.folders,
                );
                Ok(i)
            }
            Some(i) => {
                run.seen = i.seq;
                Err(run.fail(
                    step,
                    expected,
                    format!(
                        "Ocean refused the POS's {} with HTTP {}: {}",
                        describe_inbound(&i),
                        i.status,
                        i.reason.as_deref().unwrap_or("")
                    ),
                    self.shared.folders(id),
                ))
            }
            None => Err(run.fail(
                step,
                expected,
                format!(
                    "no such message from the POS within {} s",
                    self.wait.as_secs_f32()
                ),
                self.shared.folders(id),
            )),
        }
    }

    /// Fails if, within `window`, the POS sent anything about `referral` that Ocean refused.
    pub async fn expect_no_refusal(
        &self,
        run: &mut Run,
        step: &str,
        referral: Uuid,
        window: Duration,
    ) -> Result<(), Failed> {
        let seen = run.seen;
        let refused = self
            .shared
            .wait_inbound(0, window, |i| {
                i.seq > seen && i.referral == Some(referral) && !i.accepted()
            })
            .await;
        match refused {
            None => {
                run.pass(
                    step,
                    "nothing Ocean refuses",
                    "nothing refused",
                    self.shared.folders(referral),
                );
                Ok(())
            }
            Some(i) => Err(run.fail(
                step,
                "nothing Ocean refuses",
                format!(
                    "the POS sent {}; Ocean answered HTTP {}: {}",
                    describe_inbound(&i),
                    i.status,
                    i.reason.as_deref().unwrap_or("")
                ),
                self.shared.folders(referral),
            )),
        }
    }

    /// Waits (up to [`Ctx::quiet`]) for the POS's automatic reply to a new referral, so that a
    /// next delivery does not race it; what arrived is then behind the scenario.
    pub async fn settle(&self, run: &mut Run, referral: Uuid) {
        let seen = run.seen;
        if let Some(i) = self
            .shared
            .wait_inbound(0, self.quiet(), |i| {
                i.seq > seen && i.referral == Some(referral)
            })
            .await
        {
            run.seen = i.seq;
        }
    }

    /// A short wait for unprompted POS messages (automatic acknowledgements).
    pub fn quiet(&self) -> Duration {
        self.wait.min(Duration::from_millis(1500))
    }
}

/// "notify-update-process-request (Task accepted)".
fn describe_inbound(i: &Inbound) -> String {
    let mut s = i.event.clone();
    if let Some(t) = &i.task_status {
        s.push_str(&format!(" (Task {t})"));
    }
    if let Some(a) = &i.appointment_status {
        s.push_str(&format!(" (Appointment {a})"));
    }
    s
}
