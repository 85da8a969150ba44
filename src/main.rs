use std::process::ExitCode;

fn main() -> ExitCode {
    lacquer::cli::run()
}
