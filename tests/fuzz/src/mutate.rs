//! One mutation of a golden input, chosen the way partners' files go wrong: a flipped or
//! replaced byte, a cut, a piece of another file spliced in, one delimiter written for
//! another, a segment repeated, dropped or moved, and numbers at the edges of what a decimal
//! holds. Several may be stacked on one input.

use wharf_guest_sdk::testing::XorShift;

/// Numbers and text that sit at the edges of what decoders parse.
const EDGES: &[&[u8]] = &[
    b"79228162514264337593543950335",
    b"-79228162514264337593543950335",
    b"99999999999999999999999999999999999",
    b"0.0000000000000000000000000001",
    b"-0",
    b"1e308",
    b"NaN",
    b"",
    b"00000000",
    b"20261331",
    b"2026-02-30T25:61:61+99:99",
    b"\xef\xbb\xbf",
    b"\xc3",
    b"\xff\xfe",
    b"\0",
    b"\r\n",
    b"ISA",
    b"UNA:+.? '",
    b"UNB",
    b"<!DOCTYPE a [<!ENTITY x \"&x;\">]>",
    b"<![CDATA[",
    b"&#0;",
    b"&amp",
    b"\\u0000",
    b"\"",
];

/// `seed` mutated one to four times; `other` is a second golden input to splice from and
/// `delimiters` the format's meaningful bytes, the first ending a segment.
pub fn mutate(seed: &[u8], other: &[u8], delimiters: &[u8], rng: &mut XorShift) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..=rng.below(4) {
        once(&mut bytes, other, delimiters, rng);
    }
    bytes
}

fn once(bytes: &mut Vec<u8>, other: &[u8], delimiters: &[u8], rng: &mut XorShift) {
    if bytes.is_empty() {
        bytes.extend_from_slice(other);
        return;
    }
    let at = rng.below(bytes.len());
    match rng.below(10) {
        0 => bytes[at] ^= 1 << rng.below(8),
        1 => bytes[at] = rng.next_u64() as u8,
        2 => bytes.truncate(at),
        3 => {
            // A piece of another golden input, where this one's bytes were.
            let from = rng.below(other.len().max(1));
            let len = rng.below(other.len().saturating_sub(from).clamp(1, 256));
            let end = (at + rng.below(64)).min(bytes.len());
            let piece = other.get(from..from + len).unwrap_or_default().to_vec();
            bytes.splice(at..end, piece);
        }
        4 => {
            // One delimiter written where another belongs.
            let found = (0..bytes.len())
                .map(|i| (at + i) % bytes.len())
                .find(|&i| delimiters.contains(&bytes[i]));
            if let Some(i) = found {
                bytes[i] = delimiters[rng.below(delimiters.len())];
            }
        }
        5 | 6 => segment(bytes, delimiters[0], at, rng),
        7 => {
            let edge = EDGES[rng.below(EDGES.len())];
            let end = (at + rng.below(16)).min(bytes.len());
            bytes.splice(at..end, edge.iter().copied());
        }
        8 => {
            // A run of digits grows beyond any field: long numbers, long control numbers.
            let digit = b'0' + rng.below(10) as u8;
            let run = 1 + rng.below(40);
            bytes.splice(at..at, std::iter::repeat_n(digit, run));
        }
        _ => {
            bytes.remove(at);
        }
    }
}

/// Repeats, drops or moves the segment around `at` (the bytes between two `terminator`s).
fn segment(bytes: &mut Vec<u8>, terminator: u8, at: usize, rng: &mut XorShift) {
    let start = bytes[..at]
        .iter()
        .rposition(|&b| b == terminator)
        .map_or(0, |i| i + 1);
    let end = bytes[at..]
        .iter()
        .position(|&b| b == terminator)
        .map_or(bytes.len(), |i| at + i + 1);
    let piece: Vec<u8> = bytes[start..end].to_vec();
    match rng.below(3) {
        0 => {
            let times = 1 + rng.below(3);
            for _ in 0..times {
                bytes.splice(end..end, piece.iter().copied());
            }
        }
        1 => {
            bytes.drain(start..end);
        }
        _ => {
            bytes.drain(start..end);
            let boundaries: Vec<usize> = std::iter::once(0)
                .chain(
                    (0..bytes.len())
                        .filter(|&i| bytes[i] == terminator)
                        .map(|i| i + 1),
                )
                .collect();
            let to = boundaries[rng.below(boundaries.len())];
            bytes.splice(to..to, piece);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_deterministic_and_vary() {
        let seed = b"ISA*00~GS*PO~ST*850*0001~SE*2*0001~";
        let mut a = XorShift(7);
        let mut b = XorShift(7);
        let first: Vec<Vec<u8>> = (0..50).map(|_| mutate(seed, seed, b"~*", &mut a)).collect();
        let again: Vec<Vec<u8>> = (0..50).map(|_| mutate(seed, seed, b"~*", &mut b)).collect();
        assert_eq!(first, again);
        assert!(first.iter().filter(|m| m.as_slice() != seed).count() > 40);
    }

    #[test]
    fn a_segment_is_repeated_dropped_or_moved_whole() {
        let mut rng = XorShift(3);
        for _ in 0..100 {
            let mut bytes = b"AA~BB~CC~".to_vec();
            segment(&mut bytes, b'~', 3, &mut rng);
            let text = String::from_utf8(bytes).unwrap();
            assert!(
                text.split('~').all(|s| ["", "AA", "BB", "CC"].contains(&s)),
                "{text}"
            );
        }
    }
}
