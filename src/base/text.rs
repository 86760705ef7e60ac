//! Numbers and cells as people read them: CSV cells a spreadsheet opens as they are, and
//! figures for a terminal.

pub use super::number::parse_number;
use std::fmt::Write as _;

/// A number for CSV: at most 3 decimals, rounded half away from zero, trailing zeros trimmed.
///
/// Rounding works on the decimal text (to 6 places first), so 1.0005 becomes 1.001 as a person
/// would expect, not 1 as the binary value 1.000499999… would give.
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let micro = format!("{:.6}", v.abs());
    let (int, frac) = micro.split_once('.').unwrap_or((&micro, "0"));
    let digits: i128 = format!("{int}{frac:0<6}").parse().unwrap_or(0);
    let milli = (digits + 500) / 1000;
    if milli == 0 {
        return "0".to_string();
    }
    let (whole, part) = (milli / 1000, milli % 1000);
    let mut s = if v < 0.0 {
        format!("-{whole}")
    } else {
        whole.to_string()
    };
    if part != 0 {
        let p = format!("{part:03}");
        s.push('.');
        s.push_str(p.trim_end_matches('0'));
    }
    s
}

/// CSV rendering with RFC 4180 quoting where a cell needs it; a text cell that a spreadsheet
/// would read as a formula is neutralised ([`super::cellsafe::safe_cell`]).
#[derive(Default)]
pub struct Csv {
    pub text: String,
}

impl Csv {
    pub fn new(header: &[&str]) -> Csv {
        let mut c = Csv::default();
        c.row(header.iter().map(|s| s.to_string()));
        c
    }

    pub fn row(&mut self, cells: impl IntoIterator<Item = String>) {
        let mut first = true;
        for cell in cells {
            if !first {
                self.text.push(',');
            }
            first = false;
            let cell = super::cellsafe::safe_cell(&cell);
            if cell.contains([',', '"', '\n', '\r']) {
                let _ = write!(self.text, "\"{}\"", cell.replace('"', "\"\""));
            } else {
                self.text.push_str(&cell);
            }
        }
        self.text.push('\n');
    }
}

/// Rounds away binary noise (to 6 decimal places) so equal plans print equal JSON.
pub fn round9(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return 0.0;
    }
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// Thousands separators for readability on a terminal (CSV files never use them).
pub fn thousands(v: f64) -> String {
    let neg = v < 0.0;
    let s = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if neg && out != "0" {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_half_away_from_zero_and_trim() {
        assert_eq!(fmt_num(12.0), "12");
        assert_eq!(fmt_num(1.0005), "1.001");
        assert_eq!(fmt_num(-1.0005), "-1.001");
        assert_eq!(fmt_num(2.5), "2.5");
        assert_eq!(fmt_num(0.1 + 0.2), "0.3");
        assert_eq!(fmt_num(-0.0001), "0");
        assert_eq!(fmt_num(1234567.12345), "1234567.123");
        assert_eq!(fmt_num(0.9996), "1");
    }

    #[test]
    fn csv_quotes_only_when_needed() {
        let mut c = Csv::new(&["a", "b"]);
        c.row(["x,y".to_string(), "plain".to_string()]);
        assert_eq!(c.text, "a,b\n\"x,y\",plain\n");
    }
}
