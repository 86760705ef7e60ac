//! Bounds on what rotaplan reads, so that a huge or endless input file gives a clear error
//! instead of exhausting memory (docs/limits.md). The bounds sit far above any real scenario:
//! the largest shipped one has tables of a few hundred rows.

use std::io::Read;
use std::path::Path;

/// Largest input file read, in bytes (250 MB).
pub const MAX_FILE_BYTES: u64 = 250_000_000;
/// Longest line of a table, in bytes (1 MB): no real row comes near, and a message that
/// quotes a cell stays readable.
pub const MAX_LINE_BYTES: usize = 1_000_000;
/// Most data rows in one table.
pub const MAX_ROWS: usize = 1_000_000;
/// Most cells in one table, counted as read (a row of many empty cells counts them all).
pub const MAX_CELLS: usize = 10_000_000;

/// Reads a file of at most [`MAX_FILE_BYTES`]. A larger file — or an endless one such as a
/// device or a pipe — is refused after reading at most one byte past the bound.
pub fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    read_capped_at(path, MAX_FILE_BYTES)
}

/// [`read_capped`] with the bound given (tests use small ones).
pub fn read_capped_at(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let too_large = |size: String| {
        std::io::Error::other(format!(
            "the file is {size}, above the limit of {} per input file",
            human(cap)
        ))
    };
    if let Ok(m) = file.metadata() {
        if m.is_file() && m.len() > cap {
            return Err(too_large(human(m.len())));
        }
    }
    let mut bytes = Vec::new();
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_large(format!("more than {}", human(cap))));
    }
    Ok(bytes)
}

/// A size for messages: `1.0 GB`, `256.0 MB`, `12 bytes`.
pub fn human(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else if b >= 1e3 {
        format!("{:.1} kB", b / 1e3)
    } else {
        format!("{bytes} bytes")
    }
}

/// The first line longer than `max` bytes (its 1-based number), counting `\n`, `\r\n` and a
/// lone `\r` as line ends as editors do. A quoted cell may span lines; each line still counts.
pub fn first_long_line(bytes: &[u8], max: usize) -> Option<usize> {
    let mut line = 1;
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' | b'\r' => {
                if i - start > max {
                    return Some(line);
                }
                if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                line += 1;
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    (bytes.len() - start > max).then_some(line)
}

/// Why a table being read is too big, once `rows` data rows are kept and a record of `cells`
/// cells comes next; `cells_read` counts every cell so far (blank rows too), so the bound holds
/// before anything is kept.
pub fn table_too_big(rows: usize, cells_read: &mut usize, cells: usize) -> Option<String> {
    *cells_read += cells;
    if rows >= MAX_ROWS {
        return Some(format!(
            "more than {MAX_ROWS} rows: above the limit per table (split the scenario, or check that this is the right file)"
        ));
    }
    if *cells_read > MAX_CELLS {
        return Some(format!(
            "more than {MAX_CELLS} cells: above the limit per table (a row with thousands of separators?)"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_at_the_edge_of_the_bound() {
        // Line 2 is exactly 4 bytes: allowed; line 3 is 5 bytes: the first too long.
        assert_eq!(first_long_line(b"ab\nabcd\nabcde\n", 4), Some(3));
        assert_eq!(first_long_line(b"ab\r\nabcd\r\n", 4), None);
        assert_eq!(first_long_line(b"abcd\rabcde", 4), Some(2));
        assert_eq!(first_long_line(b"", 4), None);
    }

    #[test]
    fn files_at_the_edge_of_the_bound() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        std::fs::write(&p, vec![b'a'; 100]).unwrap();
        assert_eq!(read_capped_at(&p, 100).unwrap().len(), 100);
        let e = read_capped_at(&p, 99).unwrap_err().to_string();
        assert_eq!(
            e,
            "the file is 100 bytes, above the limit of 99 bytes per input file"
        );
        // An endless file is cut after the bound plus one byte.
        let e = read_capped_at(Path::new("/dev/zero"), 1000)
            .unwrap_err()
            .to_string();
        assert!(e.contains("more than 1.0 kB"), "{e}");
    }
}
