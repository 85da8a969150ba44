//! Syntax: source files to a typed tree with exact spans.
//!
//! Architecture Invariant: no IO, never panics on any input, and every function returns
//! its tree together with the diagnostics it found; a file with ten mistakes gets ten
//! diagnostics and a tree for the rest.

pub mod ast;
pub mod lexer;
pub mod parser;
pub mod span;
pub mod token;
pub mod visit;

pub use lexer::{lex, Token};
pub use parser::{parse_file, parse_statements, Parsed};
pub use span::{FileId, SourceFile, SourceMap, Span};
pub use token::TokenKind;
