//! A small writer of MaxMind DB files for tests: an IPv6 binary search tree with 32-bit
//! records, a 16-byte separator, the data section, and the metadata after the
//! `\xAB\xCD\xEFMaxMind.com` marker (MaxMind DB format 2.0). IPv4 networks live under
//! `::/96`, where readers look IPv4 addresses up in an IPv6 tree.

use std::net::IpAddr;

/// A value in the data section.
#[derive(Debug, Clone)]
pub enum Data {
    Str(&'static str),
    U32(u32),
    U16(u16),
    U64(u64),
    F64(f64),
    Map(Vec<(&'static str, Data)>),
    Array(Vec<Data>),
}

/// Builds a database with `networks` (address, prefix length, record).
pub fn build(database_type: &'static str, networks: &[(IpAddr, u8, Data)]) -> Vec<u8> {
    // The trie: each node has two records; `None` is "no data".
    #[derive(Clone, Copy)]
    enum Rec {
        Empty,
        Node(usize),
        Data(usize),
    }
    let mut nodes: Vec<[Rec; 2]> = vec![[Rec::Empty, Rec::Empty]];
    let mut data = Vec::new();
    for (addr, prefix, record) in networks {
        let (bits, depth) = match addr {
            IpAddr::V4(v4) => (u128::from(u32::from(*v4)), 96 + usize::from(*prefix)),
            IpAddr::V6(v6) => (u128::from(*v6), usize::from(*prefix)),
        };
        let offset = data.len();
        encode(&mut data, record);
        let mut node = 0;
        for i in 0..depth {
            let bit = ((bits >> (127 - i)) & 1) as usize;
            if i + 1 == depth {
                nodes[node][bit] = Rec::Data(offset);
                break;
            }
            node = match nodes[node][bit] {
                Rec::Node(n) => n,
                _ => {
                    nodes.push([Rec::Empty, Rec::Empty]);
                    let n = nodes.len() - 1;
                    nodes[node][bit] = Rec::Node(n);
                    n
                }
            };
        }
    }
    let count = nodes.len();
    let mut out = Vec::new();
    for node in &nodes {
        for rec in node {
            // A record is a node number, `count` (no data) or `count + 16 + offset`.
            let v = match *rec {
                Rec::Empty => count,
                Rec::Node(n) => n,
                Rec::Data(off) => count + 16 + off,
            };
            out.extend_from_slice(&(v as u32).to_be_bytes());
        }
    }
    out.extend_from_slice(&[0; 16]);
    out.extend_from_slice(&data);
    out.extend_from_slice(b"\xAB\xCD\xEFMaxMind.com");
    let metadata = Data::Map(vec![
        ("binary_format_major_version", Data::U16(2)),
        ("binary_format_minor_version", Data::U16(0)),
        ("build_epoch", Data::U64(1_700_000_000)),
        ("database_type", Data::Str(database_type)),
        ("description", Data::Map(vec![("en", Data::Str("lacquer test database"))])),
        ("ip_version", Data::U16(6)),
        ("languages", Data::Array(vec![Data::Str("en")])),
        ("node_count", Data::U32(count as u32)),
        ("record_size", Data::U16(32)),
    ]);
    encode(&mut out, &metadata);
    out
}

/// Appends one value: a control byte (type in the top 3 bits, or 0 and an extended type
/// byte; the size in the low 5 bits, longer sizes in the following bytes), then the payload.
fn encode(out: &mut Vec<u8>, v: &Data) {
    match v {
        Data::Str(s) => {
            head(out, 2, s.len());
            out.extend_from_slice(s.as_bytes());
        }
        Data::F64(f) => {
            head(out, 3, 8);
            out.extend_from_slice(&f.to_be_bytes());
        }
        Data::U16(n) => uint(out, 5, u64::from(*n)),
        Data::U32(n) => uint(out, 6, u64::from(*n)),
        Data::U64(n) => uint(out, 9, *n),
        Data::Map(entries) => {
            head(out, 7, entries.len());
            for (k, v) in entries {
                encode(out, &Data::Str(k));
                encode(out, v);
            }
        }
        Data::Array(items) => {
            head(out, 11, items.len());
            for v in items {
                encode(out, v);
            }
        }
    }
}

fn uint(out: &mut Vec<u8>, ty: u8, n: u64) {
    let bytes = n.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    head(out, ty, 8 - skip);
    out.extend_from_slice(&bytes[skip..]);
}

fn head(out: &mut Vec<u8>, ty: u8, size: usize) {
    let (base, ext) = if ty <= 7 { (ty << 5, None) } else { (0, Some(ty - 7)) };
    let (low, extra): (u8, Vec<u8>) = match size {
        0..=28 => (size as u8, Vec::new()),
        29..=284 => (29, vec![(size - 29) as u8]),
        285..=65_820 => (30, ((size - 285) as u16).to_be_bytes().to_vec()),
        _ => (31, ((size - 65_821) as u32).to_be_bytes()[1..].to_vec()),
    };
    out.push(base | low);
    if let Some(e) = ext {
        out.push(e);
    }
    out.extend_from_slice(&extra);
}
