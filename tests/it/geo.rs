//! `client.geo.*` and `client.as.*` from MaxMind databases written by the test
//! (`support/mmdb.rs`), for IPv4 and IPv6 clients, `client.geo.ip_override`, and Fastly's
//! values for addresses it cannot place.

#[path = "support/mmdb.rs"]
mod mmdb;

use std::sync::Arc;

use lacquer::catalog::SubKind;
use lacquer::interp::geo::GeoDb;
use lacquer::interp::state::ReqState;
use lacquer::interp::{run, Runtime};
use mmdb::Data;

use crate::interp::compile;

fn names(en: &'static str) -> Data {
    Data::Map(vec![("en", Data::Str(en)), ("de", Data::Str("(de)"))])
}

/// A GeoLite2-City-shaped database: 192.0.2.0/24 in Zürich, 2001:db8::/32 in São Paulo.
pub(crate) fn city_db() -> Vec<u8> {
    let zurich = Data::Map(vec![
        ("city", Data::Map(vec![("geoname_id", Data::U32(2657896)), ("names", names("Zürich"))])),
        ("continent", Data::Map(vec![("code", Data::Str("EU")), ("names", names("Europe"))])),
        ("country", Data::Map(vec![("iso_code", Data::Str("CH")), ("names", names("Switzerland"))])),
        (
            "location",
            Data::Map(vec![
                ("latitude", Data::F64(47.3682)),
                ("longitude", Data::F64(8.5671)),
                ("time_zone", Data::Str("Europe/Zurich")),
            ]),
        ),
        ("postal", Data::Map(vec![("code", Data::Str("8001"))])),
        ("subdivisions", Data::Array(vec![Data::Map(vec![("iso_code", Data::Str("ZH")), ("names", names("Zürich"))])])),
    ]);
    let sao_paulo = Data::Map(vec![
        ("city", Data::Map(vec![("names", names("São Paulo"))])),
        ("continent", Data::Map(vec![("code", Data::Str("SA"))])),
        ("country", Data::Map(vec![("iso_code", Data::Str("BR")), ("names", names("Brazil"))])),
        (
            "location",
            Data::Map(vec![
                ("latitude", Data::F64(-23.5475)),
                ("longitude", Data::F64(-46.6361)),
                ("metro_code", Data::U16(0)),
            ]),
        ),
        (
            "subdivisions",
            Data::Array(vec![Data::Map(vec![("iso_code", Data::Str("SP")), ("names", names("São Paulo"))])]),
        ),
    ]);
    let denver = Data::Map(vec![
        ("country", Data::Map(vec![("iso_code", Data::Str("US")), ("names", names("United States"))])),
        ("location", Data::Map(vec![("metro_code", Data::U16(751))])),
    ]);
    mmdb::build(
        "GeoLite2-City",
        &[
            ("192.0.2.0".parse().unwrap(), 24, zurich),
            ("2001:db8::".parse().unwrap(), 32, sao_paulo),
            ("198.51.100.0".parse().unwrap(), 24, denver),
        ],
    )
}

fn asn_db() -> Vec<u8> {
    let asn = |n: u32, org: &'static str| {
        Data::Map(vec![("autonomous_system_number", Data::U32(n)), ("autonomous_system_organization", Data::Str(org))])
    };
    mmdb::build(
        "GeoLite2-ASN",
        &[
            ("192.0.2.0".parse().unwrap(), 24, asn(64496, "Example Net")),
            ("2001:db8::".parse().unwrap(), 32, asn(64511, "Doc Six")),
        ],
    )
}

const VCL: &str = r#"sub vcl_recv {
    if (req.http.Override) {
        set client.geo.ip_override = req.http.Override;
    }
    set req.http.Geo = client.geo.country_code "|" client.geo.country_code3 "|" client.geo.country_name "|"
        client.geo.continent_code "|" client.geo.region "|" client.geo.city "|" client.geo.postal_code "|"
        client.geo.latitude "|" client.geo.longitude "|" client.geo.metro_code "|" client.as.number "|" client.as.name;
    set req.http.Utf8 = client.geo.city.utf8 "|" client.geo.country_name.utf8 "|" client.geo.region.utf8;
    set req.http.Unknowable = client.geo.conn_speed "|" client.geo.conn_type "|" client.geo.proxy_type "|"
        client.geo.proxy_description "|" client.geo.area_code "|" client.geo.utc_offset "|" client.geo.gmt_offset;
    set req.http.Latin1 = client.geo.city.latin1;
    set req.http.Legacy = geoip.country_code "|" geoip.city "|" geoip.latitude "|" geoip.ip_override;
}"#;

fn geo_of(db: Option<Arc<GeoDb>>, client: &str, override_ip: Option<&str>) -> ReqState {
    let program = compile(VCL);
    // 2024-07-03, summer time in Zürich.
    let now = 1_720_000_000 * 1_000_000_000;
    let mut st = ReqState { client_ip: client.parse().unwrap(), now, time_start: now, ..ReqState::default() };
    if let Some(ip) = override_ip {
        st.req.headers.set(b"Override", ip.as_bytes().to_vec().into());
    }
    run(&program, SubKind::Recv, &mut st, &Runtime { geo: db, ..Runtime::default() }).expect("no fault");
    st
}

fn header(st: &ReqState, name: &str) -> String {
    String::from_utf8_lossy(st.req.headers.get(name.as_bytes()).expect(name)).into_owned()
}

fn dbs() -> Option<Arc<GeoDb>> {
    Some(Arc::new(GeoDb::from_bytes(vec![city_db(), asn_db()]).expect("valid test databases")))
}

#[test]
fn ipv4_lookup_maps_city_and_asn_fields() {
    let st = geo_of(dbs(), "192.0.2.77", None);
    // Fastly: the `*.ascii` names have diacritics removed and are lower case; `region` is
    // the subdivision code; FLOATs render with three decimals.
    assert_eq!(header(&st, "Geo"), "CH|CHE|switzerland|EU|ZH|zurich|8001|47.368|8.567|0|64496|Example Net");
    // Fastly (`client.geo.region.latin1`): the region is a code, identical in every encoding.
    assert_eq!(header(&st, "Utf8"), "Zürich|Switzerland|ZH");
    assert_eq!(st.req.headers.get(b"Latin1").unwrap().as_ref(), b"Z\xfcrich");
    // Not in MaxMind's City/ASN data. Fastly's `client.geo.proxy_type` and
    // `proxy_description` pages: "Defaults to ? when an IP address is not known to be a
    // proxy or VPN"; the rest read as unknown (STRING "", INTEGER 0). The UTC offset comes
    // from the time zone, in Fastly's "(-)HHMM or (-)HMM" form: Zürich in summer is +2h.
    assert_eq!(header(&st, "Unknowable"), "||?|?|0|200|200");
    // The legacy `geoip.*` names read the same data.
    assert_eq!(header(&st, "Legacy"), "CH|zurich|47.368|");
}

#[test]
fn ipv6_and_ipv4_mapped_lookups() {
    let st = geo_of(dbs(), "2001:db8::1", None);
    assert_eq!(header(&st, "Geo"), "BR|BRA|brazil|SA|SP|sao paulo||-23.547|-46.636|0|64511|Doc Six");
    // An IPv4-mapped IPv6 client is looked up as its IPv4 address.
    let st = geo_of(dbs(), "::ffff:198.51.100.9", None);
    // Fastly: latitude and longitude use "the special value 999.9 used to indicate absent
    // data" (rendered with three decimals).
    assert_eq!(header(&st, "Geo"), "US|USA|united states|||||999.900|999.900|751|0|");
}

#[test]
fn ip_override_selects_the_address_looked_up() {
    let st = geo_of(dbs(), "203.0.113.1", Some("192.0.2.1"));
    assert!(header(&st, "Geo").starts_with("CH|CHE|"), "{}", header(&st, "Geo"));
    // Fastly (`client.geo.ip_override`): for an invalid address "STRING variables are set
    // to the empty string, FLOAT variables are set to 999.0, and INTEGER variables are set
    // to 0".
    let st = geo_of(dbs(), "192.0.2.1", Some("xxx"));
    assert_eq!(header(&st, "Geo"), "|||||||999.000|999.000|0|0|");
    // ... and `utc_offset` "the special value 9999 to indicate an invalid region".
    assert_eq!(header(&st, "Unknowable"), "||||0|9999|9999");
}

#[test]
fn unknown_addresses_and_no_database_read_as_unknown() {
    for db in [dbs(), None] {
        let st = geo_of(db, "203.0.113.1", None);
        assert_eq!(header(&st, "Geo"), "|||||||999.900|999.900|0|0|");
        assert_eq!(header(&st, "Unknowable"), "||?|?|0|0|0");
    }
}

#[test]
fn a_damaged_database_is_an_error() {
    let err = GeoDb::from_bytes(vec![b"not a database".to_vec()]).unwrap_err();
    assert!(err.to_string().starts_with("cannot open geolocation database"), "{err}");
}

#[test]
fn lacquer_test_reads_geo_db() {
    let dir = std::env::temp_dir().join(format!("lacquer-geo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("city.mmdb"), city_db()).unwrap();
    std::fs::write(dir.join("main.vcl"), "sub vcl_recv { }\n").unwrap();
    std::fs::write(
        dir.join("geo.test.vcl"),
        "sub test_geo {\n  set client.geo.ip_override = \"192.0.2.9\";\n  assert.equal(client.geo.country_code, \"CH\");\n}\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["test".to_string(), dir.join("main.vcl").display().to_string()];
        args.extend(extra.iter().map(|s| s.to_string()));
        std::process::Command::new(env!("CARGO_BIN_EXE_lacquer")).args(&args).env_remove("CI").output().unwrap()
    };
    let db = dir.join("city.mmdb").display().to_string();
    let out = run(&["--geo-db", &db]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    // Without the database the country is unknown ("") and the assertion fails.
    assert_eq!(run(&[]).status.code(), Some(1));
    let out = run(&["--geo-db", &dir.join("main.vcl").display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open geolocation database"));
    let _ = std::fs::remove_dir_all(&dir);
}
