//! Problems found in a scenario, collected so `check` can report every one at once.
//!
//! Each problem is printed as `file:line: column: message` (docs/inputs.md, "Errors and warnings"); parts that do not apply
//! (a file-level problem has no line) are left out.

use std::fmt;

/// How bad a problem is: errors stop a solve, warnings are printed and the run goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, tied to the place in an input file a planner must open to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diag {
    pub severity: Severity,
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        write!(f, ": ")?;
        if let Some(c) = &self.column {
            write!(f, "{c}: ")?;
        }
        if self.severity == Severity::Warning {
            write!(f, "warning: ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// The list of problems found so far; loading goes on after an error so all are reported.
#[derive(Debug, Default, Clone)]
pub struct Diags {
    pub items: Vec<Diag>,
}

impl Diags {
    pub fn error(
        &mut self,
        file: &str,
        line: Option<usize>,
        column: Option<&str>,
        msg: impl Into<String>,
    ) {
        self.push(Severity::Error, file, line, column, msg.into());
    }

    pub fn warn(
        &mut self,
        file: &str,
        line: Option<usize>,
        column: Option<&str>,
        msg: impl Into<String>,
    ) {
        self.push(Severity::Warning, file, line, column, msg.into());
    }

    fn push(
        &mut self,
        severity: Severity,
        file: &str,
        line: Option<usize>,
        column: Option<&str>,
        message: String,
    ) {
        self.items.push(Diag {
            severity,
            file: file.to_string(),
            line,
            column: column.map(str::to_string),
            message,
        });
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diag> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diag> {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }

    pub fn extend(&mut self, other: Diags) {
        self.items.extend(other.items);
    }
}
