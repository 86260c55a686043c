//! How the local store keeps case aggregates: as the zstd frames the portal sends
//! (`casedesk_domain::frames`), compressed with the dictionary of the case's office.
//! The dictionaries come with the bootstrap and are kept in `case_dictionaries` in
//! the same store (they hold fragments of case data, so they live and die with the
//! cases). Cases that arrive as JSON (changes pages, local edits) are packed with the
//! newest dictionary. Blobs without the zstd magic are the LZ4 of older stores.

pub(crate) use casedesk_domain::frames::{Codec, Dictionary};

use crate::error::{ClientError, Result};

fn damaged(why: impl std::fmt::Display) -> ClientError {
    ClientError::Protocol(format!("stored case damaged: {why}"))
}

/// The JSON of a stored aggregate.
pub(crate) fn unpack(codec: &Codec, packed: &[u8]) -> Result<String> {
    if !casedesk_domain::frames::is_zstd(packed) {
        // Stores made before zstd kept LZ4 with the length in front.
        let bytes = lz4_flex::decompress_size_prepended(packed).map_err(damaged)?;
        return String::from_utf8(bytes).map_err(damaged);
    }
    codec.unpack(packed).map_err(damaged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_lz4_blobs_still_read_and_zstd_frames_too() {
        let codec = Codec::default();
        let json = r#"{"id":"x","aktenzeichen":"32-HU-2026-000001"}"#;
        let legacy = lz4_flex::compress_prepend_size(json.as_bytes());
        assert_eq!(unpack(&codec, &legacy).unwrap(), json);
        assert_eq!(unpack(&codec, &codec.pack(json)).unwrap(), json);
        let error = unpack(&codec, b"garbage").unwrap_err().to_string();
        assert!(error.contains("stored case damaged"), "{error}");
    }
}
