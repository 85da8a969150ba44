//! Development aid: which catalog functions and variables the runtime implements.
//! `cargo run --example runtime_coverage`
fn main() {
    let missing_fns: Vec<_> = lacquer::catalog::FUNCTIONS
        .iter()
        .filter(|f| f.name != "if" && lacquer::interp::builtins::lookup(f.name).is_none())
        .map(|f| f.name)
        .collect();
    println!(
        "functions: {} of {} implemented",
        lacquer::catalog::FUNCTIONS.len() - 1 - missing_fns.len(),
        lacquer::catalog::FUNCTIONS.len() - 1
    );
    println!("  missing: {}", missing_fns.join(" "));
    let mut missing_vars = Vec::new();
    for v in lacquer::catalog::VARIABLES {
        if !lacquer::ir::runtime_supports_variable(v.name) {
            missing_vars.push(v.name);
        }
    }
    println!(
        "variables: {} of {} implemented",
        lacquer::catalog::VARIABLES.len() - missing_vars.len(),
        lacquer::catalog::VARIABLES.len()
    );
    let mut groups: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for v in &missing_vars {
        let prefix = v.splitn(3, '.').take(2).collect::<Vec<_>>().join(".");
        groups.entry(Box::leak(prefix.into_boxed_str())).or_default().push(v);
    }
    for (g, vs) in groups {
        println!("  {g}: {}", vs.len());
    }
}
