//! `regex/*`: regex matches that a simpler variable would replace, and `re.group.N`
//! reads whose value is not the capture the author meant.

pub mod matched_value_override;
pub mod uncaptured_variable;
pub mod url_extension;

mod groups;
