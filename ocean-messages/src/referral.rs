//! The referral of a message ([`Referral`]): its ServiceRequest and everything the message
//! carries about it (patient, requester, performers, eForms, documents).

use std::fmt;

use ocean_model::{
    CodeableConcept, DateTime, DocumentReference, HealthNumber, OceanBase, Patient,
    QuestionnaireResponse, ReferralId, RequestPriority, RequestStatus, ServiceRequest,
};

use crate::document::{Document, DocumentKind};
use crate::form::Form;
use crate::message::Message;
use crate::name::PersonName;
use crate::participant::Participant;

/// The referral of a message: its ServiceRequest and everything the message carries about it.
#[derive(Clone, Copy)]
pub struct Referral<'m> {
    pub(crate) m: &'m Message,
}

impl fmt::Debug for Referral<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Referral")
            .field("id", self.m.referral_id())
            .finish_non_exhaustive()
    }
}

impl<'m> Referral<'m> {
    pub(crate) fn new(m: &'m Message) -> Self {
        Self { m }
    }

    /// The Ocean referral id.
    pub fn id(&self) -> &'m ReferralId {
        self.m.referral_id()
    }

    /// The Ocean host the referral id names, if any.
    pub fn ocean_base(&self) -> Option<&'m OceanBase> {
        self.m.ocean_base()
    }

    /// The ServiceRequest.
    pub fn service_request(&self) -> &'m ServiceRequest {
        self.m.service_request()
    }

    /// The index of the ServiceRequest in `Bundle.entry`.
    pub fn entry_index(&self) -> usize {
        self.m.service_request_index()
    }

    /// `ServiceRequest.status` (`active`, `revoked`, ...).
    pub fn status(&self) -> Option<&'m RequestStatus> {
        self.service_request().status.as_ref()
    }

    /// `ServiceRequest.priority`.
    pub fn priority(&self) -> Option<&'m RequestPriority> {
        self.service_request().priority.as_ref()
    }

    /// `ServiceRequest.authoredOn`.
    pub fn authored_on(&self) -> Option<&'m DateTime> {
        self.service_request().authored_on.as_ref()
    }

    /// `ServiceRequest.category` (Ocean: SNOMED CT, with Ocean's category name as `display`).
    pub fn categories(&self) -> &'m [CodeableConcept] {
        &self.service_request().category
    }

    /// The first category as text: its `text`, else the first coding's `display` (Ocean's
    /// category name, e.g. `MENTAL_HEALTH_ASSESSMENT_AND_REFERRAL`), else its code.
    pub fn category(&self) -> Option<&'m str> {
        self.categories()
            .iter()
            .find_map(CodeableConcept::display_text)
    }

    /// `ServiceRequest.reasonCode` as text (Ocean leaves it empty: [`Referral::reason`] also
    /// reads the labelled note and the eForm item `rfr`).
    pub fn reasons(&self) -> impl Iterator<Item = &'m str> + use<'m> {
        self.service_request()
            .reason_code
            .iter()
            .filter_map(CodeableConcept::display_text)
    }

    /// The text of every note that has one, as received (Ocean: HTML); [`Referral::notes`]
    /// gives plain text.
    pub fn note_texts(&self) -> impl Iterator<Item = &'m str> + use<'m> {
        self.service_request()
            .note
            .iter()
            .filter_map(|n| n.text.as_deref().filter(|t| !t.is_empty()))
    }

    /// The Patient (`ServiceRequest.subject`).
    pub fn patient(&self) -> &'m Patient {
        self.m.patient()
    }

    /// The index of the Patient in `Bundle.entry`.
    pub fn patient_index(&self) -> usize {
        self.m.patient_index()
    }

    /// The patient's provincial health number, if the Patient has one with a value
    /// ([`HealthNumber::find`], the rule `ocean-keywords` uses for demographics).
    pub fn health_number(&self) -> Option<HealthNumber> {
        HealthNumber::find(&self.patient().identifier)
    }

    /// The patient's chosen name (`official`, else `usual`, else the first; see
    /// [`PersonName`]); [`PersonName::display`] gives `family, given`.
    pub fn patient_name(&self) -> Option<PersonName> {
        PersonName::choose(&self.patient().name)
    }

    /// `ServiceRequest.requester`, resolved.
    pub fn requester(&self) -> Option<Participant<'m>> {
        self.service_request()
            .requester
            .as_ref()
            .and_then(|r| Participant::resolve(self.m, r))
    }

    /// `ServiceRequest.performer[]`, resolved (unresolvable ones are skipped).
    pub fn performers(&self) -> impl Iterator<Item = Participant<'m>> + use<'m> {
        let m = self.m;
        self.service_request()
            .performer
            .iter()
            .filter_map(move |r| Participant::resolve(m, r))
    }

    /// The eForms: every QuestionnaireResponse entry, in Bundle order.
    pub fn forms(&self) -> impl Iterator<Item = Form<'m>> + use<'m> {
        let m = self.m;
        m.bundle()
            .entries_of::<QuestionnaireResponse>()
            .map(move |(_, _, qr)| Form { qr, m })
    }

    /// The documents: every DocumentReference entry, in Bundle order (Ocean: the referral letter
    /// and the attachments).
    pub fn documents(&self) -> impl Iterator<Item = Document<'m>> + use<'m> {
        self.m
            .bundle()
            .entries_of::<DocumentReference>()
            .map(|(_, _, doc)| Document { doc })
    }

    /// The referral letter link (`…/ServiceRequest/{id}/$letter`), if a document has one.
    pub fn letter_url(&self) -> Option<&'m str> {
        self.documents()
            .flat_map(|d| d.links())
            .find(|l| l.kind() == DocumentKind::ReferralLetter)
            .and_then(|l| l.url())
    }
}

impl Message {
    /// The referral: ServiceRequest, referral id, patient, requester, performers, forms,
    /// attachments.
    pub fn referral(&self) -> Referral<'_> {
        Referral::new(self)
    }
}
