//! The catalog tables against Fastly's own metadata export (`../shared/fastly-metadata`,
//! the `variables.json` and `functions.json` of Fastly's VCL language server): every
//! Tier A entry must carry the same name, type, scopes, arguments and deprecation.
//! Without `shared/` beside the repository the comparison is skipped (with a message)
//! and only the tables' internal invariants are checked.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use lacquer::catalog::{self, Arity, FnDef, Scopes, SubKind, Tier, VarDef, FUNCTIONS, VARIABLES};
use serde_json::{Map, Value};

const TIER_A_VARIABLES: usize = 391;
const TIER_B_VARIABLES: usize = 19;
const TIER_C_VARIABLES: usize = 64;
const TIER_A_FUNCTIONS: usize = 196;
const TIER_B_FUNCTIONS: usize = 7;
const TIER_C_FUNCTIONS: usize = 1;

/// Where our table deliberately differs from the export: (function, argument index,
/// type in the export, our type). The catalog's section 7 cross-check: these arguments
/// are relative times (`time.add(now, 1d)`, a penalty-box TTL of `2m`), which Fastly's
/// prose and falco type RTIME while the export says TIME.
const ARGUMENT_TYPE_DEVIATIONS: &[(&str, usize, &str, &str)] = &[
    ("time.add", 1, "TIME", "RTIME"),
    ("time.sub", 1, "TIME", "RTIME"),
    ("ratelimit.check_rate", 6, "TIME", "RTIME"),
    ("ratelimit.check_rates", 10, "TIME", "RTIME"),
    ("ratelimit.penaltybox_add", 2, "TIME", "RTIME"),
];

#[test]
fn tier_a_variables_match_fastly_metadata() {
    let Some(export) = load_export("variables.json") else {
        return;
    };
    let ours: HashMap<&str, &VarDef> = VARIABLES.iter().map(|v| (v.name, v)).collect();
    let mut problems = Vec::new();

    for (name, entry) in &export {
        let Some(def) = ours.get(name.as_str()) else {
            problems.push(format!("{name}: missing from our table"));
            continue;
        };
        let expected = expected_access(entry);
        let found = (def.read, def.write, def.unset);
        let checks = [
            ("tier", format!("{:?}", Tier::Documented), format!("{:?}", def.tier)),
            ("type", text(entry, "type"), def.ty.as_str().to_string()),
            ("access (read, write, unset)", show3(expected), show3(found)),
            ("deprecated", flag(entry).to_string(), def.deprecated.to_string()),
        ];
        for (what, want, got) in checks {
            if want != got {
                problems.push(format!("{name}: {what}: metadata {want}, ours {got}"));
            }
        }
    }
    let exported: HashSet<&str> = export.keys().map(String::as_str).collect();
    for def in VARIABLES.iter().filter(|v| v.tier == Tier::Documented) {
        if !exported.contains(def.name) {
            problems.push(format!("{}: Tier A but not in the metadata", def.name));
        }
    }
    assert_eq!(export.len(), TIER_A_VARIABLES, "the export's variable count changed");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn tier_a_functions_match_fastly_metadata() {
    let Some(export) = load_export("functions.json") else {
        return;
    };
    let ours: HashMap<&str, &FnDef> = FUNCTIONS.iter().map(|f| (f.name, f)).collect();
    let mut problems = Vec::new();
    let mut deviations_seen = 0;

    for (name, entry) in &export {
        let Some(def) = ours.get(name.as_str()) else {
            problems.push(format!("{name}: missing from our table"));
            continue;
        };
        let export_args = entry["args"].as_array().cloned().unwrap_or_default();
        let mut want_args = Vec::new();
        for (i, arg) in export_args.iter().enumerate() {
            let mut ty = text(arg, "type");
            let deviation = ARGUMENT_TYPE_DEVIATIONS.iter().find(|(f, at, _, _)| *f == name.as_str() && *at == i);
            if let Some(&(_, _, theirs, mine)) = deviation {
                assert_eq!(ty, theirs, "{name} argument {i}: the export changed; revisit");
                ty = mine.to_string();
                deviations_seen += 1;
            }
            let arity = match arg["arity"].as_str() {
                Some("optional") => "optional",
                Some("variadic") => "variadic",
                _ => "required",
            };
            want_args.push(format!("{ty} {arity}"));
        }
        let got_args: Vec<String> = def.args.iter().map(|a| format!("{} {}", a.ty, arity_name(a.arity))).collect();
        let checks = [
            ("tier", format!("{:?}", Tier::Documented), format!("{:?}", def.tier)),
            ("return type", text(entry, "type"), def.ret.as_str().to_string()),
            ("arguments", want_args.join(", "), got_args.join(", ")),
            ("scopes", show(methods(entry, "methods")), show(def.scopes)),
            ("deprecated", flag(entry).to_string(), def.deprecated.to_string()),
        ];
        for (what, want, got) in checks {
            if want != got {
                problems.push(format!("{name}: {what}: metadata {want}, ours {got}"));
            }
        }
    }
    let exported: HashSet<&str> = export.keys().map(String::as_str).collect();
    for def in FUNCTIONS.iter().filter(|f| f.tier == Tier::Documented) {
        if !exported.contains(def.name) {
            problems.push(format!("{}: Tier A but not in the metadata", def.name));
        }
    }
    assert_eq!(export.len(), TIER_A_FUNCTIONS, "the export's function count changed");
    assert_eq!(deviations_seen, ARGUMENT_TYPE_DEVIATIONS.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn tier_counts() {
    let count_vars = |tier| VARIABLES.iter().filter(|v| v.tier == tier).count();
    let count_fns = |tier| FUNCTIONS.iter().filter(|f| f.tier == tier).count();
    assert_eq!(count_vars(Tier::Documented), TIER_A_VARIABLES);
    assert_eq!(count_vars(Tier::Newer), TIER_B_VARIABLES);
    assert_eq!(count_vars(Tier::Legacy), TIER_C_VARIABLES);
    assert_eq!(count_fns(Tier::Documented), TIER_A_FUNCTIONS);
    assert_eq!(count_fns(Tier::Newer), TIER_B_FUNCTIONS);
    assert_eq!(count_fns(Tier::Legacy), TIER_C_FUNCTIONS);
}

#[test]
fn names_are_unique() {
    let mut seen = HashSet::new();
    for v in VARIABLES {
        assert!(seen.insert(v.name), "duplicate variable {}", v.name);
    }
    let mut seen = HashSet::new();
    for f in FUNCTIONS {
        assert!(seen.insert(f.name), "duplicate function {}", f.name);
    }
}

#[test]
fn templated_names_are_well_formed_and_resolve() {
    let templated: Vec<&VarDef> = VARIABLES.iter().filter(|v| v.name.contains('{')).collect();
    // 5 header families, 3 backend, 1 director, 1 regex group, 9 ratecounter.
    assert_eq!(templated.len(), 19);
    for def in &templated {
        let (placeholder, sample) = if def.name.contains("{NAME}") { ("{NAME}", "F_sample") } else { ("{N}", "7") };
        assert_eq!(def.name.matches('{').count(), 1, "{}", def.name);
        assert!(def.name.contains(placeholder), "{}", def.name);
        let concrete = def.name.replace(placeholder, sample);
        let found = catalog::variable(&concrete).unwrap_or_else(|| panic!("{concrete} should resolve to {}", def.name));
        assert_eq!(found.def.name, def.name);
        assert_eq!(found.param, Some(sample));
    }
    for def in VARIABLES.iter().filter(|v| !v.name.contains('{')) {
        assert!(!def.name.contains('}'), "{}", def.name);
        let found = catalog::variable(def.name).unwrap_or_else(|| panic!("{} should resolve", def.name));
        assert_eq!(found.def.name, def.name);
        assert_eq!(found.param, None);
    }
    for def in FUNCTIONS {
        let found = catalog::function(def.name);
        assert_eq!(found.map(|f| f.name), Some(def.name));
    }
}

#[test]
fn entries_are_consistent() {
    for v in VARIABLES {
        assert!(!(v.read.is_empty() && v.write.is_empty()), "{} is neither readable nor writable", v.name);
        assert_eq!(v.unset.0 & !(v.read.0 | v.write.0), 0, "{} unset scope", v.name);
        // Legacy names are deprecated, except `LF`, which Fastly's STRING page documents.
        assert!(v.tier != Tier::Legacy || v.deprecated || v.name == "LF", "{} legacy", v.name);
        check_doc(v.name, v.doc);
    }
    for f in FUNCTIONS {
        assert!(!f.scopes.is_empty(), "{} has no scopes", f.name);
        assert!(f.tier != Tier::Legacy || f.deprecated, "{} legacy", f.name);
        check_doc(f.name, f.doc);
        // Optional arguments only trail; a variadic one is last.
        let mut optional_seen = false;
        for (i, arg) in f.args.iter().enumerate() {
            match arg.arity {
                Arity::Required => assert!(!optional_seen, "{}: required after optional", f.name),
                Arity::Optional => optional_seen = true,
                Arity::Variadic => assert_eq!(i + 1, f.args.len(), "{}: variadic", f.name),
            }
        }
    }
}

fn check_doc(name: &str, doc: &str) {
    let words = doc.split_whitespace().count();
    assert!((5..=15).contains(&words) && !doc.contains('\n'), "{name}: doc should be one short line: {doc:?}");
}

/// Loads one export file as a name → entry map, or says why the comparison is skipped.
fn load_export(file: &str) -> Option<Map<String, Value>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fastly-metadata");
    if !dir.is_dir() {
        eprintln!(
            "catalog: comparison with Fastly's {file} skipped: {} is absent \
             (shared/ is not beside the repository); internal invariants are still checked",
            dir.display()
        );
        return None;
    }
    let path = dir.join(file);
    let raw = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    match serde_json::from_str(&raw) {
        Ok(Value::Object(map)) => Some(map),
        Ok(_) => panic!("{}: expected a JSON object", path.display()),
        Err(e) => panic!("parsing {}: {e}", path.display()),
    }
}

/// (read, write, unset) from the export's `access` code and method lists.
fn expected_access(entry: &Value) -> (Scopes, Scopes, Scopes) {
    let all = methods(entry, "methods");
    let read = if entry.get("readable_in_methods").is_some() { methods(entry, "readable_in_methods") } else { all };
    let write = if entry.get("writable_in_methods").is_some() { methods(entry, "writable_in_methods") } else { all };
    let none = Scopes::NONE;
    match entry["access"].as_str() {
        Some("RO") => (read, none, none),
        Some("RW") => (read, write, none),
        Some("RWU") => (read, write, all),
        Some("RU") => (read, none, all),
        Some("WO") => (none, write, none),
        Some("C") => (Scopes::ALL, none, none),
        other => panic!("unknown access code {other:?}"),
    }
}

fn methods(entry: &Value, key: &str) -> Scopes {
    let names = entry[key].as_array().cloned().unwrap_or_default();
    names.iter().fold(Scopes::NONE, |acc, name| {
        let scope = match name.as_str() {
            Some("all") => Scopes::ALL,
            Some("all-but-log") => Scopes(Scopes::ALL.0 & !Scopes::LOG.0),
            Some(short) => SubKind::from_short(short).unwrap_or_else(|| panic!("unknown subroutine {short:?}")).scope(),
            None => panic!("{key}: expected strings"),
        };
        acc.union(scope)
    })
}

fn text(entry: &Value, key: &str) -> String {
    entry[key].as_str().unwrap_or_default().to_string()
}

fn flag(entry: &Value) -> bool {
    entry["deprecated"].as_bool().unwrap_or(false)
}

fn arity_name(arity: Arity) -> &'static str {
    match arity {
        Arity::Required => "required",
        Arity::Optional => "optional",
        Arity::Variadic => "variadic",
    }
}

fn show(scopes: Scopes) -> String {
    scopes.describe()
}

fn show3((read, write, unset): (Scopes, Scopes, Scopes)) -> String {
    format!("({}; {}; {})", show(read), show(write), show(unset))
}
