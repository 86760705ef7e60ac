//! Exit codes of rotaplan's commands (README, "Commands and exit codes"), and the one place an
//! [`Error`] becomes one.

use crate::base::{progress, Error};

pub const OK: i32 = 0;
pub const OTHER: i32 = 1;
pub const INPUT: i32 = 2;
pub const INFEASIBLE: i32 = 3;
pub const NO_SOLUTION: i32 = 4;

/// The exit code of an error: the one place errors become numbers.
pub fn exit_code(e: &Error) -> i32 {
    match e {
        Error::Input(_) => INPUT,
        Error::Infeasible(_) => INFEASIBLE,
        Error::NoPlan(_) => NO_SOLUTION,
        Error::Interrupted | Error::Other(_) => OTHER,
    }
}

/// Reports a failed run on stderr (as a JSON `error` event with `--log-format json`); returns
/// its exit code.
pub fn fail(e: &Error) -> i32 {
    let code = exit_code(e);
    progress::error(&e.to_string(), code);
    code
}
