//! Expressions: a Pratt loop over binding levels (lowest first):
//! `||` < `&&` < prefix `!` < comparisons (`== != < > <= >= ~ !~`) < concatenation (`+`,
//! `-`, juxtaposition). `!` negates a whole comparison, as in Varnish: Fastly's own
//! generated VCL writes `if (!beresp.http.Vary ~ "Accept-Encoding")` meaning
//! `!(beresp.http.Vary ~ ...)`. See `grammar/precedence.md`. `&&`, `||` and concatenation
//! chains are built flat, so long chains never make a deep tree.

use super::Parser;
use crate::diag::Diagnostic;
use crate::syntax::ast::*;
use crate::syntax::token::TokenKind;

/// Binding levels.
const OR: u8 = 1;
const AND: u8 = 2;
const COMPARE: u8 = 3;
const CONCAT: u8 = 4;

fn compare_op(kind: TokenKind) -> Option<CompareOp> {
    Some(match kind {
        TokenKind::Eq => CompareOp::Eq,
        TokenKind::Ne => CompareOp::Ne,
        TokenKind::Lt => CompareOp::Lt,
        TokenKind::Gt => CompareOp::Gt,
        TokenKind::Le => CompareOp::Le,
        TokenKind::Ge => CompareOp::Ge,
        TokenKind::Match => CompareOp::Match,
        TokenKind::NotMatch => CompareOp::NotMatch,
        _ => return None,
    })
}

impl Parser<'_> {
    /// A full expression.
    pub(super) fn expr(&mut self) -> Expr {
        self.expr_bp(OR)
    }

    /// One operand without concatenation: table values and `error` statuses, where
    /// `error 404 "Not found"` must not read as `"404" "Not found"`.
    pub(super) fn primary_no_concat(&mut self) -> Expr {
        self.prefix()
    }

    /// Whether the current token continues an expression by juxtaposition.
    fn at_juxtaposition(&self) -> bool {
        match self.kind() {
            TokenKind::String
            | TokenKind::LongString
            | TokenKind::UnterminatedString
            | TokenKind::Integer
            | TokenKind::Float
            | TokenKind::Rtime => true,
            // A statement keyword after an expression is almost always a missing `;`.
            // `if(c, a, b)` is a function unless its parentheses are followed by a block.
            TokenKind::Ident if self.at_word("if") => self.nth(1) == TokenKind::LParen && !self.if_is_statement(),
            TokenKind::Ident => !self.at_stmt_keyword() && !self.at_decl_keyword() && !self.at_word("else"),
            _ => false,
        }
    }

    fn infix_level(&self) -> Option<u8> {
        match self.kind() {
            TokenKind::OrOr => Some(OR),
            TokenKind::AndAnd => Some(AND),
            k if compare_op(k).is_some() => Some(COMPARE),
            TokenKind::Plus | TokenKind::Minus => Some(CONCAT),
            _ if self.at_juxtaposition() => Some(CONCAT),
            _ => None,
        }
    }

    fn expr_bp(&mut self, min: u8) -> Expr {
        let mut lhs = self.prefix();
        while let Some(level) = self.infix_level() {
            if level < min {
                break;
            }
            lhs = match level {
                OR | AND => self.logical(lhs, level),
                COMPARE => self.compare(lhs),
                _ => self.concat(lhs),
            };
        }
        lhs
    }

    fn logical(&mut self, first: Expr, level: u8) -> Expr {
        let (op, token) =
            if level == OR { (LogicalOp::Or, TokenKind::OrOr) } else { (LogicalOp::And, TokenKind::AndAnd) };
        let start = first.span;
        let mut operands = vec![first];
        while self.eat(token) {
            operands.push(self.expr_bp(level + 1));
        }
        Expr::new(ExprKind::Logical { op, operands }, self.span_from(start))
    }

    fn compare(&mut self, lhs: Expr) -> Expr {
        let op_token = self.bump();
        let op = compare_op(op_token.kind).unwrap_or(CompareOp::Eq);
        let rhs = self.expr_bp(CONCAT);
        let span = self.span_from(lhs.span);
        if compare_op(self.kind()).is_some() {
            let at = self.current().span;
            self.error_at(
                Diagnostic::error("syntax/chained-comparison", "comparison operators cannot be chained")
                    .with_primary(at, "a second comparison")
                    .with_help("combine comparisons with `&&` or `||`, or add parentheses"),
            );
        }
        Expr::new(ExprKind::Compare { op, op_span: op_token.span, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span)
    }

    fn concat(&mut self, first: Expr) -> Expr {
        let start = first.span;
        let mut parts = vec![ConcatPart { sep: ConcatSep::Concat, expr: first }];
        loop {
            let sep = match self.kind() {
                TokenKind::Plus => {
                    self.bump();
                    ConcatSep::Plus
                }
                TokenKind::Minus => {
                    self.bump();
                    ConcatSep::Minus
                }
                _ if self.at_juxtaposition() => ConcatSep::Concat,
                _ => break,
            };
            let expr = self.prefix();
            parts.push(ConcatPart { sep, expr });
        }
        Expr::new(ExprKind::Concat(parts), self.span_from(start))
    }

    /// Prefix operators and primaries.
    fn prefix(&mut self) -> Expr {
        let start = self.current().span;
        match self.kind() {
            TokenKind::Bang => {
                self.bump();
                if !self.enter() {
                    self.recover_expr();
                    self.leave();
                    return Expr::new(ExprKind::Invalid, self.span_from(start));
                }
                // The operand is a comparison (or anything tighter): `!a ~ b` is `!(a ~ b)`.
                let inner = self.expr_bp(COMPARE);
                self.leave();
                Expr::new(ExprKind::Not(Box::new(inner)), self.span_from(start))
            }
            TokenKind::LParen => {
                self.bump();
                if !self.enter() {
                    self.recover_expr();
                    self.leave();
                    return Expr::new(ExprKind::Invalid, self.span_from(start));
                }
                let inner = self.expr();
                self.leave();
                self.expect(TokenKind::RParen);
                Expr::new(ExprKind::Paren(Box::new(inner)), self.span_from(start))
            }
            TokenKind::Minus
                if matches!(self.nth(1), TokenKind::Integer | TokenKind::Float | TokenKind::Rtime)
                    && self.touches_next() =>
            {
                self.bump();
                let t = self.bump();
                let lit = self.number_literal(t, true, start.to(t.span));
                Expr::new(ExprKind::Literal(lit), start.to(t.span))
            }
            TokenKind::Integer | TokenKind::Float | TokenKind::Rtime => {
                let t = self.bump();
                if t.kind == TokenKind::Integer
                    && self.at(TokenKind::Percent)
                    && self.current().span.start == t.span.end
                {
                    self.bump();
                    let span = self.span_from(start);
                    let v = self.text_of(t).parse::<i64>().unwrap_or(0);
                    return Expr::new(ExprKind::Literal(Literal::Percent(v)), span);
                }
                let lit = self.number_literal(t, false, t.span);
                Expr::new(ExprKind::Literal(lit), t.span)
            }
            TokenKind::String | TokenKind::LongString => {
                let t = self.bump();
                let s = self.decode_string_token(t);
                Expr::new(ExprKind::Literal(Literal::String(s)), t.span)
            }
            TokenKind::UnterminatedString => {
                let t = self.bump();
                self.report_unterminated(t.span);
                Expr::new(ExprKind::Invalid, t.span)
            }
            TokenKind::Ident => {
                let t = self.bump();
                let text = self.text_of(t);
                match text {
                    "true" if !self.at(TokenKind::LParen) => Expr::new(ExprKind::Literal(Literal::Bool(true)), t.span),
                    "false" if !self.at(TokenKind::LParen) => {
                        Expr::new(ExprKind::Literal(Literal::Bool(false)), t.span)
                    }
                    _ if self.at(TokenKind::LParen) => self.call(Ident { name: text.to_string(), span: t.span }),
                    _ => Expr::new(ExprKind::Var(Variable { name: text.to_string(), span: t.span }), t.span),
                }
            }
            _ => {
                let found = self.found();
                self.error_at(
                    Diagnostic::error("syntax/expected-expression", format!("expected an expression, found {found}"))
                        .with_primary(start, "expected a value here"),
                );
                if !matches!(
                    self.kind(),
                    TokenKind::Semi
                        | TokenKind::RParen
                        | TokenKind::RBrace
                        | TokenKind::LBrace
                        | TokenKind::Comma
                        | TokenKind::Eof
                ) {
                    self.bump();
                }
                Expr::new(ExprKind::Invalid, start)
            }
        }
    }

    /// `name(arg, ...)`; the current token is `(`.
    fn call(&mut self, name: Ident) -> Expr {
        let start = name.span;
        self.bump();
        let mut args = Vec::new();
        if !self.enter() {
            self.recover_expr();
            self.leave();
            return Expr::new(ExprKind::Invalid, self.span_from(start));
        }
        if !self.at(TokenKind::RParen) {
            loop {
                args.push(self.expr());
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
        }
        self.leave();
        self.expect(TokenKind::RParen);
        Expr::new(ExprKind::Call { name, args }, self.span_from(start))
    }

    /// After a too-deep report: skip the rest of the expression (balanced), stopping at
    /// the `;` or `{` that ends it.
    fn recover_expr(&mut self) {
        let mut depth = 0u32;
        loop {
            match self.kind() {
                TokenKind::Eof => return,
                TokenKind::Semi | TokenKind::LBrace if depth == 0 => return,
                TokenKind::LParen => depth += 1,
                TokenKind::RParen => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                }
                TokenKind::RBrace => return,
                _ => {}
            }
            self.bump();
        }
    }
}
