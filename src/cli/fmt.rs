//! `lacquer fmt`.
use std::process::ExitCode;

pub fn run(_args: super::FmtArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not supported yet: fmt")
}
