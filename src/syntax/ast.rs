//! The typed syntax tree of Fastly VCL.
//!
//! Every node has a [`Span`] (global byte positions, see [`super::span`]). Recovered junk
//! is kept as `Error` nodes so later passes see a tree for everything else. Comments are
//! not in the tree: the formatter reads them from the token list by position.
//! Literals keep their decoded value; the source text is always `map.slice(span)`.

use super::span::Span;

/// One parsed file: its top-level declarations in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceUnit {
    pub decls: Vec<Decl>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Decl {
    Acl(AclDecl),
    Backend(BackendDecl),
    Director(DirectorDecl),
    Table(TableDecl),
    Sub(SubDecl),
    /// `penaltybox`, `ratecounter`, `counter` and `limiter`: a name and a property list.
    Object(ObjectDecl),
    Include(IncludeDecl),
    Import(ImportDecl),
    Pragma(PragmaDecl),
    /// The bare `C!` / `W!` lines of Fastly-generated VCL.
    Generated(GeneratedDecl),
    /// `describe NAME { ... }`: a group of tests (test files only).
    Describe(DescribeDecl),
    /// `before_recv { ... }` / `after_fetch { ... }`: a test hook inside `describe`.
    Hook(HookDecl),
    /// Tokens that start no declaration (already reported).
    Invalid(Span),
}

impl Decl {
    pub fn span(&self) -> Span {
        match self {
            Decl::Acl(d) => d.span,
            Decl::Backend(d) => d.span,
            Decl::Director(d) => d.span,
            Decl::Table(d) => d.span,
            Decl::Sub(d) => d.span,
            Decl::Object(d) => d.span,
            Decl::Include(d) => d.span,
            Decl::Import(d) => d.span,
            Decl::Pragma(d) => d.span,
            Decl::Generated(d) => d.span,
            Decl::Describe(d) => d.span,
            Decl::Hook(d) => d.span,
            Decl::Invalid(span) => *span,
        }
    }

    /// The declared name, for declarations that have one.
    pub fn name(&self) -> Option<&Ident> {
        match self {
            Decl::Acl(d) => Some(&d.name),
            Decl::Backend(d) => Some(&d.name),
            Decl::Director(d) => Some(&d.name),
            Decl::Table(d) => Some(&d.name),
            Decl::Sub(d) => Some(&d.name),
            Decl::Object(d) => Some(&d.name),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AclDecl {
    pub name: Ident,
    pub entries: Vec<AclEntry>,
    pub span: Span,
}

/// `[!] "192.0.2.0"[/24];`
#[derive(Debug, Clone, PartialEq)]
pub struct AclEntry {
    pub negated: bool,
    pub addr: StringLit,
    pub mask: Option<IntLit>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BackendDecl {
    pub name: Ident,
    pub props: Vec<Property>,
    pub span: Span,
}

/// `.name = value;` in a backend, probe, director or object body.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    pub name: Ident,
    pub value: PropValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PropValue {
    Expr(Expr),
    /// A nested block: `.probe = { .url = "/"; ... }`.
    Object(Vec<Property>, Span),
}

impl PropValue {
    pub fn span(&self) -> Span {
        match self {
            PropValue::Expr(e) => e.span,
            PropValue::Object(_, span) => *span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DirectorDecl {
    pub name: Ident,
    /// `random`, `hash`, `client`, `fallback`, `chash`, `shield`.
    pub kind: Ident,
    pub items: Vec<DirectorItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DirectorItem {
    Property(Property),
    /// `{ .backend = F_a; .weight = 1; }`
    Member(DirectorMember),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DirectorMember {
    pub props: Vec<Property>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableDecl {
    pub name: Ident,
    /// The value type (`STRING` when omitted).
    pub ty: Option<Ident>,
    pub entries: Vec<TableEntry>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableEntry {
    pub key: StringLit,
    pub value: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SubDecl {
    pub name: Ident,
    pub params: Vec<Param>,
    /// `sub f STRING { ... }`: a typed subroutine, used as an expression.
    pub return_type: Option<Ident>,
    pub body: Block,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub ty: Ident,
    pub name: Ident,
    pub span: Span,
}

/// `penaltybox NAME { }`, `ratecounter NAME { }`, `counter NAME { .type = ...; }`,
/// `limiter NAME { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectDecl {
    pub keyword: Ident,
    pub name: Ident,
    pub props: Vec<Property>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncludeDecl {
    pub path: StringLit,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportDecl {
    pub name: Ident,
    pub span: Span,
}

/// `pragma optional_param name value;`: kept as words.
#[derive(Debug, Clone, PartialEq)]
pub struct PragmaDecl {
    pub words: Vec<Span>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedDecl {
    /// `C` or `W`.
    pub letter: char,
    pub span: Span,
}

/// `describe NAME { sub test_x { ... } before_recv { ... } }` (falco's test syntax).
#[derive(Debug, Clone, PartialEq)]
pub struct DescribeDecl {
    pub name: Ident,
    /// Test subroutines and hooks, in order.
    pub items: Vec<Decl>,
    pub span: Span,
}

/// `before_<scope> { ... }` or `after_<scope> { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct HookDecl {
    pub name: Ident,
    pub body: Block,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// `set LHS OP EXPR;`
    Set {
        target: Variable,
        op: AssignOp,
        op_span: Span,
        value: Expr,
    },
    /// `unset LHS;` (or `remove LHS;`, Varnish's spelling).
    Unset {
        target: Variable,
        remove: bool,
    },
    /// `add obj.http.Name = EXPR;`
    Add {
        target: Variable,
        value: Expr,
    },
    /// `call NAME;` or `call NAME(args);`
    Call {
        name: Ident,
        args: Option<Vec<Expr>>,
    },
    /// `declare local var.NAME TYPE [= EXPR];`
    Declare {
        scope: DeclareScope,
        name: Ident,
        ty: Ident,
        init: Option<Expr>,
    },
    Return(Return),
    /// `error [STATUS [MESSAGE]];`
    Error {
        status: Option<Expr>,
        message: Option<Expr>,
    },
    Restart,
    Esi,
    /// `synthetic EXPR;` or `synthetic.base64 EXPR;`
    Synthetic {
        base64: bool,
        value: Expr,
    },
    Log(Expr),
    Goto(Ident),
    /// `name:` (the identifier excludes the colon).
    Label(Ident),
    If(IfStmt),
    Block(Block),
    /// A function call used as a statement (`header.set(req, "x", "y");`).
    Expr(Expr),
    Include(StringLit),
    /// `switch (EXPR) { case "a": ... break; default: ... }`: falco's extension.
    Switch {
        subject: Expr,
        cases: Vec<SwitchCase>,
    },
    Break,
    Fallthrough,
    /// Tokens that start no statement (already reported).
    Invalid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclareScope {
    Local,
    Block,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Return {
    /// `return;`
    Bare,
    /// `return(lookup);`
    Action(Ident),
    /// `return EXPR;` in a typed subroutine.
    Value(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub struct IfStmt {
    /// `if` then each `else if` / `elseif` / `elsif`, in order.
    pub branches: Vec<IfBranch>,
    pub else_block: Option<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IfBranch {
    pub cond: Expr,
    pub body: Block,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SwitchCase {
    /// `None` for `default:`.
    pub label: Option<Expr>,
    /// `case ~ "regex":` (the label is a regex the subject must match).
    pub regex: bool,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssignOp {
    Assign,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    BitOr,
    BitAnd,
    BitXor,
    Shl,
    Shr,
    Rol,
    Ror,
    And,
    Or,
}

impl AssignOp {
    pub fn as_str(self) -> &'static str {
        match self {
            AssignOp::Assign => "=",
            AssignOp::Add => "+=",
            AssignOp::Sub => "-=",
            AssignOp::Mul => "*=",
            AssignOp::Div => "/=",
            AssignOp::Rem => "%=",
            AssignOp::BitOr => "|=",
            AssignOp::BitAnd => "&=",
            AssignOp::BitXor => "^=",
            AssignOp::Shl => "<<=",
            AssignOp::Shr => ">>=",
            AssignOp::Rol => "rol=",
            AssignOp::Ror => "ror=",
            AssignOp::And => "&&=",
            AssignOp::Or => "||=",
        }
    }
}

/// A variable reference as written: `req.http.Cookie:session`, `var.x`, `req.http.X-*`.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    pub name: String,
    pub span: Span,
}

impl Variable {
    /// The part before a `:subfield`.
    pub fn base(&self) -> &str {
        self.name.split_once(':').map_or(&self.name, |(b, _)| b)
    }

    pub fn subfield(&self) -> Option<&str> {
        self.name.split_once(':').map(|(_, s)| s)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    /// A variable, or a bare name (backend, ACL, table, enum keyword) that the checker
    /// resolves by context.
    Var(Variable),
    /// `name(args)`: builtin functions, typed subroutines, and `if(c, a, b)`.
    Call {
        name: Ident,
        args: Vec<Expr>,
    },
    /// `( expr )`
    Paren(Box<Expr>),
    /// `!expr`
    Not(Box<Expr>),
    /// `a && b && c` or `a || b || c`, flat.
    Logical {
        op: LogicalOp,
        operands: Vec<Expr>,
    },
    /// `a == b`, `a ~ "re"`, ...
    Compare {
        op: CompareOp,
        op_span: Span,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// String concatenation by juxtaposition or `+`, and time arithmetic
    /// (`now + 1d`, `now - 1h`), flat. The first part has `Concat` as its separator.
    Concat(Vec<ConcatPart>),
    /// Recovered junk (already reported).
    Invalid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogicalOp {
    And,
    Or,
}

impl LogicalOp {
    pub fn as_str(self) -> &'static str {
        match self {
            LogicalOp::And => "&&",
            LogicalOp::Or => "||",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    Match,
    NotMatch,
}

impl CompareOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Gt => ">",
            CompareOp::Le => "<=",
            CompareOp::Ge => ">=",
            CompareOp::Match => "~",
            CompareOp::NotMatch => "!~",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConcatPart {
    pub sep: ConcatSep,
    pub expr: Expr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConcatSep {
    /// Juxtaposition (and the first part).
    Concat,
    Plus,
    Minus,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    String(StringLit),
    Integer(i64),
    Float(f64),
    /// Nanoseconds.
    Rtime(i64),
    Bool(bool),
    /// `50%` (director `.quorum`).
    Percent(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct StringLit {
    /// The decoded value: `%xx` escapes applied, cut at a NUL as Fastly does.
    pub value: String,
    pub long: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IntLit {
    pub value: i64,
    pub span: Span,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    /// The string literal, if this is one.
    pub fn as_string_lit(&self) -> Option<&StringLit> {
        match &self.kind {
            ExprKind::Literal(Literal::String(s)) => Some(s),
            _ => None,
        }
    }

    pub fn is_literal(&self) -> bool {
        matches!(self.kind, ExprKind::Literal(_))
    }
}
