//! How the local store keeps case aggregates: one zstd frame per aggregate, compressed
//! with a dictionary trained on the store's own first cases.
//!
//! An aggregate is about 6 kB of JSON, most of it field names, enum values, ids and
//! timestamps that every case repeats. Compressed on its own, with nothing to refer
//! back to, it shrinks less than threefold (LZ4, which earlier stores used); with a
//! dictionary that already holds those repeated parts, zstd at its fastest level
//! shrinks it about tenfold, at about 70% of LZ4's speed. The store is then a third
//! of the size, a bootstrap writes a fifth of the bytes (which more than pays for
//! the slower compression), and far more cases fit in the page cache.
//!
//! The dictionary is trained at the start of an initial bootstrap from its first
//! cases (a few tens of milliseconds), kept in `case_dictionaries` in the same store
//! (it holds fragments of case data, so it lives and dies with them), and named by
//! its zstd dictionary id in every frame made with it. Frames without a dictionary id
//! are plain zstd; blobs without the zstd magic are the LZ4 of older stores.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use zstd::zstd_safe::{CCtx, CDict, DCtx, DDict};

use crate::error::{ClientError, Result};

/// zstd's fastest regular level: a bootstrap compresses 100,000 aggregates while the
/// CPU also parses and writes them.
const LEVEL: i32 = 1;
/// The dictionary's size: 32 KiB held most of the gain on the demo tenant's cases
/// (10.0× against 9.7× with 16 KiB and 10.2× with 64 KiB).
const DICTIONARY_BYTES: usize = 32 * 1024;
/// How many cases a dictionary is trained on: enough for every service's form and
/// the usual history entries, trained in about 50 ms.
pub(crate) const TRAINING_SAMPLES: usize = 256;
/// zstd's trainer needs a handful of samples; with fewer, cases are stored without.
const MIN_SAMPLES: usize = 16;
/// Larger than any aggregate the portal accepts; a frame that claims more is damaged.
const MAX_AGGREGATE_BYTES: u64 = 64 * 1024 * 1024;
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

thread_local! {
    // One context per thread, reused for every case: creating one costs more than
    // compressing a case.
    static COMPRESSOR: RefCell<CCtx<'static>> = RefCell::new(CCtx::create());
    static DECOMPRESSOR: RefCell<DCtx<'static>> = RefCell::new(DCtx::create());
}

/// A trained dictionary, prepared for both directions.
pub(crate) struct Dictionary {
    id: u32,
    bytes: Vec<u8>,
    encoder: CDict<'static>,
    decoder: DDict<'static>,
}

impl std::fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dictionary")
            .field("id", &self.id)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl Dictionary {
    /// A dictionary as stored. `None` for bytes that are not a zstd dictionary.
    pub(crate) fn from_bytes(bytes: Vec<u8>) -> Option<Self> {
        let id = zstd::zstd_safe::get_dict_id_from_dict(&bytes)?.get();
        let encoder = CDict::try_create(&bytes, LEVEL)?;
        let decoder = DDict::try_create(&bytes)?;
        Some(Self {
            id,
            bytes,
            encoder,
            decoder,
        })
    }

    /// Trains a dictionary on `samples` (aggregates' JSON). `None` when there are too
    /// few to learn from or zstd's trainer declines them; cases are then stored
    /// without a dictionary, which costs size, not correctness.
    pub(crate) fn train<S: AsRef<[u8]>>(samples: &[S]) -> Option<Self> {
        if samples.len() < MIN_SAMPLES {
            return None;
        }
        match zstd::dict::from_samples(samples, DICTIONARY_BYTES) {
            Ok(bytes) => Self::from_bytes(bytes),
            Err(error) => {
                tracing::debug!(%error, samples = samples.len(), "no dictionary trained");
                None
            }
        }
    }

    pub(crate) fn id(&self) -> u32 {
        self.id
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

#[derive(Debug, Default)]
struct Dictionaries {
    /// The dictionary new frames are made with.
    current: Option<Arc<Dictionary>>,
    /// Every dictionary frames of this store may name.
    by_id: HashMap<u32, Arc<Dictionary>>,
}

/// Packs and unpacks the aggregates of one store. Cheap to clone; clones share the
/// dictionaries.
#[derive(Debug, Clone, Default)]
pub(crate) struct Codec(Arc<RwLock<Dictionaries>>);

impl Codec {
    /// A codec that packs with `dictionary` (and unpacks what it packed), for the
    /// cases of a bootstrap before the store holds the dictionary.
    pub(crate) fn with(dictionary: Arc<Dictionary>) -> Self {
        let codec = Self::default();
        codec.register(dictionary.clone());
        codec.make_current(dictionary);
        codec
    }

    /// Lets frames made with `dictionary` be unpacked. Done before the first of them
    /// is committed, so no reader ever meets a frame it cannot read.
    pub(crate) fn register(&self, dictionary: Arc<Dictionary>) {
        let mut dictionaries = self.0.write().expect("dictionaries");
        dictionaries.by_id.insert(dictionary.id, dictionary);
    }

    /// Packs new frames with `dictionary`. Done once it is committed to the store:
    /// a frame must never name a dictionary the store could lose.
    pub(crate) fn make_current(&self, dictionary: Arc<Dictionary>) {
        let mut dictionaries = self.0.write().expect("dictionaries");
        dictionaries.by_id.insert(dictionary.id, dictionary.clone());
        dictionaries.current = Some(dictionary);
    }

    /// Whether this codec holds another dictionary under `dictionary`'s id. Ids are
    /// derived from the content, so a clash between two different dictionaries is
    /// most unlikely, but frames must never be read with the wrong one.
    pub(crate) fn clashes_with(&self, dictionary: &Dictionary) -> bool {
        self.0
            .read()
            .expect("dictionaries")
            .by_id
            .get(&dictionary.id)
            .is_some_and(|known| known.bytes != dictionary.bytes)
    }

    /// Forgets every dictionary (the store was wiped).
    pub(crate) fn clear(&self) {
        *self.0.write().expect("dictionaries") = Dictionaries::default();
    }

    pub(crate) fn current(&self) -> Option<Arc<Dictionary>> {
        self.0.read().expect("dictionaries").current.clone()
    }

    /// An aggregate's JSON as `case_json` stores it.
    pub(crate) fn pack(&self, json: &str) -> Vec<u8> {
        let dictionary = self.current();
        let source = json.as_bytes();
        let mut packed = Vec::with_capacity(zstd::zstd_safe::compress_bound(source.len()));
        COMPRESSOR.with_borrow_mut(|cctx| {
            let written = match &dictionary {
                Some(dictionary) => {
                    cctx.compress_using_cdict(&mut packed, source, &dictionary.encoder)
                }
                None => cctx.compress(&mut packed, source, LEVEL),
            };
            // The output buffer holds the bound, so zstd cannot run out of room.
            written.expect("zstd compresses into a buffer of compress_bound size");
        });
        packed.shrink_to_fit();
        packed
    }

    /// The JSON of a stored aggregate.
    pub(crate) fn unpack(&self, packed: &[u8]) -> Result<String> {
        let damaged = |why: String| ClientError::Protocol(format!("stored case damaged: {why}"));
        if !packed.starts_with(&ZSTD_MAGIC) {
            // Stores made before zstd kept LZ4 with the length in front.
            let bytes =
                lz4_flex::decompress_size_prepended(packed).map_err(|e| damaged(e.to_string()))?;
            return String::from_utf8(bytes).map_err(|e| damaged(e.to_string()));
        }
        let size = match zstd::zstd_safe::get_frame_content_size(packed) {
            Ok(Some(size)) if size <= MAX_AGGREGATE_BYTES => size as usize,
            Ok(_) => return Err(damaged("no plausible size".into())),
            Err(_) => return Err(damaged("unreadable frame header".into())),
        };
        let dictionary = match zstd::zstd_safe::get_dict_id_from_frame(packed) {
            Some(id) => Some(
                self.0
                    .read()
                    .expect("dictionaries")
                    .by_id
                    .get(&id.get())
                    .cloned()
                    .ok_or_else(|| damaged(format!("unknown dictionary {id}")))?,
            ),
            None => None,
        };
        let mut bytes = Vec::with_capacity(size);
        DECOMPRESSOR.with_borrow_mut(|dctx| {
            let read = match &dictionary {
                Some(dictionary) => {
                    dctx.decompress_using_ddict(&mut bytes, packed, &dictionary.decoder)
                }
                None => dctx.decompress(&mut bytes, packed),
            };
            read.map_err(|code| damaged(zstd::zstd_safe::get_error_name(code).to_owned()))
        })?;
        if bytes.len() != size {
            return Err(damaged("shorter than its header says".into()));
        }
        String::from_utf8(bytes).map_err(|e| damaged(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Aggregate-like JSON: the same shape with varying values.
    fn sample(i: usize) -> String {
        format!(
            r#"{{"id":"01a24d0b-1d8e-71b0-a624-{i:012x}","aktenzeichen":"32-HU-2026-{i:06}","status":"{}","applicant":{{"given_name":"Anna {i}","family_name":"Koch","street":"Marktstraße {}","postal_code":"3242{}","city":"Minden"}},"history":[{{"seq":{i},"version":1,"at":"2026-03-0{}T10:00:00Z","actor":{{"type":"citizen","name":"Anna Koch"}},"event":{{"type":"submitted","service_id":"HU"}}}}]}}"#,
            ["submitted", "in_review", "decided"][i % 3],
            i % 97,
            i % 10,
            1 + i % 9
        )
    }

    #[test]
    fn a_trained_dictionary_packs_smaller_and_round_trips() {
        let samples: Vec<String> = (0..TRAINING_SAMPLES).map(sample).collect();
        let dictionary = Arc::new(Dictionary::train(&samples).expect("trained"));
        let with = Codec::with(dictionary.clone());
        let without = Codec::default();
        let json = sample(100_000);
        let (small, plain) = (with.pack(&json), without.pack(&json));
        assert!(
            small.len() < plain.len(),
            "{} < {}",
            small.len(),
            plain.len()
        );
        assert_eq!(with.unpack(&small).unwrap(), json);
        assert_eq!(with.unpack(&plain).unwrap(), json);
        // A codec without the dictionary refuses its frames instead of guessing.
        let error = without.unpack(&small).unwrap_err().to_string();
        assert!(error.contains("unknown dictionary"), "{error}");
        // The stored form of the dictionary makes the same one again.
        let again = Dictionary::from_bytes(dictionary.bytes().to_vec()).unwrap();
        assert_eq!(again.id(), dictionary.id());
        assert!(!with.clashes_with(&again));
        let reloaded = Codec::default();
        reloaded.register(Arc::new(again));
        assert_eq!(reloaded.unpack(&small).unwrap(), json);
        // Another dictionary is not taken for one with the same id.
        let other: Vec<String> = (0..TRAINING_SAMPLES).map(|i| sample(i + 7_777)).collect();
        let mut other = Dictionary::train(&other).expect("trained");
        assert!(!with.clashes_with(&other));
        other.id = dictionary.id();
        assert!(with.clashes_with(&other));
    }

    #[test]
    fn too_few_samples_train_no_dictionary() {
        let samples: Vec<String> = (0..3).map(sample).collect();
        assert!(Dictionary::train(&samples).is_none());
    }

    #[test]
    fn older_lz4_blobs_still_read_and_damage_is_refused() {
        let codec = Codec::default();
        let json = sample(7);
        let legacy = lz4_flex::compress_prepend_size(json.as_bytes());
        assert_eq!(codec.unpack(&legacy).unwrap(), json);
        assert!(codec.unpack(b"garbage").is_err());
        let mut cut = codec.pack(&json);
        cut.truncate(cut.len() / 2);
        assert!(codec.unpack(&cut).is_err());
        let mut flipped = codec.pack(&json);
        let last = flipped.len() - 1;
        flipped[last] ^= 0xff;
        // Frames carry no checksum: zstd notices, or the text differs (and then
        // fails as JSON where it is read); never a panic, never the old text.
        assert_ne!(codec.unpack(&flipped).ok().as_deref(), Some(json.as_str()));
    }
}
