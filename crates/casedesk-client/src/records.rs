//! Splits a bootstrap sent as frames (`casedesk_domain::frames`) into its records as
//! the body arrives in chunks of any size.

use bytes::Bytes;
use casedesk_domain::frames::{RECORD_HEADER_BYTES, RecordKind, parse_record_header};

use crate::error::{ClientError, Result};

/// Records cut at chunk boundaries are put together here; a record inside one chunk
/// is handed on as a slice of it, without a copy.
#[derive(Debug, Default)]
pub(crate) struct RecordSplitter {
    pending: Vec<u8>,
}

fn header(bytes: &[u8]) -> Result<(RecordKind, usize)> {
    let header: [u8; RECORD_HEADER_BYTES] = bytes[..RECORD_HEADER_BYTES]
        .try_into()
        .expect("a header's bytes");
    parse_record_header(header).map_err(|e| ClientError::Protocol(format!("bootstrap: {e}")))
}

impl RecordSplitter {
    /// Appends the complete records `chunk` ends (with what came before it) to `out`.
    pub(crate) fn push(&mut self, chunk: &Bytes, out: &mut Vec<(RecordKind, Bytes)>) -> Result<()> {
        let mut at = 0;
        // First complete a record begun in an earlier chunk.
        while !self.pending.is_empty() && at < chunk.len() {
            let wanted = if self.pending.len() < RECORD_HEADER_BYTES {
                RECORD_HEADER_BYTES
            } else {
                RECORD_HEADER_BYTES + header(&self.pending)?.1
            };
            let take = (wanted - self.pending.len()).min(chunk.len() - at);
            self.pending.extend_from_slice(&chunk[at..at + take]);
            at += take;
            if self.pending.len() >= RECORD_HEADER_BYTES {
                let (kind, len) = header(&self.pending)?;
                if self.pending.len() == RECORD_HEADER_BYTES + len {
                    let record = Bytes::from(std::mem::take(&mut self.pending));
                    out.push((kind, record.slice(RECORD_HEADER_BYTES..)));
                }
            }
        }
        while chunk.len() - at >= RECORD_HEADER_BYTES {
            let (kind, len) = header(&chunk[at..])?;
            let end = at + RECORD_HEADER_BYTES + len;
            if end > chunk.len() {
                break;
            }
            out.push((kind, chunk.slice(at + RECORD_HEADER_BYTES..end)));
            at = end;
        }
        self.pending.extend_from_slice(&chunk[at..]);
        Ok(())
    }

    /// Whether the stream ended between records.
    pub(crate) fn is_between_records(&self) -> bool {
        self.pending.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use casedesk_domain::frames::put_record;

    fn stream() -> (Vec<u8>, Vec<(RecordKind, Vec<u8>)>) {
        let records = vec![
            (RecordKind::Begin, br#"{"bootstrap":"begin"}"#.to_vec()),
            (RecordKind::Dictionary, vec![7; 300]),
            (RecordKind::Case, Vec::new()),
            (RecordKind::Case, (0..=255).collect()),
            (RecordKind::End, br#"{"bootstrap":"end"}"#.to_vec()),
        ];
        let mut bytes = Vec::new();
        for (kind, payload) in &records {
            put_record(&mut bytes, *kind, payload);
        }
        (bytes, records)
    }

    #[test]
    fn records_come_out_whole_at_every_chunk_size() {
        let (bytes, records) = stream();
        for size in [1, 2, 3, 4, 5, 6, 7, 64, 299, 305, bytes.len()] {
            let mut splitter = RecordSplitter::default();
            let mut out = Vec::new();
            for chunk in bytes.chunks(size) {
                splitter
                    .push(&Bytes::copy_from_slice(chunk), &mut out)
                    .unwrap();
            }
            assert!(splitter.is_between_records(), "chunks of {size}");
            let out: Vec<(RecordKind, Vec<u8>)> =
                out.into_iter().map(|(k, b)| (k, b.to_vec())).collect();
            assert_eq!(out, records, "chunks of {size}");
        }
    }

    #[test]
    fn a_cut_stream_and_a_bad_header_are_told_apart_from_a_whole_one() {
        let (bytes, _) = stream();
        let mut splitter = RecordSplitter::default();
        let mut out = Vec::new();
        splitter
            .push(&Bytes::copy_from_slice(&bytes[..bytes.len() - 3]), &mut out)
            .unwrap();
        assert!(!splitter.is_between_records());
        assert_eq!(out.len(), 4);

        let mut splitter = RecordSplitter::default();
        let error = splitter
            .push(&Bytes::from_static(b"Zjunk"), &mut Vec::new())
            .unwrap_err();
        assert!(error.to_string().contains("unknown record kind"), "{error}");
    }
}
