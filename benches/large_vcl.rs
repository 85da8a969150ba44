//! Builds the large benchmark input: copies of the user-agent classifier in
//! `vcl-examples/ok/ua_classifier.vcl`, each in its own renamed subroutine, all called
//! from one `vcl_recv`. With `unique` every copy's patterns differ (a copy-numbered
//! non-capturing prefix), so no regex can be checked from a cache.

use std::path::Path;

/// Returns the VCL text of `copies` classifier copies.
pub fn generate(copies: usize, unique: bool) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("vcl-examples/ok/ua_classifier.vcl");
    let source = std::fs::read_to_string(&path).expect("vcl-examples/ok/ua_classifier.vcl");
    let start = source.find("sub ua_classify {").expect("the classifier subroutine");
    let end = source[start..].find("\n}\n").map(|i| start + i + 3).expect("its end");
    let body = &source[start..end];
    let mut out = String::with_capacity(body.len() * copies + 1024);
    out.push_str("# generated: copies of the user-agent classifier\n\n");
    for k in 0..copies {
        let mut copy = body.replacen("sub ua_classify {", &format!("sub ua_classify_{k} {{"), 1);
        if unique {
            copy = copy.replace("~ \"", &format!("~ \"(?:c{k}x)?"));
        }
        out.push_str(&copy);
        out.push('\n');
    }
    out.push_str("sub vcl_recv {\n#FASTLY recv\n");
    for k in 0..copies {
        out.push_str(&format!("  call ua_classify_{k};\n"));
    }
    out.push_str("  return(lookup);\n}\n");
    out
}
