//! The interpreter: runs one compiled subroutine over a request's state and returns what
//! it decided. No IO.
//!
//! Architecture Invariant: `interp` does no IO; it returns an `Action` and the proxy acts.

pub mod ascii;
pub mod builtins;
mod exec;
pub mod geo;
pub mod ratelimit_state;
pub mod state;
pub mod value;
mod vars;

pub use exec::{compile_code, convert, reason, run, run_sub, stringify, Code, STEP_BUDGET};

/// State shared by every request of a program: rate counters, penalty boxes, counters and
/// limiters (bound by name to the service's store, so they outlive the version), and the
/// backends' health (the proxy's probes write it; `lacquer test` leaves it empty, so every
/// backend is healthy unless a test mocks it sick), and the geolocation databases
/// (read-only, shared by every service of a process).
#[derive(Debug, Default)]
pub struct Runtime {
    pub rate: ratelimit_state::RateState,
    pub health: crate::backend::health::HealthTable,
    pub geo: Option<std::sync::Arc<geo::GeoDb>>,
}
