//! lacquer: a self-hosted edge delivery engine that runs Fastly's dialect of VCL.
//!
//! The pipeline, in module order:
//! - [`syntax`]: bytes to tokens (logos) to a typed tree with exact spans, resiliently;
//! - [`assemble`]: includes resolved, snippets placed, duplicate `vcl_*` subroutines joined;
//! - [`catalog`]: every Fastly variable and function, with types and scopes;
//! - [`check`]: names, types, scopes, return actions, regexes and limits;
//! - [`lint`]: style and correctness rules over the checked tree;
//! - [`fmt`]: the canonical printer;
//! - [`diag`]: diagnostics and their renderings;
//! - [`testing`]: `lacquer test`, falco-compatible unit tests;
//! - [`cli`]: the `lacquer` command.

pub mod analysis;
pub mod assemble;
pub mod backend;
pub mod cache;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod diag;
pub mod fmt;
pub mod interp;
pub mod ir;
pub mod lint;
pub mod proxy;
pub mod syntax;
pub mod testing;
