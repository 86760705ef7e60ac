//! The one error type of rotaplan's operations. Library code says *what* went wrong; only the
//! command line turns that into an exit code and terminal wording (`cli::exit_code`).

use std::fmt;

/// Why an operation produced no result.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The inputs are wrong: one problem per line, each as `file:line: column: message` where a
    /// place is known. Nothing was solved or written.
    Input(String),
    /// The model has no feasible point, or is unbounded: fixed inputs conflict with a hard limit.
    Infeasible(String),
    /// A limit (time, iterations) was reached before any plan was found (see [`Error::no_plan`]).
    NoPlan(String),
    /// A signal (SIGINT/SIGTERM) stopped the run before a plan was found.
    Interrupted,
    /// Anything else: the solver failed, a file could not be read or written.
    Other(String),
}

impl Error {
    /// A limit was reached before any plan was found; `why` names the limit.
    pub fn no_plan(why: impl fmt::Display) -> Error {
        Error::NoPlan(format!("no feasible plan found within the limits ({why})"))
    }

    /// The same kind of error with `context` said first (`context: message`) or, with a
    /// trailing `.`, as the sentence before it.
    pub fn context(self, context: impl fmt::Display) -> Error {
        let wrap = |m: String| format!("{context}: {m}");
        match self {
            Error::Input(m) => Error::Input(wrap(m)),
            Error::Infeasible(m) => Error::Infeasible(wrap(m)),
            Error::NoPlan(m) => Error::NoPlan(wrap(m)),
            Error::Interrupted => Error::Interrupted,
            Error::Other(m) => Error::Other(wrap(m)),
        }
    }

    /// The same kind of error with its message replaced by `f(message)`.
    pub fn map_message(self, f: impl FnOnce(String) -> String) -> Error {
        match self {
            Error::Input(m) => Error::Input(f(m)),
            Error::Infeasible(m) => Error::Infeasible(f(m)),
            Error::NoPlan(m) => Error::NoPlan(f(m)),
            Error::Interrupted => Error::Other(f(Error::Interrupted.to_string())),
            Error::Other(m) => Error::Other(f(m)),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(m) | Error::Infeasible(m) | Error::NoPlan(m) | Error::Other(m) => {
                f.write_str(m)
            }
            Error::Interrupted => f.write_str("interrupted by a signal before a plan was found"),
        }
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::Other(e.to_string())
    }
}
