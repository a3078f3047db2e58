//! Parsing a received body into one of four outcomes: the envelope, the event code, and the
//! hand-over to the [`MessageRule`] checks.
//!
//! 1. **Not a message** ([`NotAMessage`], answer 400): not JSON, not a Bundle, `Bundle.type` not
//!    `message`, or no MessageHeader as the first entry.
//! 2. **Invalid** ([`InvalidMessage`], answer 400): a message whose event this crate models,
//!    with content that breaks one of the [`MessageRule`]s (the error names the FHIR path and
//!    the rule).
//! 3. **Supported** ([`Received::Supported`], answer 200): a [`Message`](crate::Message) whose
//!    typed [`Event`](crate::Event) is ready for the POS.
//! 4. **Unsupported** ([`Received::Unsupported`], answer 200): a well-formed message with an
//!    event this crate does not model at all (`notify-update-appointment`, `send-communication`,
//!    an `eventUri` not ending in a modelled code), which a receiver acknowledges so Ocean stops
//!    retrying.
//!
//! Profile issues (what [`ocean_model::validate`] reports) never change the outcome: real Ocean
//! payloads break some profile rules and must still be readable. Read them with
//! [`Message::profile_issues`](crate::Message::profile_issues).
//!
//! # How the event is recognised
//! `MessageHeader.eventCoding` with system `https://ehealthontario.ca/fhir/CodeSystem/message-event-code`
//! (also the `http` spelling, or no system) and one of the codes of [`EventCode`] is a modelled
//! event. A near miss is invalid, never unsupported: a modelled code after trimming and ASCII
//! case-folding (`event-code`), an `eventUri` whose last segment (after `/`, `#` or `:`) is one
//! (`event-code`), a modelled code with any other system (`event-system`). Another code (with
//! any system) or another `eventUri` is unsupported. No event at all is invalid (`msh-event`).
//! Two MessageHeaders (`msh-single`) or both `eventCoding` and `eventUri` (`msh-event-choice`)
//! are invalid for every message, modelled or not.
//!
//! # Shapes that parse
//! Ocean v0.11.1 (MessageHeader `fullUrl` a bare UUID, other entries `urn:uuid:` without
//! `resource.id`, referral id in `ext-referral-identifier` as `valueIdentifier`) and v0.10 (no
//! `fullUrl`, resource ids, `Type/id` references, referral id in `ext-id-message-header` as
//! `valueString`), and mixtures: references resolve by the rules of [`Bundle::resolve`].

use ocean_model::{
    Bundle, BundleType, MessageEvent, MessageHeader, ParseError, ParseErrorKind, ReferralId,
    Resource, ServiceRequest, json,
};

use crate::code::{EventCode, MESSAGE_EVENT_SYSTEM, MESSAGE_EVENT_SYSTEM_HTTP};
use crate::envelope;
use crate::error::{MessageError, NotAMessage};
use crate::ext;
use crate::idempotency::{IdempotencyKey, MessageIds, fnv1a};
use crate::message::{EMPTY_HEADER, Received, UnsupportedMessage};
use crate::rules::{
    InvalidMessage, MessageRule, content_hash, header_of, header_referral, message_ids,
    resolve_message, sr_referral,
};

/// The default body size limit: 32 MiB. Ocean's messages carry attachments by URL (`$binary`),
/// so real ones are tens of kilobytes.
pub const DEFAULT_MAX_BYTES: usize = 32 << 20;

/// Parsing options.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseOptions {
    /// Bodies longer than this are refused ([`NotAMessage::TooLarge`]) before any parsing.
    pub max_bytes: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

impl ParseOptions {
    /// The defaults ([`DEFAULT_MAX_BYTES`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the body size limit.
    pub fn max_bytes(mut self, limit: usize) -> Self {
        self.max_bytes = limit;
        self
    }
}

/// Parses a received body with the default [`ParseOptions`].
///
/// ```
/// use ocean_messages::{parse, Event, Received};
/// let body = include_bytes!("../../testdata/ocean/ereferral_back_pain.bundle.json");
/// let Ok(Received::Supported(message)) = parse(body) else { panic!("not supported") };
/// let Event::AddServiceRequest(referral) = message.event() else { panic!("other event") };
/// assert_eq!(referral.id().as_str(), "71db1a5c-89ce-41d5-bc71-8466f6c2f182");
/// assert_eq!(referral.patient().name[0].family.as_deref(), Some("DKTest"));
/// ```
pub fn parse(body: &[u8]) -> Result<Received, MessageError> {
    parse_with(body, &ParseOptions::default())
}

/// Parses a received body.
pub fn parse_with(body: &[u8], options: &ParseOptions) -> Result<Received, MessageError> {
    if body.len() > options.max_bytes {
        return Err(NotAMessage::TooLarge {
            limit: options.max_bytes,
        }
        .into());
    }
    // Read as any resource, so a missing or wrong `resourceType` is told apart from a Bundle.
    // Strictly: a modelled event whose element has the wrong JSON type breaks `fhir-json` (400,
    // so Ocean retries and the site is alerted) rather than reaching a POS half-typed.
    let bundle: Bundle = match json::from_slice_strict::<Resource>(body) {
        Ok(Resource::Bundle(b)) => *b,
        Ok(_) => return Err(NotAMessage::NotABundle.into()),
        Err(e) => return unreadable(body, e),
    };
    if bundle.type_ != Some(BundleType::Message) {
        return Err(NotAMessage::NotMessageBundle.into());
    }
    let Some(header) = header_of(&bundle) else {
        return Err(NotAMessage::NoMessageHeader.into());
    };
    if let Some(i) = bundle
        .entry
        .iter()
        .skip(1)
        .position(|e| matches!(e.resource, Some(Resource::MessageHeader(_))))
    {
        return Err(second_header(event_of(header).modelled(), i + 1).into());
    }
    if envelope::both_events(body) {
        return Err(both_events(event_of(header).modelled()).into());
    }
    match event_of(header) {
        EventId::Missing => Err(InvalidMessage::new(
            None,
            MessageRule::MshEvent,
            "Bundle.entry[0].resource.eventCoding",
            "the MessageHeader has no event code",
        )
        .into()),
        EventId::NearMiss { code, rule } => Err(near_miss(code, rule).into()),
        EventId::Other { system, code } => {
            let code = code.to_owned();
            let system = system.map(str::to_owned);
            Ok(Received::Unsupported(Box::new(unsupported(
                bundle, code, system, body,
            ))))
        }
        EventId::Modelled(code) => Ok(Received::Supported(Box::new(resolve_message(
            bundle, code, body,
        )?))),
    }
}

fn second_header(event: Option<EventCode>, index: usize) -> InvalidMessage {
    InvalidMessage::new(
        event,
        MessageRule::MshSingle,
        format!("Bundle.entry[{index}].resource"),
        "a message has one MessageHeader, the first entry",
    )
}

fn both_events(event: Option<EventCode>) -> InvalidMessage {
    InvalidMessage::new(
        event,
        MessageRule::MshEventChoice,
        "Bundle.entry[0].resource.eventUri",
        "the MessageHeader has both eventCoding and eventUri",
    )
}

fn near_miss(code: EventCode, rule: MessageRule) -> InvalidMessage {
    let (path, detail) = match rule {
        MessageRule::EventSystem => (
            "Bundle.entry[0].resource.eventCoding.system",
            "a modelled event code with a system Ocean does not use",
        ),
        _ => (
            "Bundle.entry[0].resource.eventCoding.code",
            "an event code that is a modelled one except for case, white space or an eventUri \
             prefix",
        ),
    };
    InvalidMessage::new(Some(code), rule, path, detail)
}

enum EventId<'a> {
    Modelled(EventCode),
    /// Close enough to a modelled event that answering 200 "unsupported" could drop a referral.
    NearMiss {
        code: EventCode,
        rule: MessageRule,
    },
    Other {
        system: Option<&'a str>,
        code: &'a str,
    },
    Missing,
}

impl EventId<'_> {
    fn modelled(&self) -> Option<EventCode> {
        match self {
            Self::Modelled(c) | Self::NearMiss { code: c, .. } => Some(*c),
            Self::Other { .. } | Self::Missing => None,
        }
    }
}

/// The modelled event a code means after trimming and ASCII case-folding.
fn folded(code: &str) -> Option<EventCode> {
    EventCode::from_code(&code.trim().to_ascii_lowercase())
}

fn classify_event<'a>(
    system: Option<&'a str>,
    code: Option<&'a str>,
    uri: Option<&'a str>,
) -> EventId<'a> {
    if let Some(code) = code.filter(|c| !c.is_empty()) {
        let ours =
            system.is_none_or(|s| s == MESSAGE_EVENT_SYSTEM || s == MESSAGE_EVENT_SYSTEM_HTTP);
        return match (EventCode::from_code(code), folded(code)) {
            (Some(c), _) if ours => EventId::Modelled(c),
            (_, Some(c)) if !ours => EventId::NearMiss {
                code: c,
                rule: MessageRule::EventSystem,
            },
            (_, Some(c)) => EventId::NearMiss {
                code: c,
                rule: MessageRule::EventCode,
            },
            _ => EventId::Other { system, code },
        };
    }
    match uri.filter(|u| !u.is_empty()) {
        Some(u) => {
            // The last segment of the URI (after `/`, `#` or `:`).
            let tail = u.rsplit(['/', '#', ':']).next().unwrap_or(u);
            match folded(tail) {
                Some(c) => EventId::NearMiss {
                    code: c,
                    rule: MessageRule::EventCode,
                },
                None => EventId::Other {
                    system: None,
                    code: u,
                },
            }
        }
        None => EventId::Missing,
    }
}

fn event_of(header: &MessageHeader) -> EventId<'_> {
    match &header.event {
        Some(MessageEvent::Coding(c)) => classify_event(
            c.system.as_ref().map(|s| s.as_str()),
            c.code.as_ref().map(|c| c.as_str()),
            None,
        ),
        Some(MessageEvent::Uri(u)) => classify_event(None, None, Some(u.as_str())),
        None => EventId::Missing,
    }
}

fn unsupported(
    bundle: Bundle,
    code: String,
    system: Option<String>,
    body: &[u8],
) -> UnsupportedMessage {
    let header = header_of(&bundle).unwrap_or(&EMPTY_HEADER);
    let referral = header_referral(header).map(|h| h.value).or_else(|| {
        bundle
            .resources_of::<ServiceRequest>()
            .find_map(|sr| sr_referral(&sr.identifier).map(|(v, _)| v))
    });
    let focus_type = header
        .focus
        .first()
        .and_then(|f| f.reference.as_deref())
        .and_then(|r| bundle.resolve(r))
        .map(|r| r.resource_type().to_owned());
    let key = IdempotencyKey::from_parts(&code, referral, message_ids(&bundle, header), || {
        content_hash(&bundle, body)
    });
    UnsupportedMessage {
        referral_id: referral.map(ReferralId::new),
        code,
        system,
        focus_type,
        key,
        bundle: Some(bundle),
    }
}

/// The body did not read as a `Bundle`: decide between "not a message", "invalid" and
/// "unsupported" by reading only the envelope, as generic JSON (error path only).
fn unreadable(body: &[u8], error: ParseError) -> Result<Received, MessageError> {
    if matches!(
        error.kind,
        ParseErrorKind::Syntax | ParseErrorKind::Eof | ParseErrorKind::Io | ParseErrorKind::TooDeep
    ) {
        return Err(NotAMessage::Json(error).into());
    }
    let body_text = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body_text) else {
        return Err(NotAMessage::Json(error).into());
    };
    if str_at(&value, "resourceType") != Some("Bundle") {
        return Err(NotAMessage::NotABundle.into());
    }
    if str_at(&value, "type") != Some("message") {
        return Err(NotAMessage::NotMessageBundle.into());
    }
    let first = value
        .get("entry")
        .and_then(|e| e.get(0))
        .and_then(|e| e.get("resource"));
    let Some(header) = first.filter(|h| str_at(h, "resourceType") == Some("MessageHeader")) else {
        return Err(NotAMessage::NoMessageHeader.into());
    };
    let coding = header.get("eventCoding");
    let event = classify_event(
        coding.and_then(|c| str_at(c, "system")),
        coding.and_then(|c| str_at(c, "code")),
        str_at(header, "eventUri"),
    );
    let second = value
        .get("entry")
        .and_then(|e| e.as_array())
        .and_then(|entries| {
            entries.iter().skip(1).position(|e| {
                e.get("resource")
                    .is_some_and(|r| str_at(r, "resourceType") == Some("MessageHeader"))
            })
        });
    if let Some(i) = second {
        return Err(second_header(event.modelled(), i + 1).into());
    }
    if coding.is_some() && header.get("eventUri").is_some() {
        return Err(both_events(event.modelled()).into());
    }
    match event {
        EventId::Other { system, code } => {
            let referral = header
                .get("extension")
                .and_then(|e| e.as_array())
                .and_then(|exts| {
                    exts.iter().find_map(|e| match str_at(e, "url")? {
                        ext::REFERRAL_IDENTIFIER => {
                            e.get("valueIdentifier").and_then(|i| str_at(i, "value"))
                        }
                        ext::ID_MESSAGE_HEADER => str_at(e, "valueString"),
                        _ => None,
                    })
                });
            let ids = MessageIds {
                header_id: str_at(header, "id"),
                bundle_id: str_at(&value, "id"),
                header_full_url: value
                    .get("entry")
                    .and_then(|e| e.get(0))
                    .and_then(|e| str_at(e, "fullUrl")),
            };
            let key = IdempotencyKey::from_parts(code, referral, ids, || fnv1a(body));
            Ok(Received::Unsupported(Box::new(UnsupportedMessage {
                code: code.to_owned(),
                system: system.map(str::to_owned),
                bundle: None,
                referral_id: referral.filter(|r| !r.is_empty()).map(ReferralId::new),
                focus_type: None,
                key,
            })))
        }
        EventId::NearMiss { code, rule } => Err(near_miss(code, rule).into()),
        EventId::Modelled(code) => Err(fhir_json(Some(code), error).into()),
        EventId::Missing => Err(fhir_json(None, error).into()),
    }
}

fn str_at<'v>(v: &'v serde_json::Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(|x| x.as_str())
}

fn fhir_json(event: Option<EventCode>, mut error: ParseError) -> InvalidMessage {
    // The body was read as a `Resource`: its paths start there; it is a Bundle.
    if let Some(rest) = error
        .path
        .as_deref()
        .and_then(|p| p.strip_prefix("Resource"))
    {
        error.path = Some(format!("Bundle{rest}"));
    }
    let mut e = InvalidMessage::new(
        event,
        MessageRule::FhirJson,
        error.path.clone().unwrap_or_else(|| "Bundle".to_owned()),
        "an element has the wrong JSON type",
    );
    e.cause = Some(error);
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use ocean_model::OceanBase;

    const BACK_PAIN: &[u8] = include_bytes!("../../testdata/ocean/ereferral_back_pain.bundle.json");

    #[test]
    fn fixture_is_supported() {
        let r = parse(BACK_PAIN).unwrap();
        assert!(r.is_supported());
        assert_eq!(r.event_code(), "add-service-request");
        assert_eq!(r.focus_type(), Some("ServiceRequest"));
        let m = r.message().unwrap();
        assert_eq!(
            m.ocean_base(),
            Some(&OceanBase::Custom("http://localhost:8081".into()))
        );
        assert_eq!(m.receiver_site_number(), Some("1234"));
        assert!(!format!("{m:?}").contains("DKTest"));
    }

    #[test]
    fn size_limit() {
        let e = parse_with(BACK_PAIN, &ParseOptions::new().max_bytes(100)).unwrap_err();
        assert_eq!(
            e,
            MessageError::NotAMessage(NotAMessage::TooLarge { limit: 100 })
        );
    }

    #[test]
    fn event_classification() {
        assert!(matches!(
            classify_event(
                Some(MESSAGE_EVENT_SYSTEM_HTTP),
                Some("add-service-request"),
                None
            ),
            EventId::Modelled(EventCode::AddServiceRequest)
        ));
        assert!(matches!(
            classify_event(None, Some("add-service-request"), None),
            EventId::Modelled(EventCode::AddServiceRequest)
        ));
        assert!(matches!(
            classify_event(Some("urn:other"), Some("add-service-request"), None),
            EventId::NearMiss {
                code: EventCode::AddServiceRequest,
                rule: MessageRule::EventSystem
            }
        ));
        assert!(matches!(
            classify_event(None, Some(" Add-Service-Request\t"), None),
            EventId::NearMiss {
                code: EventCode::AddServiceRequest,
                rule: MessageRule::EventCode
            }
        ));
        assert!(matches!(
            classify_event(Some("urn:other"), Some("REVOKE-service-request "), None),
            EventId::NearMiss {
                code: EventCode::RevokeServiceRequest,
                rule: MessageRule::EventSystem
            }
        ));
        assert!(matches!(
            classify_event(None, None, Some("http://x/events#add-service-request")),
            EventId::NearMiss {
                code: EventCode::AddServiceRequest,
                rule: MessageRule::EventCode
            }
        ));
        assert!(matches!(
            classify_event(Some("urn:other"), Some("notify-update-appointment"), None),
            EventId::Other { .. }
        ));
        assert!(matches!(
            classify_event(None, Some(""), Some("")),
            EventId::Missing
        ));
        assert!(matches!(
            classify_event(None, None, Some("http://x/event")),
            EventId::Other {
                system: None,
                code: "http://x/event"
            }
        ));
    }
}
