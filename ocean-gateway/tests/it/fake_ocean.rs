//! A fake Ocean on loopback: a token endpoint, `$process-messages` with scripted answers, and
//! scripted `GET` documents; it counts every request.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use ocean_gateway::client::{ClientConfig, ClientCredentials, OceanClient};
use ocean_messages::OceanSite;
use ocean_model::OceanBase;

pub(crate) const CLIENT_ID: &str = "pos-client";
pub(crate) const CLIENT_SECRET: &str = "s3cret&more";

/// One scripted answer of `$process-messages`.
#[derive(Clone, Debug)]
pub(crate) enum Answer {
    /// This status, an OperationOutcome body.
    Status(u16),
    /// This status with this JSON body.
    Json(u16, serde_json::Value),
    /// This status with this `Retry-After` header.
    RetryAfter(u16, String),
    /// Wait, then answer 200.
    Slow(Duration),
}

/// One scripted document.
#[derive(Clone, Debug)]
pub(crate) enum Document {
    /// A body with a content type (none when `None`), with its Content-Length.
    Bytes(Option<String>, Vec<u8>),
    /// A body of `total` bytes streamed in 64 KiB chunks without a Content-Length; `produced`
    /// counts the bytes the server generated.
    Endless {
        content_type: String,
        total: u64,
        produced: Arc<AtomicU64>,
    },
}

#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) token_requests: AtomicUsize,
    pub(crate) message_requests: AtomicUsize,
    pub(crate) get_requests: AtomicUsize,
    /// 401s answered because the token was unknown or expired (not scripted ones).
    pub(crate) bad_tokens: AtomicUsize,
}

pub(crate) struct Fake {
    pub(crate) counters: Counters,
    script: Mutex<VecDeque<Answer>>,
    documents: Mutex<HashMap<String, Document>>,
    /// Valid tokens and when they expire.
    tokens: Mutex<HashMap<String, Instant>>,
    /// `expires_in` the token endpoint answers.
    pub(crate) token_lifetime: Mutex<u64>,
    /// How long the token endpoint takes.
    pub(crate) token_delay: Mutex<Duration>,
    /// A status the token endpoint answers instead of a token.
    pub(crate) token_status: Mutex<Option<u16>>,
    /// How the last token request authenticated: "basic" or "body".
    pub(crate) last_auth: Mutex<Option<&'static str>>,
    /// The bodies of `$process-messages` requests, in order.
    pub(crate) received: Mutex<Vec<Bytes>>,
}

pub(crate) struct FakeOcean {
    pub(crate) addr: SocketAddr,
    pub(crate) fake: Arc<Fake>,
}

impl FakeOcean {
    pub(crate) async fn start() -> Self {
        let fake = Arc::new(Fake {
            counters: Counters::default(),
            script: Mutex::default(),
            documents: Mutex::default(),
            tokens: Mutex::default(),
            token_lifetime: Mutex::new(3600),
            token_delay: Mutex::new(Duration::ZERO),
            token_status: Mutex::new(None),
            last_auth: Mutex::new(None),
            received: Mutex::default(),
        });
        let app = Router::new()
            .route("/svc/oauth2/token", post(token))
            .route("/svc/fhir/v1/$process-messages", post(process_messages))
            .fallback(get_document)
            .with_state(fake.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { addr, fake }
    }

    pub(crate) fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    pub(crate) fn script(&self, answers: impl IntoIterator<Item = Answer>) {
        self.fake.script.lock().unwrap().extend(answers);
    }

    /// Serves `doc` at `path_and_query`.
    pub(crate) fn document(&self, path_and_query: &str, doc: Document) {
        self.fake
            .documents
            .lock()
            .unwrap()
            .insert(path_and_query.to_owned(), doc);
    }

    pub(crate) fn tokens_fetched(&self) -> usize {
        self.fake.counters.token_requests.load(Ordering::SeqCst)
    }

    pub(crate) fn messages(&self) -> usize {
        self.fake.counters.message_requests.load(Ordering::SeqCst)
    }

    pub(crate) fn gets(&self) -> usize {
        self.fake.counters.get_requests.load(Ordering::SeqCst)
    }

    pub(crate) fn bad_tokens(&self) -> usize {
        self.fake.counters.bad_tokens.load(Ordering::SeqCst)
    }

    pub(crate) fn client(&self, config: ClientConfig) -> OceanClient {
        let site = OceanSite::new(OceanBase::Custom(self.base()), "1234").unwrap();
        OceanClient::new(
            site,
            &ClientCredentials::new(CLIENT_ID, CLIENT_SECRET),
            config,
        )
        .unwrap()
    }
}

impl Fake {
    /// Every token issued so far is expired from now on.
    pub(crate) fn tokens_expire_now(&self) {
        for exp in self.tokens.lock().unwrap().values_mut() {
            *exp = Instant::now();
        }
    }
}

fn outcome(severity: &str, text: &str) -> serde_json::Value {
    serde_json::json!({
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": "processing", "diagnostics": text}]
    })
}

fn json(status: u16, body: &serde_json::Value) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        [(header::CONTENT_TYPE, "application/fhir+json")],
        body.to_string(),
    )
        .into_response()
}

fn form_decode(s: &str) -> String {
    let s = s.replace('+', " ");
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        out.push(A[(n >> 18) as usize & 63] as char);
        out.push(A[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 {
            A[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if c.len() > 2 {
            A[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

async fn token(State(fake): State<Arc<Fake>>, headers: HeaderMap, body: String) -> Response {
    fake.counters.token_requests.fetch_add(1, Ordering::SeqCst);
    let delay = *fake.token_delay.lock().unwrap();
    tokio::time::sleep(delay).await;
    if let Some(status) = *fake.token_status.lock().unwrap() {
        return json(status, &serde_json::json!({"error": "server_error"}));
    }
    let form: HashMap<String, String> = body
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (form_decode(k), form_decode(v)))
        .collect();
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return json(400, &serde_json::json!({"error": "unsupported_grant_type"}));
    }
    let basic = format!(
        "Basic {}",
        base64(format!("{}:{}", CLIENT_ID, "s3cret%26more").as_bytes())
    );
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let mode = if auth == Some(basic.as_str()) {
        "basic"
    } else if auth.is_none()
        && form.get("client_id").map(String::as_str) == Some(CLIENT_ID)
        && form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET)
    {
        "body"
    } else {
        return json(401, &serde_json::json!({"error": "invalid_client"}));
    };
    *fake.last_auth.lock().unwrap() = Some(mode);
    let lifetime = *fake.token_lifetime.lock().unwrap();
    let n = fake.counters.token_requests.load(Ordering::SeqCst);
    let token = format!("tok-{n}-{}", uuid_ish());
    fake.tokens.lock().unwrap().insert(
        token.clone(),
        Instant::now() + Duration::from_secs(lifetime),
    );
    json(
        200,
        &serde_json::json!({"access_token": token, "token_type": "Bearer", "expires_in": lifetime}),
    )
}

fn uuid_ish() -> u64 {
    static N: AtomicU64 = AtomicU64::new(1);
    N.fetch_add(1, Ordering::SeqCst)
}

/// Whether the request carries a valid, unexpired token.
fn authorized(fake: &Fake, headers: &HeaderMap) -> bool {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    let ok = fake
        .tokens
        .lock()
        .unwrap()
        .get(token)
        .is_some_and(|exp| Instant::now() < *exp);
    if !ok {
        fake.counters.bad_tokens.fetch_add(1, Ordering::SeqCst);
    }
    ok
}

async fn process_messages(
    State(fake): State<Arc<Fake>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    fake.counters
        .message_requests
        .fetch_add(1, Ordering::SeqCst);
    if !authorized(&fake, &headers) {
        return json(401, &outcome("error", "unauthorized"));
    }
    assert_eq!(
        headers.get(header::CONTENT_TYPE).unwrap(),
        "application/fhir+json"
    );
    fake.received.lock().unwrap().push(body);
    let next = fake.script.lock().unwrap().pop_front();
    match next {
        None => json(200, &outcome("information", "accepted")),
        Some(Answer::Status(s)) => json(s, &outcome("error", "scripted")),
        Some(Answer::Json(s, body)) => json(s, &body),
        Some(Answer::RetryAfter(s, after)) => {
            let mut r = json(s, &outcome("error", "slow down"));
            r.headers_mut()
                .insert(header::RETRY_AFTER, after.parse().unwrap());
            r
        }
        Some(Answer::Slow(d)) => {
            tokio::time::sleep(d).await;
            json(200, &outcome("information", "accepted"))
        }
    }
}

async fn get_document(State(fake): State<Arc<Fake>>, request: Request) -> Response {
    fake.counters.get_requests.fetch_add(1, Ordering::SeqCst);
    if !authorized(&fake, request.headers()) {
        return json(401, &outcome("error", "unauthorized"));
    }
    let key = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let doc = fake.documents.lock().unwrap().get(&key).cloned();
    match doc {
        None => json(404, &outcome("error", "not found")),
        Some(Document::Bytes(content_type, bytes)) => {
            let mut r = Response::new(Body::from(bytes));
            if let Some(ct) = content_type {
                r.headers_mut()
                    .insert(header::CONTENT_TYPE, ct.parse().unwrap());
            }
            r
        }
        Some(Document::Endless {
            content_type,
            total,
            produced,
        }) => {
            let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
            let stream = futures_util::stream::unfold(0u64, move |sent| {
                let chunk = chunk.clone();
                let produced = produced.clone();
                async move {
                    if sent >= total {
                        return None;
                    }
                    produced.fetch_add(chunk.len() as u64, Ordering::SeqCst);
                    Some((
                        Ok::<_, std::io::Error>(chunk.clone()),
                        sent + chunk.len() as u64,
                    ))
                }
            });
            let mut r = Response::new(Body::from_stream(stream));
            r.headers_mut()
                .insert(header::CONTENT_TYPE, content_type.parse().unwrap());
            r
        }
    }
}
