//! Splits a bootstrap sent as frames (`casedesk_domain::frames`) into its records as
//! the body arrives in chunks of any size.

use bytes::Bytes;
use casedesk_domain::frames::{
    FrameError, RECORD_HEADER_BYTES, Record, RecordKind, next_record, record_extent,
};

use crate::error::{ClientError, Result};

/// Records cut at chunk boundaries are put together here; a record inside one chunk
/// is handed on as a slice of it, without a copy.
#[derive(Debug, Default)]
pub(crate) struct RecordSplitter {
    pending: Vec<u8>,
}

fn refused(error: FrameError) -> ClientError {
    ClientError::Protocol(format!("bootstrap: {error}"))
}

impl RecordSplitter {
    /// Appends the complete records `chunk` ends (with what came before it) to `out`.
    pub(crate) fn push(&mut self, chunk: &Bytes, out: &mut Vec<(RecordKind, Bytes)>) -> Result<()> {
        let mut at = 0;
        // First complete a record begun in an earlier chunk.
        while !self.pending.is_empty() && at < chunk.len() {
            let wanted = match record_extent(&self.pending).map_err(refused)? {
                Some((_, end)) => end,
                None => RECORD_HEADER_BYTES,
            };
            let take = (wanted - self.pending.len()).min(chunk.len() - at);
            self.pending.extend_from_slice(&chunk[at..at + take]);
            at += take;
            if let Some(Record { kind, .. }) = next_record(&self.pending).map_err(refused)? {
                let record = Bytes::from(std::mem::take(&mut self.pending));
                out.push((kind, record.slice(RECORD_HEADER_BYTES..)));
            }
        }
        while let Some(Record { kind, len, .. }) = next_record(&chunk[at..]).map_err(refused)? {
            out.push((kind, chunk.slice(at + RECORD_HEADER_BYTES..at + len)));
            at += len;
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
