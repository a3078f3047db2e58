//! Demonstrates the send side of `ocean_ereferral::messages`: a receiving POS replies to a
//! received referral with `notify-add-process-request` (its Task, status `received`), built
//! deterministically (sequential ids, a fixed clock) so the output is the same on every run.
//!
//! ```text
//! cargo run --example send     # replies to the bundled Ocean add-service-request
//! ```
//!
//! From a shell, `ocean send EVENT --from RECEIVED.json [--deterministic]` builds any of the five
//! events a POS sends and checks the result as Ocean does.

use ocean_ereferral::messages::build::{
    FixedClock, Outbound, PosSystem, SequentialIds, TaskUpdate,
};
use ocean_ereferral::messages::{self, OceanSite, Received};
use ocean_ereferral::model::{Instant, OceanBase};
use ocean_ereferral::status::{AcceptedTaskStatus, ReferralState};

const RECEIVED: &[u8] = include_bytes!("../testdata/ocean/ereferral_back_pain.bundle.json");

fn main() -> Result<(), String> {
    let Ok(Received::Supported(received)) = messages::parse(RECEIVED) else {
        return Err("the bundled sample is not a supported message".into());
    };
    // The site the message belongs to. A POS serving several sites configures them and picks
    // one with `OceanSite::find_for(&sites, &received)`.
    let base = received
        .ocean_base()
        .cloned()
        .unwrap_or(OceanBase::Production);
    let number = received.receiver_site_number().unwrap_or("0").to_owned();
    let site = OceanSite::new(base, number).map_err(|e| e.to_string())?;
    let pos = PosSystem::new("Demo EMR", "https://emr.example.org/ocean/$process-message")
        .map_err(|e| e.to_string())?;

    // Without `with_ids`/`with_clock`, ids are random UUIDs and the clock is the system's.
    let now = Instant::new("2025-06-02T10:15:30.250-04:00")
        .instant()
        .ok_or("not a time")?;
    let built = Outbound::new(&received, &site, &pos)
        .map_err(|e| e.to_string())?
        .with_ids(SequentialIds::new())
        .with_clock(FixedClock::new(now))
        .add_process_request(&TaskUpdate::new(AcceptedTaskStatus::Received))
        .map_err(|e| e.to_string())?;

    // POST it to the site's $process-messages as application/fhir+json.
    println!("POST {}", built.url());
    println!("{}", built.to_json_pretty().map_err(|e| e.to_string())?);
    // Where the referral sits once Ocean accepts it.
    let folders = ReferralState::fold(built.referral_events()).folders();
    println!(
        "Ocean folders: sent \"{}\", received \"{}\"",
        folders.sent, folders.received
    );
    Ok(())
}
