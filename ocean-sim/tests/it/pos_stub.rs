//! A stub POS (an axum app): its webhook, its token endpoint, and a driver that acts on the
//! simulator's prompts with the `ocean-messages` builders. Each `Flaw` makes it wrong in one way.
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use ocean_messages::build::{
    AppointmentUpdate, Booking, Correction, Outbound, OutgoingCommunication, PosSystem, TaskUpdate,
};
use ocean_messages::{EventCode, Message, OceanSite, Received};
use ocean_model::OceanBase;
use ocean_sim::OceanServer;
use ocean_sim::SimConfig;
use ocean_sim::deliver::PosEndpoint;
use ocean_sim::ocean_api::OceanClientCredentials;
use ocean_sim::retry::TimeScale;
use ocean_status::AcceptedTaskStatus;
use serde_json::Value;
use uuid::Uuid;

pub(crate) const CLIENT_ID: &str = "stub-client";
pub(crate) const CLIENT_SECRET: &str = "stub-secret";
const TOKEN: &str = "stub-token";

/// How the stub is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flaw {
    None,
    AcksMalformed,
    Always500,
    SendsDraft,
    AppointmentWithoutDate,
    StatusAsSender,
    IgnoresChallenge,
}

#[derive(Default)]
struct Memory {
    bodies: HashMap<String, Vec<u8>>,
    seen: HashSet<String>,
    appointments: HashMap<String, Uuid>,
    handled: HashSet<(String, String, Uuid)>,
}

#[derive(Clone)]
pub(crate) struct Stub {
    flaw: Flaw,
    ocean: String,
    memory: Arc<Mutex<Memory>>,
    http: reqwest::Client,
}

pub(crate) struct Running {
    pub(crate) server: OceanServer,
    pub(crate) config: SimConfig,
}

/// Starts a simulated Ocean and a stub POS wired to each other; the driver runs until the test ends.
pub(crate) async fn start(flaw: Flaw) -> Running {
    let server = ocean_sim::serve(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        vec![OceanClientCredentials {
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            sites: vec![],
        }],
    )
    .await
    .unwrap();
    let stub = Stub {
        flaw,
        ocean: server.base.clone(),
        memory: Arc::default(),
        http: reqwest::Client::new(),
    };
    let app = Router::new()
        .route("/token", post(token))
        .route("/hook", post(hook))
        .with_state(stub.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    tokio::spawn(drive(stub));
    let mut config = SimConfig::new(PosEndpoint {
        webhook: format!("http://{addr}/hook"),
        token_url: Some(format!("http://{addr}/token")),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
    });
    config.wait = Duration::from_secs(3);
    config.scale = TimeScale::new(Duration::from_millis(1));
    Running { server, config }
}

async fn token(body: Bytes) -> Response {
    let body = String::from_utf8_lossy(&body);
    let ok = body.contains("grant_type=client_credentials")
        && body.contains(&format!("client_id={CLIENT_ID}"))
        && body.contains(&format!("client_secret={CLIENT_SECRET}"));
    if !ok {
        return (StatusCode::UNAUTHORIZED, "{\"error\":\"invalid_client\"}").into_response();
    }
    axum::Json(
        serde_json::json!({"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600}),
    )
    .into_response()
}

async fn hook(State(stub): State<Stub>, headers: HeaderMap, body: Bytes) -> Response {
    if stub.flaw == Flaw::Always500 {
        return (StatusCode::INTERNAL_SERVER_ERROR, "down").into_response();
    }
    if let Ok(v) = serde_json::from_slice::<Value>(&body) {
        if let Some(c) = v.get("challenge") {
            if stub.flaw == Flaw::IgnoresChallenge {
                return (StatusCode::OK, "{}").into_response();
            }
            return axum::Json(serde_json::json!({ "challenge": c })).into_response();
        }
    }
    let authorized = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {TOKEN}"));
    if !authorized {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let result = ocean_messages::parse(&body);
    let ack = ocean_messages::http::ack(&result);
    if !ack.is_success() {
        let status = if stub.flaw == Flaw::AcksMalformed {
            200
        } else {
            ack.status()
        };
        return (StatusCode::from_u16(status).unwrap(), ack.body()).into_response();
    }
    if let Ok(Received::Supported(m)) = result {
        let referral = m.referral_id().as_str().to_owned();
        let key = m.idempotency_key().as_str().to_owned();
        let first = stub.memory.lock().unwrap().seen.insert(key);
        if first {
            match m.code() {
                EventCode::AddServiceRequest => {
                    stub.memory
                        .lock()
                        .unwrap()
                        .bodies
                        .insert(referral.clone(), body.to_vec());
                    let s = stub.clone();
                    tokio::spawn(async move {
                        let status = if s.flaw == Flaw::SendsDraft {
                            "draft"
                        } else {
                            "received"
                        };
                        s.act_status(&referral, status, true).await;
                    });
                }
                EventCode::NotifyAddServiceRequest if stub.flaw == Flaw::StatusAsSender => {
                    // Relabelled so the builders accept it: the stub wrongly acts on a sent referral.
                    let text = String::from_utf8_lossy(&body)
                        .replace("\"notify-add-service-request\"", "\"add-service-request\"");
                    stub.memory
                        .lock()
                        .unwrap()
                        .bodies
                        .insert(referral.clone(), text.into_bytes());
                    let s = stub.clone();
                    tokio::spawn(async move { s.act_status(&referral, "accepted", false).await });
                }
                _ => {}
            }
        }
    }
    (StatusCode::OK, ack.body()).into_response()
}

impl Stub {
    fn message(&self, referral: &str) -> Option<Message> {
        let body = self.memory.lock().unwrap().bodies.get(referral).cloned()?;
        ocean_messages::parse(&body).ok()?.into_message()
    }

    async fn ocean_token(&self) -> String {
        let r: Value = self
            .http
            .post(format!("{}/svc/oauth2/token", self.ocean))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", CLIENT_ID),
                ("client_secret", CLIENT_SECRET),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        r["access_token"].as_str().unwrap().to_owned()
    }

    async fn post_to_ocean(&self, body: String) {
        let token = self.ocean_token().await;
        let _ = self
            .http
            .post(format!("{}/svc/fhir/v1/$process-messages", self.ocean))
            .bearer_auth(token)
            .header("content-type", "application/fhir+json")
            .body(body)
            .send()
            .await;
    }

    /// Builds with the `ocean-messages` builders, then lets `edit` break the JSON.
    fn build(
        &self,
        referral: &str,
        f: impl FnOnce(&mut Outbound<'_>) -> ocean_messages::build::OutboundMessage,
    ) -> Option<Value> {
        let m = self.message(referral)?;
        let site_number = m.receiver_site_number().unwrap_or("1").to_owned();
        let site = OceanSite::new(OceanBase::Custom(self.ocean.clone()), site_number).ok()?;
        let pos = PosSystem::new("Stub EMR", "http://127.0.0.1/stub").ok()?;
        let mut out = Outbound::new(&m, &site, &pos).ok()?;
        let built = f(&mut out);
        serde_json::from_str(&built.to_json().ok()?).ok()
    }

    async fn act_status(&self, referral: &str, status: &str, add: bool) {
        let accepted =
            AcceptedTaskStatus::from_code(status).unwrap_or(AcceptedTaskStatus::Received);
        let Some(mut v) = self.build(referral, |o| {
            let u = TaskUpdate::new(accepted);
            if add {
                o.add_process_request(&u).unwrap()
            } else {
                o.update_process_request(&u).unwrap()
            }
        }) else {
            return;
        };
        if status == "draft" {
            set_in(&mut v, "Task", |t| t["status"] = "draft".into());
        }
        self.post_to_ocean(v.to_string()).await;
    }

    async fn act(&self, action: &str, referral: Uuid) {
        let r = referral.to_string();
        let week = time::OffsetDateTime::now_utc() + time::Duration::days(7);
        let v = match action {
            "acknowledge" => {
                let status = if self.flaw == Flaw::SendsDraft {
                    "draft"
                } else {
                    "received"
                };
                return self.act_status(&r, status, true).await;
            }
            "accept" => return self.act_status(&r, "accepted", false).await,
            "decline" => self.build(&r, |o| {
                o.update_process_request(&TaskUpdate::decline("Simulated decline"))
                    .unwrap()
            }),
            "complete" => self.build(&r, |o| {
                o.update_process_request(&TaskUpdate::complete()).unwrap()
            }),
            "book" => {
                let id = Uuid::new_v4();
                self.memory
                    .lock()
                    .unwrap()
                    .appointments
                    .insert(r.clone(), id);
                let mut v = self.build(&r, |o| {
                    o.add_appointment(&Booking::scheduled(week).with_appointment_id(id))
                        .unwrap()
                });
                if self.flaw == Flaw::AppointmentWithoutDate {
                    if let Some(v) = v.as_mut() {
                        set_in(v, "Appointment", |a| {
                            a.as_object_mut().unwrap().remove("start");
                            a.as_object_mut().unwrap().remove("end");
                        });
                    }
                }
                v
            }
            "reschedule" | "cancel-appointment" => {
                let id = self
                    .memory
                    .lock()
                    .unwrap()
                    .appointments
                    .get(&r)
                    .copied()
                    .unwrap_or_default();
                let update = if action == "reschedule" {
                    AppointmentUpdate::reschedule(
                        Booking::scheduled(week + time::Duration::days(2)).with_appointment_id(id),
                    )
                } else {
                    AppointmentUpdate::cancel(Some("Simulated cancellation".into()))
                };
                self.build(&r, |o| {
                    o.update_appointment(&update.with_appointment_id(id))
                        .unwrap()
                })
            }
            "correct" => {
                let m = self.message(&r);
                let mut patient = m
                    .as_ref()
                    .map(|m| m.referral().patient().clone())
                    .unwrap_or_default();
                patient.active = Some(true);
                self.build(&r, |o| {
                    o.correct_data(&Correction::new().with_patient(patient))
                        .unwrap()
                })
            }
            "message" => self.build(&r, |o| {
                o.send_communication(&OutgoingCommunication::text("Simulated reply"))
                    .unwrap()
            }),
            "download" => {
                let token = self.ocean_token().await;
                let url = format!("{}/svc/fhir/v1/ServiceRequest/{r}/$letter", self.ocean);
                let _ = self.http.get(url).bearer_auth(token).send().await;
                None
            }
            _ => None,
        };
        if let Some(v) = v {
            self.post_to_ocean(v.to_string()).await;
        }
    }
}

fn set_in(bundle: &mut Value, ty: &str, f: impl FnOnce(&mut Value)) {
    let entry = bundle["entry"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|e| e["resource"]["resourceType"] == ty)
        .unwrap();
    f(&mut entry["resource"]);
}

/// Acts on every new prompt (the part a person does in a real POS).
async fn drive(stub: Stub) {
    loop {
        tokio::time::sleep(Duration::from_millis(10)).await;
        let Ok(r) = stub
            .http
            .get(format!("{}/sim/prompts", stub.ocean))
            .send()
            .await
        else {
            continue;
        };
        let prompts: Vec<Value> = r.json().await.unwrap_or_default();
        for p in prompts {
            let scenario = p["scenario"].as_str().unwrap_or_default().to_owned();
            let action = p["action"].as_str().unwrap_or_default().to_owned();
            let referral = p["referral"]
                .as_str()
                .and_then(|s| Uuid::parse_str(s).ok())
                .unwrap_or_default();
            if action.starts_with("launch-") {
                continue; // the SMART tests launch themselves
            }
            let new =
                stub.memory
                    .lock()
                    .unwrap()
                    .handled
                    .insert((scenario, action.clone(), referral));
            if new {
                let s = stub.clone();
                tokio::spawn(async move { s.act(&action, referral).await });
            }
        }
    }
}
