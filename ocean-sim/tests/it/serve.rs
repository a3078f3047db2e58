//! `ocean-sim --serve`: Ocean's side alone takes a POS's messages about referrals it never sent.
use std::net::SocketAddr;

use ocean_messages::OceanSite;
use ocean_messages::build::{Outbound, PosSystem, TaskUpdate};
use ocean_model::OceanBase;
use ocean_sim::ocean_api::OceanClientCredentials;
use ocean_sim::template::{ReferralSpec, Templates};
use serde_json::Value;
use uuid::Uuid;

#[tokio::test]
async fn serve_files_a_pos_message_about_an_unknown_referral() {
    let client = OceanClientCredentials {
        client_id: "manual".into(),
        client_secret: "manual-secret".into(),
        sites: vec![],
    };
    let server = ocean_sim::serve_with(SocketAddr::from(([127, 0, 0, 1], 0)), vec![client], true)
        .await
        .unwrap();
    let spec = ReferralSpec {
        referral_id: Uuid::new_v4(),
        receiver_site: "1234".into(),
        sender_site: "9999".into(),
        patient: ocean_sim::patients::patient(2),
        attachment: None,
    };
    let add = Templates::new(server.base.clone(), "http://127.0.0.1:1/hook")
        .message(
            "add-service-request",
            &spec,
            &[],
            "2026-01-01T00:00:00Z",
            None,
        )
        .body();
    let received = ocean_messages::parse(&add).unwrap().into_message().unwrap();
    let site = OceanSite::new(OceanBase::Custom(server.base.clone()), "1234").unwrap();
    let pos = PosSystem::new("Manual EMR", "http://127.0.0.1/emr").unwrap();
    let accept = Outbound::new(&received, &site, &pos)
        .unwrap()
        .update_process_request(&TaskUpdate::accept())
        .unwrap()
        .to_json()
        .unwrap();
    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!("{}/svc/oauth2/token", server.base))
        .basic_auth("manual", Some("manual-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let answer = http
        .post(format!("{}/svc/fhir/v1/$process-messages", server.base))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .header("content-type", "application/fhir+json")
        .body(accept)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    let referrals: Value = http
        .get(format!("{}/sim/referrals", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(referrals[0]["folders"]["received"], "Pending Booking");
    server.stop();
}
