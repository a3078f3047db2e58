//! `send-communication-from-requester` and `send-communication-from-provider`: a message between
//! referrer and receiver. The view of a received Communication ([`CommunicationView`]) and the
//! builder of one to the referrer ([`Outbound::send_communication`]).

use ocean_model::{
    Attachment, Base64Binary, Code, Communication, CommunicationContent, CommunicationPayload,
    DateTime, DocumentReference, EventStatus, Id, Uri,
};

use crate::build_error::BuildError;
use crate::code::EventCode;
use crate::document::{Document, DocumentLink};
use crate::message::Message;
use crate::outbound::{NewEntry, Outbound, OutboundMessage, non_blank, profiled};
use crate::participant::Participant;
use crate::referral::Referral;

/// A Communication (a message between referrer and receiver).
#[derive(Clone, Copy)]
pub struct CommunicationView<'m> {
    m: &'m Message,
    index: usize,
}

debug_view!(CommunicationView, index);

static EMPTY_COMMUNICATION: std::sync::LazyLock<Communication> =
    std::sync::LazyLock::new(Communication::default);

impl<'m> CommunicationView<'m> {
    pub(crate) fn new(m: &'m Message, index: usize) -> Self {
        Self { m, index }
    }

    /// The Communication.
    pub fn communication(&self) -> &'m Communication {
        self.m.typed(self.index).unwrap_or(&EMPTY_COMMUNICATION)
    }

    /// The referral it is about.
    pub fn referral(&self) -> Referral<'m> {
        Referral::new(self.m)
    }

    /// Every `payload.contentString`.
    pub fn texts(&self) -> impl Iterator<Item = &'m str> + use<'m> {
        self.communication()
            .payload
            .iter()
            .filter_map(|p| match p.content.as_ref()? {
                CommunicationContent::String(s) => Some(s.as_str()),
                _ => None,
            })
    }

    /// Every attachment: `payload.contentAttachment`, and the attachments of DocumentReferences
    /// named by `payload.contentReference`.
    pub fn attachments(&self) -> Vec<DocumentLink<'m>> {
        let m = self.m;
        let mut out = Vec::new();
        for p in &self.communication().payload {
            match p.content.as_ref() {
                Some(CommunicationContent::Attachment(attachment)) => {
                    out.push(DocumentLink { attachment });
                }
                Some(CommunicationContent::Reference(r)) => {
                    if let Some(doc) = m
                        .resolve_index(r)
                        .and_then(|i| m.typed::<DocumentReference>(i))
                    {
                        out.extend(Document { doc }.links());
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// `sent`.
    pub fn sent(&self) -> Option<&'m DateTime> {
        self.communication().sent.as_ref()
    }

    /// `sender`, resolved.
    pub fn sender(&self) -> Option<Participant<'m>> {
        self.communication()
            .sender
            .as_ref()
            .and_then(|r| Participant::resolve(self.m, r))
    }
}

impl<'m> Referral<'m> {
    /// Every Communication entry.
    pub fn communications(&self) -> impl Iterator<Item = CommunicationView<'m>> + use<'m> {
        let m = self.m;
        m.bundle()
            .entries_of::<Communication>()
            .map(move |(i, _, _)| CommunicationView::new(m, i))
    }
}

/// Content of an outgoing attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttachmentContent {
    /// The bytes, sent inline as base64 `data` with their `size`.
    Data(Vec<u8>),
    /// A URL Ocean can fetch (`http(s)`).
    Url(String),
}

/// A file sent with a communication (`payload.contentAttachment`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingAttachment {
    content_type: String,
    title: Option<String>,
    content: AttachmentContent,
}

impl OutgoingAttachment {
    /// Bytes of a MIME type (`application/pdf`).
    pub fn data(content_type: impl Into<String>, bytes: Vec<u8>) -> Self {
        Self {
            content_type: content_type.into(),
            title: None,
            content: AttachmentContent::Data(bytes),
        }
    }

    /// A URL of a MIME type.
    pub fn url(content_type: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            content_type: content_type.into(),
            title: None,
            content: AttachmentContent::Url(url.into()),
        }
    }

    /// The file name shown in Ocean.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }
}

/// A message to the referrer ([`Outbound::send_communication`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutgoingCommunication {
    text: Option<String>,
    attachments: Vec<OutgoingAttachment>,
}

impl OutgoingCommunication {
    /// A text message.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            attachments: Vec::new(),
        }
    }

    /// A message with attachments only (add them with [`Self::with_attachment`]).
    pub fn attachments_only() -> Self {
        Self::default()
    }

    /// Adds an attachment.
    pub fn with_attachment(mut self, attachment: OutgoingAttachment) -> Self {
        self.attachments.push(attachment);
        self
    }
}

impl Outbound<'_> {
    /// `send-communication-from-provider`: a message to the referrer.
    pub fn send_communication(
        &mut self,
        message: &OutgoingCommunication,
    ) -> Result<OutboundMessage, BuildError> {
        self.not_revoked()?;
        non_blank(&message.text, "the communication text")?;
        if message.text.is_none() && message.attachments.is_empty() {
            return Err(BuildError::EmptyCommunication);
        }
        let now = self.start()?;
        let mut c = Communication::new(EventStatus::Completed);
        let id = self.fresh_id()?;
        c.id = Some(Id::new(id.to_string()));
        c.meta = profiled("Communication");
        c.based_on = vec![self.referral_reference()];
        c.subject = self.received.service_request().subject.clone();
        c.sent = Some(DateTime::new(now.clone()));
        c.recipient = self
            .received
            .service_request()
            .requester
            .iter()
            .cloned()
            .collect();
        c.sender = self.receiver_reference();
        if let Some(text) = &message.text {
            let mut p = CommunicationPayload::default();
            p.content = Some(CommunicationContent::String(text.clone()));
            c.payload.push(p);
        }
        for (index, a) in message.attachments.iter().enumerate() {
            let bad = |reason| BuildError::InvalidAttachment { index, reason };
            let ct = a.content_type.trim();
            let (top, sub) = ct.split_once('/').unwrap_or_default();
            if top.is_empty() || sub.is_empty() || ct.chars().any(char::is_whitespace) {
                return Err(bad("the MIME type must look like type/subtype"));
            }
            non_blank(&a.title, "an attachment title")?;
            let mut att = Attachment::default();
            att.content_type = Some(Code::new(ct));
            att.title = a.title.clone();
            att.creation = Some(DateTime::new(now.clone()));
            match &a.content {
                AttachmentContent::Data(bytes) => {
                    if bytes.is_empty() {
                        return Err(bad("the content is empty"));
                    }
                    att.data = Some(Base64Binary::encode(bytes));
                    att.size = i64::try_from(bytes.len()).ok();
                }
                AttachmentContent::Url(url) => {
                    let ok = (url.starts_with("https://") || url.starts_with("http://"))
                        && !url.chars().any(char::is_whitespace);
                    if !ok {
                        return Err(bad("the URL must be http(s) without whitespace"));
                    }
                    att.url = Some(Uri::new(url.as_str()));
                }
            }
            let mut p = CommunicationPayload::default();
            p.content = Some(CommunicationContent::Attachment(att));
            c.payload.push(p);
        }
        self.assemble(
            EventCode::SendCommunicationFromProvider,
            vec![NewEntry {
                id,
                resource: c.into(),
            }],
            Vec::new(),
            &now,
            None,
        )
    }
}
