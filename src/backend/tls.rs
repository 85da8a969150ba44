//! TLS to origin: what a `.ssl = true` backend's declaration asks of the handshake (trust
//! roots, the name its certificate must carry, the SNI sent, protocol versions), the
//! connector that does the handshake after hyper-util's TCP connect, and the names of
//! TLS failures as Fastly reports them in `obj.response`.
//!
//! Fastly's defaults: `.ssl_check_cert = always`; the certificate is checked against
//! `.ssl_cert_hostname` (else `.ssl_hostname`, else `.host`), and the SNI sent is
//! `.ssl_sni_hostname` (else the certificate hostname). Trust is webpki-roots (Mozilla's
//! roots) plus `.ssl_ca_cert`. rustls speaks TLS 1.2 and 1.3 only, so a declaration that
//! needs anything else, or fields lacquer does not implement (`.ssl_ciphers`, client
//! certificates), is refused when the service is built, never silently ignored.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, OtherError, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::health::{HealthTable, OpenConn};

use super::BackendError;
use crate::ir::BackendProps;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A backend's TLS settings, built once per backend.
#[derive(Debug)]
pub(crate) struct OriginTls {
    config: Arc<ClientConfig>,
    sni: ServerName<'static>,
}

impl OriginTls {
    /// The settings for a `.ssl = true` backend whose `.host` is `host`.
    pub(crate) fn new(name: &str, host: &str, p: &BackendProps) -> Result<OriginTls, BackendError> {
        let unsupported = |what: &str| BackendError::NotSupported { name: name.to_string(), what: what.to_string() };
        if p.ssl_ciphers.is_some() {
            return Err(unsupported(".ssl_ciphers (rustls chooses among its own suites)"));
        }
        if p.ssl_client_cert.is_some() || p.ssl_client_key.is_some() {
            return Err(unsupported(".ssl_client_cert / .ssl_client_key (client certificates to origin)"));
        }
        let invalid = |detail: String| BackendError::Tls { name: name.to_string(), detail };
        let versions =
            versions(p.min_tls_version.as_deref(), p.max_tls_version.as_deref()).map_err(|what| unsupported(&what))?;
        let cert_name = p.ssl_cert_hostname.as_deref().or(p.ssl_hostname.as_deref()).unwrap_or(host).to_string();
        let sni_name = p.ssl_sni_hostname.as_deref().or(p.ssl_hostname.as_deref()).unwrap_or(&cert_name).to_string();
        let sni = server_name(&sni_name).map_err(|e| invalid(format!(".ssl_sni_hostname \"{sni_name}\": {e}")))?;
        let check_name =
            server_name(&cert_name).map_err(|e| invalid(format!(".ssl_cert_hostname \"{cert_name}\": {e}")))?;

        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        if let Some(pem) = &p.ssl_ca_cert {
            let mut added = 0;
            for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
                let cert = cert.map_err(|e| invalid(format!(".ssl_ca_cert is not PEM: {e}")))?;
                roots.add(cert).map_err(|e| invalid(format!(".ssl_ca_cert: {e}")))?;
                added += 1;
            }
            if added == 0 {
                return Err(invalid(".ssl_ca_cert holds no PEM certificate".to_string()));
            }
        }
        let verifier: Arc<dyn ServerCertVerifier> = if p.ssl_check_cert == Some(false) {
            Arc::new(NoCheck { provider: provider.clone() })
        } else {
            let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| invalid(e.to_string()))?;
            Arc::new(CheckAgainst { inner: webpki, name: check_name })
        };
        let config = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)
            .map_err(|e| invalid(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(OriginTls { config: Arc::new(config), sni })
    }
}

/// The TLS protocol versions a declaration allows, or what it asks that rustls cannot do.
fn versions(
    min: Option<&str>,
    max: Option<&str>,
) -> Result<&'static [&'static rustls::SupportedProtocolVersion], String> {
    static BOTH: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS13, &rustls::version::TLS12];
    static ONLY_12: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS12];
    static ONLY_13: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS13];
    let level = |v: Option<&str>, field: &str| -> Result<Option<u8>, String> {
        match v.map(str::trim) {
            None | Some("") => Ok(None),
            Some("1.0") => Ok(Some(0)),
            Some("1.1") => Ok(Some(1)),
            Some("1.2") => Ok(Some(2)),
            Some("1.3") => Ok(Some(3)),
            Some(other) => Err(format!("{field} \"{other}\" (known: 1.0, 1.1, 1.2, 1.3)")),
        }
    };
    // A minimum below 1.2 still allows 1.2 and 1.3, which is all rustls speaks.
    let min = level(min, ".min_tls_version")?.unwrap_or(2).max(2);
    let max = level(max, ".max_tls_version")?.unwrap_or(3);
    match (min, max) {
        (_, 0 | 1) => Err(".max_tls_version below 1.2 (rustls speaks TLS 1.2 and 1.3 only)".to_string()),
        (2, 2) => Ok(ONLY_12),
        (3, 3) => Ok(ONLY_13),
        (2, 3) => Ok(BOTH),
        _ => Err(".min_tls_version above .max_tls_version".to_string()),
    }
}

fn server_name(name: &str) -> Result<ServerName<'static>, String> {
    let bare = name.trim().trim_start_matches('[').trim_end_matches(']');
    ServerName::try_from(bare.to_string()).map_err(|e| e.to_string())
}

/// A TLS handshake with an origin that failed, with the `obj.response` Fastly gives it.
#[derive(Debug, thiserror::Error)]
#[error("TLS handshake failed: {detail}")]
pub(crate) struct HandshakeError {
    pub reason: &'static str,
    pub detail: String,
}

impl HandshakeError {
    fn from_io(e: std::io::Error) -> HandshakeError {
        let detail = e.to_string();
        let tls = e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>());
        HandshakeError { reason: tls.map_or(super::READ_ERROR, fastly_reason), detail }
    }
}

/// Fastly's `obj.response` for a TLS failure (guides/tls-origin-configuration-messages:
/// "Hostname mismatch", "self signed certificate", "unable to get local issuer
/// certificate", ...); anything else reads as a read error.
fn fastly_reason(e: &rustls::Error) -> &'static str {
    match e {
        rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => "Hostname mismatch",
        rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer) => "unable to get local issuer certificate",
        rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(other))) => {
            other.downcast_ref::<Untrusted>().map_or(super::READ_ERROR, |u| u.0)
        }
        _ => super::READ_ERROR,
    }
}

/// A chain no trust root vouches for, with OpenSSL's name for why.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Untrusted(&'static str);

/// Whether a certificate's issuer is its own subject (compared as encoded).
fn is_self_signed(cert: &CertificateDer<'_>) -> bool {
    issuer_and_subject(cert).is_some_and(|(issuer, subject)| issuer == subject)
}

/// The encoded issuer and subject Names of an X.509 certificate (RFC 5280 §4.1:
/// `Certificate { tbsCertificate { [0] version?, serial, signature, issuer, validity,
/// subject, ... } ... }`).
fn issuer_and_subject(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let cert = Der::read(der, 0x30)?;
    let tbs = Der::read(cert.contents, 0x30)?;
    let mut rest = tbs.contents;
    if rest.first() == Some(&0xA0) {
        rest = Der::read(rest, 0xA0)?.rest;
    }
    let serial = Der::read(rest, 0x02)?;
    let signature = Der::read(serial.rest, 0x30)?;
    let issuer = Der::read(signature.rest, 0x30)?;
    let validity = Der::read(issuer.rest, 0x30)?;
    let subject = Der::read(validity.rest, 0x30)?;
    Some((issuer.whole, subject.whole))
}

/// One DER element.
struct Der<'a> {
    /// Tag, length and contents.
    whole: &'a [u8],
    contents: &'a [u8],
    /// What follows the element.
    rest: &'a [u8],
}

impl<'a> Der<'a> {
    /// The element at the start of `input`, if it has the expected tag.
    fn read(input: &'a [u8], tag: u8) -> Option<Der<'a>> {
        if *input.first()? != tag {
            return None;
        }
        let first = *input.get(1)? as usize;
        let (len, header) = if first < 0x80 {
            (first, 2)
        } else {
            let n = first & 0x7f;
            if n == 0 || n > 4 {
                return None;
            }
            let len = input.get(2..2 + n)?.iter().fold(0usize, |acc, b| (acc << 8) | *b as usize);
            (len, 2 + n)
        };
        let end = header.checked_add(len)?;
        let whole = input.get(..end)?;
        Some(Der { whole, contents: &whole[header..], rest: &input[end..] })
    }
}

/// hyper-util's TCP connector, then (for a TLS backend) the handshake, bounded by the
/// connect timeout.
#[derive(Clone)]
pub(crate) struct Connector {
    pub(crate) tcp: HttpConnector,
    pub(crate) tls: Option<Arc<OriginTls>>,
    pub(crate) handshake_timeout: Duration,
    /// Where the backend's open connections are counted, and its index there.
    pub(crate) count: Option<(HealthTable, u32)>,
}

impl tower_service::Service<Uri> for Connector {
    type Response = OriginStream;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<OriginStream, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.tcp.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let tcp = self.tcp.call(uri);
        let tls = self.tls.clone();
        let timeout = self.handshake_timeout;
        let count = self.count.clone();
        Box::pin(async move {
            let started = std::time::Instant::now();
            let stream = tcp.await?;
            let open = count.map(|(table, idx)| table.connection_opened(idx));
            let Some(tls) = tls else {
                return Ok(OriginStream { io: OriginIo::Plain(stream), _open: open, handshake: started.elapsed() });
            };
            let connector = tokio_rustls::TlsConnector::from(tls.config.clone());
            let handshake = connector.connect(tls.sni.clone(), stream.into_inner());
            match tokio::time::timeout(timeout, handshake).await {
                Err(_) => Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "TLS handshake timed out").into()),
                Ok(Err(e)) => Err(HandshakeError::from_io(e).into()),
                Ok(Ok(s)) => Ok(OriginStream {
                    io: OriginIo::Tls(Box::new(TokioIo::new(s))),
                    _open: open,
                    handshake: started.elapsed(),
                }),
            }
        })
    }
}

/// A connection to an origin, plain or TLS, counted as open to its backend while it
/// lives (`backend.NAME.connections_open`).
pub(crate) struct OriginStream {
    io: OriginIo,
    _open: Option<OpenConn>,
    handshake: Duration,
}

enum OriginIo {
    Plain(TokioIo<TcpStream>),
    Tls(Box<TokioIo<TlsStream<TcpStream>>>),
}

/// A TLS version as VCL names it (`tls.client.protocol`, `backend.conn.tls_protocol`);
/// empty when none was negotiated.
pub(crate) fn version_name(version: Option<rustls::ProtocolVersion>) -> &'static str {
    match version {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3",
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2",
        _ => "",
    }
}

/// What a response's connection to its origin was (`backend.conn.*`,
/// `beresp.backend.requests`): hyper copies it into every response of the connection.
#[derive(Debug, Clone, Default)]
pub struct ConnFacts {
    /// The TLS version spoken (`TLSv1.3`, `TLSv1.2`); `None` on plain TCP.
    pub tls_protocol: Option<&'static str>,
    /// Responses so far on this connection (each fetch counts the one it got).
    pub requests: Arc<std::sync::atomic::AtomicU64>,
    /// How long opening the connection took: TCP connect, and the TLS handshake if any.
    pub handshake: Duration,
}

impl Connection for OriginStream {
    fn connected(&self) -> Connected {
        match &self.io {
            OriginIo::Plain(s) => s.connected().extra(ConnFacts { handshake: self.handshake, ..ConnFacts::default() }),
            OriginIo::Tls(s) => {
                let (tcp, tls) = s.inner().get_ref();
                tcp.connected().extra(ConnFacts {
                    tls_protocol: Some(version_name(tls.protocol_version())),
                    requests: Default::default(),
                    handshake: self.handshake,
                })
            }
        }
    }
}

impl Read for OriginStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: ReadBufCursor<'_>) -> Poll<std::io::Result<()>> {
        match &mut self.get_mut().io {
            OriginIo::Plain(s) => Pin::new(s).poll_read(cx, buf),
            OriginIo::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl Write for OriginStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        match &mut self.get_mut().io {
            OriginIo::Plain(s) => Pin::new(s).poll_write(cx, buf),
            OriginIo::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        match &mut self.get_mut().io {
            OriginIo::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            OriginIo::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match &self.io {
            OriginIo::Plain(s) => s.is_write_vectored(),
            OriginIo::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match &mut self.get_mut().io {
            OriginIo::Plain(s) => Pin::new(s).poll_flush(cx),
            OriginIo::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match &mut self.get_mut().io {
            OriginIo::Plain(s) => Pin::new(s).poll_shutdown(cx),
            OriginIo::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// webpki verification against the declared certificate hostname, whatever SNI was sent.
#[derive(Debug)]
struct CheckAgainst {
    inner: Arc<WebPkiServerVerifier>,
    name: ServerName<'static>,
}

impl ServerCertVerifier for CheckAgainst {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _sni: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.inner.verify_server_cert(end_entity, intermediates, &self.name, ocsp, now) {
            // Name the untrusted chain as OpenSSL (and so Fastly) does.
            Err(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)) => {
                let reason = if is_self_signed(end_entity) {
                    "self signed certificate"
                } else if intermediates.last().is_some_and(is_self_signed) {
                    "self signed certificate in certificate chain"
                } else {
                    "unable to get local issuer certificate"
                };
                let untrusted = OtherError(Arc::new(Untrusted(reason)));
                Err(rustls::Error::InvalidCertificate(CertificateError::Other(untrusted)))
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// `.ssl_check_cert = never`: any certificate is accepted (the handshake's signatures are
/// still checked, so the peer holds the certificate's key).
#[derive(Debug)]
struct NoCheck {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for NoCheck {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _sni: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::ProtocolVersion::{TLSv1_2, TLSv1_3};

    fn allowed(min: Option<&str>, max: Option<&str>) -> Result<Vec<rustls::ProtocolVersion>, String> {
        versions(min, max).map(|v| v.iter().map(|v| v.version).collect())
    }

    #[test]
    fn names_are_found_in_certificates_and_garbage_is_not_one() {
        assert_eq!(issuer_and_subject(b""), None);
        assert_eq!(issuer_and_subject(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(issuer_and_subject(&[0x30, 0x03, 0x30, 0x01]), None);
        assert!(!is_self_signed(&CertificateDer::from(vec![0x30, 0x00])));
    }

    #[test]
    fn versions_follow_the_declaration() {
        assert_eq!(allowed(None, None).unwrap(), [TLSv1_3, TLSv1_2]);
        assert_eq!(allowed(Some("1.3"), None).unwrap(), [TLSv1_3]);
        assert_eq!(allowed(None, Some("1.2")).unwrap(), [TLSv1_2]);
        assert_eq!(allowed(Some("1.0"), Some("1.3")).unwrap(), [TLSv1_3, TLSv1_2]);
        assert!(allowed(None, Some("1.1")).unwrap_err().contains("below 1.2"));
        assert!(allowed(Some("1.3"), Some("1.2")).is_err());
        assert!(allowed(Some("2.0"), None).is_err());
    }
}
