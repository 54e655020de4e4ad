//! `="…"` cells: the formula ACE and Excel write so that a value keeps its leading zeros
//! (`="0123"`, `="99030125"`, `="01"`). Every reader sees the value inside.

/// The value inside `="…"` (spaces around allowed), or the cell as it is. Called for every
/// cell read: a cell that cannot start the guard returns at once.
#[inline]
pub fn unwrap(cell: &[u8]) -> &[u8] {
    match cell.first() {
        Some(b'=' | b' ' | b'\t') => unwrap_guarded(cell),
        _ => cell,
    }
}

/// [`unwrap`] for a cell that starts like the guard.
fn unwrap_guarded(cell: &[u8]) -> &[u8] {
    let t = cell.trim_ascii();
    match t.strip_prefix(b"=") {
        Some(rest) => {
            let rest = rest.trim_ascii();
            match rest.strip_prefix(b"\"").and_then(|r| r.strip_suffix(b"\"")) {
                Some(inner) if !inner.contains(&b'"') => inner,
                _ => cell,
            }
        }
        None => cell,
    }
}

/// [`unwrap`] for text.
pub fn unwrap_str(cell: &str) -> &str {
    let inner = unwrap(cell.as_bytes());
    // `unwrap` cuts at ASCII bytes only, so the slice is on character boundaries.
    &cell[inner.as_ptr() as usize - cell.as_ptr() as usize..][..inner.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_inside_the_formula() {
        assert_eq!(unwrap(b"=\"99030125\""), b"99030125");
        assert_eq!(unwrap(b" = \"01\" "), b"01");
        assert_eq!(unwrap(b"=\"\""), b"");
        assert_eq!(unwrap(b"01"), b"01");
        // Not the guard: left as written.
        assert_eq!(unwrap(b"=SUM(A1)"), b"=SUM(A1)");
        assert_eq!(unwrap(b"=\"a\"\"b\""), b"=\"a\"\"b\"");
        assert_eq!(unwrap_str("=\"é1\""), "é1");
    }
}
