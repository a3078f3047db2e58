//! Downloading a referral's documents from Ocean: the referral letter (`$letter`, and the
//! consolidated PDF with every attachment, `$letter?attachments=true`) and each attachment's
//! content (`DocumentReference/{id}/$binary`), streamed into a caller's writer or file with
//! Ocean's limits and content types enforced while streaming.
//!
//! Every download is a `GET` with the site's token through [`OceanClient::get`]: a URL that is
//! not on the site's own host is refused before any request (attachment URLs come from received
//! messages, so they are untrusted input), and the token is refreshed once on 401.
//!
//! # Limits
//! | what | limit (Ocean's own) | enforced |
//! |---|---|---|
//! | one attachment or the referral letter | 10 MiB ([`MAX_ATTACHMENT_BYTES`]) | [`AttachmentError::TooLarge`] |
//! | all documents of one referral ([`ReferralDownloads`]) | 50 MiB ([`MAX_REFERRAL_BYTES`]) | [`AttachmentError::ReferralTooLarge`] |
//! | the consolidated letter (`?attachments=true`), alone | 50 MiB | [`AttachmentError::TooLarge`]; it does not draw from the referral's budget, since it repeats the attachments |
//!
//! Ocean states its limits as "10 MB" and "50 MB"; they are read as MiB here (the larger
//! reading), so nothing Ocean accepted is refused. A declared `Content-Length` over the limit is
//! refused before the body is read; otherwise the body is counted while it streams and the
//! download is aborted (the connection dropped) at the first chunk that would pass the limit, so
//! at most the limit is ever written to the sink and at most a chunk more is held in memory. On
//! any error the sink may hold a partial document: discard it
//! ([`ReferralDownloads::download_to_file`] deletes its file).
//!
//! # Content types
//! The answer's `Content-Type` (its essence: parameters such as `charset` are ignored, any case)
//! must be one of Ocean's attachment types:
//!
//! | extensions | [`AttachmentType`] | MIME type (also accepted) |
//! |---|---|---|
//! | jpg, jpeg | `Jpeg` | `image/jpeg` (`image/jpg`, `image/pjpeg`) |
//! | png | `Png` | `image/png` |
//! | tif, tiff | `Tiff` | `image/tiff` |
//! | mp3 | `Mp3` | `audio/mpeg` (`audio/mp3`) |
//! | mp4 | `Mp4` | `video/mp4` |
//! | txt | `Text` | `text/plain` |
//! | pdf | `Pdf` | `application/pdf` |
//!
//! A referral letter must be `application/pdf`. When Ocean answers without a `Content-Type` or
//! with `application/octet-stream`, [`ReferralDownloads::download_link`] falls back to the
//! attachment's declared `contentType`, then to its title's extension, if either is in the
//! table. Anything else is refused ([`AttachmentError::ContentType`]) before the body is read.

use std::path::Path;

use ocean_messages::DocumentLink;
use ocean_model::ReferralId;
use reqwest::header::CONTENT_TYPE;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::client::{GetError, NetworkErrorKind, OceanClient};

/// Ocean's limit for one attachment: 10 MiB.
pub const MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;

/// Ocean's limit for all attachments of one referral: 50 MiB.
pub const MAX_REFERRAL_BYTES: u64 = 50 * 1024 * 1024;

/// One of the file types Ocean accepts as an attachment (see the module docs for the table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AttachmentType {
    /// `image/jpeg` (jpg, jpeg).
    Jpeg,
    /// `image/png` (png).
    Png,
    /// `image/tiff` (tif, tiff).
    Tiff,
    /// `audio/mpeg` (mp3).
    Mp3,
    /// `video/mp4` (mp4).
    Mp4,
    /// `text/plain` (txt).
    Text,
    /// `application/pdf` (pdf).
    Pdf,
}

impl AttachmentType {
    /// Every type, in the table's order.
    pub const ALL: [AttachmentType; 7] = [
        Self::Jpeg,
        Self::Png,
        Self::Tiff,
        Self::Mp3,
        Self::Mp4,
        Self::Text,
        Self::Pdf,
    ];

    /// The MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Tiff => "image/tiff",
            Self::Mp3 => "audio/mpeg",
            Self::Mp4 => "video/mp4",
            Self::Text => "text/plain",
            Self::Pdf => "application/pdf",
        }
    }

    /// The file extensions, without the dot, the usual one first.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Jpeg => &["jpg", "jpeg"],
            Self::Png => &["png"],
            Self::Tiff => &["tif", "tiff"],
            Self::Mp3 => &["mp3"],
            Self::Mp4 => &["mp4"],
            Self::Text => &["txt"],
            Self::Pdf => &["pdf"],
        }
    }

    /// The type of a `Content-Type` value: its essence (before any `;`), any case, including
    /// the aliases of the table.
    ///
    /// ```
    /// use ocean_gateway::attachments::AttachmentType;
    /// assert_eq!(AttachmentType::from_mime("Application/PDF; name=x"), Some(AttachmentType::Pdf));
    /// assert_eq!(AttachmentType::from_mime("image/jpg"), Some(AttachmentType::Jpeg));
    /// assert_eq!(AttachmentType::from_mime("text/html"), None);
    /// ```
    pub fn from_mime(content_type: &str) -> Option<Self> {
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        let aliases = [
            ("image/jpg", Self::Jpeg),
            ("image/pjpeg", Self::Jpeg),
            ("audio/mp3", Self::Mp3),
        ];
        Self::ALL
            .into_iter()
            .map(|t| (t.mime(), t))
            .chain(aliases)
            .find(|(m, _)| m.eq_ignore_ascii_case(essence))
            .map(|(_, t)| t)
    }

    /// The type of a file name, by its extension (any case).
    ///
    /// ```
    /// use ocean_gateway::attachments::AttachmentType;
    /// assert_eq!(AttachmentType::from_file_name("Scan 2.TIF"), Some(AttachmentType::Tiff));
    /// assert_eq!(AttachmentType::from_file_name("notes.docx"), None);
    /// assert_eq!(AttachmentType::from_file_name("pdf"), None);
    /// ```
    pub fn from_file_name(name: &str) -> Option<Self> {
        let (_, ext) = name.rsplit_once('.')?;
        Self::ALL
            .into_iter()
            .find(|t| t.extensions().iter().any(|e| e.eq_ignore_ascii_case(ext)))
    }
}

/// The limits a [`ReferralDownloads`] enforces (default: Ocean's, see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The most bytes of one document (default [`MAX_ATTACHMENT_BYTES`]).
    pub per_attachment: u64,
    /// The most bytes of all documents of one referral, and of the consolidated letter alone
    /// (default [`MAX_REFERRAL_BYTES`]).
    pub per_referral: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            per_attachment: MAX_ATTACHMENT_BYTES,
            per_referral: MAX_REFERRAL_BYTES,
        }
    }
}

impl Limits {
    /// Limits with these bounds.
    pub fn new(per_attachment: u64, per_referral: u64) -> Self {
        Self {
            per_attachment,
            per_referral,
        }
    }
}

/// A finished download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Downloaded {
    /// The bytes written to the sink.
    pub bytes: u64,
    /// The document's type.
    pub content_type: AttachmentType,
}

/// Why a download failed. Carries status codes, kinds and limits only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AttachmentError {
    /// The `GET` got no 2xx answer, or was refused before any request (a URL not on the site's
    /// host: [`GetError::ForeignHost`]).
    #[error(transparent)]
    Get(#[from] GetError),
    /// The link has no URL (its content is inline, or missing).
    #[error("the document link has no URL")]
    NoUrl,
    /// The answer's content type is not one of Ocean's attachment types (or, for a referral
    /// letter, not PDF). `found` is the MIME essence Ocean sent, when it is a plain MIME type.
    #[error("content type not allowed: {}", found.as_deref().unwrap_or("(none)"))]
    ContentType {
        /// The MIME essence, lower-cased, when it looked like one.
        found: Option<String>,
    },
    /// The document is larger than the per-document limit (declared or while streaming).
    #[error("the document is larger than {limit} bytes")]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The document would take the referral past its total limit.
    #[error("the referral's documents are larger than {limit} bytes")]
    ReferralTooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The connection broke while the body streamed.
    #[error("Ocean: {0} while downloading")]
    Network(NetworkErrorKind),
    /// The sink refused the bytes.
    #[error("the sink failed: {0}")]
    Sink(std::io::ErrorKind),
}

impl AttachmentError {
    /// Whether trying again later may succeed (see [`GetError::is_retryable`]; a broken
    /// connection too).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Get(e) => e.is_retryable(),
            Self::Network(_) => true,
            _ => false,
        }
    }
}

/// How a document is counted and checked.
#[derive(Clone, Copy)]
struct Rule {
    /// Its own limit.
    limit: u64,
    /// Whether it draws from the referral's budget.
    counts: bool,
    /// Only PDF accepted (a letter).
    pdf_only: bool,
    /// The type to assume when Ocean does not say.
    hint: Option<AttachmentType>,
}

/// The downloads of one referral: enforces the per-document limit on each and the per-referral
/// limit on their sum (see the module docs). Use one per referral.
#[derive(Debug)]
pub struct ReferralDownloads<'c> {
    client: &'c OceanClient,
    limits: Limits,
    used: u64,
}

impl<'c> ReferralDownloads<'c> {
    /// Downloads through `client` with Ocean's limits.
    pub fn new(client: &'c OceanClient) -> Self {
        Self::with_limits(client, Limits::default())
    }

    /// Downloads through `client` with other limits.
    pub fn with_limits(client: &'c OceanClient, limits: Limits) -> Self {
        Self {
            client,
            limits,
            used: 0,
        }
    }

    /// The bytes downloaded so far that count towards the referral's limit.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// The referral letter (`{base}/svc/fhir/v1/ServiceRequest/{referral}/$letter`), a PDF.
    pub async fn letter<W>(
        &mut self,
        referral: &ReferralId,
        sink: &mut W,
    ) -> Result<Downloaded, AttachmentError>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let url = self.client.site().letter_url(referral, false);
        let rule = Rule {
            limit: self.limits.per_attachment,
            counts: true,
            pdf_only: true,
            hint: None,
        };
        self.stream(&url, rule, sink).await
    }

    /// The consolidated letter with every attachment (`…/$letter?attachments=true`), a PDF of at
    /// most the per-referral limit. It does not draw from the referral's budget.
    pub async fn consolidated_letter<W>(
        &mut self,
        referral: &ReferralId,
        sink: &mut W,
    ) -> Result<Downloaded, AttachmentError>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let url = self.client.site().letter_url(referral, true);
        let rule = Rule {
            limit: self.limits.per_referral,
            counts: false,
            pdf_only: true,
            hint: None,
        };
        self.stream(&url, rule, sink).await
    }

    /// One document by URL (a `$letter` or `$binary` link of a received referral), with the
    /// per-document limit, drawing from the referral's budget.
    pub async fn download<W>(
        &mut self,
        url: &str,
        sink: &mut W,
    ) -> Result<Downloaded, AttachmentError>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let rule = Rule {
            limit: self.limits.per_attachment,
            counts: true,
            pdf_only: false,
            hint: None,
        };
        self.stream(url, rule, sink).await
    }

    /// One document of a received referral ([`ocean_messages::Referral::documents`]), like
    /// [`Self::download`]; when Ocean does not name a type, the link's own `contentType` or
    /// title extension is used if it is in the table.
    pub async fn download_link<W>(
        &mut self,
        link: &DocumentLink<'_>,
        sink: &mut W,
    ) -> Result<Downloaded, AttachmentError>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let url = link.url().ok_or(AttachmentError::NoUrl)?;
        let hint = link
            .content_type()
            .and_then(AttachmentType::from_mime)
            .or_else(|| link.title().and_then(AttachmentType::from_file_name));
        let rule = Rule {
            limit: self.limits.per_attachment,
            counts: true,
            pdf_only: false,
            hint,
        };
        self.stream(url, rule, sink).await
    }

    /// [`Self::download`] into a new file at `path` (created or truncated), synced to disk when
    /// done; on any error the file is deleted.
    pub async fn download_to_file(
        &mut self,
        url: &str,
        path: &Path,
    ) -> Result<Downloaded, AttachmentError> {
        let mut file = tokio::fs::File::create(path)
            .await
            .map_err(|e| AttachmentError::Sink(e.kind()))?;
        let mut result = self.download(url, &mut file).await;
        if result.is_ok() {
            if let Err(e) = file.sync_all().await {
                result = Err(AttachmentError::Sink(e.kind()));
            }
        }
        drop(file);
        if result.is_err() {
            let _ = tokio::fs::remove_file(path).await;
        }
        result
    }

    async fn stream<W>(
        &mut self,
        url: &str,
        rule: Rule,
        sink: &mut W,
    ) -> Result<Downloaded, AttachmentError>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let mut resp = self.client.get(url).await?;
        let declared = resp
            .headers()
            .get(CONTENT_TYPE)
            .map(|v| v.to_str().unwrap_or("?"));
        let content_type = accepted_type(declared, rule)?;
        if let Some(len) = resp.content_length() {
            self.check(len, rule)?;
        }
        let mut written: u64 = 0;
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| AttachmentError::Network(NetworkErrorKind::of(&e)))?
        {
            let next = written.saturating_add(u64::try_from(chunk.len()).unwrap_or(u64::MAX));
            if let Err(e) = self.check(next, rule) {
                tracing::warn!(limit = rule.limit, "document download aborted at its limit");
                return Err(e);
            }
            sink.write_all(&chunk)
                .await
                .map_err(|e| AttachmentError::Sink(e.kind()))?;
            written = next;
        }
        sink.flush()
            .await
            .map_err(|e| AttachmentError::Sink(e.kind()))?;
        if rule.counts {
            self.used = self.used.saturating_add(written);
        }
        Ok(Downloaded {
            bytes: written,
            content_type,
        })
    }

    /// Whether `bytes` of a document stay within its own limit and the referral's budget.
    fn check(&self, bytes: u64, rule: Rule) -> Result<(), AttachmentError> {
        if bytes > rule.limit {
            return Err(AttachmentError::TooLarge { limit: rule.limit });
        }
        if rule.counts && self.used.saturating_add(bytes) > self.limits.per_referral {
            return Err(AttachmentError::ReferralTooLarge {
                limit: self.limits.per_referral,
            });
        }
        Ok(())
    }
}

/// The type of an answer from its `Content-Type` (see the module docs).
fn accepted_type(declared: Option<&str>, rule: Rule) -> Result<AttachmentType, AttachmentError> {
    let essence = declared.map(|d| {
        d.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    let found = match essence.as_deref() {
        None | Some("application/octet-stream") => rule.hint,
        Some(e) => AttachmentType::from_mime(e),
    };
    match found {
        Some(t) if !rule.pdf_only || t == AttachmentType::Pdf => Ok(t),
        _ => Err(AttachmentError::ContentType {
            found: essence.filter(|e| looks_like_mime(e)),
        }),
    }
}

/// A short `type/subtype` of token characters: safe to keep in an error.
fn looks_like_mime(s: &str) -> bool {
    s.len() <= 100
        && s.split_once('/').is_some_and(|(a, b)| {
            let token = |t: &str| {
                !t.is_empty()
                    && t.bytes()
                        .all(|c| c.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&c))
            };
            token(a) && token(b)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(pdf_only: bool, hint: Option<AttachmentType>) -> Rule {
        Rule {
            limit: 10,
            counts: true,
            pdf_only,
            hint,
        }
    }

    #[test]
    fn table_round_trips() {
        for t in AttachmentType::ALL {
            assert_eq!(AttachmentType::from_mime(t.mime()), Some(t));
            for ext in t.extensions() {
                assert_eq!(AttachmentType::from_file_name(&format!("a.{ext}")), Some(t));
                let upper = ext.to_uppercase();
                assert_eq!(
                    AttachmentType::from_file_name(&format!("a.{upper}")),
                    Some(t)
                );
            }
        }
        let all_ext: Vec<&str> = AttachmentType::ALL
            .iter()
            .flat_map(|t| t.extensions().iter().copied())
            .collect();
        assert_eq!(
            all_ext,
            [
                "jpg", "jpeg", "png", "tif", "tiff", "mp3", "mp4", "txt", "pdf"
            ]
        );
    }

    #[test]
    fn content_type_rules() {
        use AttachmentType::*;
        assert_eq!(
            accepted_type(Some("application/pdf"), rule(true, None)),
            Ok(Pdf)
        );
        assert_eq!(
            accepted_type(Some("TEXT/plain; charset=utf-8"), rule(false, None)),
            Ok(Text)
        );
        assert_eq!(
            accepted_type(Some("image/png"), rule(true, None)),
            Err(AttachmentError::ContentType {
                found: Some("image/png".into())
            })
        );
        assert_eq!(accepted_type(None, rule(false, Some(Png))), Ok(Png));
        assert_eq!(
            accepted_type(Some("application/octet-stream"), rule(false, Some(Mp4))),
            Ok(Mp4)
        );
        assert!(accepted_type(None, rule(false, None)).is_err());
        assert_eq!(
            accepted_type(Some("text/html"), rule(false, Some(Pdf))),
            Err(AttachmentError::ContentType {
                found: Some("text/html".into())
            })
        );
        assert_eq!(
            accepted_type(Some("Patient Jane Doe"), rule(false, None)),
            Err(AttachmentError::ContentType { found: None })
        );
    }
}
