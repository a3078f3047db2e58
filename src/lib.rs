//! Facade over the Ocean eReferral POS toolkit.
#![forbid(unsafe_code)]
pub use ocean_keywords as keywords;
pub use ocean_messages as messages;
pub use ocean_model as model;
pub use ocean_status as status;
