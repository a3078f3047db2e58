//! FHIR `date`, `dateTime`, `instant` and `time`: the text is kept exactly as received, and
//! parsed on demand.
//!
//! Comparison rule (used to decide which Observation is "latest"): a value compares as the
//! **instant at the start of its period, in UTC**. `2019` is `2019-01-01T00:00:00Z`, `2019-05` is
//! `2019-05-01T00:00:00Z`, `2019-05-01` is `2019-05-01T00:00:00Z`, and
//! `2019-05-01T10:00:00-07:00` is `2019-05-01T17:00:00Z`. A leap second (`:60`) counts as the
//! last nanosecond of its minute.
//!
//! Strict parsing follows the FHIR R4 regular expressions (a time needs seconds and an offset).
//! [`DateTime::parse_lenient`] also accepts a time without seconds and a time without offset
//! (read as UTC), as POS data often has them.
//!
//! ```
//! use ocean_model::DateTime;
//! let a = DateTime::new("2019-05");
//! let b = DateTime::new("2019-04-30T23:30:00-08:00");
//! assert!(a.instant().unwrap() < b.instant().unwrap()); // b is 2019-05-01T07:30Z
//! assert_eq!(b.date_part(), "2019-04-30");
//! ```

use time::{Month, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Why a date or time text did not parse. Carries no part of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DateTimeError {
    /// The text does not follow the grammar (the byte offset where it stops matching).
    #[error("not a valid FHIR date/time (syntax error at byte {0})")]
    Syntax(usize),
    /// A component is out of range (month 13, 30 February, offset over 14:00, ...).
    #[error("date/time component out of range")]
    OutOfRange,
    /// A time of day without a UTC offset, which strict FHIR forbids.
    #[error("time without a UTC offset")]
    MissingOffset,
    /// A precision this type does not allow (e.g. an `instant` without time).
    #[error("precision not allowed for this type")]
    Precision,
}

/// How precise a parsed date/time is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    /// `YYYY`
    Year,
    /// `YYYY-MM`
    Month,
    /// `YYYY-MM-DD`
    Day,
    /// `YYYY-MM-DDThh:mm[:ss[.fff]]` with or without offset
    Time,
}

/// A time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeOfDay {
    /// 0–23
    pub hour: u8,
    /// 0–59
    pub minute: u8,
    /// 0–60 (60 is a leap second)
    pub second: u8,
    /// fraction of a second (digits past the ninth are ignored)
    pub nanosecond: u32,
}

/// A parsed date or date-time of any FHIR precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDateTime {
    /// Year, 1–9999.
    pub year: i32,
    /// Month, 1–12, if given.
    pub month: Option<u8>,
    /// Day of month, if given (checked against the month).
    pub day: Option<u8>,
    /// Time of day, if given.
    pub time: Option<TimeOfDay>,
    /// The UTC offset, if given (`Z` is zero). A time without offset is read as UTC.
    pub offset: Option<UtcOffset>,
}

impl PartialDateTime {
    /// How precise the value is.
    pub fn precision(&self) -> Precision {
        if self.time.is_some() {
            Precision::Time
        } else if self.day.is_some() {
            Precision::Day
        } else if self.month.is_some() {
            Precision::Month
        } else {
            Precision::Year
        }
    }

    /// The instant at the start of the period, in UTC (see the module docs).
    pub fn start_instant(&self) -> Result<OffsetDateTime, DateTimeError> {
        let month =
            Month::try_from(self.month.unwrap_or(1)).map_err(|_| DateTimeError::OutOfRange)?;
        let date = time::Date::from_calendar_date(self.year, month, self.day.unwrap_or(1))
            .map_err(|_| DateTimeError::OutOfRange)?;
        let tod = match self.time {
            None => time::Time::MIDNIGHT,
            Some(t) if t.second == 60 => {
                time::Time::from_hms_nano(t.hour, t.minute, 59, 999_999_999)
                    .map_err(|_| DateTimeError::OutOfRange)?
            }
            Some(t) => time::Time::from_hms_nano(t.hour, t.minute, t.second, t.nanosecond)
                .map_err(|_| DateTimeError::OutOfRange)?,
        };
        let offset = if self.time.is_some() {
            self.offset.unwrap_or(UtcOffset::UTC)
        } else {
            UtcOffset::UTC
        };
        // `checked_to_offset`: the UTC instant of `9999-12-31T23:00:00-01:00` is in year 10000,
        // which `time` cannot hold (`to_offset` would panic).
        PrimitiveDateTime::new(date, tod)
            .assume_offset(offset)
            .checked_to_offset(UtcOffset::UTC)
            .ok_or(DateTimeError::OutOfRange)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Grammar {
    Date,
    DateTime { lenient: bool },
    Instant,
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, c: u8) -> Result<(), DateTimeError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(DateTimeError::Syntax(self.i))
        }
    }
    fn digits(&mut self, n: usize) -> Result<u32, DateTimeError> {
        let mut v = 0u32;
        for _ in 0..n {
            match self.peek() {
                Some(d @ b'0'..=b'9') => {
                    v = v * 10 + u32::from(d - b'0');
                    self.i += 1;
                }
                _ => return Err(DateTimeError::Syntax(self.i)),
            }
        }
        Ok(v)
    }
    fn at_end(&self) -> bool {
        self.i >= self.b.len()
    }
}

fn small(v: u32) -> Result<u8, DateTimeError> {
    u8::try_from(v).map_err(|_| DateTimeError::OutOfRange)
}

fn parse(text: &str, grammar: Grammar) -> Result<PartialDateTime, DateTimeError> {
    let mut c = Cursor {
        b: text.as_bytes(),
        i: 0,
    };
    let year = c.digits(4)?;
    if year == 0 {
        return Err(DateTimeError::OutOfRange);
    }
    let mut out = PartialDateTime {
        year: i32::try_from(year).map_err(|_| DateTimeError::OutOfRange)?,
        month: None,
        day: None,
        time: None,
        offset: None,
    };
    let done = |out: PartialDateTime| -> Result<PartialDateTime, DateTimeError> {
        if grammar == Grammar::Instant && out.time.is_none() {
            return Err(DateTimeError::Precision);
        }
        out.start_instant()?;
        Ok(out)
    };
    if c.at_end() {
        return done(out);
    }
    c.expect(b'-')?;
    let month = small(c.digits(2)?)?;
    if !(1..=12).contains(&month) {
        return Err(DateTimeError::OutOfRange);
    }
    out.month = Some(month);
    if c.at_end() {
        return done(out);
    }
    c.expect(b'-')?;
    out.day = Some(small(c.digits(2)?)?);
    if c.at_end() {
        return done(out);
    }
    if grammar == Grammar::Date {
        return Err(DateTimeError::Syntax(c.i));
    }
    c.expect(b'T')?;
    let lenient = grammar == (Grammar::DateTime { lenient: true });
    let hour = small(c.digits(2)?)?;
    c.expect(b':')?;
    let minute = small(c.digits(2)?)?;
    let mut second = 0u8;
    let mut nanosecond = 0u32;
    if c.eat(b':') {
        second = small(c.digits(2)?)?;
        if c.eat(b'.') {
            let start = c.i;
            let mut scale = 100_000_000u32;
            while let Some(d @ b'0'..=b'9') = c.peek() {
                nanosecond += u32::from(d - b'0') * scale;
                scale /= 10;
                c.i += 1;
            }
            if c.i == start {
                return Err(DateTimeError::Syntax(c.i));
            }
        }
    } else if !lenient {
        return Err(DateTimeError::Syntax(c.i));
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err(DateTimeError::OutOfRange);
    }
    out.time = Some(TimeOfDay {
        hour,
        minute,
        second,
        nanosecond,
    });
    match c.peek() {
        Some(b'Z') => {
            c.i += 1;
            out.offset = Some(UtcOffset::UTC);
        }
        Some(sign @ (b'+' | b'-')) => {
            c.i += 1;
            let oh = c.digits(2)?;
            c.expect(b':')?;
            let om = c.digits(2)?;
            if om > 59 || oh > 14 || (oh == 14 && om != 0) {
                return Err(DateTimeError::OutOfRange);
            }
            let secs = i32::try_from(oh * 3600 + om * 60).map_err(|_| DateTimeError::OutOfRange)?;
            let secs = if sign == b'-' { -secs } else { secs };
            out.offset =
                Some(UtcOffset::from_whole_seconds(secs).map_err(|_| DateTimeError::OutOfRange)?);
        }
        None if lenient => {}
        None => return Err(DateTimeError::MissingOffset),
        Some(_) => return Err(DateTimeError::Syntax(c.i)),
    }
    if !c.at_end() {
        return Err(DateTimeError::Syntax(c.i));
    }
    done(out)
}

/// The text before any `T`: the date part exactly as written (`2020-01-01T23:30:00-08:00` →
/// `2020-01-01`, `2019-05` → `2019-05`). Not converted to UTC.
fn date_part(text: &str) -> &str {
    text.split_once('T').map_or(text, |(d, _)| d)
}

string_primitive! {
    /// FHIR `date`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, text kept as received.
    Date
}

impl Date {
    /// Parses the text strictly (FHIR `date` grammar).
    pub fn parse(&self) -> Result<PartialDateTime, DateTimeError> {
        parse(self.as_str(), Grammar::Date)
    }
    /// The start of the period in UTC, if the text is a valid date.
    pub fn instant(&self) -> Option<OffsetDateTime> {
        self.parse().ok()?.start_instant().ok()
    }
}

string_primitive! {
    /// FHIR `dateTime`: a date of any precision, or a date with a time and an offset; text kept
    /// as received.
    DateTime
}

impl DateTime {
    /// Parses the text strictly (FHIR `dateTime` grammar: a time needs seconds and an offset).
    pub fn parse(&self) -> Result<PartialDateTime, DateTimeError> {
        parse(self.as_str(), Grammar::DateTime { lenient: false })
    }
    /// Parses the text, also accepting a time without seconds and a time without offset (UTC).
    pub fn parse_lenient(&self) -> Result<PartialDateTime, DateTimeError> {
        parse(self.as_str(), Grammar::DateTime { lenient: true })
    }
    /// The start of the period in UTC, parsing leniently; `None` if the text is not a date.
    pub fn instant(&self) -> Option<OffsetDateTime> {
        Self::instant_of(self.as_str())
    }
    /// [`DateTime::instant`] of a text, without building a `DateTime` (no allocation).
    ///
    /// ```
    /// use ocean_model::DateTime;
    /// assert_eq!(DateTime::instant_of("2019-05"), DateTime::new("2019-05").instant());
    /// assert_eq!(DateTime::instant_of("May 2019"), None);
    /// ```
    pub fn instant_of(text: &str) -> Option<OffsetDateTime> {
        parse(text, Grammar::DateTime { lenient: true })
            .ok()?
            .start_instant()
            .ok()
    }
    /// [`DateTime::date_part`] of a text: the text before any `T`, as written.
    pub fn date_part_of(text: &str) -> &str {
        date_part(text)
    }
    /// The date part exactly as written (text before `T`).
    pub fn date_part(&self) -> &str {
        date_part(self.as_str())
    }
}

string_primitive! {
    /// FHIR `instant`: a full date-time with seconds and offset; text kept as received.
    Instant
}

/// Which of the two FHIR `instant` forms [`Instant::from_offset_date_time`] writes. Both are
/// valid `instant` text (`YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm|-hh:mm)`, year 0001–9999).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstantForm {
    /// UTC with whole seconds, fraction dropped: `2024-01-31T09:00:00Z`. The form of a
    /// `$everything` `_since` parameter.
    UtcSeconds,
    /// The time's own UTC offset with milliseconds (sub-millisecond digits dropped):
    /// `2025-06-01T09:30:05.123-04:00`, `Z` when the offset is zero. An offset FHIR cannot
    /// write (one with seconds, or beyond ±14:00) is converted to UTC first. The form of message
    /// timestamps.
    OffsetMillis,
}

impl Instant {
    /// Writes a time as a FHIR `instant` in the given form.
    ///
    /// Rule: FHIR years are 0001–9999, so a time whose written year (after any conversion to
    /// UTC) is outside that range is [`DateTimeError::OutOfRange`]; so is a time whose
    /// conversion to UTC leaves `time`'s own range. Never panics.
    ///
    /// ```
    /// use ocean_model::{Instant, InstantForm};
    /// use time::macros::datetime;
    /// let t = datetime!(2025-06-01 09:30:05.123_456 -4);
    /// assert_eq!(Instant::from_offset_date_time(t, InstantForm::UtcSeconds).unwrap(), "2025-06-01T13:30:05Z");
    /// assert_eq!(Instant::from_offset_date_time(t, InstantForm::OffsetMillis).unwrap(), "2025-06-01T09:30:05.123-04:00");
    /// assert!(Instant::from_offset_date_time(datetime!(-0001-01-01 0:00 UTC), InstantForm::UtcSeconds).is_err());
    /// ```
    pub fn from_offset_date_time(
        t: OffsetDateTime,
        form: InstantForm,
    ) -> Result<Self, DateTimeError> {
        let offset = t.offset();
        // FHIR offsets are whole minutes within ±14:00 (`(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)`).
        let writable = offset.seconds_past_minute() == 0 && offset.whole_minutes().abs() <= 14 * 60;
        let to_utc = form == InstantForm::UtcSeconds || !writable;
        let t = if to_utc {
            // `checked_to_offset`: near the edge of `time`'s range, `to_offset` would panic.
            t.checked_to_offset(UtcOffset::UTC)
                .ok_or(DateTimeError::OutOfRange)?
        } else {
            t
        };
        if !(1..=9999).contains(&t.year()) {
            return Err(DateTimeError::OutOfRange);
        }
        let date = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        );
        let text = match form {
            InstantForm::UtcSeconds => format!("{date}Z"),
            InstantForm::OffsetMillis => {
                let offset = t.offset();
                let zone = if offset.is_utc() {
                    "Z".to_owned()
                } else {
                    let sign = if offset.is_negative() { '-' } else { '+' };
                    format!(
                        "{sign}{:02}:{:02}",
                        offset.whole_hours().unsigned_abs(),
                        offset.minutes_past_hour().unsigned_abs()
                    )
                };
                format!("{date}.{:03}{zone}", t.millisecond())
            }
        };
        Ok(Self::new(text))
    }

    /// Parses the text strictly (FHIR `instant` grammar).
    pub fn parse(&self) -> Result<PartialDateTime, DateTimeError> {
        parse(self.as_str(), Grammar::Instant)
    }
    /// The instant in UTC, parsing leniently as a `dateTime`; `None` if the text is not a date.
    pub fn instant(&self) -> Option<OffsetDateTime> {
        parse(self.as_str(), Grammar::DateTime { lenient: true })
            .ok()?
            .start_instant()
            .ok()
    }
    /// The date part exactly as written (text before `T`).
    pub fn date_part(&self) -> &str {
        date_part(self.as_str())
    }
}

impl From<Instant> for DateTime {
    fn from(v: Instant) -> Self {
        DateTime::new(v.into_string())
    }
}

string_primitive! {
    /// FHIR `time`: `hh:mm:ss[.fff]`, text kept as received.
    Time
}

impl Time {
    /// Parses the text strictly (FHIR `time` grammar).
    pub fn parse(&self) -> Result<TimeOfDay, DateTimeError> {
        let text = format!("2000-01-01T{}Z", self.as_str());
        let p = parse(&text, Grammar::DateTime { lenient: false }).map_err(|e| match e {
            DateTimeError::Syntax(i) => DateTimeError::Syntax(i.saturating_sub(11)),
            other => other,
        })?;
        p.time.ok_or(DateTimeError::Precision)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn partial_dates_are_start_of_period_utc() {
        assert_eq!(
            DateTime::new("2019").instant(),
            Some(datetime!(2019-01-01 0:00 UTC))
        );
        assert_eq!(
            DateTime::new("2019-05").instant(),
            Some(datetime!(2019-05-01 0:00 UTC))
        );
        assert_eq!(
            DateTime::new("2019-05-02").instant(),
            Some(datetime!(2019-05-02 0:00 UTC))
        );
        assert_eq!(
            DateTime::new("2019-05-01T10:00:00-07:00").instant(),
            Some(datetime!(2019-05-01 17:00 UTC))
        );
        assert_eq!(
            DateTime::new("2019-05-01T10:00:00.5+01:00").instant(),
            Some(datetime!(2019-05-01 9:00:00.5 UTC))
        );
    }

    #[test]
    fn strict_and_lenient() {
        assert_eq!(
            DateTime::new("2019-05-01T10:00").parse(),
            Err(DateTimeError::Syntax(16))
        );
        assert!(DateTime::new("2019-05-01T10:00").parse_lenient().is_ok());
        assert_eq!(
            DateTime::new("2019-05-01T10:00:00").parse(),
            Err(DateTimeError::MissingOffset)
        );
        assert_eq!(
            DateTime::new("2019-05-01T10:00:00").instant(),
            Some(datetime!(2019-05-01 10:00 UTC))
        );
        assert_eq!(
            DateTime::new("2019-02-30").parse(),
            Err(DateTimeError::OutOfRange)
        );
        assert_eq!(
            DateTime::new("2019-13").parse(),
            Err(DateTimeError::OutOfRange)
        );
        assert_eq!(
            DateTime::new("0000").parse(),
            Err(DateTimeError::OutOfRange)
        );
        assert!(DateTime::new("2019-05-01T10:00:00+14:30").parse().is_err());
        assert!(DateTime::new("19-05").parse().is_err());
        assert!(DateTime::new("2019-05-01 10:00:00Z").parse().is_err());
        assert!(Date::new("2019-05-01T10:00:00Z").parse().is_err());
        assert_eq!(
            Instant::new("2019-05-01").parse(),
            Err(DateTimeError::Precision)
        );
        assert!(Instant::new("2019-05-01T00:00:00Z").parse().is_ok());
    }

    #[test]
    fn leap_second_and_precision() {
        let p = DateTime::new("2016-12-31T23:59:60Z").parse().unwrap();
        assert_eq!(p.precision(), Precision::Time);
        assert!(p.start_instant().unwrap() < datetime!(2017-01-01 0:00 UTC));
        assert_eq!(
            DateTime::new("2016-12").parse().unwrap().precision(),
            Precision::Month
        );
    }

    #[test]
    fn date_part_as_written() {
        assert_eq!(
            DateTime::new("2020-01-01T23:30:00-08:00").date_part(),
            "2020-01-01"
        );
        assert_eq!(DateTime::new("2019-05").date_part(), "2019-05");
    }

    #[test]
    fn time_grammar() {
        assert!(Time::new("10:30:00").parse().is_ok());
        assert!(Time::new("24:00:00").parse().is_err());
        assert!(Time::new("10:30").parse().is_err());
    }

    #[test]
    fn extreme_offsets_are_out_of_range_not_panics() {
        assert_eq!(
            DateTime::new("9999-12-31T23:00:00-01:00").parse(),
            Err(DateTimeError::OutOfRange)
        );
        // `time` holds year 0, so this one is representable.
        assert!(
            DateTime::new("0001-01-01T00:00:00+14:00")
                .instant()
                .is_some()
        );
        assert!(DateTime::new("9999-12-31T23:59:59Z").instant().is_some());
    }

    #[test]
    fn instant_forms() {
        let fmt = |t, form| Instant::from_offset_date_time(t, form).map(Instant::into_string);
        let (s, m) = (InstantForm::UtcSeconds, InstantForm::OffsetMillis);
        // The cases of ocean-messages' and ocean-smart's formatters, unchanged.
        assert_eq!(
            fmt(datetime!(2025-06-01 09:30:05.123 -4), m).unwrap(),
            "2025-06-01T09:30:05.123-04:00"
        );
        assert_eq!(
            fmt(datetime!(2025-06-01 09:30 UTC), m).unwrap(),
            "2025-06-01T09:30:00.000Z"
        );
        assert_eq!(
            fmt(datetime!(2025-06-01 09:30 +5:30), m).unwrap(),
            "2025-06-01T09:30:00.000+05:30"
        );
        assert_eq!(
            fmt(datetime!(2025-06-01 09:30 -0:30), m).unwrap(),
            "2025-06-01T09:30:00.000-00:30"
        );
        assert_eq!(
            fmt(datetime!(2025-06-01 09:30 +0:00:30), m).unwrap(),
            "2025-06-01T09:29:30.000Z"
        );
        assert_eq!(
            fmt(datetime!(2024-01-31 04:00:00.999 -5), s).unwrap(),
            "2024-01-31T09:00:00Z"
        );
        for form in [s, m] {
            assert_eq!(
                fmt(datetime!(-0001-01-01 0:00 UTC), form),
                Err(DateTimeError::OutOfRange)
            );
            assert_eq!(
                fmt(datetime!(-9999-01-01 0:00 +0:00:30), form),
                Err(DateTimeError::OutOfRange)
            );
            let max = PrimitiveDateTime::MAX.assume_offset(UtcOffset::from_hms(-23, 0, 0).unwrap());
            assert!(fmt(max, form).is_err());
            let min = PrimitiveDateTime::MIN.assume_offset(UtcOffset::from_hms(23, 0, 0).unwrap());
            assert!(fmt(min, form).is_err());
            assert_eq!(
                fmt(datetime!(9999-12-31 23:59:59 UTC), form).map(|t| !t.is_empty()),
                Ok(true)
            );
        }
        // A local time in year 1 whose UTC instant is in year 0: an error in UTC form only.
        assert!(fmt(datetime!(0001-01-01 01:00 +2), m).is_ok());
        assert_eq!(
            fmt(datetime!(0001-01-01 01:00 +2), s),
            Err(DateTimeError::OutOfRange)
        );
    }

    #[test]
    fn errors_carry_no_text() {
        let e = DateTime::new("1987-13-01").parse().unwrap_err();
        assert!(!format!("{e} {e:?}").contains("1987"));
    }
}
