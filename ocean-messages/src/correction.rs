//! `notify-data-correction`: corrected demographics or referral data. The view of a received
//! correction ([`DataCorrection`]) and the builder of one ([`Outbound::correct_data`]).

use std::fmt;

use ocean_model::{Patient, Resource, ServiceRequest};

use crate::build_error::BuildError;
use crate::code::EventCode;
use crate::message::Message;
use crate::outbound::{Outbound, OutboundMessage};
use crate::referral::Referral;
use crate::rules::sr_referral;

/// The corrected resource of a `notify-data-correction` (its focus).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Corrected<'m> {
    /// Referral data: the ServiceRequest (and, in the Bundle, its Patient).
    ServiceRequest(&'m ServiceRequest),
    /// Demographics: the Patient.
    Patient(&'m Patient),
}

/// A data correction: the corrected ServiceRequest and Patient.
#[derive(Clone, Copy)]
pub struct DataCorrection<'m> {
    m: &'m Message,
}

impl fmt::Debug for DataCorrection<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataCorrection").finish_non_exhaustive()
    }
}

impl<'m> DataCorrection<'m> {
    pub(crate) fn new(m: &'m Message) -> Self {
        Self { m }
    }

    /// The referral (with the corrected ServiceRequest and Patient).
    pub fn referral(&self) -> Referral<'m> {
        Referral::new(self.m)
    }

    /// The focus resource.
    pub fn corrected(&self) -> Corrected<'m> {
        match self.m.focus() {
            Resource::Patient(p) => Corrected::Patient(p),
            _ => Corrected::ServiceRequest(self.m.service_request()),
        }
    }

    /// The (corrected) Patient.
    pub fn patient(&self) -> &'m Patient {
        self.m.patient()
    }

    /// The (corrected) ServiceRequest.
    pub fn service_request(&self) -> &'m ServiceRequest {
        self.m.service_request()
    }
}

/// Corrected data ([`Outbound::correct_data`]): start from the received resources
/// (`message.referral().patient().clone()`), change what is wrong, and pass them here.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Correction {
    patient: Option<Patient>,
    service_request: Option<ServiceRequest>,
}

impl Correction {
    /// Nothing corrected yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The corrected Patient (demographics).
    pub fn with_patient(mut self, patient: Patient) -> Self {
        self.patient = Some(patient);
        self
    }

    /// The corrected ServiceRequest (referral data). Its Ocean referral id and subject must
    /// stay the received ones (left out, they are filled in).
    pub fn with_service_request(mut self, service_request: ServiceRequest) -> Self {
        self.service_request = Some(service_request);
        self
    }
}

impl Outbound<'_> {
    /// `notify-data-correction`: the corrected Patient and/or ServiceRequest replace the
    /// received ones (same entries, same `fullUrl`); the ServiceRequest is the focus.
    pub fn correct_data(&mut self, correction: &Correction) -> Result<OutboundMessage, BuildError> {
        self.not_revoked()?;
        if correction.patient.is_none() && correction.service_request.is_none() {
            return Err(BuildError::EmptyCorrection);
        }
        let received = self.received;
        let original_sr = received.service_request();
        let mut replacements = Vec::new();
        if let Some(sr) = &correction.service_request {
            let mut sr = sr.clone();
            match sr_referral(&sr.identifier) {
                Some((v, _)) if v != received.referral_id().as_str() => {
                    return Err(BuildError::ReferralIdChanged);
                }
                Some(_) => {}
                None => sr.identifier.push(
                    original_sr
                        .identifier
                        .iter()
                        .find(|i| sr_referral(std::slice::from_ref(*i)).is_some())
                        .cloned()
                        .unwrap_or_else(|| {
                            self.site.base().referral_identifier(received.referral_id())
                        }),
                ),
            }
            match (&sr.subject, &original_sr.subject) {
                (Some(a), Some(b)) if a.reference != b.reference => {
                    return Err(BuildError::SubjectChanged);
                }
                (None, original) => sr.subject = original.clone(),
                _ => {}
            }
            if sr.id.is_none() {
                sr.id = original_sr.id.clone();
            }
            replacements.push((received.service_request_index(), Resource::from(sr)));
        }
        if let Some(p) = &correction.patient {
            let mut p = p.clone();
            if p.id.is_none() {
                p.id = received.patient().id.clone();
            }
            replacements.push((received.patient_index(), Resource::from(p)));
        }
        let now = self.start()?;
        self.assemble(
            EventCode::NotifyDataCorrection,
            Vec::new(),
            replacements,
            &now,
            None,
        )
    }
}
