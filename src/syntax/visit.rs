//! A read-only walk over the tree. Override the `visit_*` you need and call the matching
//! `walk_*` to keep descending. Depth is bounded by the parser's `MAX_DEPTH`.

use super::ast::*;

pub trait Visitor {
    fn visit_decl(&mut self, decl: &Decl) {
        walk_decl(self, decl);
    }
    fn visit_sub(&mut self, sub: &SubDecl) {
        walk_block(self, &sub.body);
    }
    fn visit_block(&mut self, block: &Block) {
        walk_block(self, block);
    }
    fn visit_stmt(&mut self, stmt: &Stmt) {
        walk_stmt(self, stmt);
    }
    fn visit_expr(&mut self, expr: &Expr) {
        walk_expr(self, expr);
    }
    /// A variable written by `set`, `unset` or `add`.
    fn visit_target(&mut self, _target: &Variable) {}
    fn visit_property(&mut self, prop: &Property) {
        walk_property(self, prop);
    }
}

pub fn walk_unit<V: Visitor + ?Sized>(v: &mut V, unit: &SourceUnit) {
    for d in &unit.decls {
        v.visit_decl(d);
    }
}

pub fn walk_decl<V: Visitor + ?Sized>(v: &mut V, decl: &Decl) {
    match decl {
        Decl::Sub(sub) => v.visit_sub(sub),
        Decl::Backend(b) => b.props.iter().for_each(|p| v.visit_property(p)),
        Decl::Object(o) => o.props.iter().for_each(|p| v.visit_property(p)),
        Decl::Director(d) => {
            for item in &d.items {
                match item {
                    DirectorItem::Property(p) => v.visit_property(p),
                    DirectorItem::Member(m) => m.props.iter().for_each(|p| v.visit_property(p)),
                }
            }
        }
        Decl::Table(t) => t.entries.iter().for_each(|e| v.visit_expr(&e.value)),
        Decl::Describe(d) => d.items.iter().for_each(|i| v.visit_decl(i)),
        Decl::Hook(h) => v.visit_block(&h.body),
        _ => {}
    }
}

pub fn walk_property<V: Visitor + ?Sized>(v: &mut V, prop: &Property) {
    match &prop.value {
        PropValue::Expr(e) => v.visit_expr(e),
        PropValue::Object(props, _) => props.iter().for_each(|p| v.visit_property(p)),
    }
}

pub fn walk_block<V: Visitor + ?Sized>(v: &mut V, block: &Block) {
    for s in &block.stmts {
        v.visit_stmt(s);
    }
}

pub fn walk_stmt<V: Visitor + ?Sized>(v: &mut V, stmt: &Stmt) {
    match &stmt.kind {
        StmtKind::Set { target, value, .. } | StmtKind::Add { target, value } => {
            v.visit_target(target);
            v.visit_expr(value);
        }
        StmtKind::Unset { target, .. } => v.visit_target(target),
        StmtKind::Call { args, .. } => args.iter().flatten().for_each(|a| v.visit_expr(a)),
        StmtKind::Declare { init, .. } => init.iter().for_each(|e| v.visit_expr(e)),
        StmtKind::Return(Return::Value(e))
        | StmtKind::Synthetic { value: e, .. }
        | StmtKind::Log(e)
        | StmtKind::Expr(e) => v.visit_expr(e),
        StmtKind::Error { status, message } => {
            status.iter().chain(message.iter()).for_each(|e| v.visit_expr(e));
        }
        StmtKind::If(ifs) => {
            for b in &ifs.branches {
                v.visit_expr(&b.cond);
                v.visit_block(&b.body);
            }
            if let Some(e) = &ifs.else_block {
                v.visit_block(e);
            }
        }
        StmtKind::Block(b) => v.visit_block(b),
        StmtKind::Switch { subject, cases } => {
            v.visit_expr(subject);
            for c in cases {
                c.label.iter().for_each(|e| v.visit_expr(e));
                c.body.iter().for_each(|s| v.visit_stmt(s));
            }
        }
        StmtKind::Return(_)
        | StmtKind::Restart
        | StmtKind::Esi
        | StmtKind::Goto(_)
        | StmtKind::Label(_)
        | StmtKind::Include(_)
        | StmtKind::Break
        | StmtKind::Fallthrough
        | StmtKind::Invalid => {}
    }
}

pub fn walk_expr<V: Visitor + ?Sized>(v: &mut V, expr: &Expr) {
    match &expr.kind {
        ExprKind::Call { args, .. } => args.iter().for_each(|a| v.visit_expr(a)),
        ExprKind::Paren(e) | ExprKind::Not(e) => v.visit_expr(e),
        ExprKind::Logical { operands, .. } => operands.iter().for_each(|e| v.visit_expr(e)),
        ExprKind::Compare { lhs, rhs, .. } => {
            v.visit_expr(lhs);
            v.visit_expr(rhs);
        }
        ExprKind::Concat(parts) => parts.iter().for_each(|p| v.visit_expr(&p.expr)),
        ExprKind::Literal(_) | ExprKind::Var(_) | ExprKind::Invalid => {}
    }
}
