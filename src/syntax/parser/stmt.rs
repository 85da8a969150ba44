//! Statements and blocks (catalog section 4).

use super::Parser;
use crate::diag::Diagnostic;
use crate::syntax::ast::*;
use crate::syntax::token::TokenKind;

fn assign_op(kind: TokenKind) -> Option<AssignOp> {
    Some(match kind {
        TokenKind::Assign => AssignOp::Assign,
        TokenKind::AddAssign => AssignOp::Add,
        TokenKind::SubAssign => AssignOp::Sub,
        TokenKind::MulAssign => AssignOp::Mul,
        TokenKind::DivAssign => AssignOp::Div,
        TokenKind::RemAssign => AssignOp::Rem,
        TokenKind::BitOrAssign => AssignOp::BitOr,
        TokenKind::BitAndAssign => AssignOp::BitAnd,
        TokenKind::BitXorAssign => AssignOp::BitXor,
        TokenKind::ShlAssign => AssignOp::Shl,
        TokenKind::ShrAssign => AssignOp::Shr,
        TokenKind::RolAssign => AssignOp::Rol,
        TokenKind::RorAssign => AssignOp::Ror,
        TokenKind::AndAssign => AssignOp::And,
        TokenKind::OrAssign => AssignOp::Or,
        _ => return None,
    })
}

/// `name:` with a plain name is a goto label.
fn label_name(text: &str) -> Option<&str> {
    let name = text.strip_suffix(':')?;
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then_some(name)
}

impl Parser<'_> {
    /// `{ statements }`
    pub(super) fn block(&mut self) -> Block {
        let start = self.current().span;
        if self.expect(TokenKind::LBrace).is_none() {
            return Block { stmts: Vec::new(), span: start };
        }
        if !self.enter() {
            self.skip_to_block_end();
            self.eat(TokenKind::RBrace);
            self.leave();
            return Block { stmts: Vec::new(), span: self.span_from(start) };
        }
        let stmts = self.statements_until_close();
        self.leave();
        if !self.eat(TokenKind::RBrace) {
            let at = if self.at_eof() { self.current().span } else { self.prev_span().end_point() };
            let found = self.found();
            self.error_at(
                Diagnostic::error("syntax/unclosed-block", format!("expected `}}`, found {found}"))
                    .with_primary(at, "the block is not closed")
                    .with_secondary(start, "this `{` is never closed"),
            );
        }
        Block { stmts, span: self.span_from(start) }
    }

    /// Statements up to a `}` (not consumed), the end of input, or the start of a
    /// declaration (a missing `}` before the next `sub`).
    fn statements_until_close(&mut self) -> Vec<Stmt> {
        let mut stmts = Vec::new();
        while !self.at(TokenKind::RBrace) && !self.at_eof() {
            if self.at_decl_keyword() && !self.at_word("include") {
                break;
            }
            let before = self.pos;
            if let Some(s) = self.statement() {
                stmts.push(s);
            }
            if self.pos == before {
                let t = self.bump();
                stmts.push(Stmt { kind: StmtKind::Invalid, span: t.span });
            }
        }
        stmts
    }

    /// A whole file of statements (a subroutine snippet).
    pub(super) fn statement_list(&mut self) -> Block {
        let start = self.current().span;
        let mut stmts = Vec::new();
        while !self.at_eof() {
            let before = self.pos;
            if self.at(TokenKind::RBrace) {
                let t = self.bump();
                self.error_at(
                    Diagnostic::error("syntax/unexpected-token", "unexpected `}`")
                        .with_primary(t.span, "nothing to close"),
                );
            } else if let Some(s) = self.statement() {
                stmts.push(s);
            }
            if self.pos == before {
                let t = self.bump();
                stmts.push(Stmt { kind: StmtKind::Invalid, span: t.span });
            }
        }
        Block { stmts, span: start.to(self.current().span) }
    }

    /// One statement; `None` for an empty `;`.
    fn statement(&mut self) -> Option<Stmt> {
        let start = self.current().span;
        let kind = match self.kind() {
            TokenKind::Semi => {
                self.bump();
                return None;
            }
            TokenKind::LBrace => StmtKind::Block(self.block()),
            TokenKind::Ident => {
                let text = self.current_text();
                match text {
                    "set" => self.set_stmt(),
                    "unset" | "remove" => {
                        let remove = text == "remove";
                        self.bump();
                        match self.target() {
                            Some(target) => {
                                self.expect_semi();
                                StmtKind::Unset { target, remove }
                            }
                            None => self.recovered(),
                        }
                    }
                    "add" => self.add_stmt(),
                    "call" => self.call_stmt(),
                    "declare" => self.declare_stmt(),
                    "return" => self.return_stmt(),
                    "error" => {
                        self.bump();
                        let status = (!self.at(TokenKind::Semi)).then(|| self.primary_no_concat());
                        let message = (status.is_some() && !self.at(TokenKind::Semi)).then(|| self.expr());
                        self.expect_semi();
                        StmtKind::Error { status, message }
                    }
                    "restart" => self.keyword_only(StmtKind::Restart),
                    "esi" => self.keyword_only(StmtKind::Esi),
                    "break" => self.keyword_only(StmtKind::Break),
                    "fallthrough" => self.keyword_only(StmtKind::Fallthrough),
                    "synthetic" | "synthetic.base64" => {
                        let base64 = text == "synthetic.base64";
                        self.bump();
                        let value = self.expr();
                        self.expect_semi();
                        StmtKind::Synthetic { base64, value }
                    }
                    "log" => {
                        self.bump();
                        let value = self.expr();
                        self.expect_semi();
                        StmtKind::Log(value)
                    }
                    "goto" => {
                        self.bump();
                        match self.ident("a label name") {
                            Some(label) => {
                                self.expect_semi();
                                StmtKind::Goto(label)
                            }
                            None => self.recovered(),
                        }
                    }
                    "if" if self.nth(1) != TokenKind::LParen || !self.touches_next() || self.if_is_statement() => {
                        StmtKind::If(self.if_stmt())
                    }
                    "include" => {
                        self.bump();
                        match self.string_lit("a file name") {
                            Some(path) => {
                                self.expect_semi();
                                StmtKind::Include(path)
                            }
                            None => self.recovered(),
                        }
                    }
                    "switch" => self.switch_stmt(),
                    "else" | "elseif" | "elsif" => {
                        let t = self.bump();
                        self.error_at(
                            Diagnostic::error("syntax/else-without-if", format!("`{text}` without a matching `if`"))
                                .with_primary(t.span, "no `if` block ends right before this"),
                        );
                        self.recover_stmt();
                        StmtKind::Invalid
                    }
                    _ if label_name(text).is_some() => {
                        let t = self.bump();
                        let name = label_name(self.text_of(t)).unwrap_or_default().to_string();
                        StmtKind::Label(Ident { name, span: Span::new(t.span.start, t.span.end - 1) })
                    }
                    _ => self.expr_stmt(),
                }
            }
            _ => {
                let found = self.found();
                self.error_at(
                    Diagnostic::error("syntax/expected-statement", format!("expected a statement, found {found}"))
                        .with_primary(start, "not a statement"),
                );
                self.recover_stmt();
                StmtKind::Invalid
            }
        };
        Some(Stmt { kind, span: self.span_from(start) })
    }

    /// `if (` as a statement vs the `if(c, a, b)` function used as an expression
    /// statement: the statement's condition is followed by `) {`.
    pub(super) fn if_is_statement(&self) -> bool {
        // Scan the balanced parenthesis group and look at what follows it.
        let mut depth = 0i32;
        let mut n = 1;
        loop {
            match self.nth(n) {
                TokenKind::LParen => depth += 1,
                TokenKind::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        return self.nth(n + 1) == TokenKind::LBrace;
                    }
                }
                TokenKind::Eof | TokenKind::Semi | TokenKind::LBrace => return true,
                _ => {}
            }
            n += 1;
            if n > 10_000 {
                return true;
            }
        }
    }

    fn keyword_only(&mut self, kind: StmtKind) -> StmtKind {
        self.bump();
        self.expect_semi();
        kind
    }

    fn recovered(&mut self) -> StmtKind {
        self.recover_stmt();
        StmtKind::Invalid
    }

    /// The left-hand side of `set`/`unset`/`add`: a variable name.
    fn target(&mut self) -> Option<Variable> {
        if self.at(TokenKind::Ident) && !self.at_stmt_keyword() {
            let t = self.bump();
            return Some(Variable { name: self.text_of(t).to_string(), span: t.span });
        }
        self.error_expected("a variable or header");
        None
    }

    fn set_stmt(&mut self) -> StmtKind {
        self.bump();
        let Some(target) = self.target() else { return self.recovered() };
        let Some(op) = assign_op(self.kind()) else {
            let found = self.found();
            let span = self.current().span;
            let d = Diagnostic::error(
                "syntax/expected-assignment",
                format!("expected an assignment operator, found {found}"),
            )
            .with_primary(span, "expected `=`, `+=`, `-=`, ...");
            let d = if self.at(TokenKind::Eq) { d.with_help("`set` assigns with `=`; `==` compares") } else { d };
            self.error_at(d);
            return self.recovered();
        };
        let op_span = self.bump().span;
        let value = self.expr();
        self.expect_semi();
        StmtKind::Set { target, op, op_span, value }
    }

    fn add_stmt(&mut self) -> StmtKind {
        self.bump();
        let Some(target) = self.target() else { return self.recovered() };
        if self.expect(TokenKind::Assign).is_none() {
            return self.recovered();
        }
        let value = self.expr();
        self.expect_semi();
        StmtKind::Add { target, value }
    }

    fn call_stmt(&mut self) -> StmtKind {
        self.bump();
        let Some(name) = self.ident("a subroutine name") else { return self.recovered() };
        let mut args = None;
        if self.eat(TokenKind::LParen) {
            let mut list = Vec::new();
            if !self.at(TokenKind::RParen) {
                loop {
                    list.push(self.expr());
                    if !self.eat(TokenKind::Comma) {
                        break;
                    }
                }
            }
            self.expect(TokenKind::RParen);
            args = Some(list);
        }
        self.expect_semi();
        StmtKind::Call { name, args }
    }

    fn declare_stmt(&mut self) -> StmtKind {
        self.bump();
        let scope = if self.eat_word("local") {
            DeclareScope::Local
        } else if self.eat_word("block") {
            DeclareScope::Block
        } else {
            self.error_expected("`local` (as in `declare local var.name TYPE;`)");
            DeclareScope::Local
        };
        let Some(name) = self.ident("a variable name like `var.name`") else { return self.recovered() };
        let Some(ty) = self.ident("a type (STRING, INTEGER, BOOL, ...)") else { return self.recovered() };
        let init = if self.eat(TokenKind::Assign) { Some(self.expr()) } else { None };
        self.expect_semi();
        StmtKind::Declare { scope, name, ty, init }
    }

    fn return_stmt(&mut self) -> StmtKind {
        self.bump();
        if self.eat(TokenKind::Semi) {
            return StmtKind::Return(Return::Bare);
        }
        // `return(state);`: a plain word in parentheses.
        if self.at(TokenKind::LParen)
            && self.nth(1) == TokenKind::Ident
            && self.nth(2) == TokenKind::RParen
            && !self.text_of(self.nth_token(1)).contains(['.', ':'])
        {
            self.bump();
            let t = self.bump();
            self.bump();
            self.expect_semi();
            return StmtKind::Return(Return::Action(Ident { name: self.text_of(t).to_string(), span: t.span }));
        }
        let value = self.expr();
        self.expect_semi();
        StmtKind::Return(Return::Value(value))
    }

    fn if_stmt(&mut self) -> IfStmt {
        let mut branches = vec![self.if_branch()];
        let mut else_block = None;
        loop {
            if self.at_word("else") && self.nth(1) == TokenKind::Ident && self.text_of(self.nth_token(1)) == "if" {
                self.bump();
                branches.push(self.if_branch());
            } else if self.at_word("elseif") || self.at_word("elsif") {
                branches.push(self.if_branch());
            } else if self.eat_word("else") {
                else_block = Some(self.block());
                break;
            } else {
                break;
            }
        }
        IfStmt { branches, else_block }
    }

    /// `if (cond) { ... }`; the current token is `if`, `elseif` or `elsif`.
    fn if_branch(&mut self) -> IfBranch {
        let start = self.bump().span;
        let has_paren = self.expect(TokenKind::LParen).is_some();
        let cond = self.expr();
        if has_paren {
            self.expect(TokenKind::RParen);
        }
        if !self.at(TokenKind::LBrace) {
            // Skip junk up to the block so its statements still get checked.
            self.error_expected("`{` (braces are required)");
            while !matches!(self.kind(), TokenKind::LBrace | TokenKind::Semi | TokenKind::RBrace | TokenKind::Eof) {
                self.bump();
            }
        }
        let body = if self.at(TokenKind::LBrace) {
            self.block()
        } else {
            Block { stmts: Vec::new(), span: self.current().span }
        };
        IfBranch { cond, body, span: self.span_from(start) }
    }

    fn switch_stmt(&mut self) -> StmtKind {
        self.bump();
        self.expect(TokenKind::LParen);
        let subject = self.expr();
        self.expect(TokenKind::RParen);
        let mut cases = Vec::new();
        if self.expect(TokenKind::LBrace).is_none() {
            return self.recovered();
        }
        while !self.at(TokenKind::RBrace) && !self.at_eof() {
            let start = self.current().span;
            let mut regex = false;
            let label = if self.eat_word("case") {
                regex = self.eat(TokenKind::Match);
                if !regex && self.at(TokenKind::Ident) && self.current_text().ends_with(':') {
                    // `case name:` lexes as one `name:` token.
                    let t = self.bump();
                    let span = Span::new(t.span.start, t.span.end - 1);
                    let name = self.text_of(t).trim_end_matches(':').to_string();
                    Some(Expr::new(ExprKind::Var(Variable { name, span }), span))
                } else {
                    let e = self.primary_no_concat();
                    self.expect(TokenKind::Colon);
                    Some(e)
                }
            } else if self.eat_word("default:") || (self.eat_word("default") && self.expect(TokenKind::Colon).is_some())
            {
                None
            } else {
                self.error_expected("`case` or `default:`");
                self.recover_stmt();
                continue;
            };
            let mut body = Vec::new();
            while !self.at(TokenKind::RBrace)
                && !self.at_eof()
                && !self.at_word("case")
                && !self.at_word("default:")
                && !self.at_word("default")
            {
                let before = self.pos;
                if let Some(s) = self.statement() {
                    body.push(s);
                }
                if self.pos == before {
                    self.bump();
                }
            }
            cases.push(SwitchCase { label, regex, body, span: self.span_from(start) });
        }
        self.expect(TokenKind::RBrace);
        StmtKind::Switch { subject, cases }
    }

    fn expr_stmt(&mut self) -> StmtKind {
        let start = self.current().span;
        let e = self.expr();
        if matches!(e.kind, ExprKind::Call { .. }) {
            self.expect_semi();
            return StmtKind::Expr(e);
        }
        let mut d = Diagnostic::error(
            "syntax/expected-statement",
            format!("expected a statement, found `{}`", self.text_between(start, e.span)),
        )
        .with_primary(e.span, "not a statement");
        if self.at(TokenKind::Assign) || assign_op(self.kind()).is_some() {
            d = d.with_help("assignments start with `set`: `set NAME = VALUE;`");
        }
        self.error_at(d);
        self.recover_stmt();
        StmtKind::Invalid
    }

    fn text_between(&self, start: Span, end: Span) -> &str {
        let s = (start.start - self.base) as usize;
        let e = ((end.end.max(start.start)) - self.base) as usize;
        let text = self.text.get(s..e).unwrap_or("");
        text.lines().next().unwrap_or("")
    }
}

use crate::syntax::span::Span;
