//! TLS termination for `lacquer serve`: the certificates (PEM pairs of chain and key),
//! the choice of one per handshake by SNI, ALPN (`h2`, `http/1.1`), and the facts VCL
//! reads about the client's TLS connection (`tls.client.*`).
//!
//! A certificate is chosen when the SNI the client sent is one of the names in its
//! subjectAltName (exact, or a `*.` wildcard covering one label), checked with webpki's
//! own name matching; the first pair answers a handshake without SNI or with a name no
//! certificate covers. rustls with the ring provider does the protocol (TLS 1.2 and 1.3).
//!
//! Architecture Invariant: a pair that cannot be read, parsed or whose key does not match
//! its certificate is refused when the server is built, never at the first handshake.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use rustls::server::{ClientHello, ParsedCertificate, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::{CipherSuite, ServerConfig};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName};

use crate::interp::state::TlsClient;

/// Why the TLS settings could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: no PEM certificate in it")]
    NoCertificate { path: PathBuf },
    #[error("{path}: not a PEM certificate chain: {detail}")]
    BadCertificate { path: PathBuf, detail: String },
    #[error("{path}: no usable PEM private key in it: {detail}")]
    BadKey { path: PathBuf, detail: String },
    #[error("{key} does not belong to the certificate in {cert}: {detail}")]
    KeyMismatch { cert: PathBuf, key: PathBuf, detail: String },
    #[error("no certificate given")]
    NoPairs,
}

/// The listener side of TLS: certificates, SNI choice and ALPN, ready for tokio-rustls.
#[derive(Clone)]
pub struct ServerTls {
    config: Arc<ServerConfig>,
}

impl fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerTls").field("alpn", &self.config.alpn_protocols).finish()
    }
}

/// One certificate chain with its private key, as PEM text (a file's contents).
#[derive(Debug, Clone)]
pub struct PemPair {
    /// Where the chain came from (for messages).
    pub cert_path: PathBuf,
    pub cert_pem: Vec<u8>,
    pub key_path: PathBuf,
    pub key_pem: Vec<u8>,
}

impl PemPair {
    /// Reads a `--tls-cert` / `--tls-key` pair from disk.
    pub fn read(cert: &Path, key: &Path) -> Result<PemPair, TlsError> {
        let read = |p: &Path| std::fs::read(p).map_err(|source| TlsError::Read { path: p.to_path_buf(), source });
        Ok(PemPair {
            cert_path: cert.to_path_buf(),
            cert_pem: read(cert)?,
            key_path: key.to_path_buf(),
            key_pem: read(key)?,
        })
    }
}

impl ServerTls {
    /// Builds the settings from certificate pairs; the first is the default.
    pub fn new(pairs: &[PemPair]) -> Result<ServerTls, TlsError> {
        if pairs.is_empty() {
            return Err(TlsError::NoPairs);
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut keys = Vec::with_capacity(pairs.len());
        for pair in pairs {
            keys.push(Arc::new(certified_key(pair, &provider)?));
        }
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::BadCertificate { path: pairs[0].cert_path.clone(), detail: e.to_string() })?
            .with_no_client_auth()
            .with_cert_resolver(Arc::new(BySni { keys }));
        // hyper-util's auto builder reads the h2 preface itself; ALPN tells the client.
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(ServerTls { config: Arc::new(config) })
    }

    /// Reads and builds from `(cert, key)` file pairs.
    pub fn from_files(pairs: &[(PathBuf, PathBuf)]) -> Result<ServerTls, TlsError> {
        let pairs = pairs.iter().map(|(c, k)| PemPair::read(c, k)).collect::<Result<Vec<_>, _>>()?;
        ServerTls::new(&pairs)
    }

    pub(crate) fn acceptor(&self) -> tokio_rustls::TlsAcceptor {
        tokio_rustls::TlsAcceptor::from(self.config.clone())
    }
}

/// The facts of an accepted connection VCL can read.
pub(crate) fn client_facts(conn: &rustls::ServerConnection) -> TlsClient {
    let protocol = crate::backend::tls_version_name(conn.protocol_version());
    let cipher = conn.negotiated_cipher_suite().map_or("", |s| openssl_name(s.suite()));
    TlsClient {
        protocol: Bytes::from_static(protocol.as_bytes()),
        cipher: Bytes::from_static(cipher.as_bytes()),
        servername: conn.server_name().map_or_else(Bytes::new, |n| Bytes::copy_from_slice(n.as_bytes())),
    }
}

/// OpenSSL's name of a suite the ring provider offers (Fastly: `tls.client.cipher` "will
/// be consistent with the OpenSSL Name"; OpenSSL names TLS 1.3 suites by their IANA
/// names).
fn openssl_name(suite: CipherSuite) -> &'static str {
    match suite {
        CipherSuite::TLS13_AES_128_GCM_SHA256 => "TLS_AES_128_GCM_SHA256",
        CipherSuite::TLS13_AES_256_GCM_SHA384 => "TLS_AES_256_GCM_SHA384",
        CipherSuite::TLS13_CHACHA20_POLY1305_SHA256 => "TLS_CHACHA20_POLY1305_SHA256",
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 => "ECDHE-ECDSA-AES128-GCM-SHA256",
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 => "ECDHE-ECDSA-AES256-GCM-SHA384",
        CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 => "ECDHE-ECDSA-CHACHA20-POLY1305",
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 => "ECDHE-RSA-AES128-GCM-SHA256",
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 => "ECDHE-RSA-AES256-GCM-SHA384",
        CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 => "ECDHE-RSA-CHACHA20-POLY1305",
        _ => "",
    }
}

fn certified_key(pair: &PemPair, provider: &rustls::crypto::CryptoProvider) -> Result<CertifiedKey, TlsError> {
    let chain = CertificateDer::pem_slice_iter(&pair.cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::BadCertificate { path: pair.cert_path.clone(), detail: e.to_string() })?;
    let Some(leaf) = chain.first() else {
        return Err(TlsError::NoCertificate { path: pair.cert_path.clone() });
    };
    ParsedCertificate::try_from(leaf)
        .map_err(|e| TlsError::BadCertificate { path: pair.cert_path.clone(), detail: e.to_string() })?;
    let key = PrivateKeyDer::from_pem_slice(&pair.key_pem)
        .map_err(|e| TlsError::BadKey { path: pair.key_path.clone(), detail: e.to_string() })?;
    CertifiedKey::from_der(chain, key, provider).map_err(|e| match e {
        rustls::Error::InconsistentKeys(_) => {
            TlsError::KeyMismatch { cert: pair.cert_path.clone(), key: pair.key_path.clone(), detail: e.to_string() }
        }
        other => TlsError::BadKey { path: pair.key_path.clone(), detail: other.to_string() },
    })
}

/// Picks the first certificate valid for the client's SNI, else the first one.
#[derive(Debug)]
struct BySni {
    keys: Vec<Arc<CertifiedKey>>,
}

impl ResolvesServerCert for BySni {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let by_name = hello.server_name().and_then(|sni| {
            let name = ServerName::try_from(sni).ok()?;
            self.keys.iter().find(|k| {
                k.end_entity_cert()
                    .ok()
                    .and_then(|der| ParsedCertificate::try_from(der).ok())
                    .is_some_and(|cert| rustls::client::verify_server_name(&cert, &name).is_ok())
            })
        });
        by_name.or_else(|| self.keys.first()).cloned()
    }
}
