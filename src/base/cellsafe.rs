//! Keeping text from scenario files from running as a formula when a plan is opened in a
//! spreadsheet (the "CSV injection" class): see docs/inputs-safety.md.
//!
//! Spreadsheets treat a cell that starts with `=`, `+`, `-` or `@` as a formula (and some do
//! so after a leading tab or carriage return), even inside CSV quotes. A formula such as
//! `=cmd|' /C calc'!A1` can run a command or send the sheet's data away. Codes are held to a
//! safe alphabet when a scenario is loaded; every other text cell is neutralised here, once,
//! by the CSV writer.

use super::number::parse_number;
use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula when they come first.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as it may be written to a CSV file that a person opens in a spreadsheet.
///
/// A number (`-5`, `+2.5`, `-1e3`) is left alone so it stays a number. Any other cell that
/// starts with a formula character gets a leading `'`, which spreadsheets show as text and never
/// evaluate; the rest of the text is kept as it was, so a reader still sees what was written.
/// The rule is idempotent: a cell already starting with `'` is left alone.
pub fn safe_cell(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_START) && parse_number(cell).is_none() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Longest code accepted: codes become parts of directory names (batch variants), which must
/// stay under the 255-byte file-name limit of common file systems with room for a prefix.
pub const CODE_MAX_LEN: usize = 200;

/// Why `code` is not a valid code (nation, unit type, role, site, zone, node, commodity), if it
/// is not: ASCII letters, digits, `_`, `-`, `.` and `~`, starting with a letter or digit, at
/// most [`CODE_MAX_LEN`] characters.
///
/// ASCII only, because two codes that look the same (a Latin `A` and a Cyrillic `А`) must not
/// be two different nations; no `/`, spaces or quotes, because codes name directories of batch
/// variants and are joined with `/` and `-` in keys and unit names. `~` is allowed because the
/// relay nodes `batch` adds to close an arc for part of the horizon are named `FROM~TO~MODE~k`.
pub fn code_problem(code: &str) -> Option<String> {
    let shown = |s: &str| s.escape_debug().take(80).collect::<String>();
    if code.chars().count() > CODE_MAX_LEN {
        return Some(format!(
            "`{}…` is longer than {CODE_MAX_LEN} characters",
            shown(&code.chars().take(20).collect::<String>())
        ));
    }
    if let Some(c) = code
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '~')))
    {
        return Some(format!(
            "`{}` is not a valid code: `{}` is not allowed (use letters A-Z, digits, `_`, `-`, `.` and `~`)",
            shown(code),
            c.escape_debug()
        ));
    }
    if !code.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Some(format!(
            "`{}` is not a valid code: it must start with a letter or a digit",
            shown(code)
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised_and_numbers_kept() {
        for hostile in [
            "=cmd|' /C calc'!A1",
            "+1+1",
            "-1+cmd",
            "@SUM(A1)",
            "\tx",
            "\r=1",
        ] {
            let safe = safe_cell(hostile);
            assert_eq!(safe, format!("'{hostile}"), "{hostile:?}");
        }
        for number in ["-5", "+2.5", "-1e3", "-0.001", "12"] {
            assert_eq!(safe_cell(number), number);
        }
        for plain in [
            "Lviv",
            "ua-lviv",
            "'=already",
            "",
            "United Kingdom",
            "2027-01-04",
        ] {
            assert_eq!(safe_cell(plain), plain);
        }
        // Applying the rule twice changes nothing more.
        assert_eq!(safe_cell(&safe_cell("=x")), "'=x");
    }

    #[test]
    fn code_alphabet() {
        for ok in [
            "GBR",
            "ua-lviv",
            "mech_bn",
            "UA.west",
            "1st",
            "a",
            "D~N~road~2",
        ] {
            assert_eq!(code_problem(ok), None, "{ok}");
        }
        for bad in [
            "=cmd|calc",
            "+GBR",
            "-GBR",
            "@GBR",
            "_x",
            ".x",
            "a b",
            "a/b",
            "Аrmy",
            "x\ty",
            "a\"b",
        ] {
            assert!(code_problem(bad).is_some(), "{bad:?}");
        }
        assert_eq!(code_problem(&"a".repeat(CODE_MAX_LEN)), None);
        assert!(code_problem(&"a".repeat(CODE_MAX_LEN + 1)).is_some());
    }
}
