//! The Receiver table's scenarios (and the General table's multi-site one).
use ocean_status::ReferralEvent;
use ocean_status::Stage;
use serde_json::Value;
use uuid::Uuid;

use super::{Ctx, Failed, Run};
use crate::report::Outcome;
use crate::state::{Inbound, PosRole};
use crate::template::{Addition, ReferralSpec};

type Result = std::result::Result<Outcome, Failed>;

const PENDING: &[Stage] = &[Stage::PendingBooking];
const BOOKED: &[Stage] = &[Stage::BookingConfirmed, Stage::BookingUnconfirmed];

fn stage_is(i: &Inbound, stages: &[Stage]) -> bool {
    i.folders
        .is_some_and(|f| stages.iter().any(|s| s.folders() == f))
}

async fn new_received(ctx: &Ctx, run: &mut Run) -> std::result::Result<ReferralSpec, Failed> {
    let spec = ctx.referral(PosRole::Receiver, ctx.site());
    let msg = ctx.message("add-service-request", &spec, &[]);
    ctx.deliver(run, &msg, spec.referral_id).await?;
    Ok(spec)
}

async fn accepted(ctx: &Ctx, run: &mut Run) -> std::result::Result<ReferralSpec, Failed> {
    let spec = new_received(ctx, run).await?;
    ctx.await_pos(
        run,
        &spec,
        "accept",
        "a Task status that files it in Pending Booking (accepted, in-progress, on-hold, ready)",
        |i| stage_is(i, PENDING),
    )
    .await?;
    ctx.expect_stage(run, "folder after accepting", spec.referral_id, PENDING)?;
    Ok(spec)
}

/// `R-CHALLENGE`.
pub(super) async fn challenge(ctx: &Ctx, run: &mut Run) -> Result {
    let challenge = Uuid::new_v4().simple().to_string();
    let d = ctx.deliverer.challenge(&challenge).await;
    let echoed = serde_json::from_slice::<Value>(&d.body).ok().and_then(|v| {
        v.get("challenge")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    let expected = "HTTP 200 with {\"challenge\": the same value}";
    match (d.last_status, echoed) {
        (Some(200), Some(e)) if e == challenge => {
            run.pass("challenge", expected, "echoed", None);
            Ok(Outcome::Pass)
        }
        (Some(200), Some(_)) => Err(run.fail(
            "challenge",
            expected,
            "HTTP 200 with another challenge value",
            None,
        )),
        (Some(200), None) => Err(run.fail(
            "challenge",
            expected,
            "HTTP 200 without the challenge in a JSON body",
            None,
        )),
        _ => Err(run.fail("challenge", expected, d.describe(), None)),
    }
}

/// `R-NEW`.
pub(super) async fn new_referral(ctx: &Ctx, run: &mut Run) -> Result {
    let spec = new_received(ctx, run).await?;
    ctx.expect_stage(run, "folder", spec.referral_id, &[Stage::New])?;
    Ok(Outcome::Pass)
}

/// `R-MALFORMED`: the ServiceRequest without `subject` breaks the IG rule `sr-subject`.
pub(super) async fn malformed(ctx: &Ctx, run: &mut Run) -> Result {
    let spec = ctx.referral(PosRole::Receiver, ctx.site());
    let mut msg = ctx.message("add-service-request", &spec, &[]);
    for e in msg
        .bundle
        .get_mut("entry")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        let is_sr =
            e.pointer("/resource/resourceType").and_then(Value::as_str) == Some("ServiceRequest");
        if let (true, Some(r)) = (is_sr, e.get_mut("resource").and_then(Value::as_object_mut)) {
            r.remove("subject");
        }
    }
    let d = ctx.deliverer.deliver_once(&msg.body()).await;
    let expected =
        "a 4xx (the message breaks the IG rule sr-subject: the ServiceRequest has no subject)";
    match d.last_status {
        Some(s) if (400..500).contains(&s) => {
            run.pass(
                "deliver add-service-request without subject",
                expected,
                format!("HTTP {s}"),
                None,
            );
            Ok(Outcome::Pass)
        }
        Some(s) if (200..300).contains(&s) => Err(run.fail(
            "deliver add-service-request without subject",
            expected,
            format!("HTTP {s}: the POS acknowledged a message it cannot have processed"),
            None,
        )),
        _ => Err(run.fail(
            "deliver add-service-request without subject",
            expected,
            d.describe(),
            None,
        )),
    }
}

/// `R-DUPLICATE`.
pub(super) async fn duplicate(ctx: &Ctx, run: &mut Run) -> Result {
    let spec = ctx.referral(PosRole::Receiver, ctx.site());
    let msg = ctx.message("add-service-request", &spec, &[]);
    for _ in 0..3 {
        ctx.deliver(run, &msg, spec.referral_id).await?;
    }
    tokio::time::sleep(ctx.quiet()).await;
    let adds = ctx
        .shared
        .inbound_since(0, spec.referral_id)
        .into_iter()
        .filter(|i| i.event == "notify-add-process-request")
        .count();
    let expected = "handled once: at most one notify-add-process-request for the referral";
    if adds <= 1 {
        run.pass(
            "handled once",
            expected,
            format!("{adds} notify-add-process-request"),
            ctx.shared.folders(spec.referral_id),
        );
        Ok(Outcome::Pass)
    } else {
        Err(run.fail(
            "handled once",
            expected,
            format!("{adds} notify-add-process-request: the repeats were handled as new referrals"),
            ctx.shared.folders(spec.referral_id),
        ))
    }
}

/// `R-STATUS-ACK`.
pub(super) async fn status_ack(ctx: &Ctx, run: &mut Run) -> Result {
    let spec = new_received(ctx, run).await?;
    let i = ctx
        .await_pos(
            run,
            &spec,
            "acknowledge",
            "a process-request Task with a status Ocean accepts",
            |i| i.task_status.is_some(),
        )
        .await?;
    let stage = ctx
        .shared
        .lock()
        .referrals
        .get(&spec.referral_id)
        .map(|r| r.stage());
    let expect = match i
        .task_status
        .as_deref()
        .map(ocean_status::AcceptedTaskStatus::parse)
    {
        Some(Ok(s)) => match s.effect() {
            ocean_status::TaskEffect::NoChange => Stage::New,
            ocean_status::TaskEffect::MoveTo(st) => st,
        },
        _ => stage.unwrap_or(Stage::New),
    };
    ctx.expect_stage(run, "folder for that status", spec.referral_id, &[expect])?;
    Ok(Outcome::Pass)
}

/// `R-STATUS-ACCEPT`.
pub(super) async fn status_accept(ctx: &Ctx, run: &mut Run) -> Result {
    accepted(ctx, run).await?;
    Ok(Outcome::Pass)
}

/// `R-STATUS-DECLINE`.
pub(super) async fn status_decline(ctx: &Ctx, run: &mut Run) -> Result {
    let spec = new_received(ctx, run).await?;
    ctx.await_pos(
        run,
        &spec,
        "decline",
        "Task status rejected: Declined",
        |i| stage_is(i, &[Stage::Declined]),
    )
    .await?;
    ctx.expect_stage(
        run,
        "folder after declining",
        spec.referral_id,
        &[Stage::Declined],
    )?;
    Ok(Outcome::Pass)
}

/// `R-STATUS-COMPLETE`.
pub(super) async fn status_complete(ctx: &Ctx, run: &mut Run) -> Result {
    let spec = accepted(ctx, run).await?;
    ctx.await_pos(
        run,
        &spec,
        "complete",
        "Task status completed (or failed): Completed",
        |i| stage_is(i, &[Stage::Completed]),
    )
    .await?;
    ctx.expect_stage(
        run,
        "folder after completing",
        spec.referral_id,
        &[Stage::Completed],
    )?;
    Ok(Outcome::Pass)
}

/// `R-CANCEL`.
pub(super) async fn cancel(ctx: &Ctx, run: &mut Run) -> Result {
    let spec = new_received(ctx, run).await?;
    ctx.settle(run, spec.referral_id).await;
    ctx.happened(spec.referral_id, ReferralEvent::Revoked);
    let msg = ctx.message("revoke-service-request", &spec, &[Addition::Revoked]);
    ctx.deliver(run, &msg, spec.referral_id).await?;
    ctx.expect_stage(run, "folder", spec.referral_id, &[Stage::Cancelled])?;
    ctx.expect_no_refusal(
        run,
        "no update Ocean refuses after the cancellation",
        spec.referral_id,
        ctx.quiet(),
    )
    .await?;
    Ok(Outcome::Pass)
}

/// `R-ATTACH`.
pub(super) async fn attach(ctx: &Ctx, run: &mut Run) -> Result {
    let mut spec = new_received(ctx, run).await?;
    let doc = Uuid::new_v4();
    spec.attachment = Some(doc);
    ctx.shared.lock().documents.insert(doc, spec.referral_id);
    let msg = ctx.message("notify-update-service-request", &spec, &[]);
    ctx.deliver(run, &msg, spec.referral_id).await?;
    ctx.shared.prompt(crate::state::Prompt {
        scenario: run.id().to_owned(),
        referral: spec.referral_id,
        action: "download",
        text: format!(
            "in the POS, attach referral {}'s documents ($letter, $binary)",
            spec.referral_id
        ),
    });
    let got = ctx
        .shared
        .wait_download(&[spec.referral_id, doc], ctx.wait)
        .await;
    let expected = "the POS downloads the referral's $binary or $letter";
    match got {
        Some(d) => {
            run.pass(
                "download",
                expected,
                format!("GET ${} answered {}", d.kind, d.status),
                None,
            );
            Ok(Outcome::Pass)
        }
        None => Err(run.fail(
            "download",
            expected,
            format!("no download within {} s", ctx.wait.as_secs_f32()),
            None,
        )),
    }
}

/// `R-APPT-NEW`.
pub(super) async fn appointment_new(ctx: &Ctx, run: &mut Run) -> Result {
    let spec = accepted(ctx, run).await?;
    ctx.await_pos(
        run,
        &spec,
        "book",
        "an Appointment with a valid date: Booking Confirmed or Unconfirmed",
        |i| i.appointment_status.is_some() && stage_is(i, BOOKED),
    )
    .await?;
    ctx.expect_stage(run, "folder after booking", spec.referral_id, BOOKED)?;
    Ok(Outcome::Pass)
}

/// `R-APPT-UPDATE`.
pub(super) async fn appointment_update(ctx: &Ctx, run: &mut Run) -> Result {
    let spec = accepted(ctx, run).await?;
    let booked = |i: &Inbound| i.appointment_status.is_some() && stage_is(i, BOOKED);
    ctx.await_pos(
        run,
        &spec,
        "book",
        "an Appointment with a valid date: Booking Confirmed or Unconfirmed",
        booked,
    )
    .await?;
    ctx.await_pos(
        run,
        &spec,
        "reschedule",
        "the Appointment with a new valid date: still booked",
        booked,
    )
    .await?;
    ctx.expect_stage(run, "folder after rescheduling", spec.referral_id, BOOKED)?;
    ctx.await_pos(
        run,
        &spec,
        "cancel-appointment",
        "the Appointment cancelled: back to Pending Booking",
        |i| i.appointment_status.as_deref() == Some("cancelled"),
    )
    .await?;
    ctx.expect_stage(
        run,
        "folder after cancelling the appointment",
        spec.referral_id,
        PENDING,
    )?;
    Ok(Outcome::Pass)
}

/// `R-CORRECTION`.
pub(super) async fn correction(ctx: &Ctx, run: &mut Run) -> Result {
    let spec = new_received(ctx, run).await?;
    ctx.await_pos(
        run,
        &spec,
        "correct",
        "notify-data-correction accepted",
        |i| i.event == "notify-data-correction",
    )
    .await?;
    Ok(Outcome::Pass)
}

/// `R-COMM-OUT`.
pub(super) async fn communication_out(ctx: &Ctx, run: &mut Run) -> Result {
    let spec = accepted(ctx, run).await?;
    ctx.await_pos(
        run,
        &spec,
        "message",
        "send-communication-from-provider: Awaiting Reply",
        |i| i.event == "send-communication-from-provider",
    )
    .await?;
    ctx.expect_stage(
        run,
        "folder after the message",
        spec.referral_id,
        &[Stage::AwaitingResponse],
    )?;
    Ok(Outcome::Pass)
}

/// `R-COMM-IN`.
pub(super) async fn communication_in(ctx: &Ctx, run: &mut Run) -> Result {
    let spec = new_received(ctx, run).await?;
    let msg = ctx.message(
        "send-communication-from-requester",
        &spec,
        &[Addition::Communication(
            "Simulated question from the referrer",
        )],
    );
    ctx.happened(spec.referral_id, ReferralEvent::MessageFromSender);
    ctx.deliver(run, &msg, spec.referral_id).await?;
    ctx.expect_stage(run, "folder", spec.referral_id, &[Stage::New])?;
    Ok(Outcome::Pass)
}

/// `G-MULTISITE`.
pub(super) async fn multisite(ctx: &Ctx, run: &mut Run) -> Result {
    if ctx.sites.len() < 2 {
        run.pass(
            "sites",
            "two Ocean sites",
            "one site configured (--site)",
            None,
        );
        return Ok(Outcome::NotRun);
    }
    let mut specs = Vec::new();
    for site in ctx.sites.iter().take(2) {
        let spec = ctx.referral(PosRole::Receiver, site);
        let msg = ctx.message("add-service-request", &spec, &[]);
        ctx.deliver(run, &msg, spec.referral_id).await?;
        specs.push(spec);
    }
    for spec in &specs {
        ctx.await_pos(
            run,
            spec,
            "acknowledge",
            "a Task status for this referral, from its own site",
            |i| i.task_status.is_some(),
        )
        .await?;
    }
    Ok(Outcome::Pass)
}
