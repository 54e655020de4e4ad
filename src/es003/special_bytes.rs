//! Finding the bytes that matter to splitting CSV lines (the delimiter, line feeds,
//! carriage returns and quotes) 64 at a time: with SSE2 on x86_64, where this is the crate's
//! one `unsafe` block (a call the target always supports), and eight bytes at a time in a
//! machine word elsewhere.

/// A bit for each of the first 64 bytes of `bytes` (fewer at its end) that is the
/// delimiter, a line feed, a carriage return or a quote.
pub(super) fn special_bytes(bytes: &[u8], delimiter: u8) -> u64 {
    let mut padded = [0u8; 64];
    let (chunk, valid) = match bytes.first_chunk::<64>() {
        Some(chunk) => (chunk, u64::MAX),
        None => {
            padded[..bytes.len()].copy_from_slice(bytes);
            (&padded, (1 << bytes.len()) - 1)
        }
    };
    marks(chunk, delimiter) & valid
}

#[cfg(target_arch = "x86_64")]
fn marks(chunk: &[u8; 64], delimiter: u8) -> u64 {
    // SAFETY: SSE2 is part of every x86_64 processor (the target's baseline).
    unsafe { marks_sse2(chunk, delimiter) }
}

/// Without SIMD instructions, on other processors.
#[cfg(not(target_arch = "x86_64"))]
fn marks(chunk: &[u8; 64], delimiter: u8) -> u64 {
    marks_in_words(chunk, delimiter)
}

/// Sixteen bytes at a time, four times.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn marks_sse2(chunk: &[u8; 64], delimiter: u8) -> u64 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x, _mm_set1_epi8,
    };
    let word = |i: usize| i64::from_le_bytes(chunk[i..i + 8].try_into().expect("eight bytes"));
    let (d, n, r, q) = (
        _mm_set1_epi8(delimiter as i8),
        _mm_set1_epi8(b'\n' as i8),
        _mm_set1_epi8(b'\r' as i8),
        _mm_set1_epi8(b'"' as i8),
    );
    let mut mask = 0;
    for k in 0..4 {
        let v = _mm_set_epi64x(word(16 * k + 8), word(16 * k));
        let any = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, n)),
            _mm_or_si128(_mm_cmpeq_epi8(v, r), _mm_cmpeq_epi8(v, q)),
        );
        mask |= u64::from(_mm_movemask_epi8(any) as u16) << (16 * k);
    }
    mask
}

/// Eight bytes at a time in a machine word.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn marks_in_words(chunk: &[u8; 64], delimiter: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // The top bit of each byte of `v` that is zero, and of no other.
    let zero = |v: u64| !(((v & LOW).wrapping_add(LOW)) | v | LOW);
    let mut mask = 0;
    for (k, word) in chunk.chunks_exact(8).enumerate() {
        let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let hits = [delimiter, b'\n', b'\r', b'"']
            .iter()
            .fold(0, |h, &c| h | zero(w ^ (ONES * u64::from(c))));
        // The eight top bits, gathered into the top byte by one multiplication.
        let bits = (hits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        mask |= bits << (8 * k);
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Both ways of marking bytes agree with a byte-by-byte look, at every length.
        #[test]
        fn special_bytes_are_marked_exactly(
            bytes in prop::collection::vec(
                prop_oneof![4 => prop::sample::select(b",\t\n\r\"-+a\0\x80\xff".to_vec()), 1 => any::<u8>()],
                0..80,
            ),
            tab in any::<bool>(),
        ) {
            let d = if tab { b'\t' } else { b',' };
            let naive = bytes.iter().take(64).enumerate().fold(0u64, |m, (i, &b)| {
                let hit = b == d || matches!(b, b'\n' | b'\r' | b'"');
                m | (u64::from(hit) << i)
            });
            prop_assert_eq!(special_bytes(&bytes, d), naive);
            let mut chunk = [0u8; 64];
            let n = bytes.len().min(64);
            chunk[..n].copy_from_slice(&bytes[..n]);
            let valid = if n == 64 { u64::MAX } else { (1 << n) - 1 };
            prop_assert_eq!(marks_in_words(&chunk, d) & valid, naive);
        }
    }
}
