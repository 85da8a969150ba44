//! The table of Fastly's predefined VCL variables: name, type, the subroutines that may
//! read, set or unset each one, and a one-line description in our own words.
//!
//! Three sections, in this order:
//! - Tier A ([`Tier::Documented`]): every entry of Fastly's public metadata export
//!   (391 names, templated ones spelled as Fastly does: `req.http.{NAME}`,
//!   `backend.{NAME}.healthy`, `re.group.{N}`, `ratecounter.{NAME}.bucket.10s`).
//! - Tier B ([`Tier::Newer`]): documented on fastly.com after that export was taken.
//! - Tier C ([`Tier::Legacy`]): retired or undocumented names that real services still
//!   use; accepted for compatibility and flagged as deprecated.
//!
//! Names, types and scopes are facts checked against Fastly's export by
//! `tests/it/catalog.rs`; lookups (templates included) live in [`super::lookup`].

use super::{Scopes, Tier, Type, VarDef};

const ALL: Scopes = Scopes::ALL;
const NONE: Scopes = Scopes::NONE;

// Scope sets that recur in the table, named by their members in subroutine order.
const RECV_HASH_DELIVER_LOG: Scopes = Scopes::RECV.union(Scopes::HASH).union(Scopes::DELIVER).union(Scopes::LOG);
const RECV_ERROR_DELIVER_LOG: Scopes = Scopes::RECV.union(Scopes::ERROR).union(Scopes::DELIVER).union(Scopes::LOG);
const HIT_ERROR: Scopes = Scopes::HIT.union(Scopes::ERROR);
const HIT_ERROR_DELIVER_LOG: Scopes = Scopes::HIT.union(Scopes::ERROR).union(Scopes::DELIVER).union(Scopes::LOG);
const HIT_ERROR_LOG: Scopes = Scopes::HIT.union(Scopes::ERROR).union(Scopes::LOG);
const MISS_PASS: Scopes = Scopes::MISS.union(Scopes::PASS);
const MISS_PASS_FETCH: Scopes = Scopes::MISS.union(Scopes::PASS).union(Scopes::FETCH);
const MISS_PASS_ERROR_DELIVER_LOG: Scopes =
    Scopes::MISS.union(Scopes::PASS).union(Scopes::ERROR).union(Scopes::DELIVER).union(Scopes::LOG);
const MISS_PASS_DELIVER_LOG: Scopes = Scopes::MISS.union(Scopes::PASS).union(Scopes::DELIVER).union(Scopes::LOG);
const FETCH_ERROR_DELIVER_LOG: Scopes = Scopes::FETCH.union(Scopes::ERROR).union(Scopes::DELIVER).union(Scopes::LOG);
const FETCH_DELIVER_LOG: Scopes = Scopes::FETCH.union(Scopes::DELIVER).union(Scopes::LOG);
const ERROR_DELIVER_LOG: Scopes = Scopes::ERROR.union(Scopes::DELIVER).union(Scopes::LOG);
const DELIVER_LOG: Scopes = Scopes::DELIVER.union(Scopes::LOG);

/// Every predefined variable: Tier A sorted by name, then Tier B, then Tier C.
pub static VARIABLES: &[VarDef] = &[
    // ---- Tier A: Fastly's public metadata ----
    // backend.*
    ro("backend.conn.is_tls", Type::Bool, Scopes::FETCH, "True when the connection to the origin uses TLS."),
    ro(
        "backend.conn.tls_protocol",
        Type::String,
        Scopes::FETCH,
        "TLS version negotiated with the origin, such as TLSv1.3.",
    ),
    ro(
        "backend.socket.congestion_algorithm",
        Type::String,
        Scopes::FETCH,
        "Congestion control algorithm used on the origin socket.",
    ),
    ro("backend.socket.cwnd", Type::Integer, Scopes::FETCH, "Congestion window of the origin socket, in segments."),
    ro("backend.socket.tcpi_advmss", Type::Integer, Scopes::FETCH, "MSS this end advertised on the origin connection."),
    ro(
        "backend.socket.tcpi_bytes_acked",
        Type::Integer,
        Scopes::FETCH,
        "Bytes sent to the origin that it has acknowledged.",
    ),
    ro("backend.socket.tcpi_bytes_received", Type::Integer, Scopes::FETCH, "Payload bytes received from the origin."),
    ro(
        "backend.socket.tcpi_data_segs_in",
        Type::Integer,
        Scopes::FETCH,
        "Inbound origin segments that carried payload data.",
    ),
    ro(
        "backend.socket.tcpi_data_segs_out",
        Type::Integer,
        Scopes::FETCH,
        "Outbound origin segments that carried payload data.",
    ),
    ro(
        "backend.socket.tcpi_delivery_rate",
        Type::Integer,
        Scopes::FETCH,
        "Latest measured delivery rate on the origin connection, bytes per second.",
    ),
    ro(
        "backend.socket.tcpi_delta_retrans",
        Type::Integer,
        Scopes::FETCH,
        "Retransmissions on the origin connection during this request.",
    ),
    ro(
        "backend.socket.tcpi_last_data_sent",
        Type::Integer,
        Scopes::FETCH,
        "Time since data was last sent to the origin.",
    ),
    ro(
        "backend.socket.tcpi_max_pacing_rate",
        Type::Integer,
        Scopes::FETCH,
        "Pacing rate ceiling of the origin socket.",
    ),
    ro(
        "backend.socket.tcpi_min_rtt",
        Type::Integer,
        Scopes::FETCH,
        "Lowest round-trip time seen on the origin connection, microseconds.",
    ),
    ro(
        "backend.socket.tcpi_notsent_bytes",
        Type::Integer,
        Scopes::FETCH,
        "Bytes queued on the origin socket but not yet transmitted.",
    ),
    ro("backend.socket.tcpi_pacing_rate", Type::Integer, Scopes::FETCH, "Current pacing rate of the origin socket."),
    ro("backend.socket.tcpi_pmtu", Type::Integer, Scopes::FETCH, "Path MTU seen by the kernel on the origin socket."),
    ro(
        "backend.socket.tcpi_rcv_mss",
        Type::Integer,
        Scopes::FETCH,
        "MSS the kernel estimates for data from the origin.",
    ),
    ro(
        "backend.socket.tcpi_rcv_rtt",
        Type::Integer,
        Scopes::FETCH,
        "Receiver-side RTT estimate for the origin connection.",
    ),
    ro(
        "backend.socket.tcpi_rcv_space",
        Type::Integer,
        Scopes::FETCH,
        "Receive window space advertised on the origin socket.",
    ),
    ro(
        "backend.socket.tcpi_rcv_ssthresh",
        Type::Integer,
        Scopes::FETCH,
        "Receive-side slow-start threshold on the origin socket.",
    ),
    ro(
        "backend.socket.tcpi_reordering",
        Type::Integer,
        Scopes::FETCH,
        "Reordering threshold before retransmitting on the origin socket.",
    ),
    ro(
        "backend.socket.tcpi_rtt",
        Type::Integer,
        Scopes::FETCH,
        "Smoothed round-trip time of the origin connection, microseconds.",
    ),
    ro(
        "backend.socket.tcpi_rttvar",
        Type::Integer,
        Scopes::FETCH,
        "Variation of the origin connection's round-trip time, microseconds.",
    ),
    ro(
        "backend.socket.tcpi_segs_in",
        Type::Integer,
        Scopes::FETCH,
        "TCP segments received on the origin connection so far.",
    ),
    ro(
        "backend.socket.tcpi_segs_out",
        Type::Integer,
        Scopes::FETCH,
        "TCP segments sent on the origin connection so far.",
    ),
    ro("backend.socket.tcpi_snd_cwnd", Type::Integer, Scopes::FETCH, "Send congestion window of the origin socket."),
    ro("backend.socket.tcpi_snd_mss", Type::Integer, Scopes::FETCH, "MSS used when sending to the origin."),
    ro(
        "backend.socket.tcpi_snd_ssthresh",
        Type::Integer,
        Scopes::FETCH,
        "Send-side slow-start threshold on the origin socket.",
    ),
    ro(
        "backend.socket.tcpi_total_retrans",
        Type::Integer,
        Scopes::FETCH,
        "Retransmissions counted over the whole origin connection.",
    ),
    ro("backend.{NAME}.connections_open", Type::Integer, ALL, "Connections currently open to the named backend."),
    ro("backend.{NAME}.connections_used", Type::Integer, ALL, "Connections to the named backend busy with a request."),
    ro("backend.{NAME}.healthy", Type::Bool, ALL, "True when the named backend passes its health checks."),
    // bereq.*
    rw("bereq.between_bytes_timeout", Type::Rtime, MISS_PASS, "Longest allowed gap between bytes from the origin."),
    ro("bereq.body_bytes_written", Type::Integer, FETCH_DELIVER_LOG, "Body bytes sent to the origin for this request."),
    ro("bereq.bytes_written", Type::Integer, FETCH_DELIVER_LOG, "Total bytes sent to the origin for this request."),
    rw("bereq.connect_timeout", Type::Rtime, MISS_PASS, "How long to wait for the origin connection to open."),
    rw("bereq.first_byte_timeout", Type::Rtime, MISS_PASS, "How long to wait for the origin's first response byte."),
    ro(
        "bereq.header_bytes_written",
        Type::Integer,
        FETCH_DELIVER_LOG,
        "Header bytes sent to the origin for this request.",
    ),
    ro("bereq.headers", Type::String, MISS_PASS_FETCH, "All origin request headers, as one collection handle."),
    rwu("bereq.http.{NAME}", Type::String, MISS_PASS_FETCH, "A header of the origin request, addressed by its name."),
    ro("bereq.is_clustering", Type::Bool, ALL, "True when the fetch goes to a peer cache node in the cluster."),
    rw("bereq.method", Type::String, MISS_PASS_FETCH, "Method of the request sent to the origin."),
    ro("bereq.proto", Type::String, MISS_PASS_FETCH, "Protocol version used for the origin request."),
    rw("bereq.request", Type::String, MISS_PASS_FETCH, "Same value as bereq.method, kept under an older name."),
    rw("bereq.url", Type::String, MISS_PASS_FETCH, "Request target sent to the origin, still percent-encoded."),
    ro("bereq.url.basename", Type::String, MISS_PASS_FETCH, "Last segment of bereq.url's path."),
    ro("bereq.url.dirname", Type::String, MISS_PASS_FETCH, "Path of bereq.url up to, not including, its last segment."),
    ro(
        "bereq.url.ext",
        Type::String,
        MISS_PASS_FETCH,
        "File extension at the end of bereq.url's path, without the dot.",
    ),
    ro("bereq.url.path", Type::String, MISS_PASS_FETCH, "Path part of bereq.url, without the query string."),
    ro("bereq.url.qs", Type::String, MISS_PASS_FETCH, "Query string of bereq.url, without the leading question mark."),
    // beresp.*
    ro(
        "beresp.backend.alternate_ips",
        Type::String,
        Scopes::FETCH,
        "Other source addresses that could reach the origin.",
    ),
    ro("beresp.backend.ip", Type::Ip, FETCH_ERROR_DELIVER_LOG, "Address of the origin that produced the response."),
    ro(
        "beresp.backend.name",
        Type::String,
        FETCH_ERROR_DELIVER_LOG,
        "Name of the backend declaration that produced the response.",
    ),
    ro("beresp.backend.port", Type::Integer, Scopes::FETCH, "Remote port of the origin connection."),
    ro("beresp.backend.requests", Type::Integer, Scopes::FETCH, "Requests carried so far by this origin connection."),
    ro("beresp.backend.src_ip", Type::Ip, ALL, "Local address used for the origin connection."),
    ro("beresp.backend.src_port", Type::Integer, ALL, "Local port used for the origin connection."),
    rw("beresp.brotli", Type::Bool, Scopes::FETCH, "Compress the fetched object with Brotli before storing."),
    rw("beresp.cacheable", Type::Bool, Scopes::FETCH, "Whether the fetched response may be stored in cache."),
    rw("beresp.do_esi", Type::Bool, Scopes::FETCH, "Run ESI processing on the fetched object."),
    rw("beresp.do_stream", Type::Bool, Scopes::FETCH, "Stream the body to the client while it is still downloading."),
    deprecated(rw("beresp.grace", Type::Rtime, Scopes::FETCH, "Older name for beresp.stale_if_error; superseded.")),
    rw("beresp.gzip", Type::Bool, Scopes::FETCH, "Compress the fetched object with gzip before storing."),
    ro(
        "beresp.handshake_time_to_origin_ms",
        Type::Integer,
        Scopes::FETCH,
        "Milliseconds spent on the origin connection handshake.",
    ),
    ro("beresp.headers", Type::String, Scopes::FETCH, "All origin response headers, as one collection handle."),
    rw("beresp.hipaa", Type::Bool, Scopes::FETCH, "Keep the object off persistent storage, for HIPAA compliance."),
    rwu("beresp.http.{NAME}", Type::String, Scopes::FETCH, "A header of the origin response, addressed by its name."),
    rw("beresp.pci", Type::Bool, Scopes::FETCH, "Keep the object off persistent storage, for PCI compliance."),
    ro("beresp.proto", Type::String, Scopes::FETCH, "Protocol version of the origin's response."),
    rw("beresp.response", Type::String, Scopes::FETCH, "Reason phrase of the origin's response; settable."),
    wo("beresp.saintmode", Type::Rtime, Scopes::FETCH, "Bench the backend as unhealthy for this long; write-only."),
    rw(
        "beresp.stale_if_error",
        Type::Rtime,
        Scopes::FETCH,
        "How long the object may be served stale if the origin fails.",
    ),
    rw(
        "beresp.stale_while_revalidate",
        Type::Rtime,
        Scopes::FETCH,
        "How long the object may be served stale while refreshing.",
    ),
    rw("beresp.status", Type::Integer, Scopes::FETCH, "Status code of the origin's response; settable."),
    rw("beresp.ttl", Type::Rtime, Scopes::FETCH, "How long the fetched object stays fresh in cache."),
    ro(
        "beresp.used_alternate_path_to_origin",
        Type::Bool,
        Scopes::FETCH,
        "True when a fallback network path reached the origin.",
    ),
    // client.*
    ro("client.as.name", Type::String, ALL, "Organisation name of the client's autonomous system."),
    ro("client.as.number", Type::Integer, ALL, "Number of the autonomous system the client address belongs to."),
    ro("client.bot.name", Type::String, ALL, "Name of the detected bot, when the client is one."),
    ro("client.browser.name", Type::String, ALL, "Browser name detected from the user agent."),
    ro("client.browser.version", Type::String, ALL, "Browser version detected from the user agent."),
    ro("client.class.bot", Type::Bool, ALL, "True when the client is an automated agent."),
    ro("client.class.browser", Type::Bool, ALL, "True when the client is a web browser."),
    ro("client.display.touchscreen", Type::Bool, ALL, "True when the client device has a touch screen."),
    ro("client.geo.area_code", Type::Integer, ALL, "Phone area code associated with the client's location."),
    ro("client.geo.city", Type::String, ALL, "Same value as client.geo.city.ascii, under a shorter name."),
    ro("client.geo.city.ascii", Type::String, ALL, "Client's city name, lower-cased and reduced to ASCII."),
    ro("client.geo.city.latin1", Type::String, ALL, "Client's city name, spelled in Latin-1."),
    ro("client.geo.city.utf8", Type::String, ALL, "Client's city name, spelled in UTF-8."),
    ro("client.geo.conn_speed", Type::String, ALL, "Estimated link speed class of the client, e.g. broadband."),
    ro("client.geo.conn_type", Type::String, ALL, "Estimated access technology of the client, e.g. wifi or mobile."),
    ro("client.geo.continent_code", Type::String, ALL, "Continent of the client as a two-letter code."),
    ro("client.geo.country_code", Type::String, ALL, "Country of the client as an ISO 3166-1 alpha-2 code."),
    ro("client.geo.country_code3", Type::String, ALL, "Country of the client as an ISO 3166-1 alpha-3 code."),
    ro(
        "client.geo.country_name",
        Type::String,
        ALL,
        "Same value as client.geo.country_name.ascii, under a shorter name.",
    ),
    ro("client.geo.country_name.ascii", Type::String, ALL, "Client's country name, lower-cased and reduced to ASCII."),
    ro("client.geo.country_name.latin1", Type::String, ALL, "Client's country name, spelled in Latin-1."),
    ro("client.geo.country_name.utf8", Type::String, ALL, "Client's country name, spelled in UTF-8."),
    ro("client.geo.gmt_offset", Type::Integer, ALL, "Same value as client.geo.utc_offset, kept under an older name."),
    rw("client.geo.ip_override", Type::String, ALL, "Address to geolocate instead of the real client address."),
    ro("client.geo.latitude", Type::Float, ALL, "Latitude of the client's estimated location, in degrees."),
    ro("client.geo.longitude", Type::Float, ALL, "Longitude of the client's estimated location, in degrees."),
    ro("client.geo.metro_code", Type::Integer, ALL, "Metro area code of the client's location, per country."),
    ro("client.geo.postal_code", Type::String, ALL, "Postal or ZIP code of the client's location."),
    ro("client.geo.proxy_description", Type::String, ALL, "Extra detail on the detected client proxy, if any."),
    ro("client.geo.proxy_type", Type::String, ALL, "Kind of proxy the client appears to sit behind, if any."),
    ro("client.geo.region", Type::String, ALL, "Same value as client.geo.region.ascii, under a shorter name."),
    ro("client.geo.region.ascii", Type::String, ALL, "Client's state or province as an upper-case ASCII code."),
    ro("client.geo.region.latin1", Type::String, ALL, "Client's state or province name, spelled in Latin-1."),
    ro("client.geo.region.utf8", Type::String, ALL, "Client's state or province name, spelled in UTF-8."),
    ro("client.geo.utc_offset", Type::Integer, ALL, "Client's time-zone offset from UTC, written as hhmm."),
    ro("client.identified", Type::Bool, ALL, "True when device detection recognised the client's user agent."),
    rw("client.identity", Type::String, ALL, "Key that client-type directors hash to choose a backend."),
    ro("client.ip", Type::Ip, ALL, "IP address of the peer that opened the client connection."),
    ro("client.os.name", Type::String, ALL, "Operating system name of the client device."),
    ro("client.os.version", Type::String, ALL, "Operating system version of the client device."),
    ro("client.platform.gameconsole", Type::Bool, ALL, "True when the client device is a games console."),
    ro("client.platform.hwtype", Type::String, ALL, "Main hardware category of the client device."),
    ro("client.platform.mediaplayer", Type::Bool, ALL, "True when the client device is a media player."),
    ro("client.platform.mobile", Type::Bool, ALL, "True when the client device is a mobile device."),
    ro("client.platform.model", Type::String, ALL, "Device model reported by device detection."),
    ro("client.platform.smarttv", Type::Bool, ALL, "True when the client device is a smart TV."),
    ro("client.platform.tablet", Type::Bool, ALL, "True when the client device is a tablet."),
    ro("client.platform.vendor", Type::String, ALL, "Manufacturer of the client device."),
    ro("client.port", Type::Integer, ALL, "TCP source port of the client connection."),
    ro("client.requests", Type::Integer, ALL, "How many requests have arrived on this client connection so far."),
    rw(
        "client.socket.congestion_algorithm",
        Type::String,
        RECV_ERROR_DELIVER_LOG,
        "Congestion control algorithm used on the client socket.",
    ),
    rw(
        "client.socket.cwnd",
        Type::Integer,
        Scopes::RECV.union(Scopes::FETCH).union(Scopes::ERROR).union(Scopes::DELIVER).union(Scopes::LOG),
        "Congestion window of the client socket in segments; settable.",
    ),
    ro("client.socket.nexthop", Type::Ip, RECV_ERROR_DELIVER_LOG, "Next-hop router address used to reach the client."),
    rw(
        "client.socket.pace",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Upper bound on the send rate to the client, in KiB/s.",
    ),
    ro(
        "client.socket.ploss",
        Type::Float,
        RECV_ERROR_DELIVER_LOG,
        "Estimated packet loss ratio toward the client for this request.",
    ),
    ro(
        "client.socket.tcp_info",
        Type::Bool,
        RECV_ERROR_DELIVER_LOG,
        "True when the tcpi_* socket statistics can be read.",
    ),
    ro(
        "client.socket.tcpi_advmss",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "MSS this end advertised on the client connection.",
    ),
    ro(
        "client.socket.tcpi_bytes_acked",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Bytes sent to the client that the peer has acknowledged.",
    ),
    ro(
        "client.socket.tcpi_bytes_received",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Payload bytes received from the client and acknowledged.",
    ),
    ro(
        "client.socket.tcpi_data_segs_in",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Inbound client segments that carried payload data.",
    ),
    ro(
        "client.socket.tcpi_data_segs_out",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Outbound client segments that carried payload data.",
    ),
    ro(
        "client.socket.tcpi_delivery_rate",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Latest measured delivery rate to the client, bytes per second.",
    ),
    ro(
        "client.socket.tcpi_delta_retrans",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Retransmissions on the client connection during this request.",
    ),
    ro(
        "client.socket.tcpi_last_data_sent",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Milliseconds since data was last sent to the client.",
    ),
    ro(
        "client.socket.tcpi_max_pacing_rate",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Pacing rate ceiling of the client socket, bytes per second.",
    ),
    ro(
        "client.socket.tcpi_min_rtt",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Lowest round-trip time seen on the client connection, microseconds.",
    ),
    ro(
        "client.socket.tcpi_notsent_bytes",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Bytes queued on the client socket but not yet transmitted.",
    ),
    ro(
        "client.socket.tcpi_pacing_rate",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Current pacing rate of the client socket, bytes per second.",
    ),
    ro(
        "client.socket.tcpi_pmtu",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Path MTU seen by the kernel on the client socket.",
    ),
    ro(
        "client.socket.tcpi_rcv_mss",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "MSS the kernel estimates for data from the client.",
    ),
    ro(
        "client.socket.tcpi_rcv_rtt",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Receiver-side RTT estimate for the client connection, microseconds.",
    ),
    ro(
        "client.socket.tcpi_rcv_space",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Receive buffer space the client socket used over the last RTT.",
    ),
    ro(
        "client.socket.tcpi_rcv_ssthresh",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Receive-side slow-start threshold on the client socket, in bytes.",
    ),
    ro(
        "client.socket.tcpi_reordering",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Reordering threshold before retransmitting on the client socket.",
    ),
    ro(
        "client.socket.tcpi_rtt",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Smoothed round-trip time of the client connection, microseconds.",
    ),
    ro(
        "client.socket.tcpi_rttvar",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Variation of the client connection's round-trip time, microseconds.",
    ),
    ro(
        "client.socket.tcpi_segs_in",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "TCP segments received on the client connection so far.",
    ),
    ro(
        "client.socket.tcpi_segs_out",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "TCP segments sent on the client connection so far.",
    ),
    ro(
        "client.socket.tcpi_snd_cwnd",
        Type::Integer,
        Scopes::RECV.union(Scopes::FETCH).union(Scopes::ERROR).union(Scopes::DELIVER).union(Scopes::LOG),
        "Send congestion window of the client socket, in segments.",
    ),
    ro("client.socket.tcpi_snd_mss", Type::Integer, RECV_ERROR_DELIVER_LOG, "MSS used when sending to the client."),
    ro(
        "client.socket.tcpi_snd_ssthresh",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Send-side slow-start threshold on the client socket, in segments.",
    ),
    ro(
        "client.socket.tcpi_total_retrans",
        Type::Integer,
        RECV_ERROR_DELIVER_LOG,
        "Retransmissions counted over the whole client connection.",
    ),
    // director.*
    ro("director.{NAME}.healthy", Type::Bool, ALL, "True when the named director has a healthy member to use."),
    // esi.*
    rw(
        "esi.allow_inside_cdata",
        Type::Bool,
        Scopes::RECV.union(Scopes::FETCH).union(Scopes::ERROR).union(Scopes::DELIVER),
        "Whether ESI tags inside CDATA sections are processed.",
    ),
    // fastly.*
    ro(
        "fastly.ddos_detected",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when DDoS protection flagged the request without blocking.",
    ),
    ru("fastly.error", Type::String, ALL, "Error code left by the last failing builtin function."),
    ro(
        "fastly.ff.visits_this_pop",
        Type::Integer,
        ALL,
        "Earlier passes of this request through this POP, any service.",
    ),
    ro(
        "fastly.ff.visits_this_pop_this_service",
        Type::Integer,
        Scopes::MISS,
        "Earlier passes of this request through this POP and service.",
    ),
    ro(
        "fastly.ff.visits_this_service",
        Type::Integer,
        ALL,
        "Earlier passes of this request through this service, any POP.",
    ),
    ro("fastly.is_staging", Type::Bool, ALL, "True when running in the service's staging environment."),
    // fastly_info.*
    ro("fastly_info.edge.is_tls", Type::Bool, ALL, "True when the client reached the edge over TLS."),
    ro("fastly_info.h2.is_push", Type::Bool, RECV_HASH_DELIVER_LOG, "True when the request is an HTTP/2 server push."),
    ro("fastly_info.h2.stream_id", Type::Integer, RECV_HASH_DELIVER_LOG, "HTTP/2 stream number carrying the request."),
    ro("fastly_info.host_header", Type::String, ALL, "Host header exactly as the client sent it."),
    ro("fastly_info.is_h2", Type::Bool, ALL, "True when the client spoke HTTP/2."),
    ro("fastly_info.is_h3", Type::Bool, ALL, "True when the client spoke HTTP/3."),
    ro("fastly_info.state", Type::String, ALL, "Cache outcome and path taken, e.g. HIT or MISS."),
    // math.*
    constant("math.1_PI", Type::Float, "Constant: one divided by pi."),
    constant("math.2PI", Type::Float, "Constant: two times pi, also called tau."),
    constant("math.2_PI", Type::Float, "Constant: two divided by pi."),
    constant("math.2_SQRTPI", Type::Float, "Constant: two divided by the square root of pi."),
    constant("math.E", Type::Float, "The constant e, base of natural logarithms."),
    constant("math.FLOAT_DIG", Type::Integer, "Constant: decimal digits a FLOAT holds without loss."),
    constant("math.FLOAT_EPSILON", Type::Float, "Constant: gap between 1.0 and the next larger FLOAT."),
    constant("math.FLOAT_MANT_DIG", Type::Integer, "Constant: number of significand digits in a FLOAT."),
    constant("math.FLOAT_MAX", Type::Float, "Constant: largest finite FLOAT value."),
    constant("math.FLOAT_MAX_10_EXP", Type::Integer, "Constant: largest decimal exponent of a finite FLOAT."),
    constant("math.FLOAT_MAX_EXP", Type::Integer, "Constant: largest binary exponent of a finite FLOAT."),
    constant("math.FLOAT_MIN", Type::Float, "Constant: smallest positive normal FLOAT value."),
    constant("math.FLOAT_MIN_10_EXP", Type::Integer, "Constant: smallest decimal exponent of a normal FLOAT."),
    constant("math.FLOAT_MIN_EXP", Type::Integer, "Constant: smallest binary exponent of a normal FLOAT."),
    constant("math.FLOAT_RADIX", Type::Integer, "Constant: base used by the FLOAT representation."),
    constant("math.INTEGER_BIT", Type::Integer, "Constant: width of an INTEGER in bits."),
    constant("math.INTEGER_MAX", Type::Integer, "Constant: most positive INTEGER value."),
    constant("math.INTEGER_MIN", Type::Integer, "Constant: most negative INTEGER value."),
    constant("math.LN10", Type::Float, "Constant: natural logarithm of 10."),
    constant("math.LN2", Type::Float, "Constant: natural logarithm of 2."),
    constant("math.LOG10E", Type::Float, "Constant: base-10 logarithm of e."),
    constant("math.LOG2E", Type::Float, "Constant: base-2 logarithm of e."),
    constant("math.NAN", Type::Float, "Constant: a not-a-number FLOAT value."),
    constant("math.NEG_HUGE_VAL", Type::Float, "Constant: the negative value produced on FLOAT overflow."),
    constant("math.NEG_INFINITY", Type::Float, "Constant: negative infinity as a FLOAT."),
    constant("math.PHI", Type::Float, "Constant: the golden ratio, about 1.618."),
    constant("math.PI", Type::Float, "The constant pi, ratio of circumference to diameter."),
    constant("math.PI_2", Type::Float, "Constant: pi divided by two."),
    constant("math.PI_4", Type::Float, "Constant: pi divided by four."),
    constant("math.POS_HUGE_VAL", Type::Float, "Constant: the positive value produced on FLOAT overflow."),
    constant("math.POS_INFINITY", Type::Float, "Constant: positive infinity as a FLOAT."),
    constant("math.SQRT1_2", Type::Float, "Constant: square root of one half."),
    constant("math.SQRT2", Type::Float, "Constant: square root of two."),
    constant("math.TAU", Type::Float, "Constant: tau, equal to two times pi."),
    // (global)
    ro("now", Type::Time, ALL, "Current time when the expression is evaluated."),
    // now.*
    ro("now.sec", Type::String, ALL, "Current time as whole seconds since the Unix epoch."),
    // obj.*
    ro("obj.age", Type::Rtime, HIT_ERROR_DELIVER_LOG, "How old the cached object is, Age-header style."),
    ro("obj.cacheable", Type::Bool, Scopes::HIT, "Whether the cached object may be stored."),
    ro("obj.entered", Type::Rtime, HIT_ERROR_DELIVER_LOG, "Time since the object was put into cache."),
    deprecated(rw("obj.grace", Type::Rtime, HIT_ERROR_LOG, "Older name for obj.stale_if_error; superseded.")),
    ro("obj.headers", Type::String, HIT_ERROR, "All headers of the cached object, as one collection handle."),
    ro(
        "obj.hits",
        Type::Integer,
        Scopes::HIT.union(Scopes::DELIVER).union(Scopes::LOG),
        "How many times the cached object has been served.",
    ),
    rwu("obj.http.{NAME}", Type::String, HIT_ERROR, "A header of the cached or synthetic object, by name."),
    ro("obj.is_pci", Type::Bool, HIT_ERROR_DELIVER_LOG, "True when the object is kept off persistent storage."),
    ro("obj.lastuse", Type::Rtime, HIT_ERROR_DELIVER_LOG, "Time since the cached object was last served."),
    ro("obj.proto", Type::String, HIT_ERROR, "Protocol version recorded with the cached object."),
    rw_narrow(
        "obj.response",
        Type::String,
        HIT_ERROR,
        Scopes::ERROR,
        "Reason phrase of the cached or synthetic object.",
    ),
    ro("obj.stale_if_error", Type::Rtime, HIT_ERROR_LOG, "How long the cached object may be served stale on errors."),
    ro(
        "obj.stale_while_revalidate",
        Type::Rtime,
        HIT_ERROR_LOG,
        "How long the cached object may be served stale while refreshing.",
    ),
    rw_narrow("obj.status", Type::Integer, HIT_ERROR, Scopes::ERROR, "Status code of the cached or synthetic object."),
    rw_narrow("obj.ttl", Type::Rtime, HIT_ERROR_LOG, HIT_ERROR, "Remaining freshness lifetime of the cached object."),
    // quic.*
    ro("quic.cc.cwnd", Type::Integer, RECV_HASH_DELIVER_LOG, "Congestion window of the QUIC connection."),
    ro("quic.cc.ssthresh", Type::Integer, RECV_HASH_DELIVER_LOG, "Slow-start threshold of the QUIC connection."),
    ro(
        "quic.num_bytes.received",
        Type::Integer,
        RECV_HASH_DELIVER_LOG,
        "UDP payload bytes received on the QUIC connection.",
    ),
    ro("quic.num_bytes.sent", Type::Integer, RECV_HASH_DELIVER_LOG, "UDP payload bytes sent on the QUIC connection."),
    ro(
        "quic.num_packets.ack_received",
        Type::Integer,
        RECV_HASH_DELIVER_LOG,
        "QUIC packets the client has acknowledged.",
    ),
    ro(
        "quic.num_packets.decryption_failed",
        Type::Integer,
        RECV_HASH_DELIVER_LOG,
        "QUIC packets from the client that could not be decrypted.",
    ),
    ro(
        "quic.num_packets.late_acked",
        Type::Integer,
        RECV_HASH_DELIVER_LOG,
        "QUIC packets acknowledged only after being declared lost.",
    ),
    ro("quic.num_packets.lost", Type::Integer, RECV_HASH_DELIVER_LOG, "QUIC packets to the client deemed lost."),
    ro(
        "quic.num_packets.received",
        Type::Integer,
        RECV_HASH_DELIVER_LOG,
        "QUIC packets received from the client so far.",
    ),
    ro("quic.num_packets.sent", Type::Integer, RECV_HASH_DELIVER_LOG, "QUIC packets sent to the client so far."),
    ro("quic.rtt.latest", Type::Integer, RECV_HASH_DELIVER_LOG, "Most recent RTT sample on the QUIC connection."),
    ro(
        "quic.rtt.minimum",
        Type::Integer,
        RECV_HASH_DELIVER_LOG,
        "Lowest RTT seen over the QUIC connection's lifetime.",
    ),
    ro("quic.rtt.smoothed", Type::Integer, RECV_HASH_DELIVER_LOG, "Smoothed RTT estimate of the QUIC connection."),
    ro("quic.rtt.variance", Type::Integer, RECV_HASH_DELIVER_LOG, "RTT variation estimate of the QUIC connection."),
    // ratecounter.*
    ro(
        "ratecounter.{NAME}.bucket.10s",
        Type::Integer,
        ALL,
        "Increments to the last-used entry of a ratecounter over 10 seconds.",
    ),
    ro(
        "ratecounter.{NAME}.bucket.20s",
        Type::Integer,
        ALL,
        "Increments to the last-used entry of a ratecounter over 20 seconds.",
    ),
    ro(
        "ratecounter.{NAME}.bucket.30s",
        Type::Integer,
        ALL,
        "Increments to the last-used entry of a ratecounter over 30 seconds.",
    ),
    ro(
        "ratecounter.{NAME}.bucket.40s",
        Type::Integer,
        ALL,
        "Increments to the last-used entry of a ratecounter over 40 seconds.",
    ),
    ro(
        "ratecounter.{NAME}.bucket.50s",
        Type::Integer,
        ALL,
        "Increments to the last-used entry of a ratecounter over 50 seconds.",
    ),
    ro(
        "ratecounter.{NAME}.bucket.60s",
        Type::Integer,
        ALL,
        "Increments to the last-used entry of a ratecounter over 60 seconds.",
    ),
    ro(
        "ratecounter.{NAME}.rate.10s",
        Type::Float,
        ALL,
        "Per-second rate for the last-used ratecounter entry, 10-second window.",
    ),
    ro(
        "ratecounter.{NAME}.rate.1s",
        Type::Float,
        ALL,
        "Per-second rate for the last-used ratecounter entry, 1-second window.",
    ),
    ro(
        "ratecounter.{NAME}.rate.60s",
        Type::Float,
        ALL,
        "Per-second rate for the last-used ratecounter entry, 60-second window.",
    ),
    // re.*
    ro("re.group.{N}", Type::String, ALL, "Text captured by group N of the last successful regex match."),
    // req.*
    rw("req.backend", Type::Backend, ALL, "Backend or director that will serve this request."),
    ro("req.backend.healthy", Type::Bool, ALL, "True when the selected backend passes its health checks."),
    deprecated(ro("req.backend.ip", Type::Ip, ERROR_DELIVER_LOG, "Address used to reach the backend; superseded.")),
    ro(
        "req.backend.is_origin",
        Type::Bool,
        MISS_PASS_FETCH,
        "True when the selected backend is an origin, not a shield.",
    ),
    ro("req.backend.is_shield", Type::Bool, ALL, "True when the selected backend is a shield POP."),
    deprecated(ro(
        "req.backend.name",
        Type::String,
        ERROR_DELIVER_LOG,
        "Name of the backend that served the request; superseded.",
    )),
    ro("req.backend.port", Type::Integer, ERROR_DELIVER_LOG, "Remote port of the connection to the backend."),
    ro("req.body", Type::String, ALL, "Request body as text, when small enough to buffer."),
    ro("req.body.base64", Type::String, ALL, "Request body encoded as Base64."),
    ro("req.body_bytes_read", Type::Integer, DELIVER_LOG, "Body bytes received from the client for this request."),
    ro("req.bytes_read", Type::Integer, DELIVER_LOG, "Total bytes received from the client for this request."),
    ro("req.customer_id", Type::String, ALL, "Identifier of the account owning the service."),
    ro("req.digest", Type::String, ALL, "Hex cache-key hash of the object being served."),
    ro(
        "req.digest.ratio",
        Type::Float,
        Scopes::HIT
            .union(Scopes::MISS)
            .union(Scopes::PASS)
            .union(Scopes::FETCH)
            .union(Scopes::ERROR)
            .union(Scopes::DELIVER)
            .union(Scopes::LOG),
        "Cache-key hash mapped to a 0-1 ratio, for sampling objects.",
    ),
    rw("req.enable_range_on_pass", Type::Bool, Scopes::RECV, "Serve byte ranges even when the request is passed."),
    rw("req.enable_segmented_caching", Type::Bool, Scopes::RECV, "Fetch and cache large files in fixed-size segments."),
    rw(
        "req.esi",
        Type::Bool,
        Scopes::RECV.union(Scopes::FETCH).union(Scopes::ERROR).union(Scopes::DELIVER),
        "Whether ESI processing is allowed for this request.",
    ),
    ro(
        "req.esi_level",
        Type::Integer,
        Scopes::RECV.union(Scopes::DELIVER),
        "ESI nesting depth; 0 for the top-level request.",
    ),
    deprecated(rw("req.grace", Type::Rtime, ALL, "Older name for req.max_stale_if_error; superseded.")),
    wo("req.hash", Type::String, Scopes::HASH.union(Scopes::ERROR), "Appends a value to the cache key; write-only."),
    rw("req.hash_always_miss", Type::Bool, Scopes::RECV, "Treat any cached copy as a miss and refetch."),
    rw("req.hash_ignore_busy", Type::Bool, Scopes::RECV, "Skip waiting on an in-flight fetch of the same object."),
    ro("req.header_bytes_read", Type::Integer, ALL, "Header bytes received from the client for this request."),
    ro("req.headers", Type::String, ALL, "All client request headers, as one collection handle."),
    rwu("req.http.{NAME}", Type::String, ALL, "A client request header, addressed by its name."),
    ro("req.is_background_fetch", Type::Bool, ALL, "True while running a stale-while-revalidate background refresh."),
    ro("req.is_clustering", Type::Bool, ALL, "True when this request came from a peer cache node."),
    ro("req.is_esi_subreq", Type::Bool, ALL, "True while running for an ESI include fragment."),
    ro("req.is_ipv6", Type::Bool, RECV_HASH_DELIVER_LOG, "True when the client connected over IPv6."),
    ro("req.is_purge", Type::Bool, RECV_HASH_DELIVER_LOG, "True when the request is a purge."),
    deprecated(ro("req.is_ssl", Type::Bool, ALL, "True when the client connected over TLS; superseded.")),
    rw("req.max_stale_if_error", Type::Rtime, ALL, "Longest staleness acceptable when the origin is failing."),
    rw(
        "req.max_stale_while_revalidate",
        Type::Rtime,
        ALL,
        "Longest staleness acceptable while refreshing in the background.",
    ),
    rw("req.method", Type::String, ALL, "Request method, such as GET or POST; settable."),
    ro("req.postbody", Type::String, ALL, "Same value as req.body, kept under an older name."),
    ro("req.proto", Type::String, ALL, "Protocol version of the client request, e.g. HTTP/1.1."),
    ro("req.protocol", Type::String, ALL, "Scheme the client used: http or https."),
    rw("req.request", Type::String, ALL, "Same value as req.method, kept under an older name."),
    ro("req.restarts", Type::Integer, ALL, "How many times this request has been restarted."),
    ro("req.service_id", Type::String, ALL, "Identifier of the service handling the request."),
    ro("req.topurl", Type::String, ALL, "URL of the top-level request that led to this ESI include."),
    rw("req.url", Type::String, ALL, "Request target: path plus query string, still percent-encoded."),
    ro("req.url.basename", Type::String, ALL, "Last segment of req.url's path."),
    ro("req.url.dirname", Type::String, ALL, "Path of req.url up to, not including, its last segment."),
    ro("req.url.ext", Type::String, ALL, "File extension at the end of req.url's path, without the dot."),
    ro("req.url.path", Type::String, ALL, "Path part of req.url, without the query string."),
    ro("req.url.qs", Type::String, ALL, "Query string of req.url, without the leading question mark."),
    ro("req.vcl", Type::String, ALL, "Identifier of the active service configuration."),
    ro("req.vcl.generation", Type::Integer, ALL, "Generation counter of the active service configuration."),
    ro("req.vcl.md5", Type::String, ALL, "MD5 checksum of the active compiled VCL."),
    ro("req.vcl.version", Type::Integer, ALL, "Version number of the active service configuration."),
    ro("req.xid", Type::String, ALL, "Unique identifier of this request."),
    // resp.*
    ro("resp.body_bytes_written", Type::Integer, Scopes::LOG, "Body bytes sent to the client for this response."),
    ro("resp.bytes_written", Type::Integer, Scopes::LOG, "Total bytes sent to the client for this response."),
    ro("resp.completed", Type::Bool, Scopes::LOG, "True when the whole response reached the client."),
    ro("resp.header_bytes_written", Type::Integer, Scopes::LOG, "Header bytes sent to the client for this response."),
    ro("resp.headers", Type::String, DELIVER_LOG, "All client response headers, as one collection handle."),
    rwu("resp.http.{NAME}", Type::String, DELIVER_LOG, "A header of the client response, addressed by its name."),
    ro("resp.is_locally_generated", Type::Bool, DELIVER_LOG, "True when the response was synthesised in vcl_error."),
    ro("resp.proto", Type::String, DELIVER_LOG, "Protocol version of the response to the client."),
    rw("resp.response", Type::String, DELIVER_LOG, "Reason phrase of the response to the client."),
    ro("resp.stale", Type::Bool, ALL, "True when the response is served from a stale object."),
    ro("resp.stale.is_error", Type::Bool, ALL, "True when stale content is served because the origin failed."),
    ro("resp.stale.is_revalidating", Type::Bool, ALL, "True when stale content is served during a background refresh."),
    rw("resp.status", Type::Integer, DELIVER_LOG, "Status code of the response to the client."),
    // segmented_caching.*
    ro(
        "segmented_caching.autopurged",
        Type::Bool,
        Scopes::LOG,
        "True when an inconsistency made the system purge automatically.",
    ),
    ro(
        "segmented_caching.block_number",
        Type::Integer,
        Scopes::LOG,
        "Zero-based index of the segment currently handled.",
    ),
    rw_narrow(
        "segmented_caching.block_size",
        Type::Integer,
        Scopes::RECV.union(Scopes::LOG),
        Scopes::RECV,
        "Segment size in bytes used by segmented caching.",
    ),
    ro(
        "segmented_caching.cancelled",
        Type::Bool,
        Scopes::LOG,
        "True when segmenting was abandoned after a non-206 response.",
    ),
    ro(
        "segmented_caching.client_req.is_open_ended",
        Type::Bool,
        Scopes::LOG,
        "True when the client's byte range has no end.",
    ),
    ro(
        "segmented_caching.client_req.is_range",
        Type::Bool,
        Scopes::LOG,
        "True when the client asked for a byte range.",
    ),
    ro("segmented_caching.client_req.range_high", Type::Integer, Scopes::LOG, "Last byte offset the client asked for."),
    ro("segmented_caching.client_req.range_low", Type::Integer, Scopes::LOG, "First byte offset the client asked for."),
    ro("segmented_caching.completed", Type::Bool, Scopes::LOG, "True when segmented delivery finished successfully."),
    ro("segmented_caching.error", Type::String, Scopes::LOG, "Explanation of why segmented delivery failed."),
    ro("segmented_caching.failed", Type::Bool, Scopes::LOG, "True when segmented delivery stopped with an error."),
    ro(
        "segmented_caching.is_inner_req",
        Type::Bool,
        Scopes::LOG,
        "True in a subrequest that fetches one file segment.",
    ),
    ro(
        "segmented_caching.is_outer_req",
        Type::Bool,
        Scopes::LOG,
        "True in the request that stitches segments into a response.",
    ),
    ro(
        "segmented_caching.obj.complete_length",
        Type::Integer,
        Scopes::LOG,
        "Byte length of the complete file being segmented.",
    ),
    ro(
        "segmented_caching.rounded_req.range_high",
        Type::Integer,
        Scopes::LOG,
        "Last byte offset of the block-aligned range being fetched.",
    ),
    ro(
        "segmented_caching.rounded_req.range_low",
        Type::Integer,
        Scopes::LOG,
        "First byte offset of the block-aligned range being fetched.",
    ),
    ro("segmented_caching.total_blocks", Type::Integer, Scopes::LOG, "How many segments make up this response."),
    // server.*
    ro("server.billing_region", Type::String, ALL, "Billing region of the handling POP."),
    ro("server.datacenter", Type::String, ALL, "Same value as server.pop, kept under an older name."),
    ro("server.hostname", Type::String, ALL, "Host name of the cache node handling the request."),
    ro("server.identity", Type::String, ALL, "Cache node name combined with its POP identifier."),
    ro("server.ip", Type::Ip, ALL, "Local address of the cache node that accepted the connection."),
    ro("server.pop", Type::String, ALL, "Code of the POP (data centre) handling the request."),
    ro("server.port", Type::Integer, ALL, "Local TCP port on which the client connection arrived."),
    ro("server.region", Type::String, ALL, "Broad geographic region of the handling POP."),
    // stale.*
    ro("stale.exists", Type::String, ALL, "Whether a stale copy of the object is available."),
    // time.*
    ro("time.elapsed", Type::Rtime, ALL, "Time spent on the request so far."),
    ro("time.elapsed.msec", Type::String, ALL, "Time spent on the request so far, in milliseconds."),
    ro("time.elapsed.msec_frac", Type::String, ALL, "Millisecond part of the elapsed time, zero-padded."),
    ro("time.elapsed.sec", Type::String, ALL, "Time spent on the request so far, in seconds."),
    ro("time.elapsed.usec", Type::String, ALL, "Time spent on the request so far, in microseconds."),
    ro("time.elapsed.usec_frac", Type::String, ALL, "Microsecond part of the elapsed time, zero-padded."),
    ro("time.end", Type::Time, DELIVER_LOG, "Moment at which the request finished."),
    ro("time.end.msec", Type::String, DELIVER_LOG, "Request end as milliseconds since the Unix epoch."),
    ro("time.end.msec_frac", Type::String, DELIVER_LOG, "Millisecond part of the request end time, zero-padded."),
    ro("time.end.sec", Type::String, DELIVER_LOG, "Request end as seconds since the Unix epoch."),
    ro("time.end.usec", Type::String, DELIVER_LOG, "Request end as microseconds since the Unix epoch."),
    ro("time.end.usec_frac", Type::String, DELIVER_LOG, "Microsecond part of the request end time, zero-padded."),
    ro("time.start", Type::Time, ALL, "Moment at which the request began."),
    ro("time.start.msec", Type::String, ALL, "Request start as milliseconds since the Unix epoch."),
    ro("time.start.msec_frac", Type::String, ALL, "Millisecond part of the request start time, zero-padded."),
    ro("time.start.sec", Type::String, ALL, "Request start as seconds since the Unix epoch."),
    ro("time.start.usec", Type::String, ALL, "Request start as microseconds since the Unix epoch."),
    ro("time.start.usec_frac", Type::String, ALL, "Microsecond part of the request start time, zero-padded."),
    ro("time.to_first_byte", Type::Rtime, DELIVER_LOG, "Time from request start until vcl_deliver began."),
    // tls.*
    ro(
        "tls.client.certificate.dn",
        Type::String,
        RECV_HASH_DELIVER_LOG,
        "Subject DN taken from the client's certificate.",
    ),
    ro(
        "tls.client.certificate.is_cert_bad",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when the client certificate is malformed or invalid.",
    ),
    ro(
        "tls.client.certificate.is_cert_expired",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when the client certificate's validity period has ended.",
    ),
    ro(
        "tls.client.certificate.is_cert_missing",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when mTLS expected a client certificate and got none.",
    ),
    ro(
        "tls.client.certificate.is_cert_unknown",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when the client certificate's format is not recognised.",
    ),
    ro(
        "tls.client.certificate.is_unknown_ca",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when the client certificate's issuer is not trusted.",
    ),
    ro(
        "tls.client.certificate.is_verified",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when mTLS verification of the client certificate passed.",
    ),
    ro(
        "tls.client.certificate.issuer_dn",
        Type::String,
        RECV_HASH_DELIVER_LOG,
        "Issuer distinguished name of the client certificate.",
    ),
    ro(
        "tls.client.certificate.not_after",
        Type::Time,
        RECV_HASH_DELIVER_LOG,
        "End of the client certificate's validity window.",
    ),
    ro(
        "tls.client.certificate.not_before",
        Type::Time,
        RECV_HASH_DELIVER_LOG,
        "Start of the client certificate's validity window.",
    ),
    ro(
        "tls.client.certificate.raw_certificate_b64",
        Type::String,
        RECV_HASH_DELIVER_LOG,
        "Client certificate in PEM form, Base64-encoded.",
    ),
    ro(
        "tls.client.certificate.serial_number",
        Type::String,
        RECV_HASH_DELIVER_LOG,
        "The client certificate's serial number, as text.",
    ),
    ro("tls.client.cipher", Type::String, RECV_HASH_DELIVER_LOG, "Cipher suite negotiated with the client."),
    ro("tls.client.ciphers_list", Type::String, RECV_HASH_DELIVER_LOG, "Hex list of cipher suites the client offered."),
    ro(
        "tls.client.ciphers_list_sha",
        Type::String,
        RECV_HASH_DELIVER_LOG,
        "Base64 SHA-1 digest of the client's offered cipher list.",
    ),
    ro(
        "tls.client.ciphers_list_txt",
        Type::String,
        RECV_HASH_DELIVER_LOG,
        "Colon-separated names of cipher suites the client offered.",
    ),
    ro(
        "tls.client.ciphers_sha",
        Type::String,
        RECV_HASH_DELIVER_LOG,
        "Base64 SHA digest of the client's cipher suite IDs.",
    ),
    ro(
        "tls.client.handshake_sent_bytes",
        Type::Integer,
        RECV_HASH_DELIVER_LOG,
        "Byte count this end wrote during the client TLS handshake.",
    ),
    ro(
        "tls.client.iana_chosen_cipher_id",
        Type::Integer,
        RECV_HASH_DELIVER_LOG,
        "IANA number of the negotiated client cipher suite.",
    ),
    ro("tls.client.ja3_md5", Type::String, RECV_HASH_DELIVER_LOG, "JA3 fingerprint of the client hello, as hex MD5."),
    ro("tls.client.ja4", Type::String, RECV_HASH_DELIVER_LOG, "JA4 fingerprint of the client hello."),
    ro("tls.client.protocol", Type::String, RECV_HASH_DELIVER_LOG, "TLS version negotiated with the client."),
    ro(
        "tls.client.servername",
        Type::String,
        RECV_HASH_DELIVER_LOG,
        "Server name the client sent in its SNI extension.",
    ),
    ro(
        "tls.client.tlsexts_list",
        Type::String,
        RECV_HASH_DELIVER_LOG,
        "Hex list of TLS extension IDs the client sent.",
    ),
    ro(
        "tls.client.tlsexts_list_sha",
        Type::String,
        RECV_HASH_DELIVER_LOG,
        "Base64 SHA-1 digest of the client's TLS extension list.",
    ),
    ro(
        "tls.client.tlsexts_list_txt",
        Type::String,
        RECV_HASH_DELIVER_LOG,
        "Colon-separated names of TLS extensions the client sent.",
    ),
    ro(
        "tls.client.tlsexts_sha",
        Type::String,
        RECV_HASH_DELIVER_LOG,
        "Base64 SHA digest of the client's TLS extension IDs.",
    ),
    // transport.*
    ro(
        "transport.bw_estimate",
        Type::Integer,
        RECV_HASH_DELIVER_LOG,
        "Estimated client bandwidth in bytes per second.",
    ),
    ro(
        "transport.type",
        Type::String,
        RECV_HASH_DELIVER_LOG,
        "Transport carrying the client connection, e.g. tcp or quic.",
    ),
    // workspace.*
    ro("workspace.bytes_free", Type::Integer, ALL, "Bytes still available in the request's workspace memory."),
    ro("workspace.bytes_total", Type::Integer, ALL, "Size in bytes of the request's workspace memory."),
    ro("workspace.overflowed", Type::Bool, ALL, "True when the request ran out of workspace memory."),
    // ---- Tier B: documented on fastly.com, newer than the metadata export ----
    // Scopes of the bot variables follow the fastly.com pages (recv, hash, deliver, log).
    // bereq.*
    newer(rw("bereq.fetch_timeout", Type::Rtime, MISS_PASS, "Deadline for the entire origin fetch; off by default.")),
    // beresp.*
    newer(ro(
        "beresp.backend.host",
        Type::String,
        FETCH_ERROR_DELIVER_LOG,
        "Host field of the backend declaration that was used.",
    )),
    // fastly.*
    newer(ro(
        "fastly.bot.analyzed",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when bot detection examined the request.",
    )),
    newer(ro(
        "fastly.bot.category",
        Type::String,
        RECV_HASH_DELIVER_LOG,
        "Category label of the detected bot, if any.",
    )),
    newer(ro(
        "fastly.bot.category.is_accessibility",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when the bot is an accessibility tool.",
    )),
    newer(ro(
        "fastly.bot.category.is_ai_crawler",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when the bot crawls content for AI training.",
    )),
    newer(ro(
        "fastly.bot.category.is_ai_fetcher",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when the bot fetches pages on behalf of an AI assistant.",
    )),
    newer(ro(
        "fastly.bot.category.is_content_fetcher",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when the bot retrieves content, e.g. feed readers.",
    )),
    newer(ro(
        "fastly.bot.category.is_monitoring_and_site_tools",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when the bot is a monitoring or site tool.",
    )),
    newer(ro(
        "fastly.bot.category.is_online_marketing",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when the bot serves online marketing.",
    )),
    newer(ro(
        "fastly.bot.category.is_page_preview",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when the bot renders link previews.",
    )),
    newer(ro(
        "fastly.bot.category.is_platform_integrations",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when the bot is a platform integration.",
    )),
    newer(ro(
        "fastly.bot.category.is_research",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when the bot belongs to a research project.",
    )),
    newer(ro(
        "fastly.bot.category.is_search_engine_crawler",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when the bot is a search engine crawler.",
    )),
    newer(ro(
        "fastly.bot.category.is_search_engine_optimization",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when the bot is an SEO tool.",
    )),
    newer(ro(
        "fastly.bot.category.is_security_tools",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when the bot is a security scanner.",
    )),
    newer(ro(
        "fastly.bot.category.is_verified",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when the bot's identity has been verified.",
    )),
    newer(ro(
        "fastly.bot.detected",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when the request came from a recognised bot.",
    )),
    newer(ro("fastly.bot.name", Type::String, RECV_HASH_DELIVER_LOG, "Name of the recognised bot; empty when none.")),
    // ---- Tier C: legacy or undocumented names (scopes as falco accepts them) ----
    // (global)
    // Listed with falco's legacy names, but documented on Fastly's STRING type page, so
    // not deprecated.
    current(legacy(ro("LF", Type::String, ALL, "A string holding a single newline character."))),
    // bereq.*
    legacy(rw(
        "bereq.max_reuse_idle_time",
        Type::Rtime,
        MISS_PASS,
        "Longest idle time before a pooled origin connection is dropped.",
    )),
    // client.*
    legacy(ro("client.class.checker", Type::Bool, ALL, "Legacy device class: link checker.")),
    legacy(ro("client.class.downloader", Type::Bool, ALL, "Legacy device class: download manager.")),
    legacy(ro("client.class.feedreader", Type::Bool, ALL, "Legacy device class: feed reader.")),
    legacy(ro("client.class.filter", Type::Bool, ALL, "Legacy device class: content filter.")),
    legacy(ro("client.class.masquerading", Type::Bool, ALL, "Legacy device class: agent faking another user agent.")),
    legacy(ro("client.class.spam", Type::Bool, ALL, "Legacy device class: spam harvester.")),
    legacy(ro("client.display.height", Type::Integer, ALL, "Legacy device detection: screen height in pixels.")),
    legacy(ro("client.display.ppi", Type::Integer, ALL, "Legacy device detection: screen pixel density.")),
    legacy(ro("client.display.width", Type::Integer, ALL, "Legacy device detection: screen width in pixels.")),
    legacy(ro("client.platform.ereader", Type::Bool, ALL, "Legacy device detection: device is an e-reader.")),
    legacy(ro("client.platform.tvplayer", Type::Bool, ALL, "Legacy device detection: device is a TV player.")),
    legacy(rw("client.sess_timeout", Type::Rtime, ALL, "Idle timeout of the client session; undocumented.")),
    // fastly_info.*
    legacy(ro(
        "fastly_info.h2.fingerprint",
        Type::String,
        ALL,
        "Fingerprint of the client's HTTP/2 settings; undocumented.",
    )),
    legacy(ro(
        "fastly_info.is_cluster_edge",
        Type::Bool,
        Scopes::DELIVER,
        "True on the edge node of a clustered request; undocumented.",
    )),
    legacy(ro(
        "fastly_info.is_cluster_shield",
        Type::Bool,
        Scopes::MISS.union(Scopes::FETCH),
        "True on the fetching node of a clustered request; undocumented.",
    )),
    legacy(ro(
        "fastly_info.oh_fingerprint",
        Type::String,
        ALL,
        "Fingerprint of the client's header order; undocumented.",
    )),
    legacy(ro(
        "fastly_info.request_id",
        Type::String,
        RECV_HASH_DELIVER_LOG,
        "Identifier of the request; undocumented.",
    )),
    legacy(ro("fastly_info.version", Type::String, ALL, "Version of the edge software; undocumented.")),
    // geoip.*
    legacy(ro("geoip.area_code", Type::Integer, ALL, "Retired older name for client.geo.area_code.")),
    legacy(ro("geoip.city", Type::String, ALL, "Retired older name for client.geo.city.")),
    legacy(ro("geoip.city.ascii", Type::String, ALL, "Retired older name for client.geo.city.ascii.")),
    legacy(ro("geoip.city.latin1", Type::String, ALL, "Retired older name for client.geo.city.latin1.")),
    legacy(ro("geoip.city.utf8", Type::String, ALL, "Retired older name for client.geo.city.utf8.")),
    legacy(ro("geoip.continent_code", Type::String, ALL, "Retired older name for client.geo.continent_code.")),
    legacy(ro("geoip.country_code", Type::String, ALL, "Retired older name for client.geo.country_code.")),
    legacy(ro("geoip.country_code3", Type::String, ALL, "Retired older name for client.geo.country_code3.")),
    legacy(ro("geoip.country_name", Type::String, ALL, "Retired older name for client.geo.country_name.")),
    legacy(ro("geoip.country_name.ascii", Type::String, ALL, "Retired older name for client.geo.country_name.ascii.")),
    legacy(ro(
        "geoip.country_name.latin1",
        Type::String,
        ALL,
        "Retired older name for client.geo.country_name.latin1.",
    )),
    legacy(ro("geoip.country_name.utf8", Type::String, ALL, "Retired older name for client.geo.country_name.utf8.")),
    legacy(rw("geoip.ip_override", Type::String, ALL, "Retired older name for client.geo.ip_override.")),
    legacy(ro("geoip.latitude", Type::Float, ALL, "Retired older name for client.geo.latitude.")),
    legacy(ro("geoip.longitude", Type::Float, ALL, "Retired older name for client.geo.longitude.")),
    legacy(ro("geoip.metro_code", Type::Integer, ALL, "Retired older name for client.geo.metro_code.")),
    legacy(ro("geoip.postal_code", Type::String, ALL, "Retired older name for client.geo.postal_code.")),
    legacy(ro("geoip.region", Type::String, ALL, "Retired older name for client.geo.region.")),
    legacy(ro("geoip.region.ascii", Type::String, ALL, "Retired older name for client.geo.region.ascii.")),
    legacy(ro("geoip.region.latin1", Type::String, ALL, "Retired older name for client.geo.region.latin1.")),
    legacy(ro("geoip.region.utf8", Type::String, ALL, "Retired older name for client.geo.region.utf8.")),
    legacy(rw(
        "geoip.use_x_forwarded_for",
        Type::Bool,
        ALL,
        "Legacy switch: geolocate the X-Forwarded-For address instead.",
    )),
    // req.*
    legacy(ro(
        "req.backend.is_cluster",
        Type::Bool,
        Scopes::DELIVER,
        "True when the backend was a cluster peer; undocumented.",
    )),
    // tls.*
    legacy(ro(
        "tls.client.certificate.is_cert_revoked",
        Type::Bool,
        RECV_HASH_DELIVER_LOG,
        "True when the client certificate has been revoked.",
    )),
    // waf.*
    legacy(rw("waf.anomaly_score", Type::Integer, MISS_PASS_DELIVER_LOG, "Retired legacy WAF: overall anomaly score.")),
    legacy(rw("waf.blocked", Type::Bool, MISS_PASS_ERROR_DELIVER_LOG, "Retired legacy WAF: request was blocked.")),
    legacy(rw(
        "waf.counter",
        Type::Integer,
        Scopes::MISS.union(Scopes::PASS).union(Scopes::DELIVER),
        "Retired legacy WAF: rule evaluation counter.",
    )),
    legacy(rw("waf.executed", Type::Bool, MISS_PASS_ERROR_DELIVER_LOG, "Retired legacy WAF: rules were run.")),
    legacy(ro(
        "waf.failures",
        Type::Integer,
        MISS_PASS_ERROR_DELIVER_LOG,
        "Retired legacy WAF: number of evaluation failures.",
    )),
    legacy(rw(
        "waf.http_violation_score",
        Type::Integer,
        MISS_PASS_DELIVER_LOG,
        "Retired legacy WAF: HTTP protocol violation score.",
    )),
    legacy(rw("waf.inbound_anomaly_score", Type::Integer, MISS_PASS, "Retired legacy WAF: inbound anomaly score.")),
    legacy(rw(
        "waf.lfi_score",
        Type::Integer,
        MISS_PASS_DELIVER_LOG,
        "Retired legacy WAF: local file inclusion score.",
    )),
    legacy(rw(
        "waf.logdata",
        Type::String,
        MISS_PASS_DELIVER_LOG,
        "Retired legacy WAF: data logged by the matching rule.",
    )),
    legacy(rw("waf.logged", Type::Bool, MISS_PASS_ERROR_DELIVER_LOG, "Retired legacy WAF: request was logged.")),
    legacy(rw("waf.message", Type::String, MISS_PASS_DELIVER_LOG, "Retired legacy WAF: message of the matching rule.")),
    legacy(rw("waf.passed", Type::Bool, MISS_PASS_ERROR_DELIVER_LOG, "Retired legacy WAF: request was let through.")),
    legacy(rw(
        "waf.php_injection_score",
        Type::Integer,
        MISS_PASS_DELIVER_LOG,
        "Retired legacy WAF: PHP injection score.",
    )),
    legacy(rw(
        "waf.rce_score",
        Type::Integer,
        MISS_PASS_DELIVER_LOG,
        "Retired legacy WAF: remote code execution score.",
    )),
    legacy(rw(
        "waf.rfi_score",
        Type::Integer,
        MISS_PASS_DELIVER_LOG,
        "Retired legacy WAF: remote file inclusion score.",
    )),
    legacy(rw(
        "waf.rule_id",
        Type::Integer,
        MISS_PASS_DELIVER_LOG,
        "Retired legacy WAF: identifier of the matching rule.",
    )),
    legacy(rw(
        "waf.session_fixation_score",
        Type::Integer,
        MISS_PASS_DELIVER_LOG,
        "Retired legacy WAF: session fixation score.",
    )),
    legacy(rw(
        "waf.severity",
        Type::Integer,
        MISS_PASS_DELIVER_LOG,
        "Retired legacy WAF: severity of the matching rule.",
    )),
    legacy(ro("waf.sql_injection_score", Type::Float, Scopes::LOG, "Retired legacy WAF: SQL injection score.")),
    legacy(rw(
        "waf.xss_score",
        Type::Integer,
        MISS_PASS_DELIVER_LOG,
        "Retired legacy WAF: cross-site scripting score.",
    )),
];

/// Readable in `read`; never set or unset.
const fn ro(name: &'static str, ty: Type, read: Scopes, doc: &'static str) -> VarDef {
    VarDef { name, ty, read, write: NONE, unset: NONE, tier: Tier::Documented, deprecated: false, doc }
}

/// A built-in constant (`math.PI`): readable everywhere.
const fn constant(name: &'static str, ty: Type, doc: &'static str) -> VarDef {
    ro(name, ty, ALL, doc)
}

/// Readable and settable in `scopes`.
const fn rw(name: &'static str, ty: Type, scopes: Scopes, doc: &'static str) -> VarDef {
    rw_narrow(name, ty, scopes, scopes, doc)
}

/// Readable in `read`, settable only in the narrower `write`.
const fn rw_narrow(name: &'static str, ty: Type, read: Scopes, write: Scopes, doc: &'static str) -> VarDef {
    VarDef { write, ..ro(name, ty, read, doc) }
}

/// Readable, settable and unsettable in `scopes` (the header variables).
const fn rwu(name: &'static str, ty: Type, scopes: Scopes, doc: &'static str) -> VarDef {
    VarDef { unset: scopes, ..rw(name, ty, scopes, doc) }
}

/// Readable and unsettable in `scopes`, never set (`fastly.error`).
const fn ru(name: &'static str, ty: Type, scopes: Scopes, doc: &'static str) -> VarDef {
    VarDef { unset: scopes, ..ro(name, ty, scopes, doc) }
}

/// Settable in `write` but never read (`req.hash`, `beresp.saintmode`).
const fn wo(name: &'static str, ty: Type, write: Scopes, doc: &'static str) -> VarDef {
    VarDef { write, ..ro(name, ty, NONE, doc) }
}

/// Marks a Tier A entry that Fastly's metadata flags as deprecated.
const fn deprecated(def: VarDef) -> VarDef {
    VarDef { deprecated: true, ..def }
}

/// Moves an entry to Tier B.
const fn newer(def: VarDef) -> VarDef {
    VarDef { tier: Tier::Newer, ..def }
}

/// Moves an entry to Tier C, which is always linted as deprecated.
/// Clears the deprecated flag of an entry that is still documented.
const fn current(mut def: VarDef) -> VarDef {
    def.deprecated = false;
    def
}

const fn legacy(def: VarDef) -> VarDef {
    VarDef { tier: Tier::Legacy, deprecated: true, ..def }
}
