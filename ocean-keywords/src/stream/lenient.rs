//! Lenient building blocks for the reader's serde visitors: a member of an unexpected JSON type
//! reads as absent (macros for the fallbacks), strings that borrow when they can, and member names
//! read without allocating.
//!
//! The macros name serde by absolute paths, so a visitor module only needs to be declared after
//! this one (`#[macro_use]`).

use crate::record::S;
use serde::de::{self, DeserializeSeed, Deserializer, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Implements the scalar visits (`bool`, numbers, `null`, and `str` unless `@no_str`) with one
/// body; `$s` names `self` inside it.
macro_rules! on_scalars {
    ($out:ty, |$s:ident| $body:expr) => {
        on_scalars!(@no_str $out, |$s| $body);
        fn visit_str<E: ::serde::de::Error>(self, _: &str) -> Result<$out, E> {
            let $s = self;
            $body
        }
    };
    (@no_str $out:ty, |$s:ident| $body:expr) => {
        fn visit_bool<E: ::serde::de::Error>(self, _: bool) -> Result<$out, E> {
            let $s = self;
            $body
        }
        fn visit_i64<E: ::serde::de::Error>(self, _: i64) -> Result<$out, E> {
            let $s = self;
            $body
        }
        fn visit_u64<E: ::serde::de::Error>(self, _: u64) -> Result<$out, E> {
            let $s = self;
            $body
        }
        fn visit_f64<E: ::serde::de::Error>(self, _: f64) -> Result<$out, E> {
            let $s = self;
            $body
        }
        fn visit_unit<E: ::serde::de::Error>(self) -> Result<$out, E> {
            let $s = self;
            $body
        }
    };
}

/// Drains an array or an object that is not wanted and returns `$value`.
macro_rules! drain {
    (seq, $out:ty, $value:expr) => {
        fn visit_seq<A: ::serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<$out, A::Error> {
            while seq.next_element::<::serde::de::IgnoredAny>()?.is_some() {}
            Ok($value)
        }
    };
    (map, $out:ty, $value:expr) => {
        fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$out, A::Error> {
            while map
                .next_entry::<::serde::de::IgnoredAny, ::serde::de::IgnoredAny>()?
                .is_some()
            {}
            Ok($value)
        }
    };
}

/// For visitors that want an object: anything else gives the default value.
macro_rules! lenient_non_map {
    ($out:ty) => {
        on_scalars!($out, |_s| Ok(Default::default()));
        drain!(seq, $out, Default::default());
    };
}

/// For visitors that want an array: anything else gives the default value.
macro_rules! lenient_non_seq {
    ($out:ty) => {
        on_scalars!($out, |_s| Ok(Default::default()));
        drain!(map, $out, Default::default());
    };
}

/// A string member, borrowed from the input when possible; any other JSON type → `None`.
#[derive(Default)]
pub(crate) struct OptStr<'de>(pub(crate) Option<S<'de>>);

impl<'de> de::Deserialize<'de> for OptStr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OptStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(OptStr(Some(Cow::Borrowed(v))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(OptStr(Some(Cow::Owned(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(OptStr(Some(Cow::Owned(v.to_owned()))))
            }
            on_scalars!(@no_str OptStr<'de>, |_s| Ok(OptStr(None)));
            drain!(seq, OptStr<'de>, OptStr(None));
            drain!(map, OptStr<'de>, OptStr(None));
        }
        d.deserialize_any(V)
    }
}

/// Non-empty (after trimming) string, owned or borrowed.
pub(crate) fn non_empty(s: Option<S<'_>>) -> Option<S<'_>> {
    s.filter(|s| !trim(s).is_empty())
}

/// `s.trim()` (Unicode white space), answered without the Unicode tables when both ends are
/// ASCII other than white space, as codes, units and dates nearly always are.
#[inline]
pub(crate) fn trim(s: &str) -> &str {
    let solid = |c: Option<&u8>| c.is_some_and(|&c| c > b' ' && c.is_ascii());
    let b = s.as_bytes();
    if solid(b.first()) && solid(b.last()) {
        s
    } else {
        s.trim()
    }
}

/// Deserializes a map key into a field enum without allocating.
pub(crate) struct KeySeed<F>(pub(crate) fn(&str) -> F);

impl<'de, F> DeserializeSeed<'de> for KeySeed<F> {
    type Value = F;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<F, D::Error> {
        struct V<F>(fn(&str) -> F);
        impl<'de, F> Visitor<'de> for V<F> {
            type Value = F;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<F, E> {
                Ok((self.0)(v))
            }
        }
        d.deserialize_str(V(self.0))
    }
}

/// A member name kept as text (for buffering members before `resourceType`).
pub(crate) struct KeyText<'de>(pub(crate) S<'de>);

impl<'de> de::Deserialize<'de> for KeyText<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(KeyText(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(KeyText(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(KeyText(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::trim;

    #[test]
    fn trim_is_str_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{b}a\u{c}",
            "\u{85}a",
            "a\u{a0}",
            "\u{3000}",
            "\u{7f}",
            "8302-2",
            "\u{1c}a\u{1f}",
            "é",
            " é ",
            "\u{2028}x\u{2029}",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }
}
