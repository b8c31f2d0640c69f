//! How the store keeps large values at rest: a message's raw bytes, a document's canonical
//! JSON and an outbox entry's payload are compressed with Zstandard when that saves space, and
//! a codec column beside each says how a row's value is kept (`NULL`: as it is, `zstd`: one
//! Zstandard frame). Rows written before the codec columns existed read as they are.
//!
//! Compression is lossless, and every digest the audit log chains is taken of the value as it
//! was received or produced, never of its packed form: unpacking gives back the same bytes.

use std::cell::RefCell;
use std::io;

use super::StoreError;

/// The codec column's value for a Zstandard frame.
pub const ZSTD: &str = "zstd";

/// Values shorter than this are kept as they are: a frame's header and the codec column
/// would eat what compression saves.
const MIN_PACKED_LEN: usize = 256;

/// Zstandard's fastest level: markup and JSON shrink four- to sixfold at it, and the higher
/// levels save a few per cent more at several times the cost on the processing path.
const LEVEL: i32 = 1;

/// Frames that say they hold more than this are unpacked as a stream, so a damaged header
/// cannot make the store allocate what it claims in one piece.
const MAX_BULK_LEN: usize = 64 << 20;

thread_local! {
    // A Zstandard context costs allocations and table set-up to create, several times over
    // per document (raw bytes, canonical JSON, rendered payload); each thread keeps one of
    // each and reuses it.
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> =
        const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> =
        const { RefCell::new(None) };
}

/// A value as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed {
    pub bytes: Vec<u8>,
    /// `None` when `bytes` is the value itself.
    pub codec: Option<&'static str>,
}

/// Packs `value` for storage: compressed when that makes it at least an eighth smaller.
pub fn pack(value: &[u8]) -> Packed {
    if value.len() >= MIN_PACKED_LEN
        && let Ok(frame) = compress(value)
        && frame.len() <= value.len() - value.len() / 8
    {
        return Packed {
            bytes: frame,
            codec: Some(ZSTD),
        };
    }
    Packed {
        bytes: value.to_vec(),
        codec: None,
    }
}

/// The value a row keeps as `stored` under `codec`; `what` names the row in the error.
pub fn unpack(codec: Option<&str>, stored: Vec<u8>, what: &str) -> Result<Vec<u8>, StoreError> {
    match codec {
        None => Ok(stored),
        Some(ZSTD) => decompress(&stored)
            .map_err(|e| StoreError::Corrupt(format!("{what}: its compressed value: {e}"))),
        Some(other) => Err(StoreError::Corrupt(format!(
            "{what} is kept under codec {other:?}, which this host does not know"
        ))),
    }
}

/// One frame of `value`, with this thread's compressor.
fn compress(value: &[u8]) -> io::Result<Vec<u8>> {
    COMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        let compressor = match slot.as_mut() {
            Some(compressor) => compressor,
            None => slot.insert(zstd::bulk::Compressor::new(LEVEL)?),
        };
        compressor.compress(value)
    })
}

/// The value in `frame`: in one piece with this thread's decompressor when the frame says
/// how large it is (every frame [`pack`] writes does), as a stream otherwise.
fn decompress(frame: &[u8]) -> io::Result<Vec<u8>> {
    match zstd::bulk::Decompressor::upper_bound(frame) {
        Some(len) if len <= MAX_BULK_LEN => DECOMPRESSOR.with(|cell| {
            let mut slot = cell.borrow_mut();
            let decompressor = match slot.as_mut() {
                Some(decompressor) => decompressor,
                None => slot.insert(zstd::bulk::Decompressor::new()?),
            };
            decompressor.decompress(frame, len)
        }),
        _ => zstd::stream::decode_all(frame),
    }
}

/// [`unpack`] for a value that is UTF-8 text (a document's JSON).
pub fn unpack_text(codec: Option<&str>, stored: Vec<u8>, what: &str) -> Result<String, StoreError> {
    String::from_utf8(unpack(codec, stored, what)?)
        .map_err(|e| StoreError::Corrupt(format!("{what} is not UTF-8 text: {e}")))
}

/// A document's JSON from its `body` and `body_zstd` columns: the frame when there is one.
pub fn document_body(
    body: String,
    body_zstd: Option<Vec<u8>>,
    document_id: &str,
) -> Result<String, StoreError> {
    match body_zstd {
        Some(frame) => unpack_text(Some(ZSTD), frame, &format!("document {document_id}")),
        None => Ok(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interchange(lines: usize) -> Vec<u8> {
        let mut text =
            String::from("ISA*00*          *00*          *ZZ*ACME~GS*PO*ACME~ST*850*0001~");
        for n in 1..=lines {
            text.push_str(&format!(
                "PO1*{n}*{}*EA*{}.25**BP*PART-{n:05}~",
                n * 3,
                n + 7
            ));
        }
        text.push_str("SE*1*0001~GE*1*1~IEA*1*000000001~");
        text.into_bytes()
    }

    #[test]
    fn a_document_packs_smaller_and_unpacks_to_the_same_bytes() {
        let raw = interchange(50);
        let packed = pack(&raw);
        assert_eq!(packed.codec, Some(ZSTD));
        assert!(
            packed.bytes.len() * 3 < raw.len(),
            "{} bytes packed to {}",
            raw.len(),
            packed.bytes.len()
        );
        assert_eq!(
            unpack(packed.codec, packed.bytes, "message m1").unwrap(),
            raw
        );
    }

    #[test]
    fn one_thread_packs_and_unpacks_values_of_every_size_in_turn() {
        // The contexts are reused: nothing of one value may leak into the next.
        let values: Vec<Vec<u8>> = [400, 5, 120, 3, 60]
            .iter()
            .map(|&lines| interchange(lines))
            .collect();
        let packed: Vec<Packed> = values.iter().map(|v| pack(v)).collect();
        for (value, packed) in values.iter().zip(packed).rev() {
            assert_eq!(&unpack(packed.codec, packed.bytes, "m").unwrap(), value);
        }
    }

    #[test]
    fn a_frame_that_does_not_say_its_size_unpacks_as_a_stream() {
        use std::io::Write;
        let raw = interchange(30);
        let mut encoder = zstd::stream::Encoder::new(Vec::new(), 3).unwrap();
        encoder.include_contentsize(false).unwrap();
        encoder.write_all(&raw).unwrap();
        let frame = encoder.finish().unwrap();
        assert_eq!(zstd::bulk::Decompressor::upper_bound(&frame), None);
        assert_eq!(unpack(Some(ZSTD), frame, "message m4").unwrap(), raw);
    }

    #[test]
    fn short_or_incompressible_values_are_kept_as_they_are() {
        let short = b"UNA:+.? '".to_vec();
        assert_eq!(
            pack(&short),
            Packed {
                bytes: short.clone(),
                codec: None
            }
        );
        // Bytes that look random to Zstandard: a xorshift sequence.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let packed = pack(&noise);
        assert_eq!(packed.codec, None);
        assert_eq!(unpack(None, packed.bytes, "message m2").unwrap(), noise);
    }

    #[test]
    fn a_damaged_frame_or_an_unknown_codec_is_named_as_damage() {
        let mut packed = pack(&interchange(20));
        let middle = packed.bytes.len() / 2;
        packed.bytes.truncate(middle);
        let damaged = unpack(packed.codec, packed.bytes, "message m3").unwrap_err();
        assert!(
            matches!(&damaged, StoreError::Corrupt(why) if why.starts_with("message m3: ")),
            "{damaged}"
        );
        let unknown = unpack(Some("brotli"), b"x".to_vec(), "outbox entry o1").unwrap_err();
        assert_eq!(
            unknown.to_string(),
            "stored data is damaged: outbox entry o1 is kept under codec \"brotli\", which this \
             host does not know"
        );
    }

    #[test]
    fn text_that_unpacks_to_invalid_utf8_is_refused() {
        let packed = pack(&[0xff; 600]);
        let refused = unpack_text(packed.codec, packed.bytes, "document d1").unwrap_err();
        assert!(
            refused.to_string().contains("document d1 is not UTF-8"),
            "{refused}"
        );
        let json = br#"{"po_number":"4500012345","lines":[]}"#.repeat(20);
        let packed = pack(&json);
        assert_eq!(
            unpack_text(packed.codec, packed.bytes, "document d2").unwrap(),
            String::from_utf8(json).unwrap()
        );
    }
}
