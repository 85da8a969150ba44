//! Rendering for `lacquer catalog`: the catalog of predefined variables and builtin
//! functions as JSON (for editors and scripts) or as an aligned text listing (for
//! people). Owns only the presentation; the data is [`crate::catalog`].

use serde_json::{json, Value};

use crate::catalog::{Arity, FnDef, Scopes, SubKind, Tier, VarDef, FUNCTIONS, VARIABLES};

/// The whole catalog as JSON:
/// `{"variables": [{"name", "type", "read", "write", "unset", "tier", "deprecated", "doc"}],
///   "functions": [{"name", "returns", "args", "arg_names", "optional_from", "variadic",
///   "scopes", "tier", "deprecated", "doc"}]}`.
/// Scopes are arrays of short subroutine names (`"recv"`), types are spelled as Fastly
/// does (`"STRING"`), `optional_from` is the index of the first optional argument or null.
pub fn render_json() -> Value {
    let variables: Vec<Value> = VARIABLES.iter().map(variable_json).collect();
    let functions: Vec<Value> = FUNCTIONS.iter().map(function_json).collect();
    json!({ "variables": variables, "functions": functions })
}

/// A human listing in two sections, `Variables (N)` and `Functions (N)`, one aligned
/// line per entry. `filter` keeps the entries whose name contains it, ignoring ASCII case.
pub fn render_text(filter: Option<&str>) -> String {
    let needle = filter.map(str::to_ascii_lowercase);
    let keep = |name: &str| needle.as_deref().is_none_or(|n| name.to_ascii_lowercase().contains(n));

    let variables: Vec<Vec<String>> = VARIABLES.iter().filter(|v| keep(v.name)).map(variable_row).collect();
    let functions: Vec<Vec<String>> = FUNCTIONS.iter().filter(|f| keep(f.name)).map(function_row).collect();

    let mut out = String::new();
    push_section(&mut out, "Variables", &variables);
    out.push('\n');
    push_section(&mut out, "Functions", &functions);
    out
}

fn variable_json(v: &VarDef) -> Value {
    json!({
        "name": v.name,
        "type": v.ty.as_str(),
        "read": scope_names(v.read),
        "write": scope_names(v.write),
        "unset": scope_names(v.unset),
        "tier": tier_name(v.tier),
        "deprecated": v.deprecated,
        "doc": v.doc,
    })
}

fn function_json(f: &FnDef) -> Value {
    let args: Vec<&str> = f.args.iter().map(|a| a.ty.as_str()).collect();
    let arg_names: Vec<&str> = f.args.iter().map(|a| a.name).collect();
    let optional_from = f.args.iter().position(|a| a.arity == Arity::Optional);
    json!({
        "name": f.name,
        "returns": f.ret.as_str(),
        "args": args,
        "arg_names": arg_names,
        "optional_from": optional_from,
        "variadic": f.args.iter().any(|a| a.arity == Arity::Variadic),
        "scopes": scope_names(f.scopes),
        "tier": tier_name(f.tier),
        "deprecated": f.deprecated,
        "doc": f.doc,
    })
}

fn scope_names(scopes: Scopes) -> Vec<&'static str> {
    scopes.iter().map(SubKind::as_str).collect()
}

fn tier_name(tier: Tier) -> &'static str {
    match tier {
        Tier::Documented => "documented",
        Tier::Newer => "newer",
        Tier::Legacy => "legacy",
    }
}

/// `req.url  STRING  read: all  write: all  unset: ...  [tags]`; empty access columns
/// (a read-only variable has no write column) stay blank so the columns line up.
fn variable_row(v: &VarDef) -> Vec<String> {
    let access = |label: &str, scopes: Scopes| {
        if scopes.is_empty() {
            String::new()
        } else {
            format!("{label}: {}", scopes.describe())
        }
    };
    vec![
        v.name.to_string(),
        v.ty.to_string(),
        access("read", v.read),
        access("write", v.write),
        access("unset", v.unset),
        tags(v.tier, v.deprecated),
    ]
}

/// `STRING std.tolower(STRING s)  scopes: all  [tags]`.
fn function_row(f: &FnDef) -> Vec<String> {
    let args: Vec<String> = f
        .args
        .iter()
        .map(|a| match a.arity {
            Arity::Required => format!("{} {}", a.ty, a.name),
            Arity::Optional => format!("[{} {}]", a.ty, a.name),
            Arity::Variadic => format!("{} {}...", a.ty, a.name),
        })
        .collect();
    vec![
        format!("{} {}({})", f.ret, f.name, args.join(", ")),
        format!("scopes: {}", f.scopes.describe()),
        tags(f.tier, f.deprecated),
    ]
}

/// `[newer]`, `[legacy]` (always deprecated, so not repeated) or `[deprecated]`.
fn tags(tier: Tier, deprecated: bool) -> String {
    match tier {
        Tier::Newer if deprecated => "[newer, deprecated]",
        Tier::Newer => "[newer]",
        Tier::Legacy => "[legacy]",
        Tier::Documented if deprecated => "[deprecated]",
        Tier::Documented => "",
    }
    .to_string()
}

fn push_section(out: &mut String, title: &str, rows: &[Vec<String>]) {
    out.push_str(&format!("{title} ({})\n", rows.len()));
    for line in align(rows) {
        out.push_str(&line);
        out.push('\n');
    }
}

/// Pads every cell to its column's width, two spaces apart, without trailing blanks.
/// Columns that are empty in every row take no room.
fn align(rows: &[Vec<String>]) -> Vec<String> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| rows.iter().filter_map(|row| row.get(i)).map(|cell| cell.chars().count()).max().unwrap_or(0))
        .collect();
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (cell, &width) in row.iter().zip(&widths).filter(|(_, &width)| width > 0) {
                line.push_str(&format!("{cell:<width$}  "));
            }
            line.trim_end().to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_has_every_entry_in_the_documented_shape() {
        let value = render_json();
        let variables = value["variables"].as_array().expect("variables array");
        let functions = value["functions"].as_array().expect("functions array");
        assert_eq!(variables.len(), VARIABLES.len());
        assert_eq!(functions.len(), FUNCTIONS.len());

        let url = variables.iter().find(|v| v["name"] == "req.url").expect("req.url");
        assert_eq!(url["type"], "STRING");
        assert_eq!(url["read"].as_array().map(Vec::len), Some(9));
        assert_eq!(url["unset"], json!([]));
        assert_eq!(url["tier"], "documented");
        assert_eq!(url["deprecated"], false);

        let randomstr = functions.iter().find(|f| f["name"] == "randomstr").expect("randomstr");
        assert_eq!(randomstr["returns"], "STRING");
        assert_eq!(randomstr["args"], json!(["INTEGER", "STRING"]));
        assert_eq!(randomstr["arg_names"], json!(["len", "characters"]));
        assert_eq!(randomstr["optional_from"], 1);
        assert_eq!(randomstr["variadic"], false);

        let filter = functions.iter().find(|f| f["name"] == "header.filter").expect("header.filter");
        assert_eq!(filter["optional_from"], Value::Null);
        assert_eq!(filter["variadic"], true);

        let tarpit = functions.iter().find(|f| f["name"] == "resp.tarpit").expect("resp.tarpit");
        assert_eq!(tarpit["scopes"], json!(["deliver"]));
    }

    #[test]
    fn text_listing_filters_and_aligns() {
        let text = render_text(Some("tolower"));
        assert_eq!(text, "Variables (0)\n\nFunctions (1)\nSTRING std.tolower(STRING s)  scopes: all\n");

        let text = render_text(Some("req.url"));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("Variables ("), "{text}");
        let url = lines.iter().find(|l| l.starts_with("req.url ")).expect("req.url line");
        let words: Vec<&str> = url.split_whitespace().collect();
        assert_eq!(words, ["req.url", "STRING", "read:", "all", "write:", "all"]);
        let path = lines.iter().find(|l| l.starts_with("req.url.path ")).expect("req.url.path line");
        assert_eq!(url.find("STRING"), path.find("STRING"));
        assert!(text.lines().all(|l| l == l.trim_end()));
    }

    #[test]
    fn text_listing_shows_optional_and_variadic_arguments() {
        let text = render_text(Some("randomstr"));
        assert!(text.contains("STRING randomstr(INTEGER len, [STRING characters])"));
        let text = render_text(Some("header.filter_except"));
        assert!(text.contains("VOID header.filter_except(ID where, STRING headers...)"));
        let text = render_text(Some("geoip.city.utf8"));
        assert!(text.contains("STRING  read: all  [legacy]"), "{text}");
    }
}
