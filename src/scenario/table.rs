//! Reading one CSV table the way spreadsheets save them (docs/inputs.md–6.5).
//!
//! Every cell-level rule lives here, once: BOM, `;` files, trimming, short rows, cells beyond the
//! header, decimal commas, finite numbers, whole numbers, ISO dates and booleans. Callers get typed
//! values or `None`, and every problem lands in [`Diags`] with file, line and column.

use crate::base::diag::Diags;
pub use crate::base::text::parse_number;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::Path;

/// One data row: its 1-based line number in the file (header = line 1) and its trimmed cells.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

/// A table read from disk: header names and rows, with columns looked up by name.
#[derive(Debug, Clone)]
pub struct Table {
    pub file: String,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
    index: HashMap<String, usize>,
}

/// The separator decided from the first line: `;` when it holds a `;` and no `,`.
pub fn detect_separator(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    if first.contains(';') && !first.contains(',') {
        b';'
    } else {
        b','
    }
}

/// Decodes UTF-8 (dropping a BOM) or names the line of the first invalid byte.
pub fn decode_utf8(bytes: &[u8]) -> Result<&str, usize> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            Err(line)
        }
    }
}

/// True when a cell looks like a number written with a decimal comma (`1,5`, `1.234,5`).
pub fn looks_like_decimal_comma(cell: &str) -> bool {
    let s = cell.trim().trim_start_matches(['+', '-']);
    let Some((int, frac)) = s.rsplit_once(',') else {
        return false;
    };
    !int.is_empty()
        && !frac.is_empty()
        && frac.chars().all(|c| c.is_ascii_digit())
        && int.chars().all(|c| c.is_ascii_digit() || c == '.')
        && int.starts_with(|c: char| c.is_ascii_digit())
}

/// Parses a `YYYY-MM-DD` date, strictly (two-digit month and day).
pub fn parse_date(cell: &str) -> Option<NaiveDate> {
    let b = cell.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    NaiveDate::parse_from_str(cell, "%Y-%m-%d").ok()
}

/// Line numbers of byte offsets, counted the way an editor shows them: `\n`, `\r\n` and a lone
/// `\r` each end a line. (The csv crate's own line count is one short after `\r\n` endings: it
/// places a record's start before the `\n` of the previous line's ending.)
struct LineCounter<'t> {
    text: &'t [u8],
    pos: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            pos: 0,
            line: 1,
        }
    }

    /// The line where the record starting at `byte` begins: line endings at `byte` belong to
    /// the previous line. Offsets must not decrease from one call to the next.
    fn line_at(&mut self, byte: usize) -> usize {
        let mut end = byte.min(self.text.len());
        while end < self.text.len() && matches!(self.text[end], b'\r' | b'\n') {
            end += 1;
        }
        while self.pos < end {
            let b = self.text[self.pos];
            if b == b'\n' || (b == b'\r' && self.text.get(self.pos + 1) != Some(&b'\n')) {
                self.line += 1;
            }
            self.pos += 1;
        }
        self.line
    }
}

impl Table {
    /// Reads `dir/file`. Returns `None` (with the reason in `diags`) when the file is absent,
    /// unreadable, or lacks a required column; rows are still checked for width.
    pub fn load(
        dir: &Path,
        file: &str,
        required: &[&str],
        optional: &[&str],
        diags: &mut Diags,
    ) -> Option<Table> {
        let path = dir.join(file);
        let bytes = match crate::base::inputlimits::read_capped(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                diags.error(file, None, None, "required file is missing");
                return None;
            }
            Err(e) => {
                diags.error(file, None, None, format!("cannot read: {e}"));
                return None;
            }
        };
        Self::parse(file, &bytes, required, optional, diags)
    }

    /// Parses the bytes of a table; `file` is the name used in messages.
    pub fn parse(
        file: &str,
        bytes: &[u8],
        required: &[&str],
        optional: &[&str],
        diags: &mut Diags,
    ) -> Option<Table> {
        let text = match decode_utf8(bytes) {
            Ok(t) => t,
            Err(line) => {
                diags.error(
                    file,
                    Some(line),
                    None,
                    "invalid UTF-8 (save the file as UTF-8)",
                );
                return None;
            }
        };
        if let Some(line) = crate::base::inputlimits::first_long_line(
            text.as_bytes(),
            crate::base::inputlimits::MAX_LINE_BYTES,
        ) {
            let max =
                crate::base::inputlimits::human(crate::base::inputlimits::MAX_LINE_BYTES as u64);
            diags.error(
                file,
                Some(line),
                None,
                format!("line longer than {max}: not a table row"),
            );
            return None;
        }
        let sep = detect_separator(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(sep)
            .from_reader(text.as_bytes());
        let mut headers: Option<(usize, Vec<String>)> = None;
        let mut rows = Vec::new();
        let mut lines = LineCounter::new(text);
        let mut cells_read = 0;
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map(|p| lines.line_at(p.byte() as usize));
                    diags.error(file, line, None, format!("malformed CSV: {e}"));
                    return None;
                }
            };
            let line = record
                .position()
                .map_or(0, |p| lines.line_at(p.byte() as usize));
            if let Some(why) =
                crate::base::inputlimits::table_too_big(rows.len(), &mut cells_read, record.len())
            {
                diags.error(file, Some(line), None, why);
                return None;
            }
            let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
            if cells.iter().all(String::is_empty) {
                continue; // blank line, or a spreadsheet row of empty cells
            }
            if headers.is_none() {
                headers = Some((line, cells));
            } else {
                rows.push(Row { line, cells });
            }
        }
        let Some((header_line, mut headers)) = headers else {
            diags.error(
                file,
                Some(1),
                None,
                "file is empty: a header row is required",
            );
            return None;
        };
        // Spreadsheets save their used range: trailing separators on the header are not columns.
        while headers.last().is_some_and(String::is_empty) {
            headers.pop();
        }
        let mut index = HashMap::new();
        let mut ok = true;
        for (i, h) in headers.iter().enumerate() {
            if h.is_empty() {
                // A column without a name is an extra column like any other: its cells are ignored.
                diags.warn(
                    file,
                    Some(header_line),
                    None,
                    format!("header cell {} is blank: that column is ignored", i + 1),
                );
            } else if index.insert(h.clone(), i).is_some() {
                diags.error(
                    file,
                    Some(header_line),
                    Some(h),
                    "duplicate column in the header",
                );
                ok = false;
            } else if !required.contains(&h.as_str()) && !optional.contains(&h.as_str()) {
                diags.warn(file, Some(header_line), Some(h), "unknown column, ignored");
            }
        }
        for r in required {
            if !index.contains_key(*r) {
                diags.error(
                    file,
                    Some(header_line),
                    Some(r),
                    "required column is missing",
                );
                ok = false;
            }
        }
        let width = headers.len();
        let mut kept = Vec::with_capacity(rows.len());
        for mut row in rows {
            let extra: Vec<&String> = row
                .cells
                .iter()
                .skip(width)
                .filter(|c| !c.is_empty())
                .collect();
            if !extra.is_empty() {
                let mut msg = format!(
                    "{} cell(s) beyond the {} header columns",
                    row.cells.len() - width,
                    width
                );
                if sep == b','
                    && row
                        .cells
                        .iter()
                        .any(|c| c.chars().all(|ch| ch.is_ascii_digit()) && !c.is_empty())
                {
                    msg.push_str(" (a number with a decimal comma? use `.` as the decimal point)");
                }
                diags.error(file, Some(row.line), None, msg);
                continue;
            }
            row.cells.resize(width, String::new());
            kept.push(row);
        }
        if !ok {
            return None;
        }
        Some(Table {
            file: file.to_string(),
            headers,
            rows: kept,
            index,
        })
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    /// The trimmed cell, or `None` when blank or when the column is absent.
    pub fn get<'r>(&self, row: &'r Row, col: &str) -> Option<&'r str> {
        let i = *self.index.get(col)?;
        let c = row.cells.get(i)?;
        (!c.is_empty()).then_some(c.as_str())
    }

    /// A required text cell; an error when blank.
    pub fn text(&self, row: &Row, col: &str, d: &mut Diags) -> Option<String> {
        match self.get(row, col) {
            Some(s) => Some(s.to_string()),
            None => {
                d.error(&self.file, Some(row.line), Some(col), "a value is required");
                None
            }
        }
    }

    /// A code cell (nation, site, …): required, `*` is refused (it is the wildcard), and only the
    /// safe alphabet of [`crate::base::cellsafe::code_problem`] is accepted.
    pub fn code(&self, row: &Row, col: &str, d: &mut Diags) -> Option<String> {
        let s = self.text(row, col, d)?;
        if s == "*" {
            d.error(
                &self.file,
                Some(row.line),
                Some(col),
                "`*` is not a valid code here",
            );
            return None;
        }
        if let Some(problem) = crate::base::cellsafe::code_problem(&s) {
            d.error(&self.file, Some(row.line), Some(col), problem);
            return None;
        }
        Some(s)
    }

    /// An optional number; `Ok(None)` when blank, `Err(())` (already reported) when malformed
    /// or below `min`.
    pub fn opt_num(
        &self,
        row: &Row,
        col: &str,
        min: f64,
        d: &mut Diags,
    ) -> Result<Option<f64>, ()> {
        let Some(s) = self.get(row, col) else {
            return Ok(None);
        };
        match parse_number(s) {
            Some(v) if v >= min => Ok(Some(v)),
            Some(v) => {
                d.error(
                    &self.file,
                    Some(row.line),
                    Some(col),
                    format!("must be ≥ {min}, got {v}"),
                );
                Err(())
            }
            None if looks_like_decimal_comma(s) => {
                d.error(
                    &self.file,
                    Some(row.line),
                    Some(col),
                    format!("`{s}` uses a decimal comma; write the number with `.` as the decimal point"),
                );
                Err(())
            }
            None => {
                d.error(
                    &self.file,
                    Some(row.line),
                    Some(col),
                    format!("expected a number, got `{s}`"),
                );
                Err(())
            }
        }
    }

    /// A required number ≥ `min`.
    pub fn num(&self, row: &Row, col: &str, min: f64, d: &mut Diags) -> Option<f64> {
        match self.opt_num(row, col, min, d) {
            Ok(Some(v)) => Some(v),
            Ok(None) => {
                d.error(
                    &self.file,
                    Some(row.line),
                    Some(col),
                    "a number is required",
                );
                None
            }
            Err(()) => None,
        }
    }

    /// A number with a default when blank.
    pub fn num_or(
        &self,
        row: &Row,
        col: &str,
        default: f64,
        min: f64,
        d: &mut Diags,
    ) -> Option<f64> {
        self.opt_num(row, col, min, d)
            .ok()
            .map(|v| v.unwrap_or(default))
    }

    /// An optional whole number ≥ `min` (a zero fraction such as `3.0` is accepted).
    pub fn opt_whole(
        &self,
        row: &Row,
        col: &str,
        min: u64,
        d: &mut Diags,
    ) -> Result<Option<u64>, ()> {
        match self.opt_num(row, col, min as f64, d)? {
            None => Ok(None),
            Some(v) if v.fract() != 0.0 => {
                d.error(
                    &self.file,
                    Some(row.line),
                    Some(col),
                    format!("expected a whole number, got {v}"),
                );
                Err(())
            }
            Some(v) if v > 4.0e15 => {
                let cell = self.get(row, col).unwrap_or_default();
                d.error(
                    &self.file,
                    Some(row.line),
                    Some(col),
                    format!("`{cell}` is too large"),
                );
                Err(())
            }
            Some(v) => Ok(Some(v as u64)),
        }
    }

    /// A required whole number ≥ `min`.
    pub fn whole(&self, row: &Row, col: &str, min: u64, d: &mut Diags) -> Option<u64> {
        match self.opt_whole(row, col, min, d) {
            Ok(Some(v)) => Some(v),
            Ok(None) => {
                d.error(
                    &self.file,
                    Some(row.line),
                    Some(col),
                    "a whole number is required",
                );
                None
            }
            Err(()) => None,
        }
    }

    /// An optional `YYYY-MM-DD` date.
    pub fn opt_date(&self, row: &Row, col: &str, d: &mut Diags) -> Result<Option<NaiveDate>, ()> {
        let Some(s) = self.get(row, col) else {
            return Ok(None);
        };
        match parse_date(s) {
            Some(v) => Ok(Some(v)),
            None => {
                d.error(
                    &self.file,
                    Some(row.line),
                    Some(col),
                    format!("expected a date YYYY-MM-DD, got `{s}`"),
                );
                Err(())
            }
        }
    }

    /// A required date.
    pub fn date(&self, row: &Row, col: &str, d: &mut Diags) -> Option<NaiveDate> {
        match self.opt_date(row, col, d) {
            Ok(Some(v)) => Some(v),
            Ok(None) => {
                d.error(
                    &self.file,
                    Some(row.line),
                    Some(col),
                    "a date YYYY-MM-DD is required",
                );
                None
            }
            Err(()) => None,
        }
    }

    /// An optional boolean, `true`/`false` in any case.
    pub fn opt_bool(&self, row: &Row, col: &str, d: &mut Diags) -> Result<Option<bool>, ()> {
        let Some(s) = self.get(row, col) else {
            return Ok(None);
        };
        match s.to_ascii_lowercase().as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            _ => {
                d.error(
                    &self.file,
                    Some(row.line),
                    Some(col),
                    format!("expected true or false, got `{s}`"),
                );
                Err(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_finite_decimals() {
        assert_eq!(parse_number("3"), Some(3.0));
        assert_eq!(parse_number("-2.5e3"), Some(-2500.0));
        assert_eq!(parse_number(".5"), Some(0.5));
        assert_eq!(parse_number("5."), Some(5.0));
        for bad in [
            "inf", "nan", "NaN", "infinity", "1,5", "", "e5", "1e", "0x10", "1.2.3", "--1",
        ] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn decimal_commas_are_recognised() {
        assert!(looks_like_decimal_comma("1,5"));
        assert!(looks_like_decimal_comma("1.234,5"));
        assert!(!looks_like_decimal_comma("abc,5"));
        assert!(!looks_like_decimal_comma("15"));
    }

    #[test]
    fn dates_are_strict_iso() {
        assert!(parse_date("2027-01-04").is_some());
        assert!(parse_date("2027-1-4").is_none());
        assert!(parse_date("2027-02-30").is_none());
        assert!(parse_date("04/01/2027").is_none());
    }

    #[test]
    fn bom_semicolons_short_rows_and_extra_cells() {
        let mut d = Diags::default();
        let src = "\u{feff}a;b;c\r\n1;2\r\n\r\n;;\r\n4;5;6;7\r\n";
        let t = Table::parse("t.csv", src.as_bytes(), &["a", "b"], &["c"], &mut d).unwrap();
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].line, 2);
        assert_eq!(t.get(&t.rows[0], "c"), None);
        let errs: Vec<String> = d.errors().map(|e| e.to_string()).collect();
        assert_eq!(errs.len(), 1);
        assert!(errs[0].starts_with("t.csv:5: "), "{errs:?}");
    }

    #[test]
    fn header_problems() {
        let mut d = Diags::default();
        assert!(Table::parse("t.csv", b"a,a\n1,2\n", &["a"], &[], &mut d).is_none());
        assert!(d
            .errors()
            .any(|e| e.to_string() == "t.csv:1: a: duplicate column in the header"));
        let mut d = Diags::default();
        assert!(Table::parse("t.csv", b"a,x\n1,2\n", &["a", "b"], &[], &mut d).is_none());
        assert!(d
            .errors()
            .any(|e| e.to_string() == "t.csv:1: b: required column is missing"));
        assert!(d
            .warnings()
            .any(|e| e.to_string().contains("x: warning: unknown column")));
    }

    #[test]
    fn line_numbers_with_any_line_ending() {
        for nl in ["\n", "\r\n", "\r"] {
            let src = ["h", "a", "", "b", "\"c", "d\"", "e"].join(nl) + nl;
            let mut d = Diags::default();
            let t = Table::parse("t.csv", src.as_bytes(), &["h"], &[], &mut d).unwrap();
            let lines: Vec<usize> = t.rows.iter().map(|r| r.line).collect();
            assert_eq!(lines, [2, 4, 5, 7], "line ending {nl:?}");
        }
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let mut d = Diags::default();
        assert!(Table::parse("t.csv", b"a\n1\n\xff\n", &["a"], &[], &mut d).is_none());
        assert_eq!(d.items[0].line, Some(3));
    }
}
