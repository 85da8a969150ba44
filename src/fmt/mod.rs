//! The formatter (in progress).
