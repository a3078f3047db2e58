//! Ocean's deliveries to the POS webhook: token, challenge, message, retries.
//!
//! Ocean authenticates to the POS with OAuth2 client credentials: it POSTs
//! `grant_type=client_credentials&client_id=…&client_secret=…` (form body) to the POS's token
//! endpoint and sends the `access_token` as `Authorization: Bearer`. On a `401` it gets a fresh
//! token once and tries again at once. Every other answer that is not `2xx`, and every network
//! error or timeout (10 s, Ocean's), is retried on [`OceanSchedule`] in compressed time
//! ([`TimeScale`]).
use std::time::Duration;

use serde::Serialize;
use tokio::sync::Mutex;

use crate::retry::{OceanSchedule, TimeScale};

/// Where and how to reach the POS.
#[derive(Clone)]
pub struct PosEndpoint {
    /// The webhook URL Ocean posts messages to.
    pub webhook: String,
    /// The POS's token endpoint (none: post without a token).
    pub token_url: Option<String>,
    /// The client id the POS gave Ocean.
    pub client_id: String,
    /// The client secret the POS gave Ocean.
    pub client_secret: String,
}

impl std::fmt::Debug for PosEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PosEndpoint")
            .field("webhook", &self.webhook)
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// The outcome of one delivery, with all its retries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// Attempts made (1 when the first one succeeded).
    pub attempts: usize,
    /// The HTTP status of the last attempt (`None`: no answer).
    pub last_status: Option<u16>,
    /// The error of the last attempt without an answer (connection, timeout, token).
    pub last_error: Option<String>,
    /// Whether an attempt got a `2xx`.
    pub delivered: bool,
    /// Simulated time from the first to the last attempt, in seconds.
    pub simulated_seconds: u64,
    /// The body of the last answer (at most 4 kB), for the challenge check.
    #[serde(skip)]
    pub body: Vec<u8>,
}

impl Delivery {
    /// "answered 200 after 3 attempts" / "no 2xx after 101 attempts over 96 h; last: 500".
    pub fn describe(&self) -> String {
        let last = match (self.last_status, &self.last_error) {
            (Some(s), _) => format!("HTTP {s}"),
            (None, Some(e)) => e.clone(),
            (None, None) => "no answer".into(),
        };
        if self.delivered {
            format!("answered {last} after {} attempt(s)", self.attempts)
        } else {
            format!(
                "no 2xx after {} attempt(s) over {} simulated hour(s); last answer: {last}",
                self.attempts,
                self.simulated_seconds / 3600
            )
        }
    }
}

/// Posts Ocean's messages to one POS.
#[derive(Debug)]
pub struct Deliverer {
    http: reqwest::Client,
    pos: PosEndpoint,
    schedule: OceanSchedule,
    scale: TimeScale,
    token: Mutex<Option<String>>,
}

enum Answer {
    Status(u16, Vec<u8>),
    Failed(String),
}

impl Deliverer {
    /// A deliverer with Ocean's schedule on `scale`.
    pub fn new(pos: PosEndpoint, schedule: OceanSchedule, scale: TimeScale) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Self {
            http,
            pos,
            schedule,
            scale,
            token: Mutex::new(None),
        }
    }

    /// The POS endpoint.
    pub fn pos(&self) -> &PosEndpoint {
        &self.pos
    }

    async fn fetch_token(&self) -> Result<Option<String>, String> {
        let Some(url) = &self.pos.token_url else {
            return Ok(None);
        };
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.pos.client_id.as_str()),
            ("client_secret", self.pos.client_secret.as_str()),
        ];
        let response = self
            .http
            .post(url)
            .form(&form)
            .send()
            .await
            .map_err(|e| format!("token endpoint unreachable ({})", error_kind(&e)))?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(format!("token endpoint answered HTTP {status}"));
        }
        let body: serde_json::Value = response
            .json()
            .await
            .map_err(|_| "token endpoint answered no JSON".to_owned())?;
        body.get("access_token")
            .and_then(serde_json::Value::as_str)
            .map(|t| Some(t.to_owned()))
            .ok_or_else(|| "token endpoint answered no access_token".to_owned())
    }

    async fn token(&self, refresh: bool) -> Result<Option<String>, String> {
        let mut cached = self.token.lock().await;
        if refresh || cached.is_none() {
            *cached = self.fetch_token().await?;
        }
        Ok(cached.clone())
    }

    async fn post(&self, body: &[u8], content_type: &str, token: Option<String>) -> Answer {
        let mut request = self
            .http
            .post(&self.pos.webhook)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body.to_vec());
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        match request.send().await {
            Ok(r) => {
                let status = r.status().as_u16();
                let mut bytes = r.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
                bytes.truncate(4096);
                Answer::Status(status, bytes)
            }
            Err(e) => Answer::Failed(format!("webhook unreachable ({})", error_kind(&e))),
        }
    }

    /// One attempt: token, post, and on `401` a fresh token and one more post.
    async fn attempt(&self, body: &[u8], content_type: &str) -> Answer {
        let token = match self.token(false).await {
            Ok(t) => t,
            Err(e) => return Answer::Failed(e),
        };
        match self.post(body, content_type, token).await {
            Answer::Status(401, _) if self.pos.token_url.is_some() => {
                match self.token(true).await {
                    Ok(t) => self.post(body, content_type, t).await,
                    Err(e) => Answer::Failed(e),
                }
            }
            other => other,
        }
    }

    /// Delivers `body` (a FHIR message) following Ocean's retry rule.
    pub async fn deliver(&self, body: &[u8]) -> Delivery {
        self.deliver_as(body, "application/fhir+json", true).await
    }

    /// One attempt, no retries (for a message the POS is expected to refuse).
    pub async fn deliver_once(&self, body: &[u8]) -> Delivery {
        self.deliver_as(body, "application/fhir+json", false).await
    }

    /// Ocean's endpoint validation: `{"challenge": challenge}`, one attempt (Ocean shows the
    /// admin the result when the integration is saved; it does not retry it).
    pub async fn challenge(&self, challenge: &str) -> Delivery {
        let body = serde_json::json!({ "challenge": challenge }).to_string();
        self.deliver_as(body.as_bytes(), "application/json", false)
            .await
    }

    async fn deliver_as(&self, body: &[u8], content_type: &str, retry: bool) -> Delivery {
        let mut delivery = Delivery {
            attempts: 0,
            last_status: None,
            last_error: None,
            delivered: false,
            simulated_seconds: 0,
            body: Vec::new(),
        };
        let offsets: Vec<Duration> = if retry {
            self.schedule.offsets().to_vec()
        } else {
            vec![Duration::ZERO]
        };
        let mut previous = Duration::ZERO;
        for offset in offsets {
            let wait = offset.saturating_sub(previous);
            if !wait.is_zero() {
                tokio::time::sleep(self.scale.to_real(wait)).await;
            }
            previous = offset;
            delivery.attempts += 1;
            delivery.simulated_seconds = offset.as_secs();
            match self.attempt(body, content_type).await {
                Answer::Status(status, bytes) => {
                    delivery.last_status = Some(status);
                    delivery.last_error = None;
                    delivery.body = bytes;
                    if (200..300).contains(&status) {
                        delivery.delivered = true;
                        break;
                    }
                }
                Answer::Failed(e) => {
                    delivery.last_status = None;
                    delivery.last_error = Some(e);
                }
            }
        }
        tracing::info!(
            attempts = delivery.attempts,
            status = delivery.last_status,
            delivered = delivery.delivered,
            "delivery to the POS"
        );
        delivery
    }
}

fn error_kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connection refused or failed"
    } else if e.is_decode() {
        "undecodable answer"
    } else {
        "request failed"
    }
}
