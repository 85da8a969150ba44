//! `digest.*`, `bin.*` and `crypto.*`: hashes, HMACs, one-time passwords, Base64 and hex
//! codecs, and AES encryption.
//!
//! Conventions, from Fastly's function pages
//! (<https://www.fastly.com/documentation/reference/vcl/functions/cryptographic/>):
//! - `digest.hash_*` return lowercase hex without prefix; the CRC-32 variants print the
//!   checksum's bytes least significant first (`digest.hash_crc32("123456789")` is
//!   `181989fc`, the CRC-32/BZIP2 value `0xFC891918` byte-swapped).
//! - `digest.hmac_*` return `0x` followed by lowercase hex; `digest.hmac_*_base64` return
//!   standard, padded Base64.
//! - Base64 decoding skips characters outside the alphabet, stops at the first `=` (except
//!   the `nopad` variant, for which `=` is just another invalid character), and drops
//!   leftover bits. Decoders that produce a STRING truncate at the first NUL byte;
//!   decoders whose output feeds another function (hash, HMAC key, cipher input) keep
//!   binary data.
//! - `digest.time_hmac_*` decode the Base64 key, hash the time step
//!   `floor(now / interval) + offset` as a little-endian 64-bit integer and return the
//!   MAC in Base64 (Fastly's `token-functions` examples compute tokens this way). The
//!   offset counts intervals: Fastly's examples call `-1` and `1` the previous and next
//!   buckets and its token guide accepts offsets 0 and -1 with a 60 s interval, although
//!   the current pages say "also in seconds". An interval ≤ 0 is `EINVAL` (not set).
//! - `crypto.*` support AES-128/192/256 in CBC (PKCS#7 or no padding), CTR, GCM (96-bit
//!   nonce, 128-bit tag appended to the ciphertext) and CCM (56-bit nonce, 96-bit tag
//!   appended); keys, IVs and hex payloads are case-insensitive hex without `0x`. Invalid
//!   arguments set `fastly.error` to `EINVAL`, a failed padding or tag check to
//!   `EBADDECRYPT`; both return not set. Hex output is lowercase.

use aes::cipher::consts::{U12, U16};
use aes::cipher::{BlockEncrypt, BlockSizeUser, KeyInit, KeyIvInit, StreamCipher};
use aes_gcm::aead::Aead;
use bytes::Bytes;
use cbc::cipher::block_padding::{NoPadding, Pkcs7};
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut};
use hmac::{Hmac, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

use super::{args, Builtin, Ctx, Fault};
use crate::interp::value::{Id, Value};

/// The functions of this module, by catalog name.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("digest.awsv4_hmac", awsv4_hmac),
    ("digest.base64", base64),
    ("digest.base64_decode", base64_decode),
    ("digest.base64url", base64url),
    ("digest.base64url_decode", base64url_decode),
    ("digest.base64url_nopad", base64url_nopad),
    ("digest.base64url_nopad_decode", base64url_nopad_decode),
    ("digest.hash_crc32", hash_crc32),
    ("digest.hash_crc32b", hash_crc32b),
    ("digest.hash_md5", hash_md5),
    ("digest.hash_sha1", hash_sha1),
    ("digest.hash_sha1_from_base64", hash_sha1_from_base64),
    ("digest.hash_sha224", hash_sha224),
    ("digest.hash_sha256", hash_sha256),
    ("digest.hash_sha256_from_base64", hash_sha256_from_base64),
    ("digest.hash_sha384", hash_sha384),
    ("digest.hash_sha512", hash_sha512),
    ("digest.hash_sha512_from_base64", hash_sha512_from_base64),
    ("digest.hash_xxh32", hash_xxh32),
    ("digest.hash_xxh32_from_base64", hash_xxh32_from_base64),
    ("digest.hash_xxh64", hash_xxh64),
    ("digest.hash_xxh64_from_base64", hash_xxh64_from_base64),
    ("digest.hmac_md5", hmac_md5),
    ("digest.hmac_md5_base64", hmac_md5_base64),
    ("digest.hmac_sha1", hmac_sha1),
    ("digest.hmac_sha1_base64", hmac_sha1_base64),
    ("digest.hmac_sha256", hmac_sha256),
    ("digest.hmac_sha256_base64", hmac_sha256_base64),
    ("digest.hmac_sha256_with_base64_key", hmac_sha256_with_base64_key),
    ("digest.hmac_sha512", hmac_sha512),
    ("digest.hmac_sha512_base64", hmac_sha512_base64),
    ("digest.secure_is_equal", secure_is_equal),
    ("digest.time_hmac_md5", time_hmac_md5),
    ("digest.time_hmac_sha1", time_hmac_sha1),
    ("digest.time_hmac_sha256", time_hmac_sha256),
    ("digest.time_hmac_sha512", time_hmac_sha512),
    ("bin.base64_to_hex", bin_base64_to_hex),
    ("bin.hex_to_base64", bin_hex_to_base64),
    ("crypto.decrypt_base64", crypto_decrypt_base64),
    ("crypto.decrypt_hex", crypto_decrypt_hex),
    ("crypto.encrypt_base64", crypto_encrypt_base64),
    ("crypto.encrypt_hex", crypto_encrypt_hex),
];

// ---- Codecs ----

/// The standard Base64 alphabet (RFC 4648 section 4).
pub(crate) const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// The URL-safe Base64 alphabet (RFC 4648 section 5).
pub(crate) const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const fn decode_table(alphabet: &[u8; 64]) -> [u8; 256] {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
}

const INVALID: u8 = 0xFF;
const STD_TABLE: [u8; 256] = decode_table(STD);
const URL_TABLE: [u8; 256] = decode_table(URL);

fn table_for(alphabet: &[u8; 64]) -> &'static [u8; 256] {
    if alphabet[62] == b'-' {
        &URL_TABLE
    } else {
        &STD_TABLE
    }
}

/// Base64-encodes `data` with `alphabet`, padding with `=` when `pad` is set.
pub(crate) fn base64_encode(data: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..4 {
            if i < chars {
                out.push(char::from(alphabet[((n >> (18 - 6 * i)) & 0x3F) as usize]));
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

/// Fastly's lenient Base64 decoding: characters outside `alphabet` are skipped, `=` ends
/// the input when `pad_terminates` (else it is skipped like any invalid character), and
/// bits that do not complete a byte are dropped. Binary output is kept as is.
pub(crate) fn base64_decode_lenient(input: &[u8], alphabet: &[u8; 64], pad_terminates: bool) -> Vec<u8> {
    let table = table_for(alphabet);
    let mut out = Vec::with_capacity(input.len() / 4 * 3 + 2);
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    for &c in input {
        if c == b'=' && pad_terminates {
            break;
        }
        let v = table[usize::from(c)];
        if v == INVALID {
            continue;
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Fastly's lenient decoding of standard Base64, binary-safe (for `synthetic.base64`).
pub(crate) fn decode_standard_base64(input: &[u8]) -> Vec<u8> {
    base64_decode_lenient(input, STD, true)
}

/// Strict standard Base64 decoding for `bin.base64_to_hex`: any character outside the
/// alphabet (other than the `=` that ends the data) is an error.
fn base64_decode_strict(input: &[u8]) -> Option<Vec<u8>> {
    let end = input.iter().position(|&c| c == b'=').unwrap_or(input.len());
    if input[..end].iter().any(|&c| STD_TABLE[usize::from(c)] == INVALID) || input[end..].iter().any(|&c| c != b'=') {
        return None;
    }
    Some(base64_decode_lenient(&input[..end], STD, true))
}

/// Truncates at the first NUL byte, as a VCL STRING built from binary data does.
fn until_nul(mut data: Vec<u8>) -> Vec<u8> {
    if let Some(i) = data.iter().position(|&b| b == 0) {
        data.truncate(i);
    }
    data
}

/// Lowercase hex.
/// SHA-256 of `data` in lower-case hex (`digest.hash_sha256`; `req.digest` over the cache
/// key's hash input).
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex_lower(&sha2::Sha256::digest(data))
}

pub(crate) fn hex_lower(data: &[u8]) -> String {
    hex_with(data, b"0123456789abcdef")
}

fn hex_upper(data: &[u8]) -> String {
    hex_with(data, b"0123456789ABCDEF")
}

fn hex_with(data: &[u8], digits: &[u8; 16]) -> String {
    let mut out = String::with_capacity(data.len() * 2);
    for &b in data {
        out.push(char::from(digits[usize::from(b >> 4)]));
        out.push(char::from(digits[usize::from(b & 0x0F)]));
    }
    out
}

/// Decodes case-insensitive hex; `None` on a bad digit or an incomplete pair.
pub(crate) fn hex_decode(input: &[u8]) -> Option<Vec<u8>> {
    if input.len() % 2 != 0 {
        return None;
    }
    input
        .chunks(2)
        .map(|pair| {
            let hi = char::from(pair[0]).to_digit(16)?;
            let lo = char::from(pair[1]).to_digit(16)?;
            Some((hi * 16 + lo) as u8)
        })
        .collect()
}

fn string(s: String) -> Value {
    Value::from_string(s)
}

fn binary(data: Vec<u8>) -> Value {
    Value::String(Bytes::from(data))
}

// ---- Hashes and MACs ----

#[derive(Debug, Clone, Copy)]
enum Alg {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

fn hash(alg: Alg, data: &[u8]) -> Vec<u8> {
    match alg {
        Alg::Md5 => Md5::digest(data).to_vec(),
        Alg::Sha1 => Sha1::digest(data).to_vec(),
        Alg::Sha224 => Sha224::digest(data).to_vec(),
        Alg::Sha256 => Sha256::digest(data).to_vec(),
        Alg::Sha384 => Sha384::digest(data).to_vec(),
        Alg::Sha512 => Sha512::digest(data).to_vec(),
    }
}

fn hmac(alg: Alg, key: &[u8], msg: &[u8]) -> Vec<u8> {
    match alg {
        Alg::Md5 => mac::<Hmac<Md5>>(key, msg),
        Alg::Sha1 => mac::<Hmac<Sha1>>(key, msg),
        Alg::Sha224 => mac::<Hmac<Sha224>>(key, msg),
        Alg::Sha256 => mac::<Hmac<Sha256>>(key, msg),
        Alg::Sha384 => mac::<Hmac<Sha384>>(key, msg),
        Alg::Sha512 => mac::<Hmac<Sha512>>(key, msg),
    }
}

fn mac<M: Mac + KeyInit>(key: &[u8], msg: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this never fails in practice.
    match <M as Mac>::new_from_slice(key) {
        Ok(mut m) => {
            m.update(msg);
            m.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// CRC-32/BZIP2: polynomial 0x04C11DB7, not reflected, init and xor-out all ones.
fn crc32_bzip2(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = (i as u32) << 24;
            let mut k = 0;
            while k < 8 {
                c = if c & 0x8000_0000 != 0 { (c << 1) ^ 0x04C1_1DB7 } else { c << 1 };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    let mut crc = u32::MAX;
    for &b in data {
        crc = (crc << 8) ^ TABLE[usize::from(((crc >> 24) as u8) ^ b)];
    }
    !crc
}

macro_rules! hex_hash {
    ($name:ident, $alg:expr) => {
        fn $name(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
            Ok(string(hex_lower(&hash($alg, &args::bytes(a, 0)))))
        }
    };
}

macro_rules! hex_hash_from_base64 {
    ($name:ident, $alg:expr) => {
        fn $name(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
            let data = base64_decode_lenient(&args::bytes(a, 0), STD, true);
            Ok(string(hex_lower(&hash($alg, &data))))
        }
    };
}

hex_hash!(hash_md5, Alg::Md5);
hex_hash!(hash_sha1, Alg::Sha1);
hex_hash!(hash_sha224, Alg::Sha224);
hex_hash!(hash_sha256, Alg::Sha256);
hex_hash!(hash_sha384, Alg::Sha384);
hex_hash!(hash_sha512, Alg::Sha512);
hex_hash_from_base64!(hash_sha1_from_base64, Alg::Sha1);
hex_hash_from_base64!(hash_sha256_from_base64, Alg::Sha256);
hex_hash_from_base64!(hash_sha512_from_base64, Alg::Sha512);

fn hash_crc32(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    Ok(string(format!("{:08x}", crc32_bzip2(&args::bytes(a, 0)).swap_bytes())))
}

fn hash_crc32b(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    Ok(string(format!("{:08x}", crc32fast::hash(&args::bytes(a, 0)).swap_bytes())))
}

fn hash_xxh32(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    Ok(string(format!("{:08x}", xxhash_rust::xxh32::xxh32(&args::bytes(a, 0), 0))))
}

fn hash_xxh32_from_base64(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let data = base64_decode_lenient(&args::bytes(a, 0), STD, true);
    Ok(string(format!("{:08x}", xxhash_rust::xxh32::xxh32(&data, 0))))
}

fn hash_xxh64(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    Ok(string(format!("{:016x}", xxhash_rust::xxh64::xxh64(&args::bytes(a, 0), 0))))
}

fn hash_xxh64_from_base64(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let data = base64_decode_lenient(&args::bytes(a, 0), STD, true);
    Ok(string(format!("{:016x}", xxhash_rust::xxh64::xxh64(&data, 0))))
}

macro_rules! hmac_fns {
    ($hex:ident, $b64:ident, $alg:expr) => {
        fn $hex(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
            let mac = hmac($alg, &args::bytes(a, 0), &args::bytes(a, 1));
            Ok(string(format!("0x{}", hex_lower(&mac))))
        }

        fn $b64(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
            let mac = hmac($alg, &args::bytes(a, 0), &args::bytes(a, 1));
            Ok(string(base64_encode(&mac, STD, true)))
        }
    };
}

hmac_fns!(hmac_md5, hmac_md5_base64, Alg::Md5);
hmac_fns!(hmac_sha1, hmac_sha1_base64, Alg::Sha1);
hmac_fns!(hmac_sha256, hmac_sha256_base64, Alg::Sha256);
hmac_fns!(hmac_sha512, hmac_sha512_base64, Alg::Sha512);

fn hmac_sha256_with_base64_key(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let key = base64_decode_lenient(&args::bytes(a, 0), STD, true);
    let mac = hmac(Alg::Sha256, &key, &args::bytes(a, 1));
    Ok(string(format!("0x{}", hex_lower(&mac))))
}

/// AWS Signature Version 4 signing: the signing key is derived from `"AWS4" + key`
/// through the date, region, service and `aws4_request`; the result is the lowercase
/// hex HMAC-SHA256 of the string to sign.
fn awsv4_hmac(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let mut key = b"AWS4".to_vec();
    key.extend_from_slice(&args::bytes(a, 0));
    let k_date = hmac(Alg::Sha256, &key, &args::bytes(a, 1));
    let k_region = hmac(Alg::Sha256, &k_date, &args::bytes(a, 2));
    let k_service = hmac(Alg::Sha256, &k_region, &args::bytes(a, 3));
    let k_signing = hmac(Alg::Sha256, &k_service, b"aws4_request");
    Ok(string(hex_lower(&hmac(Alg::Sha256, &k_signing, &args::bytes(a, 4)))))
}

/// Compares in time that depends on the lengths only.
fn constant_time_eq(x: &[u8], y: &[u8]) -> bool {
    if x.len() != y.len() {
        return false;
    }
    x.iter().zip(y).fold(0u8, |acc, (p, q)| acc | (p ^ q)) == 0
}

fn secure_is_equal(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    Ok(Value::Bool(constant_time_eq(&args::bytes(a, 0), &args::bytes(a, 1))))
}

fn time_hmac(ctx: &mut Ctx<'_>, a: &[Value], alg: Alg) -> Result<Value, Fault> {
    let interval = args::int(a, 1);
    if interval <= 0 {
        ctx.state.set_error("EINVAL");
        return Ok(Value::NotSet);
    }
    let key = base64_decode_lenient(&args::bytes(a, 0), STD, true);
    let now = ctx.state.now.div_euclid(1_000_000_000);
    let step = now.div_euclid(interval).wrapping_add(args::int(a, 2));
    let mac = hmac(alg, &key, &(step as u64).to_le_bytes());
    Ok(string(base64_encode(&mac, STD, true)))
}

fn time_hmac_md5(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    time_hmac(ctx, a, Alg::Md5)
}

fn time_hmac_sha1(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    time_hmac(ctx, a, Alg::Sha1)
}

fn time_hmac_sha256(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    time_hmac(ctx, a, Alg::Sha256)
}

fn time_hmac_sha512(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    time_hmac(ctx, a, Alg::Sha512)
}

// ---- Base64 functions ----

fn base64(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    Ok(string(base64_encode(&args::bytes(a, 0), STD, true)))
}

fn base64url(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    Ok(string(base64_encode(&args::bytes(a, 0), URL, true)))
}

fn base64url_nopad(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    Ok(string(base64_encode(&args::bytes(a, 0), URL, false)))
}

fn base64_decode(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    Ok(binary(until_nul(base64_decode_lenient(&args::bytes(a, 0), STD, true))))
}

fn base64url_decode(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    Ok(binary(until_nul(base64_decode_lenient(&args::bytes(a, 0), URL, true))))
}

fn base64url_nopad_decode(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    Ok(binary(until_nul(base64_decode_lenient(&args::bytes(a, 0), URL, false))))
}

// ---- bin.* ----

/// Base64 to uppercase hex; a character outside the alphabet gives not set and `EINVAL`.
fn bin_base64_to_hex(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    match base64_decode_strict(&args::bytes(a, 0)) {
        Some(data) => Ok(string(hex_upper(&data))),
        None => {
            ctx.state.set_error("EINVAL");
            Ok(Value::NotSet)
        }
    }
}

/// Hex to padded standard Base64; bad hex or an incomplete pair gives not set and `EINVAL`.
fn bin_hex_to_base64(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    match hex_decode(&args::bytes(a, 0)) {
        Some(data) => Ok(string(base64_encode(&data, STD, true))),
        None => {
            ctx.state.set_error("EINVAL");
            Ok(Value::NotSet)
        }
    }
}

// ---- crypto.* ----

#[derive(Debug, Clone, Copy, PartialEq)]
enum KeySize {
    Aes128,
    Aes192,
    Aes256,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Cbc,
    Ctr,
    Gcm,
    Ccm,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CryptoError {
    /// Bad arguments: `EINVAL`.
    Invalid,
    /// Failed padding or authentication check: `EBADDECRYPT`.
    BadDecrypt,
}

impl CryptoError {
    fn code(self) -> &'static str {
        match self {
            CryptoError::Invalid => "EINVAL",
            CryptoError::BadDecrypt => "EBADDECRYPT",
        }
    }
}

/// A validated `crypto.*` request.
struct CryptoArgs {
    size: KeySize,
    mode: Mode,
    pkcs7: bool,
    key: Vec<u8>,
    iv: Vec<u8>,
}

fn word(a: &[Value], i: usize) -> Option<&'static str> {
    match a.get(i) {
        Some(Value::Id(Id::Word(w))) => Some(w),
        _ => None,
    }
}

fn crypto_args(a: &[Value]) -> Result<CryptoArgs, CryptoError> {
    let size = match word(a, 0) {
        Some("aes128") => KeySize::Aes128,
        Some("aes192") => KeySize::Aes192,
        Some("aes256") => KeySize::Aes256,
        _ => return Err(CryptoError::Invalid),
    };
    let mode = match word(a, 1) {
        Some("cbc") => Mode::Cbc,
        Some("ctr") => Mode::Ctr,
        Some("gcm") => Mode::Gcm,
        Some("ccm") => Mode::Ccm,
        _ => return Err(CryptoError::Invalid),
    };
    let pkcs7 = match word(a, 2) {
        Some("pkcs7") => true,
        Some("nopad") => false,
        _ => return Err(CryptoError::Invalid),
    };
    if pkcs7 && mode != Mode::Cbc {
        return Err(CryptoError::Invalid);
    }
    let key = hex_decode(&args::bytes(a, 3)).ok_or(CryptoError::Invalid)?;
    let iv = hex_decode(&args::bytes(a, 4)).ok_or(CryptoError::Invalid)?;
    let key_len = match size {
        KeySize::Aes128 => 16,
        KeySize::Aes192 => 24,
        KeySize::Aes256 => 32,
    };
    let iv_len = match mode {
        Mode::Cbc | Mode::Ctr => 16,
        Mode::Gcm => 12,
        Mode::Ccm => CCM_NONCE,
    };
    if key.len() != key_len || iv.len() != iv_len {
        return Err(CryptoError::Invalid);
    }
    Ok(CryptoArgs { size, mode, pkcs7, key, iv })
}

/// Runs `$body` with `$c` bound to the AES type of `$size`.
macro_rules! with_aes {
    ($size:expr, $c:ident => $body:expr) => {
        match $size {
            KeySize::Aes128 => {
                type $c = aes::Aes128;
                $body
            }
            KeySize::Aes192 => {
                type $c = aes::Aes192;
                $body
            }
            KeySize::Aes256 => {
                type $c = aes::Aes256;
                $body
            }
        }
    };
}

fn run_cipher(p: &CryptoArgs, data: &[u8], encrypt: bool) -> Result<Vec<u8>, CryptoError> {
    with_aes!(p.size, C => match p.mode {
        Mode::Cbc => cbc_mode::<C>(p, data, encrypt),
        Mode::Ctr => {
            let mut cipher = ctr::Ctr128BE::<C>::new_from_slices(&p.key, &p.iv).map_err(|_| CryptoError::Invalid)?;
            let mut buf = data.to_vec();
            cipher.try_apply_keystream(&mut buf).map_err(|_| CryptoError::Invalid)?;
            Ok(buf)
        }
        Mode::Gcm => {
            let cipher = aes_gcm::AesGcm::<C, U12>::new_from_slice(&p.key).map_err(|_| CryptoError::Invalid)?;
            let nonce = aes_gcm::Nonce::<U12>::from_slice(&p.iv);
            if encrypt {
                cipher.encrypt(nonce, data).map_err(|_| CryptoError::Invalid)
            } else {
                cipher.decrypt(nonce, data).map_err(|_| CryptoError::BadDecrypt)
            }
        }
        Mode::Ccm => {
            let cipher = C::new_from_slice(&p.key).map_err(|_| CryptoError::Invalid)?;
            ccm(&cipher, &p.iv, data, encrypt)
        }
    })
}

fn cbc_mode<C>(p: &CryptoArgs, data: &[u8], encrypt: bool) -> Result<Vec<u8>, CryptoError>
where
    C: aes::cipher::BlockCipher + BlockEncrypt + aes::cipher::BlockDecrypt + KeyInit + BlockSizeUser<BlockSize = U16>,
{
    const BLOCK: usize = 16;
    if !p.pkcs7 && data.len() % BLOCK != 0 {
        return Err(CryptoError::Invalid);
    }
    if encrypt {
        let enc = cbc::Encryptor::<C>::new_from_slices(&p.key, &p.iv).map_err(|_| CryptoError::Invalid)?;
        let mut buf = data.to_vec();
        buf.resize(data.len() + BLOCK, 0);
        let out = if p.pkcs7 {
            enc.encrypt_padded_mut::<Pkcs7>(&mut buf, data.len())
        } else {
            enc.encrypt_padded_mut::<NoPadding>(&mut buf, data.len())
        };
        out.map(<[u8]>::to_vec).map_err(|_| CryptoError::Invalid)
    } else {
        if data.len() % BLOCK != 0 {
            return Err(CryptoError::BadDecrypt);
        }
        let dec = cbc::Decryptor::<C>::new_from_slices(&p.key, &p.iv).map_err(|_| CryptoError::Invalid)?;
        let mut buf = data.to_vec();
        let out = if p.pkcs7 {
            dec.decrypt_padded_mut::<Pkcs7>(&mut buf)
        } else {
            dec.decrypt_padded_mut::<NoPadding>(&mut buf)
        };
        out.map(<[u8]>::to_vec).map_err(|_| CryptoError::BadDecrypt)
    }
}

/// CCM nonce length in bytes (56 bits, per Fastly's table).
const CCM_NONCE: usize = 7;
/// CCM tag length in bytes (96 bits).
const CCM_TAG: usize = 12;

/// AES-CCM (RFC 3610 / NIST SP 800-38C) with a 7-byte nonce, a 12-byte tag appended to
/// the ciphertext and no associated data.
fn ccm<C: BlockEncrypt + BlockSizeUser<BlockSize = U16>>(
    cipher: &C,
    nonce: &[u8],
    data: &[u8],
    encrypt: bool,
) -> Result<Vec<u8>, CryptoError> {
    let encrypt_block = |block: [u8; 16]| -> [u8; 16] {
        let mut b = aes::Block::from(block);
        cipher.encrypt_block(&mut b);
        b.into()
    };
    // Length field L = 15 - nonce length = 8 bytes.
    let counter_block = |i: u64| -> [u8; 16] {
        let mut a = [0u8; 16];
        a[0] = 7; // L - 1
        a[1..1 + CCM_NONCE].copy_from_slice(nonce);
        a[8..].copy_from_slice(&i.to_be_bytes());
        a
    };
    let xor_keystream = |input: &[u8]| -> Vec<u8> {
        let mut out = Vec::with_capacity(input.len());
        for (i, chunk) in input.chunks(16).enumerate() {
            let s = encrypt_block(counter_block(i as u64 + 1));
            out.extend(chunk.iter().zip(s.iter()).map(|(x, k)| x ^ k));
        }
        out
    };
    let cbc_mac = |plain: &[u8]| -> [u8; 16] {
        let mut b0 = [0u8; 16];
        b0[0] = (((CCM_TAG as u8 - 2) / 2) << 3) | 7;
        b0[1..1 + CCM_NONCE].copy_from_slice(nonce);
        b0[8..].copy_from_slice(&(plain.len() as u64).to_be_bytes());
        let mut x = encrypt_block(b0);
        for chunk in plain.chunks(16) {
            for (xi, p) in x.iter_mut().zip(chunk) {
                *xi ^= p;
            }
            x = encrypt_block(x);
        }
        x
    };
    let s0 = encrypt_block(counter_block(0));
    let tag_of =
        |plain: &[u8]| -> Vec<u8> { cbc_mac(plain).iter().zip(s0.iter()).take(CCM_TAG).map(|(t, s)| t ^ s).collect() };
    if encrypt {
        let mut out = xor_keystream(data);
        out.extend(tag_of(data));
        Ok(out)
    } else {
        if data.len() < CCM_TAG {
            return Err(CryptoError::BadDecrypt);
        }
        let (body, tag) = data.split_at(data.len() - CCM_TAG);
        let plain = xor_keystream(body);
        if constant_time_eq(&tag_of(&plain), tag) {
            Ok(plain)
        } else {
            Err(CryptoError::BadDecrypt)
        }
    }
}

fn crypto(ctx: &mut Ctx<'_>, a: &[Value], encrypt: bool, base64: bool) -> Result<Value, Fault> {
    let payload = args::bytes(a, 5);
    let data = if base64 { Some(base64_decode_lenient(&payload, STD, true)) } else { hex_decode(&payload) };
    let result =
        data.ok_or(CryptoError::Invalid).and_then(|data| crypto_args(a).and_then(|p| run_cipher(&p, &data, encrypt)));
    match result {
        Ok(out) if base64 => Ok(string(base64_encode(&out, STD, true))),
        Ok(out) => Ok(string(hex_lower(&out))),
        Err(e) => {
            ctx.state.set_error(e.code());
            Ok(Value::NotSet)
        }
    }
}

fn crypto_encrypt_hex(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    crypto(ctx, a, true, false)
}

fn crypto_encrypt_base64(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    crypto(ctx, a, true, true)
}

fn crypto_decrypt_hex(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    crypto(ctx, a, false, false)
}

fn crypto_decrypt_base64(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    crypto(ctx, a, false, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::state::ReqState;
    use crate::interp::Runtime;
    use crate::ir::Program;

    fn call(f: Builtin, a: &[Value]) -> (Value, Value) {
        call_at(f, a, 0)
    }

    /// Runs `f` at time `now_ns`; returns the result and `fastly.error`.
    fn call_at(f: Builtin, a: &[Value], now_ns: i64) -> (Value, Value) {
        let mut state = ReqState { now: now_ns, ..ReqState::default() };
        let program = Program::default();
        let runtime = Runtime::default();
        let mut ctx = Ctx { state: &mut state, program: &program, runtime: &runtime };
        let v = f(&mut ctx, a).expect("no fault");
        (v, state.fastly_error.clone())
    }

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    fn w(x: &'static str) -> Value {
        Value::Id(Id::Word(x))
    }

    fn ok(f: Builtin, a: &[Value]) -> String {
        let (v, err) = call(f, a);
        assert_eq!(err, Value::NotSet, "unexpected fastly.error");
        v.to_text()
    }

    #[test]
    fn every_function_is_registered_once() {
        for (name, _) in FUNCTIONS {
            assert!(crate::catalog::function(name).is_some(), "{name} is not in the catalog");
        }
        assert_eq!(FUNCTIONS.len(), 42);
        let mut names: Vec<_> = FUNCTIONS.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FUNCTIONS.len());
    }

    #[test]
    fn hashes_match_fastly_examples_and_test_vectors() {
        // fastly.com/documentation/reference/vcl/functions/cryptographic/digest-hash-crc32
        assert_eq!(ok(hash_crc32, &[s("123456789")]), "181989fc");
        // .../digest-hash-crc32b
        assert_eq!(ok(hash_crc32b, &[s("123456789")]), "2639f4cb");
        // .../digest-hash-sha256
        assert_eq!(
            ok(hash_sha256, &[s("123456789")]),
            "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225"
        );
        // .../digest-hash-xxh32 and digest-hash-xxh64
        assert_eq!(ok(hash_xxh32, &[s("abc")]), "32d153ff");
        assert_eq!(ok(hash_xxh64, &[s("abc")]), "44bc2cf5ad770999");
        // .../digest-hash-xxh32-from-base64 and digest-hash-xxh64-from-base64
        assert_eq!(ok(hash_xxh32_from_base64, &[s("YWJj")]), "32d153ff");
        assert_eq!(ok(hash_xxh64_from_base64, &[s("YWJj")]), "44bc2cf5ad770999");
        // FIPS 180 / RFC 1321 "abc" vectors.
        assert_eq!(ok(hash_md5, &[s("abc")]), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(ok(hash_sha1, &[s("abc")]), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(ok(hash_sha224, &[s("abc")]), "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
        assert_eq!(ok(hash_sha256, &[s("abc")]), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(
            ok(hash_sha384, &[s("abc")]),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
        );
        assert_eq!(
            ok(hash_sha512, &[s("abc")]),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
        assert_eq!(ok(hash_sha1_from_base64, &[s("YWJj")]), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            ok(hash_sha256_from_base64, &[s("YWJj")]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            ok(hash_sha512_from_base64, &[s("YWJj")]),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
        // Not set hashes like "".
        assert_eq!(ok(hash_md5, &[Value::NotSet]), "d41d8cd98f00b204e9800998ecf8427e");
    }

    #[test]
    fn from_base64_hashes_keep_binary_input() {
        // "AA==" is one NUL byte: SHA-256 of [0x00], not of "".
        assert_eq!(
            ok(hash_sha256_from_base64, &[s("AA==")]),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
    }

    #[test]
    fn hmacs_match_fastly_examples() {
        // .../digest-hmac-sha1
        assert_eq!(ok(hmac_sha1, &[s("key"), s("input")]), "0x8513bb355076cce2ae5eb9f399ab5cafdba7c8a2");
        // .../digest-hmac-sha256-base64
        assert_eq!(ok(hmac_sha256_base64, &[s("key"), s("input")]), "ngiewTr4gaisInpzbD58SQ6jtK/KDF+D3/Y5O2g6cuM=");
        // .../digest-hmac-sha512
        assert_eq!(
            ok(hmac_sha512, &[s("key"), s("input")]),
            "0x03ad77c817f32669cccf38dac915d4e55a16833b1ca685979a9df521a05235978090043c3da402dad365ed39ac05af4864a804451861f4b4df7680834c6d4f95"
        );
        // .../digest-hmac-sha512-base64
        assert_eq!(
            ok(hmac_sha512_base64, &[s("key"), s("input")]),
            "A613yBfzJmnMzzjayRXU5VoWgzscpoWXmp31IaBSNZeAkAQ8PaQC2tNl7TmsBa9IZKgERRhh9LTfdoCDTG1PlQ=="
        );
        // The hex and Base64 forms carry the same MAC.
        assert_eq!(
            ok(hmac_sha256, &[s("key"), s("input")]),
            "0x9e089ec13af881a8ac227a736c3e7c490ea3b4afca0c5f83dff6393b683a72e3"
        );
        // RFC 2202 test case 2 (HMAC-MD5 and HMAC-SHA1, key "Jefe").
        let msg = s("what do ya want for nothing?");
        assert_eq!(ok(hmac_md5, &[s("Jefe"), msg.clone()]), "0x750c783e6ab0b503eaa86e310a5db738");
        assert_eq!(ok(hmac_md5_base64, &[s("Jefe"), msg.clone()]), "dQx4PmqwtQPqqG4xCl23OA==");
        assert_eq!(ok(hmac_sha1, &[s("Jefe"), msg.clone()]), "0xeffcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
        assert_eq!(ok(hmac_sha1_base64, &[s("Jefe"), msg]), "7/zfauXrL6LSdBbV8YTfnCWafHk=");
    }

    #[test]
    fn hmac_with_base64_key_decodes_the_key() {
        // Varnish digest007.vtc vector: key 5d694a15baddf0f503fec7e65ba434d3 (hex).
        let key = base64_encode(
            &[0x5d, 0x69, 0x4a, 0x15, 0xba, 0xdd, 0xf0, 0xf5, 0x03, 0xfe, 0xc7, 0xe6, 0x5b, 0xa4, 0x34, 0xd3],
            STD,
            true,
        );
        assert_eq!(
            ok(hmac_sha256_with_base64_key, &[s(&key), s("st=1678885238~exp=1679749238~acl=/*")]),
            "0x6a2915695030d8b83ae5c9c12d521a9f84d192398bb949e7b98f6efcc5bceb65"
        );
    }

    #[test]
    fn awsv4_matches_aws_documentation() {
        // docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html (GET object example).
        let sts = "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972";
        assert_eq!(
            ok(
                awsv4_hmac,
                &[s("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), s("20130524"), s("us-east-1"), s("s3"), s(sts)]
            ),
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    #[test]
    fn secure_is_equal_compares_contents() {
        assert_eq!(call(secure_is_equal, &[s("abc"), s("abc")]).0, Value::Bool(true));
        assert_eq!(call(secure_is_equal, &[s("abc"), s("abd")]).0, Value::Bool(false));
        assert_eq!(call(secure_is_equal, &[s("abc"), s("abcd")]).0, Value::Bool(false));
        assert_eq!(call(secure_is_equal, &[Value::NotSet, s("")]).0, Value::Bool(true));
    }

    #[test]
    fn time_hmac_hashes_the_time_step() {
        // Key "secret" Base64-encoded, as in Fastly's digest.time_hmac_* examples; at
        // t = 1,000,000,000 s with a 60 s interval the step is 16,666,666.
        let key = s("c2VjcmV0");
        let now = 1_000_000_000 * 1_000_000_000;
        let step = |n: u64| hmac(Alg::Sha256, b"secret", &n.to_le_bytes());
        let (cur, err) = call_at(time_hmac_sha256, &[key.clone(), Value::Integer(60), Value::Integer(0)], now);
        assert_eq!(err, Value::NotSet);
        assert_eq!(cur.to_text(), base64_encode(&step(16_666_666), STD, true));
        let (prev, _) = call_at(time_hmac_sha256, &[key.clone(), Value::Integer(60), Value::Integer(-1)], now);
        assert_eq!(prev.to_text(), base64_encode(&step(16_666_665), STD, true));
        for f in [time_hmac_md5, time_hmac_sha1, time_hmac_sha512] {
            let (v, err) = call_at(f, &[key.clone(), Value::Integer(60), Value::Integer(0)], now);
            assert_eq!(err, Value::NotSet);
            assert!(!v.to_text().is_empty());
        }
        let (v, err) = call(time_hmac_sha1, &[key, Value::Integer(0), Value::Integer(0)]);
        assert_eq!((v, err), (Value::NotSet, s("EINVAL")));
    }

    #[test]
    fn base64_encoders_match_fastly_examples() {
        // .../digest-base64
        assert_eq!(ok(base64, &[s("Καλώς ορίσατε")]), "zprOsc67z47PgiDOv8+Bzq/Pg86xz4TOtQ==");
        // .../digest-base64url-decode and digest-base64url-nopad-decode (inverse direction).
        assert_eq!(ok(base64url, &[s("Καλώς ορίσατε")]), "zprOsc67z47PgiDOv8-Bzq_Pg86xz4TOtQ==");
        assert_eq!(ok(base64url_nopad, &[s("Καλώς ορίσατε")]), "zprOsc67z47PgiDOv8-Bzq_Pg86xz4TOtQ");
        assert_eq!(ok(base64, &[s("")]), "");
        assert_eq!(ok(base64, &[s("ab")]), "YWI=");
    }

    #[test]
    fn base64_decoders_follow_fastly_rules() {
        // .../digest-base64-decode: "YWJjZA==" is "abcd"; padding is optional.
        assert_eq!(ok(base64_decode, &[s("YWJjZA==")]), "abcd");
        assert_eq!(ok(base64_decode, &[s("YWJjZA")]), "abcd");
        // Padding ends decoding; later data is ignored.
        assert_eq!(ok(base64_decode, &[s("YWJjZA==YWJj")]), "abcd");
        // Invalid characters are skipped.
        assert_eq!(ok(base64_decode, &[s("YW%Jj ZA")]), "abcd");
        // NUL truncates the STRING result ("YQBi" is "a\0b").
        assert_eq!(ok(base64_decode, &[s("YQBi")]), "a");
        // .../digest-base64url-decode and digest-base64url-nopad-decode examples.
        assert_eq!(ok(base64url_decode, &[s("zprOsc67z47PgiDOv8-Bzq_Pg86xz4TOtQ==")]), "Καλώς ορίσατε");
        assert_eq!(ok(base64url_nopad_decode, &[s("zprOsc67z47PgiDOv8-Bzq_Pg86xz4TOtQ")]), "Καλώς ορίσατε");
        // .../digest-base64url-nopad-decode: "=" is an invalid character, so "aGVsbG8=0" is "hello4".
        assert_eq!(ok(base64url_nopad_decode, &[s("aGVsbG8=0")]), "hello4");
        assert_eq!(ok(base64url_decode, &[s("aGVsbG8=0")]), "hello");
    }

    #[test]
    fn bin_conversions_match_fastly_examples() {
        // .../bin-hex-to-base64
        assert_eq!(ok(bin_hex_to_base64, &[s("009FC233")]), "AJ/CMw==");
        assert_eq!(ok(bin_hex_to_base64, &[s("")]), "");
        assert_eq!(call(bin_hex_to_base64, &[s("0g")]), (Value::NotSet, s("EINVAL")));
        assert_eq!(call(bin_hex_to_base64, &[s("abc")]), (Value::NotSet, s("EINVAL")));
        // .../bin-base64-to-hex
        assert_eq!(ok(bin_base64_to_hex, &[s("AQ==")]), "01");
        assert_eq!(ok(bin_base64_to_hex, &[s("AJ/CMw==")]), "009FC233");
        assert_eq!(ok(bin_base64_to_hex, &[s("")]), "");
        assert_eq!(ok(bin_base64_to_hex, &[Value::NotSet]), "");
        assert_eq!(call(bin_base64_to_hex, &[s("YWJ%jZA==")]), (Value::NotSet, s("EINVAL")));
    }

    fn crypt(
        f: Builtin,
        cipher: &'static str,
        mode: &'static str,
        pad: &'static str,
        key: &str,
        iv: &str,
        data: &str,
    ) -> (Value, Value) {
        call(f, &[w(cipher), w(mode), w(pad), s(key), s(iv), s(data)])
    }

    #[test]
    fn crypto_gcm_matches_fastly_example() {
        // .../crypto-decrypt-hex basic example (AES-256-GCM, NIST SP 800-38A plaintext).
        let key = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";
        let iv = "000102030405060708090a0b";
        let ct = "63a00fb1aa0404e84f9d3cb8fead8ec1b41c21e94e6d6f964e020159d955ab5c";
        let pt = "6bc1bee22e409f96e93d7e117393172a";
        assert_eq!(crypt(crypto_decrypt_hex, "aes256", "gcm", "nopad", key, iv, ct), (s(pt), Value::NotSet));
        assert_eq!(crypt(crypto_encrypt_hex, "aes256", "gcm", "nopad", key, iv, pt), (s(ct), Value::NotSet));
        // A tampered tag fails authentication.
        let bad = format!("{}00", &ct[..ct.len() - 2]);
        assert_eq!(
            crypt(crypto_decrypt_hex, "aes256", "gcm", "nopad", key, iv, &bad),
            (Value::NotSet, s("EBADDECRYPT"))
        );
    }

    #[test]
    fn crypto_cbc_and_ctr_match_nist_vectors() {
        // NIST SP 800-38A F.2.1 (CBC-AES128.Encrypt), first block.
        let key = "2b7e151628aed2a6abf7158809cf4f3c";
        let iv = "000102030405060708090a0b0c0d0e0f";
        let pt = "6bc1bee22e409f96e93d7e117393172a";
        let ct = "7649abac8119b246cee98e9b12e9197d";
        assert_eq!(crypt(crypto_encrypt_hex, "aes128", "cbc", "nopad", key, iv, pt), (s(ct), Value::NotSet));
        assert_eq!(crypt(crypto_decrypt_hex, "aes128", "cbc", "nopad", key, iv, ct), (s(pt), Value::NotSet));
        // PKCS#7 adds a full block of padding to block-aligned input and round-trips.
        let (padded, err) = crypt(crypto_encrypt_hex, "aes128", "cbc", "pkcs7", key, iv, pt);
        assert_eq!(err, Value::NotSet);
        assert_eq!(padded.to_text().len(), 64);
        assert!(padded.to_text().starts_with(ct));
        assert_eq!(
            crypt(crypto_decrypt_hex, "aes128", "cbc", "pkcs7", key, iv, &padded.to_text()),
            (s(pt), Value::NotSet)
        );
        // Wrong padding on decrypt.
        assert_eq!(crypt(crypto_decrypt_hex, "aes128", "cbc", "pkcs7", key, iv, ct), (Value::NotSet, s("EBADDECRYPT")));
        // NIST SP 800-38A F.5.1 (CTR-AES128.Encrypt), first block.
        let ctr_iv = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
        assert_eq!(
            crypt(crypto_encrypt_hex, "aes128", "ctr", "nopad", key, ctr_iv, pt),
            (s("874d6191b620e3261bef6864990db6ce"), Value::NotSet)
        );
        // NIST SP 800-38A F.2.3 (CBC-AES192) and F.2.5 (CBC-AES256), first block.
        assert_eq!(
            crypt(
                crypto_encrypt_hex,
                "aes192",
                "cbc",
                "nopad",
                "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
                iv,
                pt
            ),
            (s("4f021db243bc633d7178183a9fa071e8"), Value::NotSet)
        );
        assert_eq!(
            crypt(
                crypto_encrypt_hex,
                "aes256",
                "cbc",
                "nopad",
                "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
                iv,
                pt
            ),
            (s("f58c4c04d6e5f1ba779eabfb5f7bfbd6"), Value::NotSet)
        );
    }

    #[test]
    fn crypto_ccm_matches_reference() {
        // Computed with Python `cryptography` AESCCM(tag_length=12), nonce 10111213141516.
        let key = "000102030405060708090a0b0c0d0e0f";
        let nonce = "10111213141516";
        let pt = "6bc1bee22e409f96e93d7e117393172aae2d";
        let ct = "c1af83b0bba96ed10f3e89df6e7de26ad595d9997fc0e6a3e6b34e0b5cbd";
        assert_eq!(crypt(crypto_encrypt_hex, "aes128", "ccm", "nopad", key, nonce, pt), (s(ct), Value::NotSet));
        assert_eq!(crypt(crypto_decrypt_hex, "aes128", "ccm", "nopad", key, nonce, ct), (s(pt), Value::NotSet));
        let bad = format!("{}ff", &ct[..ct.len() - 2]);
        assert_eq!(
            crypt(crypto_decrypt_hex, "aes128", "ccm", "nopad", key, nonce, &bad),
            (Value::NotSet, s("EBADDECRYPT"))
        );
    }

    #[test]
    fn crypto_base64_variants_round_trip() {
        let key = "2b7e151628aed2a6abf7158809cf4f3c";
        let iv = "000102030405060708090a0b0c0d0e0f";
        let (ct, err) = crypt(crypto_encrypt_base64, "aes128", "cbc", "pkcs7", key, iv, "aGVsbG8=");
        assert_eq!(err, Value::NotSet);
        assert_eq!(
            crypt(crypto_decrypt_base64, "aes128", "cbc", "pkcs7", key, iv, &ct.to_text()),
            (s("aGVsbG8="), Value::NotSet)
        );
    }

    #[test]
    fn crypto_rejects_bad_arguments() {
        let key = "2b7e151628aed2a6abf7158809cf4f3c";
        let iv = "000102030405060708090a0b0c0d0e0f";
        let pt = "6bc1bee22e409f96e93d7e117393172a";
        let einval = (Value::NotSet, s("EINVAL"));
        // Key too short for aes256, IV of the wrong size, CTR with PKCS#7, unaligned nopad CBC,
        // unknown cipher, bad hex.
        assert_eq!(crypt(crypto_encrypt_hex, "aes256", "cbc", "nopad", key, iv, pt), einval);
        assert_eq!(crypt(crypto_encrypt_hex, "aes128", "cbc", "nopad", key, "0001", pt), einval);
        assert_eq!(crypt(crypto_encrypt_hex, "aes128", "ctr", "pkcs7", key, iv, pt), einval);
        assert_eq!(crypt(crypto_encrypt_hex, "aes128", "cbc", "nopad", key, iv, "00"), einval);
        assert_eq!(crypt(crypto_encrypt_hex, "des", "cbc", "nopad", key, iv, pt), einval);
        assert_eq!(crypt(crypto_encrypt_hex, "aes128", "cbc", "nopad", key, iv, "zz"), einval);
    }
}
