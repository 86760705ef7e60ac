//! The rotaplan executable: everything is in the library's `cli` module.

fn main() -> std::process::ExitCode {
    rotaplan::cli::main()
}
