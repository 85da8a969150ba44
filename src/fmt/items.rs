//! Printing declarations and statements: one per line, bodies indented, one blank line
//! between top-level declarations (one-line declarations such as `pragma`, `C!`,
//! `include` keep the user's grouping), and at most one blank line where the user had
//! some between the members or statements of a body.

use super::printer::{Place, Printer};
use crate::syntax::ast::*;
use crate::syntax::TokenKind;

impl Printer<'_> {
    pub(super) fn source_unit(&mut self, unit: &SourceUnit) {
        let mut prev: Option<&Decl> = None;
        for d in &unit.decls {
            if prev.is_some_and(|p| has_body(p) || has_body(d)) {
                self.blank_line();
            }
            self.item_start(d.span().start);
            self.decl(d);
            prev = Some(d);
        }
    }

    /// The statements of a snippet, at the top level.
    pub(super) fn statements(&mut self, stmts: &[Stmt]) {
        for s in stmts {
            self.stmt(s);
        }
    }

    // ----- declarations -----

    fn decl(&mut self, d: &Decl) {
        match d {
            Decl::Acl(a) => self.acl(a),
            Decl::Backend(b) => self.props_decl("backend", &b.name, &b.props, b.span.end),
            Decl::Object(o) => self.props_decl(&o.keyword.name, &o.name, &o.props, o.span.end),
            Decl::Director(dir) => self.director(dir),
            Decl::Table(t) => self.table(t),
            Decl::Sub(s) => self.sub(s),
            Decl::Include(i) => self.semi_line(i.span.end, &|p| {
                p.push("include ");
                p.elem(i.path.span);
            }),
            Decl::Import(i) => self.semi_line(i.span.end, &|p| {
                p.push("import ");
                p.elem(i.name.span);
            }),
            Decl::Pragma(pragma) => self.semi_line(pragma.span.end, &|p| {
                p.push("pragma");
                let mut prev_end = None;
                for w in &pragma.words {
                    // Words that touch stay together, as written.
                    if prev_end != Some(w.start) {
                        p.push(" ");
                    }
                    p.elem(*w);
                    prev_end = Some(w.end);
                }
            }),
            Decl::Generated(g) => {
                let text = if g.letter == 'W' { "W!" } else { "C!" };
                self.line(g.span.end, "", g.span.end, 0, &|p| p.push(text));
            }
            Decl::Describe(d) => {
                self.header(d.name.span.end, &|p| {
                    p.push("describe ");
                    p.elem(d.name.span);
                });
                self.indent();
                let mut prev = false;
                for item in &d.items {
                    if prev {
                        self.blank_line();
                    }
                    self.item_start(item.span().start);
                    self.decl(item);
                    prev = true;
                }
                self.dedent();
                self.close_decl(d.span.end);
            }
            Decl::Hook(h) => {
                let lbrace = h.body.span.start;
                self.line(lbrace, " {", lbrace + 1, 0, &|p| p.elem(h.name.span));
                self.open();
                self.body(&h.body.stmts);
                self.close_decl(h.span.end);
            }
            Decl::Invalid(span) => self.line(span.end, "", span.end, 0, &|p| p.verbatim(*span)),
        }
    }

    /// A line ending in `;`, for an item whose span ends after that `;`.
    fn semi_line(&mut self, end: u32, f: &dyn Fn(&mut Printer<'_>)) {
        self.line(end.saturating_sub(1), ";", end, 0, &|p| f(p));
    }

    /// `KEYWORD NAME {`, the header line of a declaration whose `{` follows `after`.
    fn header(&mut self, after: u32, f: &dyn Fn(&mut Printer<'_>)) {
        let lbrace = self.next_sig_of(after, TokenKind::LBrace).map_or(after, |t| t.span.start);
        self.line(lbrace, " {", lbrace + 1, 0, &|p| f(p));
        self.open();
    }

    /// The `}` of a declaration ending at `end`, with the comments before it.
    fn close_decl(&mut self, end: u32) {
        let rbrace = self.rbrace_before(end);
        self.close_brace(rbrace, end);
    }

    fn props_decl(&mut self, keyword: &str, name: &Ident, props: &[Property], end: u32) {
        self.header(name.span.end, &|p| {
            p.push(keyword);
            p.push(" ");
            p.elem(name.span);
        });
        self.indent();
        for prop in props {
            self.property(prop);
        }
        self.dedent();
        self.close_decl(end);
    }

    fn property(&mut self, prop: &Property) {
        self.item_start(prop.span.start);
        match &prop.value {
            PropValue::Expr(e) => self.semi_line(prop.span.end, &|p| {
                p.push(".");
                p.push(&prop.name.name);
                p.push(" = ");
                p.expr(e);
            }),
            PropValue::Object(inner, span) => {
                self.line(span.start, " {", span.start + 1, 0, &|p| {
                    p.push(".");
                    p.push(&prop.name.name);
                    p.push(" =");
                });
                self.open();
                self.indent();
                for q in inner {
                    self.property(q);
                }
                self.dedent();
                let rbrace = self.rbrace_before(span.end);
                self.close_brace(rbrace, prop.span.end);
            }
        }
    }

    /// A property inside a one-line director member: `.name = value;`.
    fn inline_property(&mut self, prop: &Property) {
        self.comments_before(prop.span.start, Place::Before);
        self.push(".");
        self.push(&prop.name.name);
        self.push(" = ");
        match &prop.value {
            PropValue::Expr(e) => self.expr(e),
            PropValue::Object(inner, _) => {
                self.push("{");
                for q in inner {
                    self.push(" ");
                    self.inline_property(q);
                }
                self.push(" }");
            }
        }
        self.push(";");
    }

    fn director(&mut self, d: &DirectorDecl) {
        self.header(d.kind.span.end, &|p| {
            p.push("director ");
            p.elem(d.name.span);
            p.push(" ");
            p.elem(d.kind.span);
        });
        self.indent();
        for item in &d.items {
            match item {
                DirectorItem::Property(prop) => self.property(prop),
                DirectorItem::Member(m) => {
                    self.item_start(m.span.start);
                    let rbrace = self.rbrace_before(m.span.end);
                    self.line(rbrace, " }", m.span.end, 0, &|p| {
                        p.push("{");
                        for prop in &m.props {
                            p.push(" ");
                            p.inline_property(prop);
                        }
                    });
                }
            }
        }
        self.dedent();
        self.close_decl(d.span.end);
    }

    fn table(&mut self, t: &TableDecl) {
        let after = t.ty.as_ref().map_or(t.name.span.end, |ty| ty.span.end);
        self.header(after, &|p| {
            p.push("table ");
            p.elem(t.name.span);
            if let Some(ty) = &t.ty {
                p.push(" ");
                p.elem(ty.span);
            }
        });
        self.indent();
        for e in &t.entries {
            self.item_start(e.span.start);
            // Every entry ends in `,`, the last one too.
            let (end, trail_from) = match self.next_sig_of(e.span.end, TokenKind::Comma) {
                Some(comma) => (comma.span.start, comma.span.end),
                None => (e.span.end, e.span.end),
            };
            self.line(end, ",", trail_from, 0, &|p| {
                p.elem(e.key.span);
                p.push(": ");
                p.expr(&e.value);
            });
        }
        self.dedent();
        self.close_decl(t.span.end);
    }

    fn acl(&mut self, a: &AclDecl) {
        self.header(a.name.span.end, &|p| {
            p.push("acl ");
            p.elem(a.name.span);
        });
        self.indent();
        for e in &a.entries {
            self.item_start(e.span.start);
            self.semi_line(e.span.end, &|p| {
                if e.negated {
                    p.push("!");
                }
                p.elem(e.addr.span);
                if let Some(mask) = &e.mask {
                    p.push("/");
                    p.elem(mask.span);
                }
            });
        }
        self.dedent();
        self.close_decl(a.span.end);
    }

    fn sub(&mut self, s: &SubDecl) {
        // `sub f() {` keeps its parentheses even with no parameters.
        let parens = !s.params.is_empty() || self.next_sig_of(s.name.span.end, TokenKind::LParen).is_some();
        let lbrace = s.body.span.start;
        self.line(lbrace, " {", lbrace + 1, 0, &|p| {
            p.push("sub ");
            p.elem(s.name.span);
            if parens {
                p.push("(");
                for (i, param) in s.params.iter().enumerate() {
                    if i > 0 {
                        p.push(", ");
                    }
                    p.elem(param.ty.span);
                    p.push(" ");
                    p.elem(param.name.span);
                }
                p.push(")");
            }
            if let Some(ty) = &s.return_type {
                p.push(" ");
                p.elem(ty.span);
            }
        });
        self.open();
        self.body(&s.body.stmts);
        self.close_decl(s.span.end);
    }

    // ----- statements -----

    /// Statements one level deeper.
    fn body(&mut self, stmts: &[Stmt]) {
        self.indent();
        for s in stmts {
            self.stmt(s);
        }
        self.dedent();
    }

    fn stmt(&mut self, s: &Stmt) {
        self.item_start(s.span.start);
        let end = s.span.end;
        match &s.kind {
            StmtKind::Set { target, op, value, .. } => self.semi_line(end, &|p| {
                p.push("set ");
                p.elem(target.span);
                p.push(" ");
                p.push(op.as_str());
                p.push(" ");
                p.expr(value);
            }),
            StmtKind::Unset { target, remove } => self.semi_line(end, &|p| {
                p.push(if *remove { "remove " } else { "unset " });
                p.elem(target.span);
            }),
            StmtKind::Add { target, value } => self.semi_line(end, &|p| {
                p.push("add ");
                p.elem(target.span);
                p.push(" = ");
                p.expr(value);
            }),
            StmtKind::Call { name, args } => self.semi_line(end, &|p| {
                p.push("call ");
                p.elem(name.span);
                if let Some(args) = args {
                    p.push("(");
                    p.expr_list(args);
                    p.push(")");
                }
            }),
            StmtKind::Declare { scope, name, ty, init } => self.semi_line(end, &|p| {
                p.push(match scope {
                    DeclareScope::Local => "declare local ",
                    DeclareScope::Block => "declare block ",
                });
                p.elem(name.span);
                p.push(" ");
                p.elem(ty.span);
                if let Some(init) = init {
                    p.push(" = ");
                    p.expr(init);
                }
            }),
            StmtKind::Return(ret) => self.semi_line(end, &|p| match ret {
                Return::Bare => p.push("return"),
                Return::Action(state) => {
                    p.push("return(");
                    p.elem(state.span);
                    p.push(")");
                }
                Return::Value(e) => {
                    p.push("return ");
                    p.expr(e);
                }
            }),
            StmtKind::Error { status, message } => self.semi_line(end, &|p| {
                p.push("error");
                for e in [status, message].into_iter().flatten() {
                    p.push(" ");
                    p.expr(e);
                }
            }),
            StmtKind::Restart => self.semi_line(end, &|p| p.push("restart")),
            StmtKind::Esi => self.semi_line(end, &|p| p.push("esi")),
            StmtKind::Break => self.semi_line(end, &|p| p.push("break")),
            StmtKind::Fallthrough => self.semi_line(end, &|p| p.push("fallthrough")),
            StmtKind::Synthetic { base64, value } => self.semi_line(end, &|p| {
                p.push(if *base64 { "synthetic.base64 " } else { "synthetic " });
                p.expr(value);
            }),
            StmtKind::Log(value) => self.semi_line(end, &|p| {
                p.push("log ");
                p.expr(value);
            }),
            StmtKind::Goto(label) => self.semi_line(end, &|p| {
                p.push("goto ");
                p.elem(label.span);
            }),
            StmtKind::Label(label) => self.line(end, ":", end, 0, &|p| p.push(&label.name)),
            StmtKind::Expr(e) => self.semi_line(end, &|p| p.expr(e)),
            StmtKind::Include(path) => self.semi_line(end, &|p| {
                p.push("include ");
                p.elem(path.span);
            }),
            StmtKind::If(ifs) => self.if_stmt(ifs, end),
            StmtKind::Block(b) => {
                self.line(b.span.start, "{", b.span.start + 1, 0, &|_| {});
                self.open();
                self.body(&b.stmts);
                self.close_decl(end);
            }
            StmtKind::Switch { subject, cases } => self.switch(subject, cases, end),
            StmtKind::Invalid => self.line(end, "", end, 0, &|p| p.verbatim(s.span)),
        }
    }

    /// `if (c) {` ... `} else if (c) {` ... `} else {` ... `}`; `elseif` and `elsif` are
    /// printed as `else if`.
    fn if_stmt(&mut self, ifs: &IfStmt, end: u32) {
        let mut prev: Option<&Block> = None;
        for b in &ifs.branches {
            let lbrace = b.body.span.start;
            let head = match prev {
                Some(pb) => {
                    self.end_of_body(self.rbrace_before(pb.span.end));
                    "} else if ("
                }
                None => "if (",
            };
            let extra = usize::from(prev.is_some());
            self.line(lbrace, ") {", lbrace + 1, extra, &|p| {
                p.push(head);
                p.expr(&b.cond);
            });
            self.open();
            self.body(&b.body.stmts);
            prev = Some(&b.body);
        }
        if let Some(e) = &ifs.else_block {
            if let Some(pb) = prev {
                self.end_of_body(self.rbrace_before(pb.span.end));
            }
            self.line(e.span.start, " {", e.span.start + 1, 1, &|p| p.push("} else"));
            self.open();
            self.body(&e.stmts);
        }
        self.close_decl(end);
    }

    /// `switch (x) {` with `case` labels at the level of `switch` and their statements
    /// one level deeper.
    fn switch(&mut self, subject: &Expr, cases: &[SwitchCase], end: u32) {
        let rparen = self.next_sig_of(subject.span.end, TokenKind::RParen).map_or(subject.span.end, |t| t.span.end);
        let lbrace = self.next_sig_of(rparen, TokenKind::LBrace).map_or(rparen, |t| t.span.start);
        self.line(lbrace, ") {", lbrace + 1, 0, &|p| {
            p.push("switch (");
            p.expr(subject);
        });
        self.open();
        for c in cases {
            self.item_start(c.span.start);
            match &c.label {
                Some(label) => {
                    let colon = self.next_sig_of(label.span.end, TokenKind::Colon).map_or(label.span, |t| t.span);
                    self.line(colon.start, ":", colon.end, 0, &|p| {
                        p.push(if c.regex { "case ~ " } else { "case " });
                        p.expr(label);
                        // `name:` would lex as one identifier.
                        let number = matches!(label.kind, ExprKind::Literal(Literal::Integer(_) | Literal::Float(_)));
                        if !number && p.ends_with(|ch| ch.is_ascii_alphanumeric() || "_.-*".contains(ch)) {
                            p.push(" ");
                        }
                    });
                }
                None => {
                    let colon = match self.next_sig(c.span.start) {
                        Some(t) if self.slice(t.span) == "default:" => t.span.end,
                        Some(t) => self.next_sig_of(t.span.end, TokenKind::Colon).map_or(t.span.end, |c| c.span.end),
                        None => c.span.start,
                    };
                    self.line(colon.saturating_sub(1), ":", colon, 0, &|p| p.push("default"));
                }
            }
            self.open();
            self.body(&c.body);
        }
        self.close_decl(end);
    }
}

/// Declarations with a `{ }` body get a blank line on each side.
fn has_body(d: &Decl) -> bool {
    matches!(
        d,
        Decl::Acl(_)
            | Decl::Backend(_)
            | Decl::Director(_)
            | Decl::Table(_)
            | Decl::Sub(_)
            | Decl::Object(_)
            | Decl::Describe(_)
            | Decl::Hook(_)
    )
}
