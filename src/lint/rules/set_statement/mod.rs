//! `set-statement/*`: assignments that lose information.

pub mod overwrite_vary;
