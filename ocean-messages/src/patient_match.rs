//! Auto-match a received referral's patient to the POS's patients (being built).
