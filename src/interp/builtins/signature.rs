//! Public-key signature checks: `digest.rsa_verify` (RSASSA-PKCS1-v1_5, as JWT's RS*
//! algorithms use) and `digest.ecdsa_verify` (ECDSA over P-256, DER or JWT's raw `r||s`
//! signatures).
//!
//! Fastly (`digest.rsa_verify`): the key is PEM, the signature Base64 "decoded as if by
//! `digest.base64_decode`" with the given variant, `default` meaning `url_nopad`, binary
//! output kept; the hash method `default` is SHA-256. A key or signature that does not
//! parse verifies nothing (`false`).

use p256::ecdsa::signature::hazmat::PrehashVerifier;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::digest::{base64_decode_lenient, STD, URL};
use super::{args, Builtin, Ctx, Fault};
use crate::interp::value::{Id, Value};

pub const FUNCTIONS: &[(&str, Builtin)] =
    &[("digest.rsa_verify", rsa_verify as Builtin), ("digest.ecdsa_verify", ecdsa_verify)];

#[derive(Debug, Clone, Copy)]
enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

fn word(a: &[Value], i: usize) -> Option<&'static str> {
    match a.get(i) {
        Some(Value::Id(Id::Word(w))) => Some(w),
        _ => None,
    }
}

fn hash_method(a: &[Value]) -> Hash {
    match word(a, 0) {
        Some("sha1") => Hash::Sha1,
        Some("sha384") => Hash::Sha384,
        Some("sha512") => Hash::Sha512,
        // `sha256` and `default`.
        _ => Hash::Sha256,
    }
}

/// The signature argument, Base64-decoded with the variant at `variant` (`url_nopad`
/// when absent or `default`).
fn signature(a: &[Value], sig: usize, variant: usize) -> Vec<u8> {
    let text = args::bytes(a, sig);
    match word(a, variant) {
        Some("standard") => base64_decode_lenient(&text, STD, true),
        Some("url") => base64_decode_lenient(&text, URL, true),
        _ => base64_decode_lenient(&text, URL, false),
    }
}

fn pem(a: &[Value], i: usize) -> String {
    args::text(a, i).trim().to_string()
}

/// `digest.rsa_verify(hash_method, public_key, payload, digest [, base64_variant])`.
fn rsa_verify(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let key_pem = pem(a, 1);
    // SubjectPublicKeyInfo (`BEGIN PUBLIC KEY`) or PKCS#1 (`BEGIN RSA PUBLIC KEY`).
    let key = rsa::RsaPublicKey::from_public_key_pem(&key_pem).or_else(|_| rsa::RsaPublicKey::from_pkcs1_pem(&key_pem));
    let Ok(key) = key else { return Ok(Value::Bool(false)) };
    let payload = args::bytes(a, 2);
    let sig = signature(a, 3, 4);
    let ok = match hash_method(a) {
        Hash::Sha1 => key.verify(rsa::Pkcs1v15Sign::new::<Sha1>(), &Sha1::digest(&payload), &sig),
        Hash::Sha256 => key.verify(rsa::Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(&payload), &sig),
        Hash::Sha384 => key.verify(rsa::Pkcs1v15Sign::new::<Sha384>(), &Sha384::digest(&payload), &sig),
        Hash::Sha512 => key.verify(rsa::Pkcs1v15Sign::new::<Sha512>(), &Sha512::digest(&payload), &sig),
    }
    .is_ok();
    Ok(Value::Bool(ok))
}

/// `digest.ecdsa_verify(hash_method, public_key, payload, digest, digest_format
/// [, base64_variant])`: `der` is an ASN.1 signature, `jwt` the 64 bytes `r||s`.
fn ecdsa_verify(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_pem(&pem(a, 1)) else { return Ok(Value::Bool(false)) };
    let payload = args::bytes(a, 2);
    let sig = signature(a, 3, 5);
    let sig = match word(a, 4) {
        Some("jwt") => p256::ecdsa::Signature::from_slice(&sig),
        _ => p256::ecdsa::Signature::from_der(&sig),
    };
    let Ok(sig) = sig else { return Ok(Value::Bool(false)) };
    let prehash = match hash_method(a) {
        Hash::Sha1 => Sha1::digest(&payload).to_vec(),
        Hash::Sha256 => Sha256::digest(&payload).to_vec(),
        Hash::Sha384 => Sha384::digest(&payload).to_vec(),
        Hash::Sha512 => Sha512::digest(&payload).to_vec(),
    };
    Ok(Value::Bool(key.verify_prehash(&prehash, &sig).is_ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::builtins::testkit::Env;

    // Generated with `openssl genrsa 1024` / `openssl ecparam -name prime256v1`, then
    // `openssl dgst -sha256 -sign KEY` over "hello lacquer", Base64url without padding.
    const RSA_PUB: &str = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDDpUePM83lRf+cvuW1MFtNwNYu
k5bfknWpueI3U3c54WvgeCixQB9q2Z2LQ5O8T9kZq4Eaqf++Mq+xndthJ4SjJ+N0
wlQa56LFZD5kGi98D+BeWAZ7VbJIvZy0F/9y+hPaUTPa45xUJVpD/BDuhfYFevxi
lWrK0RQg2SCnEKnpeQIDAQAB
-----END PUBLIC KEY-----";
    const RSA_SIG: &str = "hlZiBG5Uz6hziOaKUxIw9xs8DWx_SxifjIfvL1qmPr11mFVh-kCGe5SPLYrE9h9qkpcm7VpmTTMCIYBar7hUF4fOcfCm7sS1mZjuoJur2sUNEMF0JCzoPOUlsULbg6MR34sjZvMbaiR-JCUyMo8-VqhjpKP6YL1aCSTl320CW_g";
    const EC_PUB: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEzwgDjVPE27xtVXekeb5gynO3eCOS
2jf1w17EmmTMsp6Wg3jlLw9sMn+XSpFW9d9dSZSGfTT3dPQzgbtxIfyVUQ==
-----END PUBLIC KEY-----";
    const EC_SIG_DER: &str =
        "MEUCICPCoI5k4L5S_R0qULyJ03zuWiCnUz6-X0tzbUIHtIgsAiEA_7uuiV2-XysKih8sfdnva2J2Pmi0huWAax8feCroAEM";

    fn w(x: &'static str) -> Value {
        Value::Id(Id::Word(x))
    }

    fn verify(f: Builtin, a: &[Value]) -> bool {
        let mut env = Env::new();
        matches!(env.call(f, a), Value::Bool(true))
    }

    #[test]
    fn rsa_pkcs1_v15_signatures() {
        let msg = Value::str("hello lacquer");
        assert!(verify(rsa_verify, &[w("sha256"), Value::str(RSA_PUB), msg.clone(), Value::str(RSA_SIG)]));
        // `default` is SHA-256 and url_nopad.
        let args = [w("default"), Value::str(RSA_PUB), msg.clone(), Value::str(RSA_SIG), w("default")];
        assert!(verify(rsa_verify, &args));
        assert!(!verify(
            rsa_verify,
            &[w("sha256"), Value::str(RSA_PUB), Value::str("hello lacquer!"), Value::str(RSA_SIG)]
        ));
        assert!(!verify(rsa_verify, &[w("sha512"), Value::str(RSA_PUB), msg.clone(), Value::str(RSA_SIG)]));
        assert!(!verify(rsa_verify, &[w("sha256"), Value::str("not a key"), msg, Value::str(RSA_SIG)]));
    }

    #[test]
    fn ecdsa_p256_signatures_der_and_jwt() {
        let msg = Value::str("hello lacquer");
        let der = [w("sha256"), Value::str(EC_PUB), msg.clone(), Value::str(EC_SIG_DER), w("der")];
        assert!(verify(ecdsa_verify, &der));
        // The same signature as JWT's fixed-size r||s, Base64url without padding.
        let raw = base64_decode_lenient(EC_SIG_DER.as_bytes(), URL, false);
        let jwt = p256::ecdsa::Signature::from_der(&raw).unwrap().to_bytes();
        let jwt = super::super::digest::base64_encode(&jwt, URL, false);
        let args = [w("sha256"), Value::str(EC_PUB), msg.clone(), Value::str(&jwt), w("jwt"), w("url_nopad")];
        assert!(verify(ecdsa_verify, &args));
        let wrong = [w("sha256"), Value::str(EC_PUB), Value::str("other"), Value::str(EC_SIG_DER), w("der")];
        assert!(!verify(ecdsa_verify, &wrong));
        let format_mismatch = [w("sha256"), Value::str(EC_PUB), msg, Value::str(EC_SIG_DER), w("jwt")];
        assert!(!verify(ecdsa_verify, &format_mismatch));
    }
}
