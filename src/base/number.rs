//! Reading a number as a person typed it into a cell: the one parser the CSV reader and the
//! output's formula guard share, so "is this a number?" has one answer everywhere.

/// Parses a finite decimal with an optional exponent; `inf`, `nan`, hex and the like are refused.
pub fn parse_number(cell: &str) -> Option<f64> {
    let s = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return None;
    }
    if let Some(e) = exponent {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        if e.is_empty() || !digits(e) {
            return None;
        }
    }
    cell.parse::<f64>().ok().filter(|v| v.is_finite())
}
