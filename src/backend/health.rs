//! Backend health: the probe settings with Fastly's defaults ([`Probe`]), the shared
//! [`HealthTable`] every request reads, and the [`Prober`] that runs health checks and
//! writes the table.
//!
//! Architecture Invariant: the request path reads health without locks (one atomic load
//! per backend); only probes write it. A backend without a probe (or with `.dummy =
//! true`) is always healthy (Fastly: "Backends that do not have a health check are
//! considered healthy at all times"). A backend is usable when its probe says healthy
//! *and* it has room for one more connection under `.max_connections` (Fastly's
//! `req.backend.healthy` counts both).
//!
//! Probes never sleep in tests: [`Prober::probe_once`] runs one round on demand; the
//! background loop ([`Prober::spawn`]) waits one `.interval` before each round.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use tokio::task::JoinHandle;

use super::Backend;
use crate::ir::{ProbeProps, Program};

// Fastly does not publish the defaults of omitted probe fields; these are the defaults
// of Fastly's own Terraform provider (fastly/terraform-provider-fastly,
// block_fastly_service_healthcheck.go): interval 5000 ms, timeout 500 ms, window 5,
// threshold 3, initial 3, expected 200, method HEAD.
/// Default `.interval`.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// Default `.timeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);
/// Default `.window`.
pub const DEFAULT_WINDOW: u32 = 5;
/// Default `.threshold`.
pub const DEFAULT_THRESHOLD: u32 = 3;
/// Default `.initial`.
pub const DEFAULT_INITIAL: u32 = 3;
/// Default `.expected_response`.
pub const DEFAULT_EXPECTED: u16 = 200;
/// Fastly's default `.max_connections` (API `max_conn` 200).
pub const DEFAULT_MAX_CONNECTIONS: u32 = 200;
/// The window is a 64-bit shift register (as in Varnish, Fastly's ancestor).
const MAX_WINDOW: u32 = 64;

/// A backend's health check, with defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub method: String,
    pub path: String,
    /// Header lines of `.request` after the request line (`Host` among them, if given).
    pub headers: Vec<(String, String)>,
    pub expected_response: u16,
    pub interval: Duration,
    pub timeout: Duration,
    pub window: u32,
    pub threshold: u32,
    pub initial: u32,
}

impl Probe {
    /// The probe a `.probe` block declares; `Ok(None)` for `.dummy = true` (Fastly: DNS
    /// lookups only, no HTTP checks).
    pub fn from_props(p: &ProbeProps) -> Result<Option<Probe>, String> {
        if p.dummy {
            return Ok(None);
        }
        let (method, path, headers) = match (p.request.first(), &p.url) {
            (Some(line), _) => {
                let mut words = line.split_ascii_whitespace();
                let (Some(method), Some(path)) = (words.next(), words.next()) else {
                    return Err(format!(".request line \"{line}\" is not \"METHOD PATH HTTP/1.1\""));
                };
                let mut headers = Vec::new();
                for h in &p.request[1..] {
                    let Some((name, value)) = h.split_once(':') else {
                        return Err(format!(".request header \"{h}\" has no ':'"));
                    };
                    headers.push((name.trim().to_string(), value.trim().to_string()));
                }
                (method.to_string(), path.to_string(), headers)
            }
            // Varnish's `.url` form is a GET.
            (None, Some(url)) => ("GET".to_string(), url.clone(), Vec::new()),
            (None, None) => ("HEAD".to_string(), "/".to_string(), Vec::new()),
        };
        let count = |v: Option<i64>, default: u32| v.map_or(default, |n| n.clamp(0, i64::from(u32::MAX)) as u32);
        let dur = |v: Option<i64>, default: Duration| match v {
            Some(ns) if ns > 0 => Duration::from_nanos(ns as u64),
            _ => default,
        };
        let window = count(p.window, DEFAULT_WINDOW);
        if window == 0 || window > MAX_WINDOW {
            return Err(format!(".window {window} is outside 1..={MAX_WINDOW}"));
        }
        let expected = p.expected_response.unwrap_or(i64::from(DEFAULT_EXPECTED));
        let expected_response =
            u16::try_from(expected).map_err(|_| format!(".expected_response {expected} is not a status"))?;
        Ok(Some(Probe {
            method,
            path,
            headers,
            expected_response,
            interval: dur(p.interval, DEFAULT_INTERVAL),
            timeout: dur(p.timeout, DEFAULT_TIMEOUT),
            window,
            threshold: count(p.threshold, DEFAULT_THRESHOLD),
            initial: count(p.initial, DEFAULT_INITIAL).min(window),
        }))
    }
}

/// Health of every backend of a service version, by backend index; cheap to clone and
/// shared by the probes (writers) and every request (readers). Indices it does not cover
/// (directors, or an empty table in `lacquer test`) read as healthy with no limit.
#[derive(Debug, Clone, Default)]
pub struct HealthTable {
    entries: Arc<[Entry]>,
}

#[derive(Debug)]
struct Entry {
    healthy: AtomicBool,
    in_flight: AtomicU32,
    /// Connections open to the backend, idle ones in the pool included.
    open: AtomicU32,
    max_connections: u32,
}

impl HealthTable {
    /// One entry per backend of `program`, each healthy and with its `.max_connections`.
    pub fn for_program(program: &Program) -> HealthTable {
        let entries = program
            .backends
            .iter()
            .map(|b| Entry {
                healthy: AtomicBool::new(true),
                in_flight: AtomicU32::new(0),
                open: AtomicU32::new(0),
                max_connections: match b.props.max_connections {
                    Some(n) if n > 0 => u32::try_from(n).unwrap_or(u32::MAX),
                    _ => DEFAULT_MAX_CONNECTIONS,
                },
            })
            .collect();
        HealthTable { entries }
    }

    /// What the backend's health check says (true without one).
    pub fn probe_healthy(&self, idx: u32) -> bool {
        self.entries.get(idx as usize).is_none_or(|e| e.healthy.load(Ordering::Relaxed))
    }

    /// Healthy by its probe and with room for one more connection.
    pub fn is_usable(&self, idx: u32) -> bool {
        self.entries.get(idx as usize).is_none_or(|e| {
            e.healthy.load(Ordering::Relaxed) && e.in_flight.load(Ordering::Relaxed) < e.max_connections
        })
    }

    /// Fetches in flight to the backend (each holds one origin connection).
    pub fn in_flight(&self, idx: u32) -> u32 {
        self.entries.get(idx as usize).map_or(0, |e| e.in_flight.load(Ordering::Relaxed))
    }

    /// Connections open to the backend, in use or idle in the pool.
    pub fn open_connections(&self, idx: u32) -> u32 {
        self.entries.get(idx as usize).map_or(0, |e| e.open.load(Ordering::Relaxed))
    }

    /// Counts a connection to the backend as open until the returned guard drops (the
    /// connection carries it).
    pub fn connection_opened(&self, idx: u32) -> OpenConn {
        if let Some(e) = self.entries.get(idx as usize) {
            e.open.fetch_add(1, Ordering::Relaxed);
        }
        OpenConn { table: self.clone(), idx }
    }

    /// Takes one of the backend's `.max_connections` slots; `None` when all are in use.
    /// The slot is given back when the returned guard drops.
    pub fn try_acquire(&self, idx: u32) -> Option<ConnSlot> {
        if let Some(e) = self.entries.get(idx as usize) {
            e.in_flight
                .fetch_update(Ordering::AcqRel, Ordering::Relaxed, |n| (n < e.max_connections).then_some(n + 1))
                .ok()?;
        }
        Some(ConnSlot { table: self.clone(), idx })
    }

    fn set_probe_healthy(&self, idx: u32, healthy: bool) {
        if let Some(e) = self.entries.get(idx as usize) {
            e.healthy.store(healthy, Ordering::Relaxed);
        }
    }
}

/// One unit of a backend's count, given back when this drops: a `.max_connections` slot
/// ([`ConnSlot`]) or an open connection ([`OpenConn`]).
#[derive(Debug)]
pub struct Counted<const OPEN: bool> {
    table: HealthTable,
    idx: u32,
}

/// One origin connection counted against `.max_connections`; released on drop.
pub type ConnSlot = Counted<false>;

/// One open connection to a backend, counted until it drops.
pub type OpenConn = Counted<true>;

impl<const OPEN: bool> Drop for Counted<OPEN> {
    fn drop(&mut self) {
        if let Some(e) = self.table.entries.get(self.idx as usize) {
            let counter = if OPEN { &e.open } else { &e.in_flight };
            counter.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// Whether backend or director `idx` is healthy for a request: a backend by the table
/// (probe and connection room) unless a test mocked it sick; a director by its members
/// and `.quorum` (see [`super::director::healthy`]).
pub fn is_healthy(program: &Program, table: &HealthTable, mocked_sick: &[u32], idx: u32) -> bool {
    let backend_ok = |i: u32| !mocked_sick.contains(&i) && table.is_usable(i);
    !mocked_sick.contains(&idx) && super::director::healthy(program, idx, &backend_ok)
}

/// The health checks of one service version: one target per backend with a probe.
#[derive(Debug, Default)]
pub struct Prober {
    targets: Vec<Arc<Target>>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

#[derive(Debug)]
struct Target {
    idx: u32,
    backend: Arc<Backend>,
    probe: Probe,
    table: HealthTable,
    /// The last `window` results, newest in bit 0.
    window: Mutex<u64>,
}

impl Prober {
    /// Targets for the probed backends; each starts with `.initial` successes in its
    /// window and its health set from them (Fastly: a backend with a health check starts
    /// sick unless `initial` reaches `threshold`).
    pub fn new(targets: Vec<(u32, Arc<Backend>, Probe)>, table: &HealthTable) -> Prober {
        let targets = targets
            .into_iter()
            .map(|(idx, backend, probe)| {
                let bits = if probe.initial >= 64 { u64::MAX } else { (1u64 << probe.initial) - 1 };
                let t = Target { idx, backend, probe, table: table.clone(), window: Mutex::new(bits) };
                t.publish(bits);
                Arc::new(t)
            })
            .collect();
        Prober { targets, tasks: Mutex::new(Vec::new()) }
    }

    /// Whether any backend has a health check.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// Runs one health check on every probed backend (concurrently) and records the
    /// results.
    pub async fn probe_once(&self) {
        let mut set = tokio::task::JoinSet::new();
        for t in &self.targets {
            let t = t.clone();
            set.spawn(async move { t.check().await });
        }
        while set.join_next().await.is_some() {}
    }

    /// Starts one loop per probed backend on the current tokio runtime: wait `.interval`,
    /// check, repeat. Fails when there is no runtime to run them on.
    pub fn spawn(&self) -> Result<(), String> {
        if self.targets.is_empty() {
            return Ok(());
        }
        let rt =
            tokio::runtime::Handle::try_current().map_err(|e| format!("health checks need a tokio runtime: {e}"))?;
        let mut tasks = self.tasks.lock().unwrap_or_else(|p| p.into_inner());
        for t in &self.targets {
            let t = t.clone();
            tasks.push(rt.spawn(async move {
                loop {
                    tokio::time::sleep(t.probe.interval).await;
                    t.check().await;
                }
            }));
        }
        Ok(())
    }

    /// Stops the background loops (a newer version was activated, or shutdown).
    pub fn stop(&self) {
        let mut tasks = self.tasks.lock().unwrap_or_else(|p| p.into_inner());
        for t in tasks.drain(..) {
            t.abort();
        }
    }

    /// Background loops running.
    pub fn running(&self) -> usize {
        self.tasks.lock().unwrap_or_else(|p| p.into_inner()).iter().filter(|t| !t.is_finished()).count()
    }
}

impl Drop for Prober {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Target {
    async fn check(&self) {
        let ok = self.send().await;
        let bits = {
            let mut w = self.window.lock().unwrap_or_else(|p| p.into_inner());
            *w = (*w << 1) | u64::from(ok);
            *w
        };
        self.publish(bits);
        tracing::debug!(backend = %self.backend.name, ok, healthy = self.table.probe_healthy(self.idx), "health check");
    }

    /// Healthy when at least `threshold` of the last `window` checks succeeded.
    fn publish(&self, bits: u64) {
        let mask = if self.probe.window >= 64 { u64::MAX } else { (1u64 << self.probe.window) - 1 };
        let good = (bits & mask).count_ones();
        let healthy = good >= self.probe.threshold;
        if self.table.probe_healthy(self.idx) != healthy {
            tracing::info!(backend = %self.backend.name, healthy, "backend health changed");
        }
        self.table.set_probe_healthy(self.idx, healthy);
    }

    /// One check: the probe request over the backend's connection settings, answered
    /// with the expected status (and its body read) within `.timeout`.
    async fn send(&self) -> bool {
        let p = &self.probe;
        let mut builder = http::Request::builder().method(p.method.as_str()).uri(p.path.as_str());
        let mut has_host = false;
        for (name, value) in &p.headers {
            has_host |= name.eq_ignore_ascii_case("host");
            builder = builder.header(name.as_str(), value.as_str());
        }
        if !has_host {
            builder = builder.header(http::header::HOST, self.backend.host_for(None).as_ref());
        }
        let Ok(req) = builder.body(Full::new(Bytes::new())) else { return false };
        let attempt = async {
            let resp = self.backend.send(req, p.timeout, &super::BodyTimer::start(p.timeout, None)).await.ok()?;
            let status = resp.status().as_u16();
            resp.into_body().collect().await.ok()?;
            Some(status)
        };
        matches!(tokio::time::timeout(p.timeout, attempt).await, Ok(Some(s)) if s == p.expected_response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Defaults of Fastly's Terraform provider (see the constants above).
    #[test]
    fn an_empty_probe_gets_fastlys_defaults() {
        let p = Probe::from_props(&ProbeProps::default()).unwrap().unwrap();
        assert_eq!((p.method.as_str(), p.path.as_str(), p.expected_response), ("HEAD", "/", 200));
        assert_eq!((p.interval, p.timeout), (Duration::from_secs(5), Duration::from_millis(500)));
        assert_eq!((p.window, p.threshold, p.initial), (5, 3, 3));
    }

    // Fastly's VCL form: one string per request line.
    #[test]
    fn request_lines_become_method_path_and_headers() {
        let props = ProbeProps {
            request: vec!["GET /health HTTP/1.1".into(), "Host: example.com".into(), "Connection: close".into()],
            expected_response: Some(204),
            ..ProbeProps::default()
        };
        let p = Probe::from_props(&props).unwrap().unwrap();
        assert_eq!((p.method.as_str(), p.path.as_str(), p.expected_response), ("GET", "/health", 204));
        assert_eq!(p.headers[0], ("Host".to_string(), "example.com".to_string()));
        let bad = ProbeProps { request: vec!["nonsense".into()], ..ProbeProps::default() };
        assert!(Probe::from_props(&bad).is_err());
    }

    // Fastly: `.dummy = true` probes do no HTTP checks.
    #[test]
    fn dummy_probes_do_not_check() {
        assert_eq!(Probe::from_props(&ProbeProps { dummy: true, ..ProbeProps::default() }).unwrap(), None);
    }

    #[test]
    fn connection_slots_are_counted_and_given_back() {
        let program =
            crate::ir::compile_for_tests("backend F_a { .host = \"127.0.0.1\"; .port = \"1\"; .max_connections = 2; }");
        let table = HealthTable::for_program(&program);
        let one = table.try_acquire(0).expect("first slot");
        let two = table.try_acquire(0).expect("second slot");
        assert!(table.try_acquire(0).is_none());
        assert!(!table.is_usable(0), "no room counts as unhealthy (Fastly's req.backend.healthy)");
        drop(one);
        assert!(table.is_usable(0));
        drop(two);
        assert_eq!(table.in_flight(0), 0);
    }
}
