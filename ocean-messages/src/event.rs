//! The message events of the Ocean eReferral API (Ontario eReferral IG v0.11.1) and the typed
//! view of a parsed event.
//!
//! [`EventCode`] lists the ten events this crate models: the five Ocean sends to a POS and the
//! five a receiving POS sends to Ocean. [`Event`] is what [`Message::event`] returns: one variant
//! per code, each holding a borrowed view ([`Referral`], [`CommunicationView`], [`TaskView`],
//! [`AppointmentView`], [`DataCorrection`]) that answers a POS's questions without FHIR
//! spelunking.
//!
//! ```
//! use ocean_messages::{EventCode, Direction};
//! let code = EventCode::from_code("revoke-service-request").unwrap();
//! assert_eq!(code.direction(), Direction::FromOcean);
//! assert_eq!(code.focus_types(), &["ServiceRequest"]);
//! assert_eq!(EventCode::from_code("notify-update-appointment"), None); // not modelled
//! ```

use crate::appointment::AppointmentView;
use crate::communication::CommunicationView;
use crate::correction::DataCorrection;
use crate::message::Message;
use crate::process_request::TaskView;
use crate::referral::Referral;

pub use crate::code::{Direction, EventCode, MESSAGE_EVENT_SYSTEM, MESSAGE_EVENT_SYSTEM_HTTP};

/// A parsed event, typed by its code: what [`Message::event`] returns.
///
/// Every view reaches the referral through `.referral()` (the ServiceRequest, its Ocean
/// referral id, patient, requester, performers, forms and attachments).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Event<'m> {
    /// `add-service-request`: a new referral.
    AddServiceRequest(Referral<'m>),
    /// `notify-add-service-request`: the sending POS's copy of a referral it sent.
    NotifyAddServiceRequest(Referral<'m>),
    /// `notify-update-service-request`: the referral changed.
    NotifyUpdateServiceRequest(Referral<'m>),
    /// `revoke-service-request`: the referral was cancelled by the referrer.
    RevokeServiceRequest(Referral<'m>),
    /// `send-communication-from-requester`: a message from the referrer.
    SendCommunicationFromRequester(CommunicationView<'m>),
    /// `notify-add-process-request`: the receiver's Process Request Task.
    NotifyAddProcessRequest(TaskView<'m>),
    /// `notify-update-process-request`: Task status, or an appointment update.
    NotifyUpdateProcessRequest(TaskView<'m>),
    /// `notify-add-appointment`: a booking or booking instructions.
    NotifyAddAppointment(AppointmentView<'m>),
    /// `send-communication-from-provider`: a message to the referrer.
    SendCommunicationFromProvider(CommunicationView<'m>),
    /// `notify-data-correction`: corrected demographics or referral data.
    NotifyDataCorrection(DataCorrection<'m>),
}

impl<'m> Event<'m> {
    /// The event's code.
    pub fn code(&self) -> EventCode {
        match self {
            Self::AddServiceRequest(_) => EventCode::AddServiceRequest,
            Self::NotifyAddServiceRequest(_) => EventCode::NotifyAddServiceRequest,
            Self::NotifyUpdateServiceRequest(_) => EventCode::NotifyUpdateServiceRequest,
            Self::RevokeServiceRequest(_) => EventCode::RevokeServiceRequest,
            Self::SendCommunicationFromRequester(_) => EventCode::SendCommunicationFromRequester,
            Self::NotifyAddProcessRequest(_) => EventCode::NotifyAddProcessRequest,
            Self::NotifyUpdateProcessRequest(_) => EventCode::NotifyUpdateProcessRequest,
            Self::NotifyAddAppointment(_) => EventCode::NotifyAddAppointment,
            Self::SendCommunicationFromProvider(_) => EventCode::SendCommunicationFromProvider,
            Self::NotifyDataCorrection(_) => EventCode::NotifyDataCorrection,
        }
    }

    /// The referral the event is about (every modelled event has one).
    pub fn referral(&self) -> Referral<'m> {
        match self {
            Self::AddServiceRequest(r)
            | Self::NotifyAddServiceRequest(r)
            | Self::NotifyUpdateServiceRequest(r)
            | Self::RevokeServiceRequest(r) => *r,
            Self::SendCommunicationFromRequester(c) | Self::SendCommunicationFromProvider(c) => {
                c.referral()
            }
            Self::NotifyAddProcessRequest(t) | Self::NotifyUpdateProcessRequest(t) => t.referral(),
            Self::NotifyAddAppointment(a) => a.referral(),
            Self::NotifyDataCorrection(d) => d.referral(),
        }
    }

    /// Builds the view for a message (called by [`Message::event`]).
    pub(crate) fn of(message: &'m Message) -> Self {
        let focus = message.focus_index();
        match message.code() {
            EventCode::AddServiceRequest => Self::AddServiceRequest(Referral::new(message)),
            EventCode::NotifyAddServiceRequest => {
                Self::NotifyAddServiceRequest(Referral::new(message))
            }
            EventCode::NotifyUpdateServiceRequest => {
                Self::NotifyUpdateServiceRequest(Referral::new(message))
            }
            EventCode::RevokeServiceRequest => Self::RevokeServiceRequest(Referral::new(message)),
            EventCode::SendCommunicationFromRequester => {
                Self::SendCommunicationFromRequester(CommunicationView::new(message, focus))
            }
            EventCode::SendCommunicationFromProvider => {
                Self::SendCommunicationFromProvider(CommunicationView::new(message, focus))
            }
            EventCode::NotifyAddProcessRequest => {
                Self::NotifyAddProcessRequest(TaskView::new(message, focus))
            }
            EventCode::NotifyUpdateProcessRequest => {
                Self::NotifyUpdateProcessRequest(TaskView::new(message, focus))
            }
            EventCode::NotifyAddAppointment => {
                Self::NotifyAddAppointment(AppointmentView::new(message, focus))
            }
            EventCode::NotifyDataCorrection => {
                Self::NotifyDataCorrection(DataCorrection::new(message))
            }
        }
    }
}

impl Message {
    /// The typed event with its view.
    pub fn event(&self) -> Event<'_> {
        Event::of(self)
    }
}
