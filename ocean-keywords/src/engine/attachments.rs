//! Attachments: current DocumentReferences' files of a type Ocean accepts, within Ocean's size
//! limits per file and per referral.

use super::findings::LocRef;
use super::{Engine, non_empty};
use crate::output::{AttachmentInfo, FindingCode, Severity};
use crate::rules::ACCEPTED_ATTACHMENT_TYPES;
use ocean_model::DocumentReference;
use std::collections::BTreeSet;

impl Engine<'_> {
    /// A DocumentReference: each accepted attachment is offered, in Bundle order, within the
    /// limits.
    pub(super) fn document(&mut self, d: &DocumentReference, loc: LocRef<'_>) {
        let status = d.status.as_ref().map(|s| s.as_str().trim());
        if status != Some("current") {
            self.note(
                (FindingCode::AttachmentNotCurrent, "", 0),
                Severity::Information,
                Some(loc),
                || "DocumentReference status is not current; Ocean does not offer it.".to_owned(),
            );
            return;
        }
        let limits = self.rules.attachment_limits();
        let mut accepted_any = false;
        for content in &d.content {
            let Some(a) = content.attachment.as_ref() else {
                self.attachment_issue(FindingCode::AttachmentNoContent, loc);
                continue;
            };
            let url = non_empty(a.url.as_ref().map(|u| u.as_str()));
            let data = a.data.as_ref().filter(|d| !d.as_str().trim().is_empty());
            if url.is_none() && data.is_none() {
                self.attachment_issue(FindingCode::AttachmentNoContent, loc);
                continue;
            }
            let title = non_empty(a.title.as_deref()).or(non_empty(d.description.as_deref()));
            let content_type = non_empty(a.content_type.as_ref().map(|c| c.as_str()));
            let accepted_type = match content_type {
                Some(ct) => mime_accepted(ct),
                None => [a.title.as_deref(), url]
                    .into_iter()
                    .flatten()
                    .any(extension_accepted),
            };
            if !accepted_type {
                self.attachment_issue(FindingCode::AttachmentTypeRefused, loc);
                continue;
            }
            let size = a
                .size
                .and_then(|s| u64::try_from(s).ok())
                .or_else(|| data.and_then(|d| d.decoded_len()).map(|n| n as u64));
            match size {
                Some(s) if s > limits.max_each_bytes => {
                    self.attachment_issue(FindingCode::AttachmentTooLarge, loc);
                    continue;
                }
                Some(s) if self.attachment_total.saturating_add(s) > limits.max_total_bytes => {
                    self.attachment_issue(FindingCode::AttachmentTotalExceeded, loc);
                    continue;
                }
                Some(s) => self.attachment_total = self.attachment_total.saturating_add(s),
                None => self.attachment_issue(FindingCode::AttachmentSizeUnknown, loc),
            }
            accepted_any = true;
            self.attachments.push(AttachmentInfo {
                title: title.map(str::to_owned),
                content_type: content_type.map(str::to_owned),
                size,
                url: url.map(str::to_owned),
                creation: a
                    .creation
                    .as_ref()
                    .and_then(|c| non_empty(Some(c.as_str())))
                    .map(str::to_owned),
            });
        }
        if accepted_any {
            if let Some(k) = loc.key() {
                self.attachment_keys.insert(k);
            }
        }
    }

    fn attachment_issue(&mut self, code: FindingCode, loc: LocRef<'_>) {
        let limits = self.rules.attachment_limits();
        let (severity, message) = match code {
            FindingCode::AttachmentNoContent => (
                Severity::Warning,
                "A DocumentReference content has neither inline data nor a URL; Ocean cannot attach it.".to_owned(),
            ),
            FindingCode::AttachmentTypeRefused => (
                Severity::Warning,
                "An attachment is of a type Ocean refuses (Ocean accepts pdf, txt, jpg/jpeg, png, tif/tiff, mp3, mp4).".to_owned(),
            ),
            FindingCode::AttachmentTooLarge => (
                Severity::Warning,
                format!("An attachment is over Ocean's limit of {} bytes per file.", limits.max_each_bytes),
            ),
            FindingCode::AttachmentTotalExceeded => (
                Severity::Warning,
                format!("An attachment would take the referral over Ocean's limit of {} bytes in total; it is not offered.", limits.max_total_bytes),
            ),
            _ => (
                Severity::Information,
                "An attachment is a URL without size; Ocean's size limits could not be checked.".to_owned(),
            ),
        };
        self.note((code, "", 0), severity, Some(loc), || message);
    }

    /// Reports when no attachment is offered; the accepted ones stay in `self.attachments`.
    pub(super) fn finish_attachments(&mut self, kept: &mut BTreeSet<(usize, usize)>) {
        if self.attachments.is_empty() {
            self.note(
                (FindingCode::MissingKeyword, "attachments", 2),
                Severity::Information,
                None,
                || "No attachment: no current DocumentReference with an accepted file.".to_owned(),
            );
        }
        kept.extend(self.attachment_keys.iter().copied());
    }
}

/// Whether a MIME type (parameters and case ignored) is one Ocean accepts.
fn mime_accepted(content_type: &str) -> bool {
    let base = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let base = match base.as_str() {
        // Common aliases of the accepted types.
        "image/jpg" | "image/pjpeg" => "image/jpeg".to_owned(),
        "image/tif" => "image/tiff".to_owned(),
        "audio/mp3" => "audio/mpeg".to_owned(),
        _ => base,
    };
    ACCEPTED_ATTACHMENT_TYPES.iter().any(|(m, _)| *m == base)
}

/// Whether a file name or URL ends in an extension Ocean accepts.
fn extension_accepted(name: &str) -> bool {
    let path = name.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    let Some((_, ext)) = last.rsplit_once('.') else {
        return false;
    };
    let ext = ext.to_ascii_lowercase();
    ACCEPTED_ATTACHMENT_TYPES
        .iter()
        .any(|(_, exts)| exts.contains(&ext.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_and_extension() {
        assert!(mime_accepted("application/PDF; charset=binary"));
        assert!(mime_accepted("image/jpg"));
        assert!(!mime_accepted("application/msword"));
        assert!(extension_accepted("scan.TIFF"));
        assert!(extension_accepted("https://pos.example/files/a.pdf?x=1"));
        assert!(!extension_accepted("letter.docx"));
        assert!(!extension_accepted("noext"));
    }
}
