//! `error-statement/*`: status codes used with `error`.

pub mod code;
