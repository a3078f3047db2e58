//! `notify-add-appointment`, and appointment updates sent with `notify-update-process-request`:
//! the view of a received Appointment ([`AppointmentView`]), the booking to send ([`Booking`],
//! [`AppointmentUpdate`]) and its builders ([`Outbound::add_appointment`],
//! [`Outbound::update_appointment`]).

use ocean_model::{
    Appointment, AppointmentParticipant, AppointmentStatus, Code, CodeableConcept, DateTime, Id,
    Instant, ParticipationStatus, ResourceType,
};
use uuid::Uuid;

use crate::build_error::BuildError;
use crate::code::EventCode;
use crate::message::Message;
use crate::outbound::{
    NewEntry, OffsetDateTime, Outbound, OutboundMessage, entry_uuid, instant_text, non_blank,
    profiled,
};
use crate::process_request::{TaskUpdate, TaskView};
use crate::referral::Referral;

/// An Appointment (a booking, or booking instructions only).
#[derive(Clone, Copy)]
pub struct AppointmentView<'m> {
    m: &'m Message,
    index: usize,
}

debug_view!(AppointmentView, index);

static EMPTY_APPOINTMENT: std::sync::LazyLock<Appointment> =
    std::sync::LazyLock::new(Appointment::default);

impl<'m> AppointmentView<'m> {
    pub(crate) fn new(m: &'m Message, index: usize) -> Self {
        Self { m, index }
    }

    /// The Appointment.
    pub fn appointment(&self) -> &'m Appointment {
        self.m.typed(self.index).unwrap_or(&EMPTY_APPOINTMENT)
    }

    /// The referral it is about.
    pub fn referral(&self) -> Referral<'m> {
        Referral::new(self.m)
    }

    /// `status`.
    pub fn status(&self) -> Option<&'m AppointmentStatus> {
        self.appointment().status.as_ref()
    }

    /// `start`.
    pub fn start(&self) -> Option<&'m Instant> {
        self.appointment().start.as_ref()
    }

    /// `end`.
    pub fn end(&self) -> Option<&'m Instant> {
        self.appointment().end.as_ref()
    }

    /// Ocean's booking comments (`patientInstruction`).
    pub fn booking_instructions(&self) -> Option<&'m str> {
        self.appointment().patient_instruction.as_deref()
    }

    /// Whether this is booking instructions only: status `proposed`, no start and no
    /// participant.
    pub fn is_instructions_only(&self) -> bool {
        let a = self.appointment();
        a.status == Some(AppointmentStatus::Proposed)
            && a.start.is_none()
            && a.participant.is_empty()
    }

    /// `cancelationReason` as text.
    pub fn cancellation_reason(&self) -> Option<&'m str> {
        self.appointment()
            .cancelation_reason
            .as_ref()
            .and_then(CodeableConcept::display_text)
    }
}

impl<'m> Referral<'m> {
    /// Every Appointment entry.
    pub fn appointments(&self) -> impl Iterator<Item = AppointmentView<'m>> + use<'m> {
        let m = self.m;
        m.bundle()
            .entries_of::<Appointment>()
            .map(move |(i, _, _)| AppointmentView::new(m, i))
    }
}

impl<'m> TaskView<'m> {
    /// For the event's focus Task: the Appointment among the other focus resources (an
    /// appointment update or cancellation sent as `notify-update-process-request`).
    pub fn appointment(&self) -> Option<AppointmentView<'m>> {
        if self.index != self.m.focus_index() {
            return None;
        }
        self.m
            .other_focus_indices()
            .iter()
            .find(|&&i| self.m.typed::<Appointment>(i).is_some())
            .map(|&i| AppointmentView::new(self.m, i))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum BookingKind {
    Scheduled {
        start: OffsetDateTime,
        end: Option<OffsetDateTime>,
        confirmed: bool,
    },
    InstructionsOnly,
}

/// An appointment to send ([`Outbound::add_appointment`], or the new time of
/// [`AppointmentUpdate::reschedule`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    kind: BookingKind,
    instructions: Option<String>,
    description: Option<String>,
    appointment_id: Option<Uuid>,
}

impl Booking {
    /// A confirmed booking (Appointment `booked`: Ocean's Booking Confirmed) starting at
    /// `start`, with the patient as participant.
    pub fn scheduled(start: OffsetDateTime) -> Self {
        Self {
            kind: BookingKind::Scheduled {
                start,
                end: None,
                confirmed: true,
            },
            instructions: None,
            description: None,
            appointment_id: None,
        }
    }

    /// Booking instructions only (Appointment `proposed`, no time, no participant; the text is
    /// `patientInstruction`, Ocean's booking comments).
    pub fn instructions_only(instructions: impl Into<String>) -> Self {
        Self {
            kind: BookingKind::InstructionsOnly,
            instructions: Some(instructions.into()),
            description: None,
            appointment_id: None,
        }
    }

    /// Sets the end (also written as `minutesDuration`).
    pub fn ending(mut self, end: OffsetDateTime) -> Self {
        if let BookingKind::Scheduled { end: e, .. } = &mut self.kind {
            *e = Some(end);
        }
        self
    }

    /// Not yet confirmed with the patient (Appointment `pending`: Ocean's Booking Unconfirmed).
    pub fn unconfirmed(mut self) -> Self {
        if let BookingKind::Scheduled { confirmed, .. } = &mut self.kind {
            *confirmed = false;
        }
        self
    }

    /// Booking comments for the patient (`patientInstruction`).
    pub fn with_instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// A description (`Appointment.description`).
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Uses this Appointment id (the POS's persistent appointment id).
    pub fn with_appointment_id(mut self, id: Uuid) -> Self {
        self.appointment_id = Some(id);
        self
    }
}

/// What changes in an appointment update.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AppointmentChange {
    /// New time (and instructions).
    Reschedule(Booking),
    /// Cancelled, with an optional reason (`cancelationReason.text`).
    Cancel {
        /// Why.
        reason: Option<String>,
    },
}

/// An appointment update or cancellation ([`Outbound::update_appointment`]): sent as
/// `notify-update-process-request` with the Task and the Appointment as focus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentUpdate {
    change: AppointmentChange,
    appointment_id: Option<Uuid>,
    task: TaskUpdate,
}

impl AppointmentUpdate {
    /// The appointment moves to a new time. The Task goes with status `accepted` unless
    /// [`Self::with_task`] says otherwise.
    pub fn reschedule(booking: Booking) -> Self {
        Self {
            change: AppointmentChange::Reschedule(booking),
            appointment_id: None,
            task: TaskUpdate::accept(),
        }
    }

    /// The appointment is cancelled (the referral goes back to Pending Booking with the Task
    /// `accepted`, unless [`Self::with_task`] says otherwise).
    pub fn cancel(reason: Option<String>) -> Self {
        Self {
            change: AppointmentChange::Cancel { reason },
            appointment_id: None,
            task: TaskUpdate::accept(),
        }
    }

    /// The Task status (and reason) sent with the update.
    pub fn with_task(mut self, task: TaskUpdate) -> Self {
        self.task = task;
        self
    }

    /// The id of the appointment to update. Without it: the rescheduled booking's id, else the
    /// last Appointment of the received message.
    pub fn with_appointment_id(mut self, id: Uuid) -> Self {
        self.appointment_id = Some(id);
        self
    }
}

impl Outbound<'_> {
    /// `notify-add-appointment`: a booking, or booking instructions only.
    pub fn add_appointment(&mut self, booking: &Booking) -> Result<OutboundMessage, BuildError> {
        self.not_revoked()?;
        let now = self.start()?;
        let id = match booking.appointment_id {
            Some(id) => self.claim(id)?,
            None => self.fresh_id()?,
        };
        let appointment = self.appointment(id, booking, &now)?;
        self.assemble(
            EventCode::NotifyAddAppointment,
            vec![appointment],
            Vec::new(),
            &now,
            None,
        )
    }

    /// `notify-update-process-request` with the Task and the Appointment as focus: an
    /// appointment rescheduled or cancelled.
    pub fn update_appointment(
        &mut self,
        update: &AppointmentUpdate,
    ) -> Result<OutboundMessage, BuildError> {
        self.not_revoked()?;
        self.check_task(&update.task, false)?;
        let now = self.start()?;
        let booking_id = match &update.change {
            AppointmentChange::Reschedule(b) => b.appointment_id,
            AppointmentChange::Cancel { .. } => None,
        };
        let received_appointments: Vec<(Uuid, &ocean_model::Appointment)> = self
            .received
            .bundle()
            .entry
            .iter()
            .filter_map(|e| {
                let a = e
                    .resource
                    .as_ref()
                    .and_then(ocean_model::Appointment::from_resource)?;
                Some((entry_uuid(e)?, a))
            })
            .collect();
        let id = update
            .appointment_id
            .or(booking_id)
            .or_else(|| received_appointments.last().map(|(id, _)| *id))
            .ok_or(BuildError::NoAppointment)?;
        let id = self.claim(id)?;
        let task = self.task(EventCode::NotifyUpdateProcessRequest, &update.task, &now)?;
        let appointment = match &update.change {
            AppointmentChange::Reschedule(booking) => self.appointment(id, booking, &now)?,
            AppointmentChange::Cancel { reason } => {
                non_blank(reason, "the cancellation reason")?;
                let mut a = received_appointments
                    .iter()
                    .find(|(i, _)| *i == id)
                    .map(|(_, a)| (*a).clone())
                    .unwrap_or_default();
                a.id = Some(Id::new(id.to_string()));
                a.meta = profiled("Appointment");
                a.status = Some(AppointmentStatus::Cancelled);
                a.cancelation_reason = reason.as_ref().map(CodeableConcept::from_text);
                a.based_on = vec![self.referral_reference()];
                NewEntry {
                    id,
                    resource: a.into(),
                }
            }
        };
        self.assemble(
            EventCode::NotifyUpdateProcessRequest,
            vec![task, appointment],
            Vec::new(),
            &now,
            update
                .task
                .patient_mrn
                .as_deref()
                .filter(|_| update.task.import_patient),
        )
    }

    fn appointment(
        &mut self,
        id: Uuid,
        booking: &Booking,
        now: &str,
    ) -> Result<NewEntry, BuildError> {
        non_blank(&booking.instructions, "the booking instructions")?;
        non_blank(&booking.description, "the appointment description")?;
        let mut a = ocean_model::Appointment::default();
        a.id = Some(Id::new(id.to_string()));
        a.meta = profiled("Appointment");
        a.based_on = vec![self.referral_reference()];
        a.created = Some(DateTime::new(now));
        a.patient_instruction = booking.instructions.clone();
        a.description = booking.description.clone();
        match booking.kind {
            BookingKind::InstructionsOnly => {
                if booking.instructions.is_none() {
                    return Err(BuildError::Empty("the booking instructions"));
                }
                a.status = Some(AppointmentStatus::Proposed);
            }
            BookingKind::Scheduled {
                start,
                end,
                confirmed,
            } => {
                a.status = Some(if confirmed {
                    AppointmentStatus::Booked
                } else {
                    AppointmentStatus::Pending
                });
                a.start = Some(Instant::new(instant_text(start)?));
                if let Some(end) = end {
                    if end < start {
                        return Err(BuildError::EndBeforeStart);
                    }
                    a.end = Some(Instant::new(instant_text(end)?));
                    a.minutes_duration = Some((end - start).whole_minutes());
                }
                let mut p = AppointmentParticipant::default();
                p.actor = self.received.service_request().subject.clone();
                p.required = Some(Code::new("required"));
                p.status = Some(if confirmed {
                    ParticipationStatus::Accepted
                } else {
                    ParticipationStatus::NeedsAction
                });
                a.participant = vec![p];
            }
        }
        Ok(NewEntry {
            id,
            resource: a.into(),
        })
    }
}
