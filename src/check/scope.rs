//! The call graph: which subroutines call which, recursion (Fastly rejects it), and the
//! set of built-in subroutines each custom subroutine runs in (the union over its callers).

use std::collections::HashMap;

use super::Symbols;
use crate::catalog::{Scopes, SubKind};
use crate::diag::Diagnostic;
use crate::syntax::ast::*;
use crate::syntax::visit::{self, Visitor};
use crate::syntax::Span;

struct Calls<'a> {
    symbols: &'a Symbols,
    out: Vec<(String, Span)>,
}

impl Visitor for Calls<'_> {
    fn visit_stmt(&mut self, stmt: &Stmt) {
        if let StmtKind::Call { name, .. } = &stmt.kind {
            if self.symbols.subs.contains_key(&name.name) {
                self.out.push((name.name.clone(), name.span));
            }
        }
        visit::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &Expr) {
        if let ExprKind::Call { name, .. } = &expr.kind {
            if self.symbols.subs.contains_key(&name.name) {
                self.out.push((name.name.clone(), name.span));
            }
        }
        visit::walk_expr(self, expr);
    }
}

/// Returns the scopes of every subroutine, reporting recursion. `roots` adds scopes to
/// named subroutines before propagation (`lacquer test`: test subroutines and hooks).
pub fn resolve(
    unit: &SourceUnit,
    symbols: &Symbols,
    roots: &HashMap<String, Scopes>,
    diags: &mut Vec<Diagnostic>,
) -> HashMap<String, Scopes> {
    let mut graph: HashMap<&str, Vec<(String, Span)>> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for decl in &unit.decls {
        if let Decl::Sub(sub) = decl {
            let mut calls = Calls { symbols, out: Vec::new() };
            calls.visit_block(&sub.body);
            let entry = graph.entry(sub.name.name.as_str()).or_default();
            if entry.is_empty() {
                order.push(sub.name.name.as_str());
            }
            entry.extend(calls.out);
        }
    }
    let recursive = report_recursion(&graph, &order, diags);
    if !recursive {
        report_inlined_size(&graph, &order, diags);
    }

    let mut scopes: HashMap<String, Scopes> = HashMap::new();
    let mut work: Vec<&str> = Vec::new();
    for name in &order {
        if let Some(kind) = SubKind::from_sub_name(name) {
            scopes.insert(name.to_string(), kind.scope());
            work.push(name);
        } else {
            scopes.entry(name.to_string()).or_default();
        }
        // `lacquer test`: a test subroutine runs in the scopes of its `@scope` annotation.
        if let Some(extra) = roots.get(*name) {
            let entry = scopes.entry(name.to_string()).or_default();
            *entry = *entry | *extra;
            work.push(name);
        }
    }
    while let Some(caller) = work.pop() {
        let caller_scopes = scopes.get(caller).copied().unwrap_or_default();
        for (callee, _) in graph.get(caller).map(Vec::as_slice).unwrap_or(&[]) {
            let entry = scopes.entry(callee.clone()).or_default();
            let merged = *entry | caller_scopes;
            if merged != *entry {
                *entry = merged;
                if let Some((name, _)) = graph.get_key_value(callee.as_str()) {
                    work.push(name);
                }
            }
        }
    }
    scopes
}

/// Fastly inlines every `call`; the fully inlined call tree may hold at most this many
/// calls ("Too many sub calls", per falco's limitations table).
pub const MAX_INLINED_CALLS: u64 = 25_000;

/// Counts the calls of each built-in subroutine's fully inlined tree (the graph is acyclic
/// here), memoised per subroutine so the count costs one pass over the graph.
fn report_inlined_size(graph: &HashMap<&str, Vec<(String, Span)>>, order: &[&str], diags: &mut Vec<Diagnostic>) {
    let mut memo: HashMap<&str, u64> = HashMap::new();
    // Post-order without recursion: a subroutine's size needs its callees' sizes.
    for root in order {
        let mut stack: Vec<(&str, bool)> = vec![(root, false)];
        while let Some((node, expanded)) = stack.pop() {
            if memo.contains_key(node) {
                continue;
            }
            let edges = graph.get(node).map(Vec::as_slice).unwrap_or(&[]);
            if expanded {
                let size = edges
                    .iter()
                    .map(|(c, _)| 1 + memo.get(c.as_str()).copied().unwrap_or(0))
                    .fold(0u64, |a, b| a.saturating_add(b));
                memo.insert(node, size);
            } else {
                stack.push((node, true));
                for (callee, _) in edges {
                    if let Some((key, _)) = graph.get_key_value(callee.as_str()) {
                        if !memo.contains_key(key) {
                            stack.push((key, false));
                        }
                    }
                }
            }
        }
    }
    for name in order {
        let size = memo.get(name).copied().unwrap_or(0);
        if SubKind::from_sub_name(name).is_some() && size > MAX_INLINED_CALLS {
            let span = graph.get(name).and_then(|e| e.first()).map(|(_, s)| *s).unwrap_or_default();
            diags.push(
                Diagnostic::error("limits/sub-calls", format!("`{name}` expands to {size} inlined subroutine calls"))
                    .with_primary(span, "the call tree starting here is too large")
                    .with_note(format!(
                        "Fastly inlines every call and rejects more than {MAX_INLINED_CALLS} (\"Too many sub calls\")"
                    )),
            );
        }
    }
}

/// Iterative depth-first search; a call to a subroutine still on the stack is recursion.
/// Returns whether any was found.
fn report_recursion(graph: &HashMap<&str, Vec<(String, Span)>>, order: &[&str], diags: &mut Vec<Diagnostic>) -> bool {
    let before = diags.len();
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let mut mark: HashMap<&str, Mark> = order.iter().map(|n| (*n, Mark::New)).collect();
    for root in order {
        if mark.get(root) != Some(&Mark::New) {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(root, 0)];
        mark.insert(root, Mark::Active);
        while let Some((node, idx)) = stack.last().copied() {
            let edges = graph.get(node).map(Vec::as_slice).unwrap_or(&[]);
            if idx >= edges.len() {
                mark.insert(node, Mark::Done);
                stack.pop();
                continue;
            }
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            let (callee, span) = &edges[idx];
            let Some((callee_key, _)) = graph.get_key_value(callee.as_str()) else { continue };
            match mark.get(callee_key).copied().unwrap_or(Mark::New) {
                Mark::Active => {
                    let start = stack.iter().position(|(n, _)| n == callee_key).unwrap_or(0);
                    let mut cycle: Vec<&str> = stack[start..].iter().map(|(n, _)| *n).collect();
                    cycle.push(callee_key);
                    diags.push(
                        Diagnostic::error("subroutine/recursive-call", format!("recursive call of `{callee}`"))
                            .with_primary(*span, "this call closes a cycle")
                            .with_note(format!("call cycle: {}", cycle.join(" -> ")))
                            .with_help("Fastly VCL does not allow recursion"),
                    );
                }
                Mark::New => {
                    mark.insert(callee_key, Mark::Active);
                    stack.push((callee_key, 0));
                }
                Mark::Done => {}
            }
        }
    }
    diags.len() > before
}
