//! The table of Fastly's builtin VCL functions: signature, the subroutines that may call
//! each one, and a one-line description in our own words.
//!
//! Three sections, in this order:
//! - Tier A ([`Tier::Documented`]): every entry of Fastly's public metadata export (196).
//! - Tier B ([`Tier::Newer`]): documented elsewhere on fastly.com or newer than the
//!   export (`if`, `url.normalize`, counters and limiters, ...).
//! - Tier C ([`Tier::Legacy`]): undocumented names accepted for compatibility.
//!
//! Deliberate departures from the export are commented at their entries: arguments the
//! export types TIME but that take a relative time (`time.add(now, 1d)`, a penalty-box
//! TTL of `2m`) are RTIME here, as Fastly's examples and falco have them. Checked against
//! the export by `tests/it/catalog.rs`; lookups live in [`super::lookup`].

use super::{ArgDef, Arity, FnDef, Scopes, Tier, Type};

const ALL: Scopes = Scopes::ALL;

/// Every customer subroutine except `vcl_log` (HTTP/2 and HTTP/3 response features).
const ALL_BUT_LOG: Scopes = Scopes::RECV
    .union(Scopes::HASH)
    .union(Scopes::HIT)
    .union(Scopes::MISS)
    .union(Scopes::PASS)
    .union(Scopes::FETCH)
    .union(Scopes::ERROR)
    .union(Scopes::DELIVER);

/// Every builtin function: Tier A sorted by namespace and name, then Tier B, then Tier C.
pub static FUNCTIONS: &[FnDef] = &[
    // ---- Tier A: Fastly's public metadata ----
    // (global)
    func(
        "cstr_escape",
        Type::String,
        &[arg("string", Type::String)],
        "Escapes a string with C-style backslash sequences.",
    ),
    scoped(
        ALL_BUT_LOG,
        func(
            "early_hints",
            Type::Void,
            &[arg("resource", Type::String), variadic("resource", Type::String)],
            "Sends a 103 Early Hints response listing the given links.",
        ),
    ),
    func(
        "http_status_matches",
        Type::Bool,
        &[arg("status", Type::Integer), arg("fmt", Type::String)],
        "Tests a status code against a comma list of codes, optionally negated.",
    ),
    func(
        "parse_time_delta",
        Type::Integer,
        &[arg("specifier", Type::String)],
        "Converts a duration such as 2d or 3h into seconds.",
    ),
    func(
        "randombool",
        Type::Bool,
        &[arg("numerator", Type::Integer), arg("denominator", Type::Integer)],
        "Random boolean, true with probability numerator over denominator.",
    ),
    func(
        "randombool_seeded",
        Type::Bool,
        &[arg("numerator", Type::Integer), arg("denominator", Type::Integer), arg("seed", Type::Integer)],
        "Deterministic boolean from a seed, true with the given probability.",
    ),
    func(
        "randomint",
        Type::Integer,
        &[arg("from", Type::Integer), arg("to", Type::Integer)],
        "Random integer within an inclusive range.",
    ),
    func(
        "randomint_seeded",
        Type::Integer,
        &[arg("from", Type::Integer), arg("to", Type::Integer), arg("seed", Type::Integer)],
        "Deterministic integer within an inclusive range, from a seed.",
    ),
    func(
        "randomstr",
        Type::String,
        &[arg("len", Type::Integer), optional("characters", Type::String)],
        "Random string of the given length, optionally from a character set.",
    ),
    func(
        "regsub",
        Type::String,
        &[arg("input", Type::String), arg("pattern", Type::Regex), arg("replacement", Type::String)],
        "Substitutes the first regex match in a string; groups allowed.",
    ),
    func(
        "regsuball",
        Type::String,
        &[arg("input", Type::String), arg("pattern", Type::Regex), arg("replacement", Type::String)],
        "Substitutes every regex match in a string; groups allowed.",
    ),
    func(
        "strftime",
        Type::String,
        &[arg("format", Type::String), arg("time", Type::Time)],
        "Formats a TIME using strftime-style conversions.",
    ),
    func(
        "subfield",
        Type::String,
        &[arg("subject", Type::String), arg("fieldname", Type::String), optional("separator_character", Type::String)],
        "Value of a named key=value field within a header.",
    ),
    func(
        "substr",
        Type::String,
        &[arg("s", Type::String), arg("offset", Type::Integer), optional("length", Type::Integer)],
        "Part of a string from an offset, optionally of a given length.",
    ),
    func("urldecode", Type::String, &[arg("input", Type::String)], "Undoes percent-encoding in a string."),
    func(
        "urlencode",
        Type::String,
        &[arg("input", Type::String)],
        "Percent-encodes a string so it is safe inside a URL.",
    ),
    func("xml_escape", Type::String, &[arg("s", Type::String)], "Escapes a string for safe use in XML text."),
    // accept.*
    func(
        "accept.charset_lookup",
        Type::String,
        &[arg("requested_charsets", Type::String), arg("default", Type::String), arg("accept_header", Type::String)],
        "Picks the best character set the Accept-Charset value allows.",
    ),
    func(
        "accept.encoding_lookup",
        Type::String,
        &[
            arg("requested_content_encodings", Type::String),
            arg("default", Type::String),
            arg("accept_header", Type::String),
        ],
        "Picks the best content coding the Accept-Encoding value allows.",
    ),
    func(
        "accept.language_filter_basic",
        Type::String,
        &[
            arg("requested_languages", Type::String),
            arg("default", Type::String),
            arg("accept_header", Type::String),
            arg("nmatches", Type::Integer),
        ],
        "Lists up to n languages from Accept-Language that we offer.",
    ),
    func(
        "accept.language_lookup",
        Type::String,
        &[arg("requested_languages", Type::String), arg("default", Type::String), arg("accept_header", Type::String)],
        "Picks the best language the Accept-Language value allows.",
    ),
    func(
        "accept.media_lookup",
        Type::String,
        &[
            arg("requested_media_types", Type::String),
            arg("default", Type::String),
            arg("range_defaults", Type::String),
            arg("accept_header", Type::String),
        ],
        "Picks the best media type the Accept value allows.",
    ),
    // addr.*
    func(
        "addr.extract_bits",
        Type::Integer,
        &[arg("ip", Type::Ip), arg("start_bit", Type::Integer), arg("bit_count", Type::Integer)],
        "Reads a run of bits out of an IP address as an integer.",
    ),
    func("addr.is_ipv4", Type::Bool, &[arg("ip", Type::Ip)], "Tests whether an address is IPv4."),
    func("addr.is_ipv6", Type::Bool, &[arg("ip", Type::Ip)], "Tests whether an address is IPv6."),
    // bin.*
    func("bin.base64_to_hex", Type::String, &[arg("s", Type::String)], "Re-encodes Base64-encoded bytes as hex."),
    func("bin.hex_to_base64", Type::String, &[arg("s", Type::String)], "Re-encodes hex-encoded bytes as Base64."),
    // boltsort.*
    deprecated(func(
        "boltsort.sort",
        Type::String,
        &[arg("url", Type::String), optional("only_unique_keys", Type::Bool)],
        "Older name for querystring.sort; kept for compatibility.",
    )),
    // crypto.*
    func(
        "crypto.decrypt_base64",
        Type::String,
        &[
            arg("cipher", Type::Id),
            arg("mode", Type::Id),
            arg("padding", Type::Id),
            arg("key_hex", Type::String),
            arg("iv_hex", Type::String),
            arg("plaintext_base64", Type::String),
        ],
        "Decrypts Base64 ciphertext with a symmetric cipher, returning Base64.",
    ),
    func(
        "crypto.decrypt_hex",
        Type::String,
        &[
            arg("cipher", Type::Id),
            arg("mode", Type::Id),
            arg("padding", Type::Id),
            arg("key_hex", Type::String),
            arg("iv_hex", Type::String),
            arg("plaintext_base64", Type::String),
        ],
        "Decrypts hex ciphertext with a symmetric cipher, returning hex.",
    ),
    func(
        "crypto.encrypt_base64",
        Type::String,
        &[
            arg("cipher", Type::Id),
            arg("mode", Type::Id),
            arg("padding", Type::Id),
            arg("key_hex", Type::String),
            arg("iv_hex", Type::String),
            arg("plaintext_base64", Type::String),
        ],
        "Encrypts Base64 input with a symmetric cipher, returning Base64.",
    ),
    func(
        "crypto.encrypt_hex",
        Type::String,
        &[
            arg("cipher", Type::Id),
            arg("mode", Type::Id),
            arg("padding", Type::Id),
            arg("key_hex", Type::String),
            arg("iv_hex", Type::String),
            arg("plaintext_hex", Type::String),
        ],
        "Encrypts hex input with a symmetric cipher, returning hex.",
    ),
    // digest.*
    func(
        "digest.awsv4_hmac",
        Type::String,
        &[
            arg("key", Type::String),
            arg("date_stamp", Type::String),
            arg("region", Type::String),
            arg("service", Type::String),
            arg("s", Type::String),
        ],
        "Computes an AWS Signature Version 4 signing HMAC.",
    ),
    func("digest.base64", Type::String, &[arg("input", Type::String)], "Encodes a string as standard Base64."),
    func("digest.base64_decode", Type::String, &[arg("s", Type::String)], "Decodes standard Base64 into a string."),
    func(
        "digest.base64url",
        Type::String,
        &[arg("s", Type::String)],
        "Encodes a string as URL-safe Base64 with padding.",
    ),
    func("digest.base64url_decode", Type::String, &[arg("s", Type::String)], "Decodes URL-safe Base64 into a string."),
    func(
        "digest.base64url_nopad",
        Type::String,
        &[arg("s", Type::String)],
        "Encodes a string as URL-safe Base64 without padding.",
    ),
    func(
        "digest.base64url_nopad_decode",
        Type::String,
        &[arg("s", Type::String)],
        "Decodes unpadded URL-safe Base64 into a string.",
    ),
    func(
        "digest.ecdsa_verify",
        Type::Bool,
        &[
            arg("hash_method", Type::Id),
            arg("public_key", Type::String),
            arg("payload", Type::String),
            arg("digest", Type::String),
            arg("digest_format", Type::Id),
            optional("base64_variant", Type::Id),
        ],
        "Checks an ECDSA signature of a payload against a public key.",
    ),
    func("digest.hash_crc32", Type::String, &[arg("s", Type::String)], "CRC-32 checksum of a string, in hex."),
    func("digest.hash_crc32b", Type::String, &[arg("s", Type::String)], "CRC-32b checksum of a string, in hex."),
    func("digest.hash_md5", Type::String, &[arg("s", Type::String)], "MD5 digest of a string, in hex."),
    func("digest.hash_sha1", Type::String, &[arg("s", Type::String)], "SHA-1 digest of a string, in hex."),
    func(
        "digest.hash_sha1_from_base64",
        Type::String,
        &[arg("s", Type::String)],
        "SHA-1 digest of Base64-decoded input, in hex.",
    ),
    func("digest.hash_sha224", Type::String, &[arg("s", Type::String)], "SHA-224 digest of a string, in hex."),
    func("digest.hash_sha256", Type::String, &[arg("s", Type::String)], "SHA-256 digest of a string, in hex."),
    func(
        "digest.hash_sha256_from_base64",
        Type::String,
        &[arg("s", Type::String)],
        "SHA-256 digest of Base64-decoded input, in hex.",
    ),
    func("digest.hash_sha384", Type::String, &[arg("s", Type::String)], "SHA-384 digest of a string, in hex."),
    func("digest.hash_sha512", Type::String, &[arg("s", Type::String)], "SHA-512 digest of a string, in hex."),
    func(
        "digest.hash_sha512_from_base64",
        Type::String,
        &[arg("s", Type::String)],
        "SHA-512 digest of Base64-decoded input, in hex.",
    ),
    func("digest.hash_xxh32", Type::String, &[arg("s", Type::String)], "xxHash32 digest of a string, in hex."),
    func(
        "digest.hash_xxh32_from_base64",
        Type::String,
        &[arg("s", Type::String)],
        "xxHash32 digest of Base64-decoded input, in hex.",
    ),
    func("digest.hash_xxh64", Type::String, &[arg("s", Type::String)], "xxHash64 digest of a string, in hex."),
    func(
        "digest.hash_xxh64_from_base64",
        Type::String,
        &[arg("s", Type::String)],
        "xxHash64 digest of Base64-decoded input, in hex.",
    ),
    func(
        "digest.hmac_md5",
        Type::String,
        &[arg("key", Type::String), arg("s", Type::String)],
        "HMAC-MD5 of a message under a key, in hex.",
    ),
    func(
        "digest.hmac_md5_base64",
        Type::String,
        &[arg("key", Type::String), arg("s", Type::String)],
        "HMAC-MD5 of a message under a key, in Base64.",
    ),
    func(
        "digest.hmac_sha1",
        Type::String,
        &[arg("key", Type::String), arg("s", Type::String)],
        "HMAC-SHA1 of a message under a key, in hex.",
    ),
    func(
        "digest.hmac_sha1_base64",
        Type::String,
        &[arg("key", Type::String), arg("s", Type::String)],
        "HMAC-SHA1 of a message under a key, in Base64.",
    ),
    func(
        "digest.hmac_sha256",
        Type::String,
        &[arg("key", Type::String), arg("s", Type::String)],
        "HMAC-SHA256 of a message under a key, in hex.",
    ),
    func(
        "digest.hmac_sha256_base64",
        Type::String,
        &[arg("key", Type::String), arg("s", Type::String)],
        "HMAC-SHA256 of a message under a key, in Base64.",
    ),
    func(
        "digest.hmac_sha512",
        Type::String,
        &[arg("key", Type::String), arg("input", Type::String)],
        "HMAC-SHA512 of a message under a key, in hex.",
    ),
    func(
        "digest.hmac_sha512_base64",
        Type::String,
        &[arg("key", Type::String), arg("input", Type::String)],
        "HMAC-SHA512 of a message under a key, in Base64.",
    ),
    func(
        "digest.rsa_verify",
        Type::Bool,
        &[
            arg("hash_method", Type::Id),
            arg("public_key", Type::String),
            arg("payload", Type::String),
            arg("digest", Type::String),
            optional("base64_variant", Type::Id),
        ],
        "Checks an RSA signature of a payload against a public key.",
    ),
    func(
        "digest.secure_is_equal",
        Type::Bool,
        &[arg("s1", Type::String), arg("s2", Type::String)],
        "Compares two strings in constant time.",
    ),
    func(
        "digest.time_hmac_md5",
        Type::String,
        &[arg("key", Type::String), arg("interval", Type::Integer), arg("offset", Type::Integer)],
        "One-time password from HMAC-MD5 over the current time window.",
    ),
    func(
        "digest.time_hmac_sha1",
        Type::String,
        &[arg("key", Type::String), arg("interval", Type::Integer), arg("offset", Type::Integer)],
        "One-time password from HMAC-SHA1 over the current time window.",
    ),
    func(
        "digest.time_hmac_sha256",
        Type::String,
        &[arg("key", Type::String), arg("interval", Type::Integer), arg("offset", Type::Integer)],
        "One-time password from HMAC-SHA256 over the current time window.",
    ),
    func(
        "digest.time_hmac_sha512",
        Type::String,
        &[arg("key", Type::String), arg("interval", Type::Integer), arg("offset", Type::Integer)],
        "One-time password from HMAC-SHA512 over the current time window.",
    ),
    // fastly.*
    func(
        "fastly.hash",
        Type::Integer,
        &[arg("key", Type::String), arg("seed", Type::Integer), arg("from", Type::Integer), arg("to", Type::Integer)],
        "Murmur-style hash of a key, mapped into an integer range.",
    ),
    func(
        "fastly.try_select_shield",
        Type::Backend,
        &[arg("shield", Type::Backend), arg("fallback", Type::Backend)],
        "Returns the shield backend if usable, otherwise the fallback.",
    ),
    // h2.*
    // The metadata names the variadic argument `...`; we call it `headers`.
    scoped(
        ALL_BUT_LOG,
        func(
            "h2.disable_header_compression",
            Type::Void,
            &[arg("resource", Type::String), variadic("headers", Type::String)],
            "Turns off HPACK compression for the named headers.",
        ),
    ),
    scoped(
        ALL_BUT_LOG,
        func(
            "h2.push",
            Type::Void,
            &[arg("resource", Type::String), optional("as", Type::String)],
            "Starts an HTTP/2 server push of the given resource.",
        ),
    ),
    // h3.*
    scoped(ALL_BUT_LOG, func("h3.alt_svc", Type::Void, &[], "Advertises HTTP/3 to the client through Alt-Svc.")),
    // header.*
    func(
        "header.filter",
        Type::Void,
        &[arg("where", Type::Id), variadic("headers", Type::String)],
        "Removes every listed header from the given object.",
    ),
    func(
        "header.filter_except",
        Type::Void,
        &[arg("where", Type::Id), variadic("headers", Type::String)],
        "Removes every header of the object except the listed ones.",
    ),
    func(
        "header.get",
        Type::String,
        &[arg("where", Type::Id), arg("header_name", Type::String)],
        "Returns the value of a header, given its object and name.",
    ),
    func(
        "header.set",
        Type::Void,
        &[arg("where", Type::Id), arg("header_name", Type::String), arg("value", Type::String)],
        "Sets a header's value, given its object and name.",
    ),
    func(
        "header.unset",
        Type::Void,
        &[arg("where", Type::Id), arg("header_name", Type::String)],
        "Removes a header, given its object and name.",
    ),
    // json.*
    func(
        "json.escape",
        Type::String,
        &[arg("string", Type::String)],
        "Escapes a string for use inside a JSON string literal.",
    ),
    // math.*
    func("math.acos", Type::Float, &[arg("x", Type::Float)], "Inverse cosine of a value, in radians."),
    func("math.acosh", Type::Float, &[arg("x", Type::Float)], "Inverse hyperbolic cosine of a value."),
    func("math.asin", Type::Float, &[arg("x", Type::Float)], "Inverse sine of a value, in radians."),
    func("math.asinh", Type::Float, &[arg("x", Type::Float)], "Inverse hyperbolic sine of a value."),
    func("math.atan", Type::Float, &[arg("x", Type::Float)], "Inverse tangent of a value, in radians."),
    func(
        "math.atan2",
        Type::Float,
        &[arg("y", Type::Float), arg("x", Type::Float)],
        "Angle of the point (x, y) from the x axis, in radians.",
    ),
    func("math.atanh", Type::Float, &[arg("x", Type::Float)], "Inverse hyperbolic tangent of a value."),
    func("math.ceil", Type::Float, &[arg("x", Type::Float)], "Rounds up to the next integer value."),
    func("math.cos", Type::Float, &[arg("x", Type::Float)], "Cosine of an angle in radians."),
    func("math.cosh", Type::Float, &[arg("x", Type::Float)], "Hyperbolic cosine of a value."),
    func("math.exp", Type::Float, &[arg("x", Type::Float)], "Raises e to the given power."),
    func("math.exp2", Type::Float, &[arg("x", Type::Float)], "Raises 2 to the given power."),
    func("math.floor", Type::Float, &[arg("x", Type::Float)], "Rounds down to the previous integer value."),
    func("math.is_finite", Type::Bool, &[arg("x", Type::Float)], "Tests whether a FLOAT is neither infinite nor NaN."),
    func(
        "math.is_infinite",
        Type::Bool,
        &[arg("x", Type::Float)],
        "Tests whether a FLOAT is positive or negative infinity.",
    ),
    func("math.is_nan", Type::Bool, &[arg("x", Type::Float)], "Tests whether a FLOAT is NaN."),
    func("math.is_normal", Type::Bool, &[arg("x", Type::Float)], "Tests whether a FLOAT is a normal number."),
    func("math.is_subnormal", Type::Bool, &[arg("x", Type::Float)], "Tests whether a FLOAT is subnormal."),
    func("math.log", Type::Float, &[arg("x", Type::Float)], "Natural logarithm of a value."),
    func("math.log10", Type::Float, &[arg("x", Type::Float)], "Base-10 logarithm of a value."),
    func("math.log2", Type::Float, &[arg("x", Type::Float)], "Base-2 logarithm of a value."),
    func("math.round", Type::Float, &[arg("x", Type::Float)], "Rounds to the nearest integer, halves away from zero."),
    func(
        "math.roundeven",
        Type::Float,
        &[arg("x", Type::Float)],
        "Rounds to the nearest integer, halves going to even.",
    ),
    func(
        "math.roundhalfdown",
        Type::Float,
        &[arg("x", Type::Float)],
        "Rounds to the nearest integer, halves toward negative infinity.",
    ),
    func(
        "math.roundhalfup",
        Type::Float,
        &[arg("x", Type::Float)],
        "Rounds to the nearest integer, halves toward positive infinity.",
    ),
    func("math.sin", Type::Float, &[arg("x", Type::Float)], "Sine of an angle in radians."),
    func("math.sinh", Type::Float, &[arg("x", Type::Float)], "Hyperbolic sine of a value."),
    func("math.sqrt", Type::Float, &[arg("x", Type::Float)], "Non-negative square root of a value."),
    func("math.tan", Type::Float, &[arg("x", Type::Float)], "Tangent of an angle in radians."),
    func("math.tanh", Type::Float, &[arg("x", Type::Float)], "Hyperbolic tangent of a value."),
    func("math.trunc", Type::Float, &[arg("x", Type::Float)], "Drops the fractional part, rounding toward zero."),
    // querystring.*
    func(
        "querystring.add",
        Type::String,
        &[arg("url", Type::String), arg("name", Type::String), arg("value", Type::String)],
        "Appends a parameter to a URL's query string.",
    ),
    func(
        "querystring.clean",
        Type::String,
        &[arg("url", Type::String)],
        "Strips empty parameter entries out of a URL's query string.",
    ),
    func(
        "querystring.filter",
        Type::String,
        &[arg("url", Type::String), arg("names", Type::String)],
        "Drops the listed parameters from a URL's query string.",
    ),
    func(
        "querystring.filter_except",
        Type::String,
        &[arg("url", Type::String), arg("names", Type::String)],
        "Keeps only the listed parameters in a URL's query string.",
    ),
    func("querystring.filtersep", Type::String, &[], "Separator for name lists given to querystring.filter functions."),
    func(
        "querystring.get",
        Type::String,
        &[arg("url", Type::String), arg("name", Type::String)],
        "Value of a named parameter in a URL's query string.",
    ),
    func(
        "querystring.globfilter",
        Type::String,
        &[arg("url", Type::String), arg("pattern", Type::String)],
        "Drops query parameters whose names match a glob.",
    ),
    func(
        "querystring.globfilter_except",
        Type::String,
        &[arg("url", Type::String), arg("pattern", Type::String)],
        "Keeps only query parameters whose names match a glob.",
    ),
    func(
        "querystring.regfilter",
        Type::String,
        &[arg("url", Type::String), arg("pattern", Type::Regex)],
        "Drops query parameters whose names match a regex.",
    ),
    func(
        "querystring.regfilter_except",
        Type::String,
        &[arg("url", Type::String), arg("pattern", Type::Regex)],
        "Keeps only query parameters whose names match a regex.",
    ),
    func("querystring.remove", Type::String, &[arg("url", Type::String)], "Strips the whole query string from a URL."),
    func(
        "querystring.set",
        Type::String,
        &[arg("url", Type::String), arg("name", Type::String), arg("value", Type::String)],
        "Sets a query parameter, replacing any existing value.",
    ),
    func(
        "querystring.sort",
        Type::String,
        &[arg("url", Type::String), optional("only_unique_keys", Type::Bool)],
        "Orders query string parameters by name, for better cache hits.",
    ),
    // ratelimit.*
    // The metadata types `ttl` TIME; it takes an RTIME such as 2m (catalog section 7).
    func(
        "ratelimit.check_rate",
        Type::Bool,
        &[
            arg("entry", Type::String),
            arg("rc", Type::Id),
            arg("delta", Type::Integer),
            arg("window", Type::Integer),
            arg("limit", Type::Integer),
            arg("pb", Type::Id),
            arg("ttl", Type::Rtime),
        ],
        "Counts a hit and penalises the entry when one rate limit is exceeded.",
    ),
    // The metadata types `ttl` TIME; it takes an RTIME such as 2m (catalog section 7).
    func(
        "ratelimit.check_rates",
        Type::Bool,
        &[
            arg("entry", Type::String),
            arg("rc1", Type::Id),
            arg("delta1", Type::Integer),
            arg("window1", Type::Integer),
            arg("limit1", Type::Integer),
            arg("rc2", Type::Id),
            arg("delta2", Type::Integer),
            arg("window2", Type::Integer),
            arg("limit2", Type::Integer),
            arg("pb", Type::Id),
            arg("ttl", Type::Rtime),
        ],
        "Counts a hit and penalises the entry when either of two limits is exceeded.",
    ),
    // The metadata types `ttl` TIME; it takes an RTIME such as 2m (catalog section 7).
    func(
        "ratelimit.penaltybox_add",
        Type::Void,
        &[arg("pb", Type::Id), arg("entry", Type::String), arg("ttl", Type::Rtime)],
        "Puts an entry in a penalty box for the given duration.",
    ),
    func(
        "ratelimit.penaltybox_has",
        Type::Bool,
        &[arg("pb", Type::Id), arg("entry", Type::String)],
        "Tests whether an entry is currently in a penalty box.",
    ),
    func(
        "ratelimit.ratecounter_increment",
        Type::Integer,
        &[arg("rc", Type::Id), arg("entry", Type::String), arg("delta", Type::Integer)],
        "Adds to a ratecounter entry and returns the new count.",
    ),
    // resp.*
    scoped(
        Scopes::DELIVER,
        func(
            "resp.tarpit",
            Type::Void,
            &[arg("interval_s", Type::Integer), optional("chunk_size_bytes", Type::Integer)],
            "Slows delivery to the client by sending the body in timed chunks.",
        ),
    ),
    // setcookie.*
    func(
        "setcookie.delete_by_name",
        Type::Bool,
        &[arg("where", Type::Id), arg("cookie_name", Type::String)],
        "Removes the Set-Cookie header for a named cookie.",
    ),
    func(
        "setcookie.get_value_by_name",
        Type::String,
        &[arg("where", Type::Id), arg("cookie_name", Type::String)],
        "Reads one cookie's value out of the Set-Cookie response headers.",
    ),
    // std.*
    func(
        "std.anystr2ip",
        Type::Ip,
        &[arg("addr", Type::String), arg("fallback", Type::String)],
        "Parses an address written in decimal, octal or hex, with a fallback.",
    ),
    func("std.atof", Type::Float, &[arg("s", Type::String)], "Parses a decimal float from the start of a string."),
    func("std.atoi", Type::Integer, &[arg("s", Type::String)], "Parses a decimal integer from the start of a string."),
    func("std.basename", Type::String, &[arg("s", Type::String)], "Last component of a path."),
    func(
        "std.collect",
        Type::Void,
        &[arg("header", Type::Id), optional("separator_character", Type::String)],
        "Merges repeated instances of a header into one value.",
    ),
    func("std.count", Type::Integer, &[arg("collection", Type::Id)], "Number of entries in a header collection."),
    func("std.dirname", Type::String, &[arg("s", Type::String)], "Directory part of a path."),
    func(
        "std.integer2time",
        Type::Time,
        &[arg("time", Type::Integer)],
        "Converts seconds since the Unix epoch into a TIME.",
    ),
    func(
        "std.ip",
        Type::Ip,
        &[arg("addr", Type::String), arg("fallback", Type::String)],
        "Older name for std.str2ip; same arguments and result.",
    ),
    func("std.ip2str", Type::String, &[arg("ip", Type::Ip)], "Formats an IP address as text."),
    func(
        "std.itoa",
        Type::String,
        &[arg("value", Type::Integer), optional("base", Type::Integer)],
        "Formats an integer as text, optionally in another base.",
    ),
    func(
        "std.itoa_charset",
        Type::String,
        &[arg("value", Type::Integer), arg("charset", Type::String)],
        "Formats an integer using a custom digit alphabet.",
    ),
    func(
        "std.prefixof",
        Type::Bool,
        &[arg("s", Type::String), arg("begins_with", Type::String)],
        "Tests whether a string starts with another.",
    ),
    func(
        "std.replace",
        Type::String,
        &[arg("s", Type::String), arg("target", Type::String), arg("replacement", Type::String)],
        "Substitutes the first literal occurrence of a substring.",
    ),
    func(
        "std.replace_prefix",
        Type::String,
        &[arg("s", Type::String), arg("target", Type::String), arg("replacement", Type::String)],
        "Substitutes a substring only where it starts the string.",
    ),
    func(
        "std.replace_suffix",
        Type::String,
        &[arg("s", Type::String), arg("target", Type::String), arg("replacement", Type::String)],
        "Substitutes a substring only where it ends the string.",
    ),
    func(
        "std.replaceall",
        Type::String,
        &[arg("s", Type::String), arg("target", Type::String), arg("replacement", Type::String)],
        "Substitutes every literal occurrence of a substring.",
    ),
    func(
        "std.str2ip",
        Type::Ip,
        &[arg("addr", Type::String), arg("fallback", Type::String)],
        "Parses an IP address from text, with a fallback.",
    ),
    func(
        "std.strcasecmp",
        Type::Bool,
        &[arg("s1", Type::String), arg("s2", Type::String)],
        "Tests two strings for equality ignoring ASCII case.",
    ),
    func("std.strlen", Type::Integer, &[arg("s", Type::String)], "Length of a string in bytes."),
    func(
        "std.strpad",
        Type::String,
        &[arg("s", Type::String), arg("width", Type::Integer), arg("pad", Type::String)],
        "Pads a string to a width with a fill string; negative pads right.",
    ),
    func("std.strrep", Type::String, &[arg("s", Type::String), arg("n", Type::Integer)], "Repeats a string n times."),
    func("std.strrev", Type::String, &[arg("s", Type::String)], "Returns the given string written back to front."),
    func(
        "std.strstr",
        Type::String,
        &[arg("haystack", Type::String), arg("needle", Type::String)],
        "Rest of a string from the first occurrence of a needle.",
    ),
    func(
        "std.strtof",
        Type::Float,
        &[arg("s", Type::String), arg("base", Type::Integer)],
        "Parses a float in the given base.",
    ),
    func(
        "std.strtol",
        Type::Integer,
        &[arg("s", Type::String), arg("base", Type::Integer)],
        "Parses an integer in the given base.",
    ),
    func(
        "std.suffixof",
        Type::Bool,
        &[arg("s", Type::String), arg("ends_with", Type::String)],
        "Tests whether a string ends with another.",
    ),
    func(
        "std.time",
        Type::Time,
        &[arg("s", Type::String), arg("fallback", Type::Time)],
        "Parses a date string in common formats into a TIME, with a fallback.",
    ),
    func("std.tolower", Type::String, &[arg("s", Type::String)], "Maps every letter of a string to lower case."),
    func("std.toupper", Type::String, &[arg("s", Type::String)], "Maps every letter of a string to upper case."),
    // table.*
    func(
        "table.contains",
        Type::Bool,
        &[arg("id", Type::Id), arg("key", Type::String)],
        "Tests whether a table has the given key.",
    ),
    func(
        "table.lookup",
        Type::String,
        &[arg("id", Type::Id), arg("key", Type::String), optional("default", Type::String)],
        "STRING value stored under a key in a table, with optional default.",
    ),
    func(
        "table.lookup_acl",
        Type::Acl,
        &[arg("id", Type::Id), arg("key", Type::String), arg("default", Type::Acl)],
        "ACL stored under a key in a table, else the default.",
    ),
    func(
        "table.lookup_backend",
        Type::Backend,
        &[arg("id", Type::Id), arg("key", Type::String), arg("default", Type::Backend)],
        "Backend stored under a key in a table, else the default.",
    ),
    func(
        "table.lookup_bool",
        Type::Bool,
        &[arg("id", Type::Id), arg("key", Type::String), arg("default", Type::Bool)],
        "BOOL stored under a key in a table, else the default.",
    ),
    func(
        "table.lookup_float",
        Type::Float,
        &[arg("id", Type::Id), arg("key", Type::String), arg("default", Type::Float)],
        "FLOAT stored under a key in a table, else the default.",
    ),
    func(
        "table.lookup_integer",
        Type::Integer,
        &[arg("id", Type::Id), arg("key", Type::String), arg("default", Type::Integer)],
        "INTEGER stored under a key in a table, else the default.",
    ),
    func(
        "table.lookup_ip",
        Type::Ip,
        &[arg("id", Type::Id), arg("key", Type::String), arg("default", Type::Ip)],
        "IP stored under a key in a table, else the default.",
    ),
    func(
        "table.lookup_regex",
        Type::Regex,
        &[arg("id", Type::Id), arg("key", Type::String)],
        "Regex stored under a key in a table.",
    ),
    func(
        "table.lookup_rtime",
        Type::Rtime,
        &[arg("id", Type::Id), arg("key", Type::String), arg("default", Type::Rtime)],
        "RTIME stored under a key in a table, else the default.",
    ),
    // time.*
    // Fastly's metadata types the second argument TIME; it is a relative time (catalog section 7).
    func(
        "time.add",
        Type::Time,
        &[arg("t1", Type::Time), arg("t2", Type::Rtime)],
        "Shifts a TIME forward by a relative duration.",
    ),
    func(
        "time.hex_to_time",
        Type::Time,
        &[arg("divisor", Type::Integer), arg("dividend", Type::String)],
        "Builds a TIME from a hex timestamp divided by a divisor.",
    ),
    func(
        "time.interval_elapsed_ratio",
        Type::Float,
        &[arg("ref", Type::Time), arg("start", Type::Time), arg("end", Type::Time)],
        "Fraction of an interval that has passed at a reference time.",
    ),
    func(
        "time.is_after",
        Type::Bool,
        &[arg("t1", Type::Time), arg("t2", Type::Time)],
        "Tests whether the first TIME is later than the second.",
    ),
    func(
        "time.runits",
        Type::String,
        &[arg("unit", Type::String), arg("rtime", Type::Rtime)],
        "Formats a relative time in seconds, ms, us or ns.",
    ),
    // Fastly's metadata types the second argument TIME; it is a relative time (catalog section 7).
    func(
        "time.sub",
        Type::Time,
        &[arg("t1", Type::Time), arg("t2", Type::Rtime)],
        "Shifts a TIME back by a relative duration.",
    ),
    func(
        "time.units",
        Type::String,
        &[arg("unit", Type::String), arg("time", Type::Time)],
        "Formats a TIME in seconds, ms, us or ns since the epoch.",
    ),
    // utf8.*
    func(
        "utf8.codepoint_count",
        Type::Integer,
        &[arg("s", Type::String)],
        "Counts the Unicode code points in a string.",
    ),
    func("utf8.is_valid", Type::Bool, &[arg("s", Type::String)], "Tests whether a string is well-formed UTF-8."),
    func(
        "utf8.strpad",
        Type::String,
        &[arg("s", Type::String), arg("count", Type::Integer), arg("pad", Type::String)],
        "Pads a string to a width counted in code points.",
    ),
    func(
        "utf8.substr",
        Type::String,
        &[arg("s", Type::String), arg("offset", Type::Integer), optional("length", Type::Integer)],
        "Part of a string, with offset and length counted in code points.",
    ),
    // uuid.*
    func("uuid.dns", Type::String, &[], "Namespace UUID for DNS names (RFC 4122)."),
    func("uuid.is_valid", Type::Bool, &[arg("uuid", Type::String)], "Tests whether a string is a well-formed UUID."),
    func("uuid.is_version3", Type::Bool, &[arg("uuid", Type::String)], "Tests whether a string is a version 3 UUID."),
    func("uuid.is_version4", Type::Bool, &[arg("uuid", Type::String)], "Tests whether a string is a version 4 UUID."),
    func("uuid.is_version5", Type::Bool, &[arg("uuid", Type::String)], "Tests whether a string is a version 5 UUID."),
    func("uuid.is_version7", Type::Bool, &[arg("uuid", Type::String)], "Tests whether a string is a version 7 UUID."),
    func("uuid.oid", Type::String, &[], "Namespace UUID for ISO object identifiers (RFC 4122)."),
    func("uuid.url", Type::String, &[], "Namespace UUID for URLs (RFC 4122)."),
    func(
        "uuid.version3",
        Type::String,
        &[arg("namespace", Type::String), arg("name", Type::String)],
        "Name-based UUID from a namespace and name, using MD5.",
    ),
    func("uuid.version4", Type::String, &[], "Generates a new random (version 4) UUID."),
    func(
        "uuid.version5",
        Type::String,
        &[arg("namespace", Type::String), arg("name", Type::String)],
        "Name-based UUID from a namespace and name, using SHA-1.",
    ),
    func("uuid.version7", Type::String, &[], "Generates a new time-ordered (version 7) UUID."),
    func("uuid.x500", Type::String, &[], "Namespace UUID for X.500 distinguished names (RFC 4122)."),
    // ---- Tier B: documented elsewhere on fastly.com, or newer than the export ----
    // `if` is parsed as its own expression form; the entry gives its signature and docs.
    // Counters and limiters are a limited-availability feature.
    // (global)
    newer(func(
        "if",
        Type::String,
        &[arg("condition", Type::Bool), arg("value_when_true", Type::String), arg("value_when_false", Type::String)],
        "Picks one of two strings depending on a condition.",
    )),
    // counter.*
    newer(func(
        "counter.get",
        Type::Integer,
        &[arg("counter", Type::Id), arg("key", Type::String)],
        "Estimated current count of a counter entry.",
    )),
    newer(func(
        "counter.inc",
        Type::Integer,
        &[arg("counter", Type::Id), arg("key", Type::String)],
        "Increments a counter entry and returns its estimated count.",
    )),
    // digest.*
    newer(func(
        "digest.hmac_sha256_with_base64_key",
        Type::String,
        &[arg("key_base64", Type::String), arg("s", Type::String)],
        "HMAC-SHA256 of a message under a Base64-encoded key, in hex.",
    )),
    // limiter.*
    newer(func(
        "limiter.get",
        Type::Integer,
        &[arg("limiter", Type::Id), arg("key", Type::String)],
        "Current value of a limiter entry.",
    )),
    newer(func(
        "limiter.inc",
        Type::Integer,
        &[arg("limiter", Type::Id), arg("key", Type::String)],
        "Increments a limiter entry and returns its value.",
    )),
    // url.*
    newer(func(
        "url.normalize",
        Type::String,
        &[arg("url", Type::String)],
        "Normalises an http(s) URL per RFC 3986; other input unchanged.",
    )),
    // ---- Tier C: undocumented, accepted for compatibility ----
    // fastly.*
    legacy(func(
        "fastly.ff.last_hop_was_serviceid",
        Type::Bool,
        &[arg("service_id", Type::String)],
        "Tests whether the previous Fastly hop ran the given service.",
    )),
];

/// A Tier A function callable from every subroutine.
const fn func(name: &'static str, ret: Type, args: &'static [ArgDef], doc: &'static str) -> FnDef {
    FnDef { name, ret, args, scopes: ALL, tier: Tier::Documented, deprecated: false, doc }
}

/// Narrows where a function may be called.
const fn scoped(scopes: Scopes, def: FnDef) -> FnDef {
    FnDef { scopes, ..def }
}

/// Marks a Tier A entry that Fastly's metadata flags as deprecated.
const fn deprecated(def: FnDef) -> FnDef {
    FnDef { deprecated: true, ..def }
}

/// Moves an entry to Tier B.
const fn newer(def: FnDef) -> FnDef {
    FnDef { tier: Tier::Newer, ..def }
}

/// Moves an entry to Tier C, which is always linted as deprecated.
const fn legacy(def: FnDef) -> FnDef {
    FnDef { tier: Tier::Legacy, deprecated: true, ..def }
}

/// A required argument.
const fn arg(name: &'static str, ty: Type) -> ArgDef {
    ArgDef { name, ty, arity: Arity::Required }
}

/// An argument that may be left out (only trailing arguments are optional).
const fn optional(name: &'static str, ty: Type) -> ArgDef {
    ArgDef { name, ty, arity: Arity::Optional }
}

/// Zero or more further arguments of one type (always last).
const fn variadic(name: &'static str, ty: Type) -> ArgDef {
    ArgDef { name, ty, arity: Arity::Variadic }
}
