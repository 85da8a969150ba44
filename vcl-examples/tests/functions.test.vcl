# The standard library, one test per function family, with values from Fastly's
# reference pages (fastly.com/documentation/reference/vcl/functions/...) or from the
# standards they implement (SHA-2 and HMAC test vectors, RFC 4122 UUIDs).

// @suite: std string functions
sub test_std_strings {
  assert.equal(std.tolower("HeLLo"), "hello");
  assert.equal(std.toupper("HeLLo"), "HELLO");
  assert.equal(std.strlen("hello"), 5);
  assert.equal(std.strrev("abc"), "cba");
  assert.equal(std.strrep("ab", 3), "ababab");
  assert.equal(std.replace("hello world", "o", "0"), "hell0 world");
  assert.equal(std.replaceall("hello world", "o", "0"), "hell0 w0rld");
  assert.equal(std.replace_prefix("/images/a.png", "/images/", "/img/"), "/img/a.png");
  assert.equal(std.replace_suffix("a.jpeg", ".jpeg", ".jpg"), "a.jpg");
  assert.true(std.prefixof("/api/users", "/api/"));
  assert.true(std.suffixof("image.png", ".png"));
  assert.equal(std.strstr("www.example.com", "example"), "example.com");
  // std.strstr: not set when the needle is absent.
  assert.is_notset(std.strstr("www.example.com", "nope"));
  assert.equal(std.basename("/a/b/c.txt"), "c.txt");
  assert.equal(std.dirname("/a/b/c.txt"), "/a/b");
}

// @suite: std numbers, addresses and times
sub test_std_conversions {
  assert.equal(std.atoi("42"), 42);
  assert.equal(std.strtol("ff", 16), 255);
  assert.equal(std.itoa(255), "255");
  assert.equal(std.itoa_charset(255, "0123456789abcdef"), "ff");
  assert.equal(std.ip2str(std.ip("192.0.2.5", "0.0.0.0")), "192.0.2.5");
  assert.equal(std.ip2str(std.str2ip("not an ip", "192.0.2.1")), "192.0.2.1");
  assert.equal(std.time("Thu, 01 Jan 1970 00:01:00 GMT", now), std.integer2time(60));
}

// @suite: substrings, subfields, escaping and regsub
sub test_strings {
  assert.equal(substr("abcdefg", 2, 3), "cde");
  assert.equal(substr("abcdefg", -3), "efg");
  assert.equal(subfield("max-age=60, public", "max-age", ","), "60");
  // In "..." strings %XX is an escape, so encoded text is written as a {"..."} string.
  assert.equal(urlencode("a b/c"), {"a%20b%2Fc"});
  assert.equal(urldecode({"a%20b%2Fc"}), "a b/c");
  assert.equal(regsub("/images/photo.JPG", "\.(?i)jpe?g$", ".jpg"), "/images/photo.jpg");
  assert.equal(regsuball("a-b-c", "-", "_"), "a_b_c");
  assert.equal(regsub("2024-05-17", "^(\d+)-(\d+)-(\d+)$", "\3/\2/\1"), "17/05/2024");
  assert.equal(json.escape({"say "hi""}), {"say \"hi\""});
  assert.equal(xml_escape("<a & b>"), "&lt;a &amp; b&gt;");
  // Statuses separated by commas; a leading `!` negates (Fastly's example).
  assert.true(http_status_matches(404, "403,404"));
  assert.true(http_status_matches(404, "!200,301,302"));
  assert.true(utf8.is_valid("héllo"));
  assert.equal(utf8.codepoint_count("héllo"), 5);
}

// @suite: query strings
sub test_querystring {
  assert.equal(querystring.sort("/p?b=2&a=1&c=3"), "/p?a=1&b=2&c=3");
  assert.equal(querystring.get("/p?a=1&b=2", "b"), "2");
  assert.is_notset(querystring.get("/p?a=1", "z"));
  assert.equal(querystring.remove("/p?a=1&b=2"), "/p");
  assert.equal(querystring.set("/p?a=1", "a", "9"), "/p?a=9");
  assert.equal(querystring.add("/p?a=1", "b", "2"), "/p?a=1&b=2");
  assert.equal(querystring.filter("/p?a=1&utm_source=x&b=2", "utm_source"), "/p?a=1&b=2");
  assert.equal(querystring.filter_except("/p?a=1&b=2&c=3", "b"), "/p?b=2");
  assert.equal(querystring.globfilter("/p?utm_a=1&x=2&utm_b=3", "utm_*"), "/p?x=2");
  assert.equal(querystring.regfilter("/p?utm_a=1&x=2", "^utm_"), "/p?x=2");
}

// @suite: header and cookie functions
sub test_headers {
  header.set(req, "X-Via-Function", "1");
  assert.equal(req.http.X-Via-Function, "1");
  assert.equal(header.get(req, "x-via-function"), "1");
  header.unset(req, "X-Via-Function");
  assert.is_notset(req.http.X-Via-Function);
  set req.http.X-A = "a";
  set req.http.X-B = "b";
  header.filter(req, "X-A");
  assert.is_notset(req.http.X-A);
  assert.equal(req.http.X-B, "b");
}

// @suite: content negotiation
sub test_accept {
  assert.equal(accept.language_lookup("en:de:fr", "en", "de;q=0.8, fr;q=0.9"), "fr");
  assert.equal(accept.encoding_lookup("br:gzip", "identity", "gzip, br;q=0.9"), "gzip");
  assert.equal(accept.media_lookup("image/webp:image/png", "image/png", "image/webp", "image/avif,image/webp,*/*;q=0.8"), "image/webp");
}

// @suite: digests and encodings
sub test_digest {
  // FIPS 180-2 test vector: SHA-256("abc").
  assert.equal(digest.hash_sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(digest.hash_md5("abc"), "900150983cd24fb0d6963f7d28e17f72");
  assert.equal(digest.hash_sha1("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assert.equal(digest.base64("hello"), "aGVsbG8=");
  assert.equal(digest.base64_decode("aGVsbG8="), "hello");
  assert.equal(digest.base64url_nopad("hi?"), "aGk_");
  // RFC 4231 test case 2: HMAC-SHA-256 with key "Jefe".
  assert.equal(digest.hmac_sha256("Jefe", "what do ya want for nothing?"), "0x5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  assert.true(digest.secure_is_equal("abc", "abc"));
  assert.equal(bin.hex_to_base64("68656c6c6f"), "aGVsbG8=");
}

// @suite: uuids
sub test_uuid {
  // RFC 4122 appendix B: the version 3 UUID of www.example.com in the DNS namespace.
  assert.equal(uuid.version3(uuid.dns(), "www.example.com"), "5df41881-3aed-3515-88a7-2f4a814cf09e");
  assert.true(uuid.is_version4(uuid.version4()));
  assert.true(uuid.is_valid("6ba7b810-9dad-11d1-80b4-00c04fd430c8"));
}

// @suite: math and random numbers
sub test_math {
  assert.equal(math.floor(2.7), 2.0);
  assert.equal(math.ceil(2.1), 3.0);
  assert.equal(math.round(2.5), 3.0);
  assert.equal(math.sqrt(16.0), 4.0);
  assert.true(math.is_nan(math.NAN));
  assert.equal(randomint_seeded(1, 100, 42), randomint_seeded(1, 100, 42));
  declare local var.n INTEGER;
  set var.n = randomint(5, 5);
  assert.equal(var.n, 5);
}

// @suite: time formatting and arithmetic
sub test_time {
  testing.fixed_time(1694159940);
  assert.equal(strftime({"%Y-%m-%d %H:%M:%S"}, now), "2023-09-08 07:59:00");
  assert.equal(strftime({"%Y"}, time.add(now, 365d)), "2024");
  assert.true(time.is_after(now, time.sub(now, 1h)));
  assert.equal(parse_time_delta("2h"), 7200);
}

// @suite: addresses
sub test_addr {
  assert.true(addr.is_ipv4(client.ip));
  assert.false(addr.is_ipv6(client.ip));
  assert.equal(addr.extract_bits(client.ip, 0, 8), 1);
}

// Signatures made with `openssl dgst -sha256 -sign KEY` over "hello lacquer" (a 1024-bit
// RSA key and a P-256 key), Base64url without padding: Fastly's default variant.
// @suite: RSA and ECDSA signatures verify against their public keys
sub test_signatures {
  declare local var.rsa STRING;
  declare local var.ec STRING;
  set var.rsa = {"-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDDpUePM83lRf+cvuW1MFtNwNYu
k5bfknWpueI3U3c54WvgeCixQB9q2Z2LQ5O8T9kZq4Eaqf++Mq+xndthJ4SjJ+N0
wlQa56LFZD5kGi98D+BeWAZ7VbJIvZy0F/9y+hPaUTPa45xUJVpD/BDuhfYFevxi
lWrK0RQg2SCnEKnpeQIDAQAB
-----END PUBLIC KEY-----"};
  set var.ec = {"-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEzwgDjVPE27xtVXekeb5gynO3eCOS
2jf1w17EmmTMsp6Wg3jlLw9sMn+XSpFW9d9dSZSGfTT3dPQzgbtxIfyVUQ==
-----END PUBLIC KEY-----"};
  assert.true(digest.rsa_verify(sha256, var.rsa, "hello lacquer", "hlZiBG5Uz6hziOaKUxIw9xs8DWx_SxifjIfvL1qmPr11mFVh-kCGe5SPLYrE9h9qkpcm7VpmTTMCIYBar7hUF4fOcfCm7sS1mZjuoJur2sUNEMF0JCzoPOUlsULbg6MR34sjZvMbaiR-JCUyMo8-VqhjpKP6YL1aCSTl320CW_g"));
  assert.false(digest.rsa_verify(sha256, var.rsa, "tampered", "hlZiBG5Uz6hziOaKUxIw9xs8DWx_SxifjIfvL1qmPr11mFVh-kCGe5SPLYrE9h9qkpcm7VpmTTMCIYBar7hUF4fOcfCm7sS1mZjuoJur2sUNEMF0JCzoPOUlsULbg6MR34sjZvMbaiR-JCUyMo8-VqhjpKP6YL1aCSTl320CW_g"));
  assert.true(digest.ecdsa_verify(sha256, var.ec, "hello lacquer", "MEUCICPCoI5k4L5S_R0qULyJ03zuWiCnUz6-X0tzbUIHtIgsAiEA_7uuiV2-XysKih8sfdnva2J2Pmi0huWAax8feCroAEM", der));
  assert.false(digest.ecdsa_verify(sha256, var.ec, "tampered", "MEUCICPCoI5k4L5S_R0qULyJ03zuWiCnUz6-X0tzbUIHtIgsAiEA_7uuiV2-XysKih8sfdnva2J2Pmi0huWAax8feCroAEM", der));
}
