//! No patient data in any log line, error or answer: a message with sentinel names goes
//! through every path (accepted, repeat, failed hand-off, invalid, too large, unauthorised,
//! store unavailable, outbound rejection) while tracing is captured.

use std::io::Write;
use std::sync::{Arc, Mutex};

use ocean_gateway::client::SendOutcome;
use ocean_gateway::inbound::{Inbound, InboundClient, InboundOptions};
use ocean_gateway::store::Store;

use crate::support::*;

const SENTINEL: &str = "Zqsentinelname";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn sentinel_message(n: usize) -> Vec<u8> {
    String::from_utf8(variant(n, n))
        .unwrap()
        .replace("DKTest", SENTINEL)
        .replace("\"male\"", "\"other\"")
        .into_bytes()
}

#[tokio::test(flavor = "current_thread")]
async fn no_patient_data_in_logs_errors_or_answers() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let mut texts: Vec<String> = Vec::new();

    let message = sentinel_message(1);
    assert!(String::from_utf8_lossy(&message).contains(SENTINEL));
    let rejection = serde_json::json!({"resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "invalid", "diagnostics": SENTINEL}]});
    let gw = TestGateway::start_with(
        |o| o.inbound.max_body_bytes = 100_000,
        Recorder::failing(1),
        Scripted::new(vec![SendOutcome::Rejected {
            status: 422,
            outcome: Some(rejection),
        }]),
    )
    .await;
    let token = gw.token().await;
    // Accepted, repeated, handed over after one failure.
    for _ in 0..2 {
        let r = gw
            .post(message.clone(), Some(&token), "application/fhir+json")
            .await;
        assert_eq!(r.status(), 200);
        texts.push(r.text().await.unwrap());
    }
    gw.until("hand-off", |g| g.handler.keys().len() == 2).await;
    // Invalid: cut short, and a patient name of the wrong JSON type.
    let cut = message[..message.len() / 2].to_vec();
    let wrong_type = String::from_utf8(message.clone())
        .unwrap()
        .replace(
            &format!("\"family\": \"{SENTINEL}\""),
            &format!("\"family\": [\"{SENTINEL}\"]"),
        )
        .into_bytes();
    for body in [cut, wrong_type] {
        let r = gw.post(body, Some(&token), "application/fhir+json").await;
        assert_eq!(r.status(), 400);
        texts.push(r.text().await.unwrap());
    }
    // Too large, unauthorised, wrong media type.
    let big = [message.as_slice(), &vec![b' '; 100_000]].concat();
    for (body, token, ct, status) in [
        (big, Some(token.as_str()), "application/fhir+json", 413),
        (message.clone(), None, "application/fhir+json", 401),
        (
            message.clone(),
            Some(SENTINEL),
            "application/fhir+json",
            401,
        ),
        (message.clone(), Some(token.as_str()), "text/plain", 415),
    ] {
        let r = gw.post(body, token, ct).await;
        assert_eq!(r.status(), status);
        texts.push(r.text().await.unwrap());
    }
    // Outbound rejection with the sentinel in Ocean's answer.
    let received = ocean_messages::parse(&message)
        .unwrap()
        .into_message()
        .unwrap();
    let site = ocean_messages::OceanSite::new(
        ocean_model::OceanBase::Custom("http://localhost:8081".into()),
        received.receiver_site_number().unwrap_or("1"),
    )
    .unwrap();
    let pos = ocean_messages::build::PosSystem::new("POS", "https://pos.example.org/o").unwrap();
    let reply = ocean_messages::build::Outbound::new(&received, &site, &pos)
        .unwrap()
        .add_process_request(&ocean_messages::build::TaskUpdate::new(
            ocean_status::AcceptedTaskStatus::Received,
        ))
        .unwrap();
    gw.gateway().outbox().send("site", &reply).await.unwrap();
    gw.until("dead letter", |g| !g.dead.lock().unwrap().is_empty())
        .await;
    texts.push(format!("{:?}", gw.dead.lock().unwrap()));
    for d in gw.gateway().store().dead_letters(10).await.unwrap() {
        texts.push(format!("{d:?} {}", d.reason));
    }
    gw.stop().await;

    // Store unavailable.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("s.db").display()))
        .await
        .unwrap();
    let inbound = Inbound::new(
        store.clone(),
        InboundOptions::new(vec![InboundClient::new(CLIENT_ID, CLIENT_SECRET)]),
    );
    store.close().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(axum::serve(listener, inbound.router()).into_future());
    let r = reqwest::Client::new()
        .post(format!("{base}/fhir/$process-message"))
        .header("content-type", "application/fhir+json")
        .bearer_auth("some-token")
        .body(message.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    texts.push(r.text().await.unwrap());
    let e = store.inbox_counts().await.unwrap_err();
    texts.push(format!("{e} {e:?}"));
    server.abort();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("hand-off failed"),
        "the capture works: {logs}"
    );
    assert!(logs.contains("message refused"));
    assert!(
        !logs.contains(SENTINEL),
        "a log line names the patient:\n{logs}"
    );
    for text in &texts {
        assert!(
            !text.contains(SENTINEL),
            "an answer or error names the patient: {text}"
        );
    }
}
