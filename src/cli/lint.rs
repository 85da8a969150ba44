//! `lacquer lint`.
use std::process::ExitCode;

pub fn run(_args: super::LintArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not supported yet: lint")
}
