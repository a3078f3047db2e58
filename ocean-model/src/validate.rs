//! Profile checks (placeholder, filled below).
