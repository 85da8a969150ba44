//! Top-level declarations: `acl`, `backend`, `director`, `table`, `sub`, `penaltybox`,
//! `ratecounter`, `counter`, `limiter`, `include`, `import`, `pragma`, and the `C!`/`W!`
//! lines of Fastly-generated VCL.

use super::Parser;
use crate::diag::Diagnostic;
use crate::syntax::ast::*;
use crate::syntax::token::TokenKind;

impl Parser<'_> {
    pub(super) fn source_unit(&mut self) -> SourceUnit {
        let start = self.current().span;
        let mut decls = Vec::new();
        while !self.at_eof() {
            let before = self.pos;
            decls.push(self.decl());
            if self.pos == before {
                // Progress guard: never loop on a token nobody consumes.
                let t = self.bump();
                decls.push(Decl::Invalid(t.span));
            }
        }
        SourceUnit { decls, span: start.to(self.current().span) }
    }

    fn decl(&mut self) -> Decl {
        let start = self.current().span;
        if self.at(TokenKind::Ident) {
            match self.current_text() {
                "acl" => return self.acl(),
                "backend" => return self.backend(),
                "director" => return self.director(),
                "table" => return self.table(),
                "sub" => return self.sub(),
                "penaltybox" | "ratecounter" | "counter" | "limiter" => return self.object(),
                "include" => {
                    self.bump();
                    let path = self.string_lit("a file name");
                    self.expect_semi();
                    return match path {
                        Some(path) => Decl::Include(IncludeDecl { path, span: self.span_from(start) }),
                        None => Decl::Invalid(self.span_from(start)),
                    };
                }
                "import" => {
                    self.bump();
                    let name = self.ident("a module name");
                    self.expect_semi();
                    return match name {
                        Some(name) => Decl::Import(ImportDecl { name, span: self.span_from(start) }),
                        None => Decl::Invalid(self.span_from(start)),
                    };
                }
                "pragma" => return self.pragma(),
                "describe" => return self.describe(),
                "C" | "W" if self.nth(1) == TokenKind::Bang && self.touches_next() => {
                    let letter = if self.current_text() == "C" { 'C' } else { 'W' };
                    self.bump();
                    self.bump();
                    return Decl::Generated(GeneratedDecl { letter, span: self.span_from(start) });
                }
                _ => {}
            }
        }
        let found = self.found();
        let hint = if self.at_stmt_keyword() {
            "statements belong inside a `sub { ... }`"
        } else {
            "a VCL file is a list of declarations: acl, backend, director, table, sub, include, ..."
        };
        self.error_at(
            Diagnostic::error("syntax/expected-declaration", format!("expected a declaration, found {found}"))
                .with_primary(start, "not a declaration")
                .with_help(hint),
        );
        self.recover_decl();
        Decl::Invalid(self.span_from(start))
    }

    /// Skips to the next declaration keyword at brace depth 0.
    fn recover_decl(&mut self) {
        let start = self.pos;
        while !self.at_eof() {
            if self.pos > start && self.at_decl_keyword() {
                return;
            }
            match self.kind() {
                TokenKind::LBrace | TokenKind::LParen => self.skip_balanced(),
                _ => {
                    self.bump();
                }
            }
        }
    }

    fn acl(&mut self) -> Decl {
        let start = self.bump().span;
        let Some(name) = self.ident("an ACL name") else {
            self.recover_decl();
            return Decl::Invalid(self.span_from(start));
        };
        let mut entries = Vec::new();
        if self.expect(TokenKind::LBrace).is_some() {
            while !self.at(TokenKind::RBrace) && !self.at_eof() && !self.at_decl_keyword() {
                let before = self.pos;
                if let Some(entry) = self.acl_entry() {
                    entries.push(entry);
                }
                if self.pos == before {
                    self.bump();
                }
            }
            self.expect(TokenKind::RBrace);
        }
        Decl::Acl(AclDecl { name, entries, span: self.span_from(start) })
    }

    fn acl_entry(&mut self) -> Option<AclEntry> {
        let start = self.current().span;
        let negated = self.eat(TokenKind::Bang);
        let Some(addr) = self.string_lit("a quoted IP address") else {
            self.recover_stmt();
            return None;
        };
        let mut mask = None;
        if self.eat(TokenKind::Slash) {
            if self.at(TokenKind::Integer) {
                let t = self.bump();
                let value = self.text_of(t).parse::<i64>().unwrap_or(i64::MAX);
                mask = Some(IntLit { value, span: t.span });
            } else {
                self.error_expected("a prefix length");
            }
        }
        self.expect_semi();
        Some(AclEntry { negated, addr, mask, span: self.span_from(start) })
    }

    fn backend(&mut self) -> Decl {
        let start = self.bump().span;
        let Some(name) = self.ident("a backend name") else {
            self.recover_decl();
            return Decl::Invalid(self.span_from(start));
        };
        let props = self.property_block();
        Decl::Backend(BackendDecl { name, props, span: self.span_from(start) })
    }

    /// `{ .name = value; ... }`; nested `{ ... }` values are objects.
    fn property_block(&mut self) -> Vec<Property> {
        let mut props = Vec::new();
        if self.expect(TokenKind::LBrace).is_none() {
            return props;
        }
        if !self.enter() {
            self.skip_to_block_end();
            self.eat(TokenKind::RBrace);
            self.leave();
            return props;
        }
        while !self.at(TokenKind::RBrace) && !self.at_eof() && !self.at_decl_keyword() {
            let before = self.pos;
            if let Some(p) = self.property() {
                props.push(p);
            }
            if self.pos == before {
                self.bump();
            }
        }
        self.expect(TokenKind::RBrace);
        self.leave();
        props
    }

    fn property(&mut self) -> Option<Property> {
        let start = self.current().span;
        if !self.at(TokenKind::Dot) {
            self.error_expected("a property like `.host`");
            self.recover_stmt();
            return None;
        }
        self.bump();
        if !self.touches_prev() {
            self.error_expected("a property name right after `.`");
        }
        let name = self.ident("a property name")?;
        if self.expect(TokenKind::Assign).is_none() {
            self.recover_stmt();
            return None;
        }
        let value = if self.at(TokenKind::LBrace) {
            let vstart = self.current().span;
            let props = self.property_block();
            self.eat(TokenKind::Semi);
            PropValue::Object(props, self.span_from(vstart))
        } else {
            let e = self.expr();
            self.expect_semi();
            PropValue::Expr(e)
        };
        Some(Property { name, value, span: self.span_from(start) })
    }

    /// Whether the current token directly follows the previous one.
    fn touches_prev(&self) -> bool {
        self.prev_span().end == self.current().span.start
    }

    fn director(&mut self) -> Decl {
        let start = self.bump().span;
        let Some(name) = self.ident("a director name") else {
            self.recover_decl();
            return Decl::Invalid(self.span_from(start));
        };
        let Some(kind) = self.ident("a director type (random, hash, client, fallback, chash)") else {
            self.recover_decl();
            return Decl::Invalid(self.span_from(start));
        };
        let mut items = Vec::new();
        if self.expect(TokenKind::LBrace).is_some() {
            while !self.at(TokenKind::RBrace) && !self.at_eof() && !self.at_decl_keyword() {
                let before = self.pos;
                if self.at(TokenKind::LBrace) {
                    let mstart = self.current().span;
                    let props = self.property_block();
                    self.eat(TokenKind::Semi);
                    items.push(DirectorItem::Member(DirectorMember { props, span: self.span_from(mstart) }));
                } else if let Some(p) = self.property() {
                    items.push(DirectorItem::Property(p));
                }
                if self.pos == before {
                    self.bump();
                }
            }
            self.expect(TokenKind::RBrace);
        }
        Decl::Director(DirectorDecl { name, kind, items, span: self.span_from(start) })
    }

    fn table(&mut self) -> Decl {
        let start = self.bump().span;
        let Some(name) = self.ident("a table name") else {
            self.recover_decl();
            return Decl::Invalid(self.span_from(start));
        };
        let ty = if self.at(TokenKind::Ident) { self.ident("a type") } else { None };
        let mut entries = Vec::new();
        if self.expect(TokenKind::LBrace).is_some() {
            while !self.at(TokenKind::RBrace) && !self.at_eof() && !self.at_decl_keyword() {
                let before = self.pos;
                let estart = self.current().span;
                match self.string_lit("a quoted key") {
                    Some(key) => {
                        if self.expect(TokenKind::Colon).is_some() {
                            let value = self.table_value();
                            entries.push(TableEntry { key, value, span: self.span_from(estart) });
                        }
                        if !self.eat(TokenKind::Comma) && !self.at(TokenKind::RBrace) {
                            let found = self.found();
                            let at = self.prev_span().end_point();
                            self.error_at(
                                Diagnostic::error("syntax/expected-comma", format!("expected `,`, found {found}"))
                                    .with_primary(at, "table entries are separated by `,`"),
                            );
                            self.recover_table_entry();
                        }
                    }
                    None => self.recover_table_entry(),
                }
                if self.pos == before {
                    self.bump();
                }
            }
            self.expect(TokenKind::RBrace);
        }
        Decl::Table(TableDecl { name, ty, entries, span: self.span_from(start) })
    }

    fn recover_table_entry(&mut self) {
        while !matches!(self.kind(), TokenKind::Eof | TokenKind::RBrace) {
            if self.eat(TokenKind::Comma) {
                return;
            }
            self.bump();
        }
    }

    /// A table value: one literal or name (`"v"`, `10`, `-1`, `5s`, `true`, `F_backend`).
    fn table_value(&mut self) -> Expr {
        self.primary_no_concat()
    }

    fn sub(&mut self) -> Decl {
        let start = self.bump().span;
        let Some(name) = self.ident("a subroutine name") else {
            self.recover_decl();
            return Decl::Invalid(self.span_from(start));
        };
        let mut params = Vec::new();
        if self.eat(TokenKind::LParen) {
            while !self.at(TokenKind::RParen) && !self.at_eof() && !self.at(TokenKind::LBrace) {
                let pstart = self.current().span;
                let Some(ty) = self.ident("a parameter type") else { break };
                let Some(pname) = self.ident("a parameter name like `var.x`") else { break };
                params.push(Param { ty, name: pname, span: self.span_from(pstart) });
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
            self.expect(TokenKind::RParen);
        }
        let return_type = if self.at(TokenKind::Ident) { self.ident("a return type") } else { None };
        if !self.at(TokenKind::LBrace) {
            self.error_expected("`{`");
            self.recover_decl();
            return Decl::Invalid(self.span_from(start));
        }
        let body = self.block();
        Decl::Sub(SubDecl { name, params, return_type, body, span: self.span_from(start) })
    }

    /// `describe NAME { (sub ... | before_SCOPE { ... } | after_SCOPE { ... })* }`
    fn describe(&mut self) -> Decl {
        let start = self.bump().span;
        let Some(name) = self.ident("a test group name") else {
            self.recover_decl();
            return Decl::Invalid(self.span_from(start));
        };
        let mut items = Vec::new();
        if self.expect(TokenKind::LBrace).is_some() {
            while !self.at(TokenKind::RBrace) && !self.at_eof() {
                let before = self.pos;
                if self.at_word("sub") {
                    items.push(self.sub());
                } else if self.at(TokenKind::Ident)
                    && (self.current_text().starts_with("before_") || self.current_text().starts_with("after_"))
                    && self.nth(1) == TokenKind::LBrace
                {
                    let t = self.bump();
                    let hook = Ident { name: self.text_of(t).to_string(), span: t.span };
                    let body = self.block();
                    items.push(Decl::Hook(HookDecl { span: hook.span.to(body.span), name: hook, body }));
                } else {
                    self.error_expected("`sub` or a hook like `before_recv { ... }`");
                    self.recover_decl();
                }
                if self.pos == before {
                    self.bump();
                }
            }
            self.expect(TokenKind::RBrace);
        }
        Decl::Describe(DescribeDecl { name, items, span: self.span_from(start) })
    }

    fn object(&mut self) -> Decl {
        let keyword_tok = self.bump();
        let start = keyword_tok.span;
        let keyword = Ident { name: self.text_of(keyword_tok).to_string(), span: keyword_tok.span };
        let Some(name) = self.ident("a name") else {
            self.recover_decl();
            return Decl::Invalid(self.span_from(start));
        };
        let props = self.property_block();
        Decl::Object(ObjectDecl { keyword, name, props, span: self.span_from(start) })
    }

    fn pragma(&mut self) -> Decl {
        let start = self.bump().span;
        let mut words = Vec::new();
        while !matches!(self.kind(), TokenKind::Semi | TokenKind::Eof) && !self.at_decl_keyword() {
            words.push(self.bump().span);
        }
        self.expect_semi();
        Decl::Pragma(PragmaDecl { words, span: self.span_from(start) })
    }

    pub(super) fn string_lit(&mut self, what: &str) -> Option<StringLit> {
        match self.kind() {
            TokenKind::String | TokenKind::LongString => {
                let t = self.bump();
                Some(self.decode_string_token(t))
            }
            TokenKind::UnterminatedString => {
                let t = self.bump();
                self.report_unterminated(t.span);
                None
            }
            _ => {
                self.error_expected(what);
                None
            }
        }
    }
}
