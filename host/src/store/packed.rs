//! How the store keeps large values at rest: a message's raw bytes, a document's canonical
//! JSON and an outbox entry's payload are compressed with Zstandard when that saves space, and
//! a codec column beside each says how a row's value is kept (`NULL`: as it is, `zstd`: one
//! Zstandard frame). Rows written before the codec columns existed read as they are.
//!
//! Compression is lossless, and every digest the audit log chains is taken of the value as it
//! was received or produced, never of its packed form: unpacking gives back the same bytes.

use super::StoreError;

/// The codec column's value for a Zstandard frame.
pub const ZSTD: &str = "zstd";

/// Values shorter than this are kept as they are: a frame's header and the codec column
/// would eat what compression saves.
const MIN_PACKED_LEN: usize = 256;

/// Zstandard's fastest level: markup and JSON shrink four- to sixfold at it, and the higher
/// levels save a few per cent more at several times the cost on the processing path.
const LEVEL: i32 = 1;

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
        && let Ok(frame) = zstd::bulk::compress(value, LEVEL)
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
        Some(ZSTD) => zstd::stream::decode_all(stored.as_slice())
            .map_err(|e| StoreError::Corrupt(format!("{what}: its compressed value: {e}"))),
        Some(other) => Err(StoreError::Corrupt(format!(
            "{what} is kept under codec {other:?}, which this host does not know"
        ))),
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
