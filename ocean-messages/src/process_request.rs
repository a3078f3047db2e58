//! `notify-add-process-request` and `notify-update-process-request`: the receiver's Process
//! Request Task. The view of a received Task ([`TaskView`]), the status to send ([`TaskUpdate`])
//! and its builders ([`Outbound::add_process_request`], [`Outbound::update_process_request`]).

use ocean_model::{
    Code, CodeableConcept, Coding, DateTime, Extension, Id, ResourceType, Task, TaskIntent,
    TaskStatus, Value,
};
use ocean_status::AcceptedTaskStatus;
use uuid::Uuid;

use crate::build_error::BuildError;
use crate::code::EventCode;
use crate::ext;
use crate::message::Message;
use crate::outbound::{NewEntry, Outbound, OutboundMessage, entry_uuid, non_blank, profiled};
use crate::participant::Participant;
use crate::referral::Referral;

/// A Task (the receiver's Process Request).
#[derive(Clone, Copy)]
pub struct TaskView<'m> {
    pub(crate) m: &'m Message,
    pub(crate) index: usize,
}

debug_view!(TaskView, index);

static EMPTY_TASK: std::sync::LazyLock<Task> = std::sync::LazyLock::new(Task::default);

impl<'m> TaskView<'m> {
    pub(crate) fn new(m: &'m Message, index: usize) -> Self {
        Self { m, index }
    }

    /// The Task.
    pub fn task(&self) -> &'m Task {
        self.m.typed(self.index).unwrap_or(&EMPTY_TASK)
    }

    /// The referral it is about.
    pub fn referral(&self) -> Referral<'m> {
        Referral::new(self.m)
    }

    /// `Task.status` (always present on an event's focus Task).
    pub fn status(&self) -> Option<&'m TaskStatus> {
        self.task().status.as_ref()
    }

    /// The status as one Ocean accepts, or `None` when it is missing or one Ocean refuses
    /// (`draft`, `entered-in-error`, unknown codes).
    pub fn accepted_status(&self) -> Option<AcceptedTaskStatus> {
        self.status()
            .and_then(|s| AcceptedTaskStatus::try_from(s).ok())
    }

    /// Whether `Task.code` is `process-request`.
    pub fn is_process_request(&self) -> bool {
        self.task()
            .code
            .as_ref()
            .is_some_and(|c| c.has_code(None, ext::PROCESS_REQUEST))
    }

    /// The reason for the status (`statusReason` as text: a decline reason, for instance).
    pub fn reason(&self) -> Option<&'m str> {
        self.task()
            .status_reason
            .as_ref()
            .and_then(CodeableConcept::display_text)
    }

    /// Whether the Task asks Ocean to import the patient (Ocean's
    /// `ext-accept-service-request-import` set to true).
    pub fn imports_patient(&self) -> bool {
        self.task().extension.iter().any(|e| {
            e.url
                .as_ref()
                .is_some_and(|u| ext::is_accept_import(u.as_str()))
                && matches!(e.value, Some(ocean_model::Value::Boolean(true)))
        })
    }

    /// `Task.owner`, resolved.
    pub fn owner(&self) -> Option<Participant<'m>> {
        self.task()
            .owner
            .as_ref()
            .and_then(|r| Participant::resolve(self.m, r))
    }
}

impl<'m> Referral<'m> {
    /// Every Task entry (the referral's process state, where the message carries it).
    pub fn tasks(&self) -> impl Iterator<Item = TaskView<'m>> + use<'m> {
        let m = self.m;
        m.bundle()
            .entries_of::<Task>()
            .map(move |(i, _, _)| TaskView::new(m, i))
    }
}

/// A Task status to send (for [`Outbound::add_process_request`] and
/// [`Outbound::update_process_request`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskUpdate {
    pub(crate) status: AcceptedTaskStatus,
    pub(crate) reason: Option<String>,
    pub(crate) import_patient: bool,
    pub(crate) patient_mrn: Option<String>,
    pub(crate) task_id: Option<Uuid>,
}

impl TaskUpdate {
    /// A status Ocean accepts.
    pub fn new(status: AcceptedTaskStatus) -> Self {
        Self {
            status,
            reason: None,
            import_patient: false,
            patient_mrn: None,
            task_id: None,
        }
    }

    /// A FHIR Task status; refused when Ocean does not accept it (`draft`, `entered-in-error`,
    /// unknown codes).
    pub fn from_status(status: &TaskStatus) -> Result<Self, BuildError> {
        Ok(Self::new(AcceptedTaskStatus::try_from(status)?))
    }

    /// `accepted`.
    pub fn accept() -> Self {
        Self::new(AcceptedTaskStatus::Accepted)
    }

    /// `rejected` with the decline reason (`Task.statusReason.text`).
    pub fn decline(reason: impl Into<String>) -> Self {
        Self::new(AcceptedTaskStatus::Rejected).with_reason(reason)
    }

    /// `completed`.
    pub fn complete() -> Self {
        Self::new(AcceptedTaskStatus::Completed)
    }

    /// Sets the reason for the status (`Task.statusReason.text`).
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// Asks Ocean to import the patient (only with `accepted`): Ocean's
    /// `ext-accept-service-request-import`. With an MRN, the Patient also gets the POS's
    /// identifier (`id-external-patient-reference`, type `MR`) so Ocean links its patient to
    /// the POS's.
    pub fn import_patient(mut self, mrn: Option<String>) -> Self {
        self.import_patient = true;
        self.patient_mrn = mrn;
        self
    }

    /// Uses this Task id (the POS's persistent Process Request Task). Without it an update
    /// reuses the process-request Task of the received message, else a new id.
    pub fn with_task_id(mut self, id: Uuid) -> Self {
        self.task_id = Some(id);
        self
    }

    /// The status.
    pub fn status(&self) -> AcceptedTaskStatus {
        self.status
    }

    /// The reason, if set.
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// Whether patient import is asked for.
    pub fn imports_patient(&self) -> bool {
        self.import_patient
    }

    /// The POS's MRN sent with the import, if any.
    pub fn patient_mrn(&self) -> Option<&str> {
        self.patient_mrn.as_deref()
    }
}

impl Outbound<'_> {
    /// `notify-add-process-request`: the receiver's Process Request Task (a new Task id unless
    /// the update gives one).
    pub fn add_process_request(
        &mut self,
        update: &TaskUpdate,
    ) -> Result<OutboundMessage, BuildError> {
        self.process_request(EventCode::NotifyAddProcessRequest, update)
    }

    /// `notify-update-process-request`: a new Task status (the Task id: the update's, else the
    /// received message's process-request Task, else a new one).
    pub fn update_process_request(
        &mut self,
        update: &TaskUpdate,
    ) -> Result<OutboundMessage, BuildError> {
        self.process_request(EventCode::NotifyUpdateProcessRequest, update)
    }

    fn process_request(
        &mut self,
        code: EventCode,
        update: &TaskUpdate,
    ) -> Result<OutboundMessage, BuildError> {
        self.check_task(update, true)?;
        let now = self.start()?;
        let task = self.task(code, update, &now)?;
        let mrn = update
            .patient_mrn
            .as_deref()
            .filter(|_| update.import_patient);
        self.assemble(code, vec![task], Vec::new(), &now, mrn)
    }

    /// The Task rules; `cancel_ack_allowed` for a plain process-request message.
    pub(crate) fn check_task(
        &self,
        update: &TaskUpdate,
        cancel_ack_allowed: bool,
    ) -> Result<(), BuildError> {
        let revoked = self.received.code() == EventCode::RevokeServiceRequest;
        match (update.status, revoked) {
            (AcceptedTaskStatus::Cancelled, true) if cancel_ack_allowed => {}
            (AcceptedTaskStatus::Cancelled, _) => return Err(BuildError::ReceiverCannotCancel),
            (_, true) => return Err(BuildError::Revoked),
            _ => {}
        }
        if update.import_patient && update.status != AcceptedTaskStatus::Accepted {
            return Err(BuildError::ImportNeedsAccept);
        }
        non_blank(&update.reason, "the status reason")?;
        non_blank(&update.patient_mrn, "the patient MRN")?;
        Ok(())
    }

    pub(crate) fn task(
        &mut self,
        code: EventCode,
        update: &TaskUpdate,
        now: &str,
    ) -> Result<NewEntry, BuildError> {
        let reused = (code == EventCode::NotifyUpdateProcessRequest)
            .then(|| {
                self.received.bundle().entry.iter().find_map(|e| {
                    let t = e.resource.as_ref().and_then(Task::from_resource)?;
                    let is_pr = t
                        .code
                        .as_ref()
                        .is_some_and(|c| c.has_code(None, ext::PROCESS_REQUEST));
                    if is_pr { entry_uuid(e) } else { None }
                })
            })
            .flatten();
        let id = match update.task_id.or(reused) {
            Some(id) => self.claim(id)?,
            None => self.fresh_id()?,
        };
        let mut t = Task::new(update.status.to_task_status(), TaskIntent::Order);
        t.id = Some(Id::new(id.to_string()));
        t.meta = profiled("Task");
        let mut coding = Coding::default();
        coding.code = Some(Code::new(ext::PROCESS_REQUEST));
        coding.display = Some("Process Request".to_owned());
        t.code = Some(CodeableConcept::from_coding(coding));
        t.based_on = vec![self.referral_reference()];
        t.for_ = self.received.service_request().subject.clone();
        if code == EventCode::NotifyAddProcessRequest {
            t.authored_on = Some(DateTime::new(now));
        }
        t.last_modified = Some(DateTime::new(now));
        t.requester = self.received.service_request().requester.clone();
        t.owner = self.receiver_reference();
        t.status_reason = update.reason.as_ref().map(CodeableConcept::from_text);
        if update.import_patient {
            t.extension.push(Extension::new(
                ext::ACCEPT_SERVICE_REQUEST_IMPORT,
                Value::Boolean(true),
            ));
        }
        Ok(NewEntry {
            id,
            resource: t.into(),
        })
    }
}
