//! The Sender table's scenarios that need no SMART launch: Ocean's messages to a sending POS.
use ocean_status::ReferralEvent;
use ocean_status::{AcceptedTaskStatus, AppointmentEvent, Stage};

use super::{Ctx, Failed, Run};
use crate::report::Outcome;
use crate::state::PosRole;
use crate::template::{Addition, ReferralSpec};

type Result = std::result::Result<Outcome, Failed>;

fn in_a_week(days: i64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::days(days);
    format!(
        "{:04}-{:02}-{:02}T09:30:00.000Z",
        t.year(),
        u8::from(t.month()),
        t.day()
    )
}

async fn sent(ctx: &Ctx, run: &mut Run) -> std::result::Result<ReferralSpec, Failed> {
    let spec = ctx.referral(PosRole::Sender, ctx.site());
    let msg = ctx.message("notify-add-service-request", &spec, &[]);
    ctx.deliver(run, &msg, spec.referral_id).await?;
    Ok(spec)
}

async fn update(
    ctx: &Ctx,
    run: &mut Run,
    spec: &ReferralSpec,
    events: &[ReferralEvent],
    additions: &[Addition],
    stage: Stage,
) -> std::result::Result<(), Failed> {
    for e in events {
        ctx.happened(spec.referral_id, *e);
    }
    let msg = ctx.message("notify-update-service-request", spec, additions);
    ctx.deliver(run, &msg, spec.referral_id).await?;
    ctx.expect_stage(run, "Ocean folder (Sent)", spec.referral_id, &[stage])
}

/// `S-NEW`.
pub(super) async fn new_copy(ctx: &Ctx, run: &mut Run) -> Result {
    let spec = sent(ctx, run).await?;
    ctx.expect_stage(run, "Ocean folder (Sent)", spec.referral_id, &[Stage::New])?;
    ctx.expect_no_refusal(
        run,
        "no update Ocean refuses from the sender",
        spec.referral_id,
        ctx.quiet(),
    )
    .await?;
    Ok(Outcome::Pass)
}

/// `S-STATUS`.
pub(super) async fn status(ctx: &Ctx, run: &mut Run) -> Result {
    let spec = sent(ctx, run).await?;
    update(
        ctx,
        run,
        &spec,
        &[ReferralEvent::TaskStatus(AcceptedTaskStatus::Accepted)],
        &[Addition::Task("accepted")],
        Stage::PendingBooking,
    )
    .await?;
    ctx.expect_no_refusal(
        run,
        "the sender sends no status of its own",
        spec.referral_id,
        ctx.quiet(),
    )
    .await?;
    update(
        ctx,
        run,
        &spec,
        &[ReferralEvent::TaskStatus(AcceptedTaskStatus::Completed)],
        &[Addition::Task("completed")],
        Stage::Completed,
    )
    .await?;
    ctx.expect_no_refusal(
        run,
        "the sender sends no status of its own",
        spec.referral_id,
        ctx.quiet(),
    )
    .await?;
    Ok(Outcome::Pass)
}

/// `S-APPT-NEW`.
pub(super) async fn appointment_new(ctx: &Ctx, run: &mut Run) -> Result {
    let spec = sent(ctx, run).await?;
    update(
        ctx,
        run,
        &spec,
        &[
            ReferralEvent::TaskStatus(AcceptedTaskStatus::Accepted),
            ReferralEvent::Appointment(AppointmentEvent::BookedConfirmed),
        ],
        &[
            Addition::Task("accepted"),
            Addition::Appointment("booked", Some(in_a_week(7))),
        ],
        Stage::BookingConfirmed,
    )
    .await?;
    Ok(Outcome::Pass)
}

/// `S-APPT-UPDATE`.
pub(super) async fn appointment_update(ctx: &Ctx, run: &mut Run) -> Result {
    let spec = sent(ctx, run).await?;
    let accepted = ReferralEvent::TaskStatus(AcceptedTaskStatus::Accepted);
    let booked = ReferralEvent::Appointment(AppointmentEvent::BookedConfirmed);
    update(
        ctx,
        run,
        &spec,
        &[accepted, booked],
        &[
            Addition::Task("accepted"),
            Addition::Appointment("booked", Some(in_a_week(7))),
        ],
        Stage::BookingConfirmed,
    )
    .await?;
    update(
        ctx,
        run,
        &spec,
        &[booked],
        &[
            Addition::Task("accepted"),
            Addition::Appointment("booked", Some(in_a_week(9))),
        ],
        Stage::BookingConfirmed,
    )
    .await?;
    update(
        ctx,
        run,
        &spec,
        &[ReferralEvent::Appointment(AppointmentEvent::Cancelled)],
        &[
            Addition::Task("accepted"),
            Addition::Appointment("cancelled", Some(in_a_week(9))),
        ],
        Stage::PendingBooking,
    )
    .await?;
    Ok(Outcome::Pass)
}

/// `S-COMM`.
pub(super) async fn communication(ctx: &Ctx, run: &mut Run) -> Result {
    let spec = sent(ctx, run).await?;
    update(
        ctx,
        run,
        &spec,
        &[
            ReferralEvent::TaskStatus(AcceptedTaskStatus::Accepted),
            ReferralEvent::MessageFromReceiver,
        ],
        &[
            Addition::Task("accepted"),
            Addition::Communication("Simulated message from the receiving clinic"),
        ],
        Stage::AwaitingResponse,
    )
    .await?;
    Ok(Outcome::Pass)
}
