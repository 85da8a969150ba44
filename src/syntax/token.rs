//! Token kinds (a `logos` lexer) and token sets.
//!
//! Keywords are contextual: `set`, `error`, `synthetic`, `true` ... lex as [`TokenKind::Ident`]
//! and the parser decides by position, because the same words appear inside header names
//! and as director types. Trivia (whitespace, comments, `#FASTLY` macro lines) are real
//! tokens so the formatter keeps every comment.

use logos::{Lexer, Logos};

#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum TokenKind {
    #[regex(r"[ \t\r\n\f\v]+")]
    Whitespace,
    /// `#FASTLY recv` (any case): replaced by generated code. Classified by the lexer
    /// driver from a line comment.
    Macro,
    #[regex(r"#[^\n]*", allow_greedy = true)]
    #[regex(r"//[^\n]*", allow_greedy = true)]
    LineComment,
    #[token("/*", block_comment)]
    BlockComment,

    /// `"..."` with `%xx` escapes.
    #[regex(r#""[^"\n]*""#)]
    String,
    /// A `"` string with no closing quote on its line.
    #[regex(r#""[^"\n]*"#)]
    UnterminatedString,
    /// `{"..."}` or `{DELIM"..."DELIM}`.
    #[regex(r#"\{[A-Za-z0-9_]*""#, long_string)]
    LongString,

    /// Decimal or hex integer.
    #[regex(r"[0-9]+|0[xX][0-9A-Fa-f]+")]
    Integer,
    #[regex(r"[0-9]+\.[0-9]+([eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+|0[xX][0-9A-Fa-f]*\.[0-9A-Fa-f]+([pP][+-]?[0-9]+)?|0[xX][0-9A-Fa-f]+[pP][+-]?[0-9]+")]
    Float,
    /// A number followed by a unit (`10s`, `1.5h`, `5 m`); merged by the lexer driver.
    Rtime,

    /// Identifiers, dotted variable names, header names with `-`, subfields after `:`,
    /// and a trailing `*` wildcard (`req.http.X-*`). A goto label lexes as `name:`.
    #[regex(r"[A-Za-z_][A-Za-z0-9_.\-]*(:[A-Za-z0-9_.\-]*)?\*?")]
    Ident,

    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token(";")]
    Semi,
    #[token(",")]
    Comma,
    #[token(".")]
    Dot,
    #[token(":")]
    Colon,
    #[token("/")]
    Slash,
    #[token("*")]
    Star,

    #[token("=")]
    Assign,
    #[token("+=")]
    AddAssign,
    #[token("-=")]
    SubAssign,
    #[token("*=")]
    MulAssign,
    #[token("/=")]
    DivAssign,
    #[token("%=")]
    RemAssign,
    #[token("|=")]
    BitOrAssign,
    #[token("&=")]
    BitAndAssign,
    #[token("^=")]
    BitXorAssign,
    #[token("<<=")]
    ShlAssign,
    #[token(">>=")]
    ShrAssign,
    #[token("rol=")]
    RolAssign,
    #[token("ror=")]
    RorAssign,
    #[token("&&=")]
    AndAssign,
    #[token("||=")]
    OrAssign,

    #[token("==")]
    Eq,
    #[token("!=")]
    Ne,
    #[token("<")]
    Lt,
    #[token(">")]
    Gt,
    #[token("<=")]
    Le,
    #[token(">=")]
    Ge,
    #[token("~")]
    Match,
    #[token("!~")]
    NotMatch,
    #[token("!")]
    Bang,
    #[token("&&")]
    AndAnd,
    #[token("||")]
    OrOr,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("++")]
    Increment,
    #[token("--")]
    Decrement,
    #[token("%")]
    Percent,

    /// Bytes that start no token (and invalid UTF-8, see `SourceFile`).
    Error,
    /// The end of input; never produced by logos, appended by the lexer.
    Eof,
}

impl TokenKind {
    pub fn is_trivia(self) -> bool {
        matches!(self, TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment | TokenKind::Macro)
    }

    pub fn is_comment(self) -> bool {
        matches!(self, TokenKind::LineComment | TokenKind::BlockComment | TokenKind::Macro)
    }

    /// How the token reads in "expected X, found Y" messages.
    pub fn describe(self) -> &'static str {
        use TokenKind::*;
        match self {
            Whitespace => "whitespace",
            Macro => "`#FASTLY` macro",
            LineComment | BlockComment => "comment",
            String | LongString => "string",
            UnterminatedString => "unterminated string",
            Integer => "integer",
            Float => "float",
            Rtime => "duration",
            Ident => "identifier",
            LBrace => "`{`",
            RBrace => "`}`",
            LParen => "`(`",
            RParen => "`)`",
            LBracket => "`[`",
            RBracket => "`]`",
            Semi => "`;`",
            Comma => "`,`",
            Dot => "`.`",
            Colon => "`:`",
            Slash => "`/`",
            Star => "`*`",
            Assign => "`=`",
            AddAssign => "`+=`",
            SubAssign => "`-=`",
            MulAssign => "`*=`",
            DivAssign => "`/=`",
            RemAssign => "`%=`",
            BitOrAssign => "`|=`",
            BitAndAssign => "`&=`",
            BitXorAssign => "`^=`",
            ShlAssign => "`<<=`",
            ShrAssign => "`>>=`",
            RolAssign => "`rol=`",
            RorAssign => "`ror=`",
            AndAssign => "`&&=`",
            OrAssign => "`||=`",
            Eq => "`==`",
            Ne => "`!=`",
            Lt => "`<`",
            Gt => "`>`",
            Le => "`<=`",
            Ge => "`>=`",
            Match => "`~`",
            NotMatch => "`!~`",
            Bang => "`!`",
            AndAnd => "`&&`",
            OrOr => "`||`",
            Plus => "`+`",
            Minus => "`-`",
            Increment => "`++`",
            Decrement => "`--`",
            Percent => "`%`",
            Error => "invalid input",
            Eof => "end of file",
        }
    }

    pub fn is_assign_op(self) -> bool {
        use TokenKind::*;
        matches!(
            self,
            Assign
                | AddAssign
                | SubAssign
                | MulAssign
                | DivAssign
                | RemAssign
                | BitOrAssign
                | BitAndAssign
                | BitXorAssign
                | ShlAssign
                | ShrAssign
                | RolAssign
                | RorAssign
                | AndAssign
                | OrAssign
        )
    }

    /// Every kind, for property tests that build token soup.
    pub const ALL: &'static [TokenKind] = {
        use TokenKind::*;
        &[
            Whitespace,
            Macro,
            LineComment,
            BlockComment,
            String,
            UnterminatedString,
            LongString,
            Integer,
            Float,
            Rtime,
            Ident,
            LBrace,
            RBrace,
            LParen,
            RParen,
            LBracket,
            RBracket,
            Semi,
            Comma,
            Dot,
            Colon,
            Slash,
            Star,
            Assign,
            AddAssign,
            SubAssign,
            MulAssign,
            DivAssign,
            RemAssign,
            BitOrAssign,
            BitAndAssign,
            BitXorAssign,
            ShlAssign,
            ShrAssign,
            RolAssign,
            RorAssign,
            AndAssign,
            OrAssign,
            Eq,
            Ne,
            Lt,
            Gt,
            Le,
            Ge,
            Match,
            NotMatch,
            Bang,
            AndAnd,
            OrOr,
            Plus,
            Minus,
            Increment,
            Decrement,
            Percent,
            Error,
            Eof,
        ]
    };
}

/// The callbacks' verdict when a construct is not closed: the token becomes an error
/// covering the rest of the input, so the lexer still tiles every byte.
fn unterminated(lex: &mut Lexer<'_, TokenKind>) -> logos::Filter<()> {
    let rest = lex.remainder().len();
    lex.bump(rest);
    logos::Filter::Emit(())
}

fn block_comment(lex: &mut Lexer<'_, TokenKind>) -> logos::Filter<()> {
    match lex.remainder().find("*/") {
        Some(end) => {
            lex.bump(end + 2);
            logos::Filter::Emit(())
        }
        None => unterminated(lex),
    }
}

/// After `{DELIM"`, scan to the first `"DELIM}`.
fn long_string(lex: &mut Lexer<'_, TokenKind>) -> logos::Filter<()> {
    let slice = lex.slice();
    let delim = &slice[1..slice.len() - 1];
    let close = format!("\"{delim}}}");
    match lex.remainder().find(&close) {
        Some(end) => {
            lex.bump(end + close.len());
            logos::Filter::Emit(())
        }
        None => unterminated(lex),
    }
}
