//! `operator/*`: operators with surprising meaning.

pub mod time_calculation;
