//! `rotaplan generate OUT`: a synthetic scenario of any size, for benchmarks.

use super::exit;
use crate::generate::{generate, validate_params, GenParams};
use std::path::Path;

pub fn run(out: &Path, p: &GenParams) -> i32 {
    let done = validate_params(p)
        .map_err(|e| (exit::INPUT, e))
        .and_then(|_| {
            generate(out, p)
                .map_err(|e| (exit::OTHER, format!("cannot write {}: {e}", out.display())))
        });
    match done {
        Ok(()) => {
            println!("scenario written to {}", out.display());
            exit::OK
        }
        Err((code, msg)) => {
            eprintln!("rotaplan generate: {msg}");
            code
        }
    }
}
