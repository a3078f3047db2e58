//! What a receiving clinic reads first: the reason for referral ([`Reason`]) and the notes
//! ([`Note`]), as plain text ([`ocean_model::text::plain_text`]: tags dropped, block elements as
//! line breaks, character references decoded, white space collapsed per line).
//!
//! # Where the reason comes from, in order
//! 1. `ServiceRequest.reasonCode`: each concept's text (its `text`, else a coding's `display`,
//!    else its code), one per line ([`ReasonSource::ReasonCode`]);
//! 2. else the first `ServiceRequest.note` whose plain text starts with the label
//!    `Reason for Referral:` (ASCII case ignored), with the label removed and not empty after it
//!    ([`ReasonSource::Note`]: what Ocean writes, `<b>Reason for Referral:</b> Back pain…`);
//! 3. else the answers of the eForm item with `linkId` `rfr` (the first form where it has one),
//!    one per line ([`ReasonSource::FormItem`]);
//! 4. else no reason (`None`): e.g. Ocean's miscellaneous referral, whose note has no text and
//!    whose `rfr` item has no answer.

use std::fmt;

use ocean_model::text::{collapse_whitespace, plain_text};
use ocean_model::{Annotation, AnnotationAuthor, CodeableConcept, DateTime};

use crate::participant::Participant;
use crate::referral::Referral;

/// The label Ocean puts before the reason in a note.
pub const REASON_LABEL: &str = "Reason for Referral:";

/// The eForm item Ocean's referral forms keep the reason in.
pub const REASON_ITEM: &str = "rfr";

/// Where a [`Reason`] was found (see the module docs for the order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReasonSource {
    /// `ServiceRequest.reasonCode`.
    ReasonCode,
    /// A `ServiceRequest.note` labelled `Reason for Referral:`.
    Note,
    /// The eForm item `rfr`.
    FormItem,
}

impl ReasonSource {
    /// `reasonCode`, `note` or `formItem` (the `receive --json` spelling).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReasonCode => "reasonCode",
            Self::Note => "note",
            Self::FormItem => "formItem",
        }
    }
}

/// The reason for referral as plain text, with where it came from. `Debug` shows the source
/// only (the text is patient data).
#[derive(Clone, PartialEq, Eq)]
pub struct Reason {
    text: String,
    source: ReasonSource,
}

impl fmt::Debug for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reason")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl Reason {
    /// The plain text (lines separated by `\n`).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Where it came from.
    pub fn source(&self) -> ReasonSource {
        self.source
    }
}

/// One `ServiceRequest.note`: plain text, author and time.
#[derive(Clone, Copy)]
pub struct Note<'m> {
    annotation: &'m Annotation,
    referral: Referral<'m>,
}

impl fmt::Debug for Note<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Note")
            .field("has_text", &self.annotation.text.is_some())
            .finish_non_exhaustive()
    }
}

impl<'m> Note<'m> {
    /// The Annotation as received.
    pub fn annotation(&self) -> &'m Annotation {
        self.annotation
    }

    /// The text as plain text (empty when the note has none).
    pub fn text(&self) -> String {
        self.annotation
            .text
            .as_deref()
            .map(plain_text)
            .unwrap_or_default()
    }

    /// The author: `authorString`, else the name (`family, given`) of the Practitioner that
    /// `authorReference` resolves to (directly or through a PractitionerRole), else the
    /// Organization's name, else the reference's `display`.
    pub fn author(&self) -> Option<String> {
        match self.annotation.author.as_ref()? {
            AnnotationAuthor::String(s) => Some(collapse_whitespace(s)).filter(|s| !s.is_empty()),
            AnnotationAuthor::Reference(r) => Participant::resolve(self.referral.m, r)
                .and_then(|p| p.display_name())
                .or_else(|| r.display.as_deref().map(collapse_whitespace))
                .filter(|s| !s.is_empty()),
        }
    }

    /// `Annotation.time`.
    pub fn time(&self) -> Option<&'m DateTime> {
        self.annotation.time.as_ref()
    }
}

impl<'m> Referral<'m> {
    /// Each `ServiceRequest.note`, in order, with its plain text, author and time.
    pub fn notes(&self) -> impl Iterator<Item = Note<'m>> + use<'m> {
        let referral = *self;
        self.service_request()
            .note
            .iter()
            .map(move |annotation| Note {
                annotation,
                referral,
            })
    }

    /// The reason for referral as plain text, and where it came from (see the [`Reason`]
    /// module docs for the order).
    pub fn reason(&self) -> Option<Reason> {
        let lines = |texts: Vec<String>| {
            let text = texts
                .into_iter()
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join("\n");
            (!text.is_empty()).then_some(text)
        };
        let from_codes = lines(
            self.service_request()
                .reason_code
                .iter()
                .filter_map(CodeableConcept::display_text)
                .map(collapse_whitespace)
                .collect(),
        );
        if let Some(text) = from_codes {
            return Some(Reason {
                text,
                source: ReasonSource::ReasonCode,
            });
        }
        let from_note = self.notes().find_map(|n| {
            let text = n.text();
            let head = text.get(..REASON_LABEL.len())?;
            if !head.eq_ignore_ascii_case(REASON_LABEL) {
                return None;
            }
            let rest = text.get(REASON_LABEL.len()..)?.trim();
            (!rest.is_empty()).then(|| rest.to_owned())
        });
        if let Some(text) = from_note {
            return Some(Reason {
                text,
                source: ReasonSource::Note,
            });
        }
        self.forms()
            .flat_map(|f| f.items())
            .filter(|i| i.link_id() == Some(REASON_ITEM))
            .find_map(|i| lines(i.answer_texts().iter().map(|t| plain_text(t)).collect()))
            .map(|text| Reason {
                text,
                source: ReasonSource::FormItem,
            })
    }
}
