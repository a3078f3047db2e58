//! Documents ([`Document`]) and their links ([`DocumentLink`]): the referral letter
//! (`$letter`), attachments (`$binary`), inline data.

use std::fmt;

use ocean_model::{Attachment, DocumentReference};

/// What a document link points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    /// Ocean's referral summary PDF: a URL ending in `/$letter` (fetch it with a token; add
    /// `?attachments=true` for the consolidated PDF).
    ReferralLetter,
    /// An attachment's content: a URL ending in `/$binary`.
    Binary,
    /// Content inline, as base64 `data`.
    Inline,
    /// Another URL, or nothing usable.
    Other,
}

impl DocumentKind {
    /// `referralLetter`, `binary`, `inline` or `other` (the `receive --json` spelling).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReferralLetter => "referralLetter",
            Self::Binary => "binary",
            Self::Inline => "inline",
            Self::Other => "other",
        }
    }
}

/// A DocumentReference (referral letter or attachment).
#[derive(Clone, Copy)]
pub struct Document<'m> {
    pub(crate) doc: &'m DocumentReference,
}

impl fmt::Debug for Document<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("links", &self.doc.content.len())
            .finish_non_exhaustive()
    }
}

impl<'m> Document<'m> {
    /// The DocumentReference.
    pub fn document_reference(&self) -> &'m DocumentReference {
        self.doc
    }

    /// One link per `content.attachment`.
    pub fn links(&self) -> impl Iterator<Item = DocumentLink<'m>> + use<'m> {
        self.doc
            .content
            .iter()
            .filter_map(|c| c.attachment.as_ref())
            .map(|attachment| DocumentLink { attachment })
    }
}

/// One attachment of a document or communication.
#[derive(Clone, Copy)]
pub struct DocumentLink<'m> {
    pub(crate) attachment: &'m Attachment,
}

impl fmt::Debug for DocumentLink<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocumentLink")
            .field("kind", &self.kind())
            .finish_non_exhaustive()
    }
}

impl<'m> DocumentLink<'m> {
    /// The attachment.
    pub fn attachment(&self) -> &'m Attachment {
        self.attachment
    }

    /// What the link points at.
    pub fn kind(&self) -> DocumentKind {
        if let Some(url) = self.url() {
            let path = url.split(['?', '#']).next().unwrap_or_default();
            if path.ends_with("/$letter") {
                return DocumentKind::ReferralLetter;
            }
            if path.ends_with("/$binary") {
                return DocumentKind::Binary;
            }
        }
        if self.attachment.data.is_some() {
            DocumentKind::Inline
        } else {
            DocumentKind::Other
        }
    }

    /// The URL, if any.
    pub fn url(&self) -> Option<&'m str> {
        self.attachment.url.as_ref().map(|u| u.as_str())
    }

    /// The MIME type (Ocean: `application/pdf`).
    pub fn content_type(&self) -> Option<&'m str> {
        self.attachment.content_type.as_ref().map(|c| c.as_str())
    }

    /// The title (Ocean: the file name).
    pub fn title(&self) -> Option<&'m str> {
        self.attachment.title.as_deref()
    }

    /// The size in bytes, when given.
    pub fn size(&self) -> Option<i64> {
        self.attachment.size
    }
}
