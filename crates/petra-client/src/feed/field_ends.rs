//! Finding the bytes that end an unquoted CSV field (comma, CR, LF) one 64-byte block at a
//! time. A block's matches are kept as a bitmask, so the next field end in the same block
//! costs a shift and a trailing-zero count instead of another search. Fields of the
//! generated feed average about ten bytes, so one block serves about six of them.

/// Bytes per block: one bit of a `u64` per byte.
const BLOCK_BYTES: usize = 64;

/// The comma, CR and LF positions of one block of the splitter's buffer.
///
/// The cache is only valid while the bytes it was built from stay in place, so the owner
/// calls [`FieldEnds::clear`] whenever it moves or refills its buffer.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct FieldEnds {
    /// Buffer index of the block's first byte.
    start: usize,
    /// Buffer index just past the block's last byte: `start + 64`, or the end of the
    /// searched bytes when fewer remained.
    end: usize,
    /// Bit `i` is set when byte `start + i` is a comma, CR or LF.
    mask: u64,
}

impl FieldEnds {
    /// Forgets the cached block.
    pub(super) fn clear(&mut self) {
        *self = FieldEnds::default();
    }

    /// Returns the index of the first comma, CR or LF in `bytes` at or after `from`, or
    /// None when `bytes` has none there.
    ///
    /// Between calls to [`FieldEnds::clear`], `bytes` must be the same buffer, which may
    /// only grow at its end.
    #[inline]
    pub(super) fn find(&mut self, bytes: &[u8], from: usize) -> Option<usize> {
        let mut from = from;
        loop {
            if from < self.start || from >= self.end {
                if from >= bytes.len() {
                    return None;
                }
                self.load(bytes, from);
            }

            let ahead = self.mask >> (from - self.start);
            if ahead != 0 {
                return Some(from + ahead.trailing_zeros() as usize);
            }
            from = self.end;
        }
    }

    /// Buffer index of the cached block's first byte, the byte of bit 0 of the mask.
    #[inline]
    pub(super) fn start(&self) -> usize {
        self.start
    }

    /// Buffer index just past the cached block's last byte.
    #[inline]
    pub(super) fn end(&self) -> usize {
        self.end
    }

    /// Returns the mask of the cached block's commas, CRs and LFs at or after `from`, or 0
    /// when `from` is outside the block.
    #[inline]
    pub(super) fn mask_from(&self, from: usize) -> u64 {
        if from < self.start || from >= self.end {
            return 0;
        }
        self.mask & (u64::MAX << (from - self.start))
    }

    /// Caches the block of `bytes` that starts at `start`. When fewer than 64 bytes remain,
    /// the block is padded with zero bytes, which match nothing.
    // Inlined into the splitter's field loop. As a call it took about 100 more
    // instructions per row of the generated feed (callgrind, `feed_profile split`).
    #[inline(always)]
    pub(super) fn load(&mut self, bytes: &[u8], start: usize) {
        let rest = &bytes[start..];
        self.start = start;
        if let Some(block) = rest.first_chunk::<BLOCK_BYTES>() {
            self.end = start + BLOCK_BYTES;
            self.mask = block_mask(block);
            return;
        }

        let mut block = [0; BLOCK_BYTES];
        block[..rest.len()].copy_from_slice(rest);
        self.end = bytes.len();
        self.mask = block_mask(&block);
    }
}

/// Returns the bitmask of the commas, CRs and LFs in a block: bit `i` for `block[i]`.
#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
))]
use sse2_block_mask as block_mask;

#[cfg(not(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
)))]
use portable_block_mask as block_mask;

/// [`block_mask`] with SSE2, which every x86_64 CPU has: three compares and one `movemask`
/// for each 16 bytes.
#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
))]
#[inline]
fn sse2_block_mask(block: &[u8; BLOCK_BYTES]) -> u64 {
    use safe_arch::{cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i};
    use safe_arch::{m128i, set_splat_i8_m128i};

    let comma = set_splat_i8_m128i(b',' as i8);
    let carriage_return = set_splat_i8_m128i(b'\r' as i8);
    let line_feed = set_splat_i8_m128i(b'\n' as i8);

    let mut mask = 0;
    for (index, part) in block.chunks_exact(16).enumerate() {
        // Always 16 bytes, so this never skips a part. It gives the load its array type
        // without a panicking conversion.
        let Some(part) = part.first_chunk::<16>() else {
            continue;
        };
        let bytes: m128i = load_unaligned_m128i(part);
        let matches = cmp_eq_mask_i8_m128i(bytes, comma)
            | cmp_eq_mask_i8_m128i(bytes, carriage_return)
            | cmp_eq_mask_i8_m128i(bytes, line_feed);
        // `movemask` sets the low 16 bits only, so the cast through u32 keeps them as is.
        let part_mask = u64::from(move_mask_i8_m128i(matches) as u32);
        mask |= part_mask << (16 * index);
    }
    mask
}

/// [`block_mask`] for targets without SSE2, from memchr's search for the three bytes.
/// Compiled on every target so that tests can compare it with the SSE2 version.
#[cfg_attr(
    all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse2"
    ),
    allow(dead_code)
)]
fn portable_block_mask(block: &[u8; BLOCK_BYTES]) -> u64 {
    memchr::memchr3_iter(b',', b'\r', b'\n', block).fold(0, |mask, index| mask | 1 << index)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{block_mask, portable_block_mask, FieldEnds, BLOCK_BYTES};

    fn first_end(bytes: &[u8], from: usize) -> Option<usize> {
        bytes
            .iter()
            .skip(from)
            .position(|byte| matches!(byte, b',' | b'\r' | b'\n'))
            .map(|offset| from + offset)
    }

    #[test]
    fn mask_bits_follow_byte_order() {
        let mut block = [b'a'; BLOCK_BYTES];
        block[0] = b',';
        block[15] = b'\r';
        block[16] = b'\n';
        block[63] = b',';

        let mask = block_mask(&block);

        assert_eq!(mask, 1 | 1 << 15 | 1 << 16 | 1 << 63);
        assert_eq!(portable_block_mask(&block), mask);
    }

    #[test]
    fn find_crosses_blocks_and_tail() {
        let mut bytes = vec![b'x'; 150];
        bytes[70] = b',';
        bytes[149] = b'\n';
        let mut ends = FieldEnds::default();

        assert_eq!(ends.find(&bytes, 0), Some(70));
        assert_eq!(ends.find(&bytes, 71), Some(149));
        assert_eq!(ends.find(&bytes, 150), None);
    }

    #[test]
    fn find_sees_bytes_appended_after_tail() {
        let mut bytes = b"abc".to_vec();
        let mut ends = FieldEnds::default();
        assert_eq!(ends.find(&bytes, 0), None);

        bytes.extend_from_slice(b"de,f");

        assert_eq!(ends.find(&bytes, 0), Some(5));
    }

    /// Bytes that end a field, bytes next to them in value, and bytes with the high bit
    /// set, which SSE2 compares as negative numbers.
    fn block_bytes() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop::sample::select(vec![
            b',', b'\r', b'\n', b'"', b'+', b'-', 0x0B, 0x0C, 0x00, b'a', 0x80, 0xAC, 0xFF,
        ]);
        prop::collection::vec(byte, BLOCK_BYTES)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        #[test]
        fn sse2_and_portable_masks_agree(bytes in block_bytes()) {
            let block: [u8; BLOCK_BYTES] = bytes.try_into().expect("64 bytes");
            let expected = (0..BLOCK_BYTES)
                .filter(|&index| matches!(block[index], b',' | b'\r' | b'\n'))
                .fold(0u64, |mask, index| mask | 1 << index);

            prop_assert_eq!(block_mask(&block), expected);
            prop_assert_eq!(portable_block_mask(&block), expected);
        }

        #[test]
        fn find_matches_linear_search(
            bytes in prop::collection::vec(prop::sample::select(vec![b'a', b',', b'\n', b'\r']), 0..400),
            starts in prop::collection::vec(0usize..420, 1..20),
        ) {
            let mut ends = FieldEnds::default();
            let mut starts = starts;
            // The splitter only moves forward between clears.
            starts.sort_unstable();

            for from in starts {
                prop_assert_eq!(ends.find(&bytes, from), first_end(&bytes, from));
            }
        }
    }
}
