//! Case aggregates as compressed frames: how the portal keeps them for sync, how it
//! sends a bootstrap, and how the desktop cache stores them.
//!
//! An aggregate is about 6 kB of JSON, most of it field names, enum values, ids and
//! timestamps that every case repeats. Compressed on its own, with nothing to refer
//! back to, it shrinks less than threefold; with a dictionary that already holds those
//! repeated parts, zstd at its fastest level shrinks it about tenfold.
//!
//! The portal trains one dictionary per office on that office's cases and keeps every
//! aggregate of the office compressed with it, once per change. A bootstrap sends the
//! dictionaries of the user's offices and then those frames as they are, and the
//! desktop stores them as they arrive: nobody compresses per request. A dictionary
//! holds fragments of the cases it was trained on, so it is office data: a user only
//! ever receives the dictionaries of their own offices. Every frame names its
//! dictionary by the id zstd writes into it (a frame without one is plain zstd) and
//! carries zstd's content checksum, so a damaged frame is refused, never read as a
//! slightly different case.
//!
//! The bootstrap's binary form ([`MEDIA_TYPE`]) is a sequence of records, each a kind
//! byte ([`RecordKind`]), a big-endian `u32` length and that many bytes: a `begin`
//! marker (JSON [`crate::wire::BootstrapMarker`]), the dictionaries, the case frames
//! in case id order, and an `end` marker once every case was sent.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use zstd::zstd_safe::{CCtx, CDict, CParameter, DCtx, DDict};

/// The media type of a bootstrap sent as frames.
pub const MEDIA_TYPE: &str = "application/vnd.casedesk.frames";

/// zstd's fastest regular level: aggregates are compressed on every change and, by
/// the desktop, for every change it pulls.
const LEVEL: i32 = 1;
/// The dictionary's size: 32 KiB held most of the gain on the demo tenant's cases
/// (10.0× against 9.7× with 16 KiB and 10.2× with 64 KiB).
const DICTIONARY_BYTES: usize = 32 * 1024;
/// How many cases a dictionary is trained on: enough for every service's form and
/// the usual history entries, trained in about 50 ms.
pub const TRAINING_SAMPLES: usize = 256;
/// zstd's trainer needs a handful of samples; with fewer, no dictionary is trained.
pub const MIN_SAMPLES: usize = 16;
/// Larger than any aggregate the portal accepts; a frame that claims more is damaged.
const MAX_AGGREGATE_BYTES: u64 = 64 * 1024 * 1024;
/// The largest record of the binary bootstrap: a frame of the largest aggregate.
pub const MAX_RECORD_BYTES: usize = 72 * 1024 * 1024;
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

/// Why a frame could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("frame names dictionary {0}, which is not known here")]
    UnknownDictionary(u32),
    #[error("damaged frame: {0}")]
    Damaged(String),
}

/// Tells dictionaries apart for the contexts that have one loaded (never reused).
static NEXT_INSTANCE: AtomicU64 = AtomicU64::new(1);

thread_local! {
    // One context per thread, reused for every case: creating one costs more than
    // decompressing a case.
    static DECOMPRESSOR: RefCell<DCtx<'static>> = RefCell::new(DCtx::create());
    /// See [`with_packer`]: (dictionary instance or 0 for none, context).
    static PACKERS: RefCell<Vec<(u64, CCtx<'static>)>> = const { RefCell::new(Vec::new()) };
    // The text of the frame being read by `Codec::read`: one buffer per thread
    // instead of an allocation of several kilobytes per case.
    static TEXT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Whether `bytes` start like a zstd frame.
pub fn is_zstd(bytes: &[u8]) -> bool {
    bytes.starts_with(&ZSTD_MAGIC)
}

/// The dictionary id a frame names, if any.
pub fn dictionary_of(frame: &[u8]) -> Option<u32> {
    zstd::zstd_safe::get_dict_id_from_frame(frame).map(|id| id.get())
}

/// A trained dictionary, prepared for unpacking (packing loads it into a context
/// of each thread that packs with it).
pub struct Dictionary {
    id: u32,
    instance: u64,
    bytes: Vec<u8>,
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
    /// A dictionary as stored or received. `None` for bytes that are not a zstd
    /// dictionary with an id.
    pub fn from_bytes(bytes: Vec<u8>) -> Option<Self> {
        let id = zstd::zstd_safe::get_dict_id_from_dict(&bytes)?.get();
        // Both directions must accept it: a dictionary zstd can only read would
        // fail the first time a case is packed with it.
        CDict::try_create(&bytes, LEVEL)?;
        let decoder = DDict::try_create(&bytes)?;
        Some(Self {
            id,
            instance: NEXT_INSTANCE.fetch_add(1, Ordering::Relaxed),
            bytes,
            decoder,
        })
    }

    /// Trains a dictionary on `samples` (aggregates' JSON). `None` when there are
    /// fewer than [`MIN_SAMPLES`] or zstd's trainer declines them; frames are then
    /// made without a dictionary, which costs size, not correctness.
    pub fn train<S: AsRef<[u8]>>(samples: &[S]) -> Option<Self> {
        if samples.len() < MIN_SAMPLES {
            return None;
        }
        zstd::dict::from_samples(samples, DICTIONARY_BYTES)
            .ok()
            .and_then(Self::from_bytes)
    }

    /// The id zstd writes into every frame made with this dictionary.
    pub fn id(&self) -> u32 {
        self.id
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// `json` as a frame made with this dictionary.
    pub fn pack(&self, json: &str) -> Vec<u8> {
        pack_with(Some(self), json)
    }
}

/// `json` as a zstd frame, with `dictionary` if there is one.
///
/// Every frame carries zstd's content checksum (4 bytes, XXH64), which unpacking
/// checks: a frame damaged at rest or on the way is refused, never read as a
/// slightly different case.
pub fn pack_with(dictionary: Option<&Dictionary>, json: &str) -> Vec<u8> {
    let source = json.as_bytes();
    let mut packed = Vec::with_capacity(zstd::zstd_safe::compress_bound(source.len()));
    with_packer(dictionary, |cctx| {
        // The output buffer holds the bound, so zstd cannot run out of room.
        cctx.compress2(&mut packed, source)
            .expect("zstd compresses into a buffer of compress_bound size");
    });
    packed.shrink_to_fit();
    packed
}

/// Contexts for packing kept per thread, each with its dictionary loaded (about
/// 150 kB each): setting one up and loading its dictionary took about 75 µs, packing
/// a case with a ready one about 2 µs. Eight cover the offices a portal thread
/// usually packs for in turn.
const PACKERS_PER_THREAD: usize = 8;

/// Runs `pack` with this thread's context for `dictionary`, the least recently
/// used one making room for it.
fn with_packer(dictionary: Option<&Dictionary>, pack: impl FnOnce(&mut CCtx<'static>)) {
    const SET_UP: &str = "zstd accepts its documented parameters";
    let key = dictionary.map_or(0, |dictionary| dictionary.instance);
    PACKERS.with_borrow_mut(|packers| {
        let entry = match packers.iter().position(|(loaded, _)| *loaded == key) {
            Some(at) => packers.remove(at),
            None => {
                if packers.len() == PACKERS_PER_THREAD {
                    packers.remove(0);
                }
                let mut cctx = CCtx::create();
                cctx.set_parameter(CParameter::ChecksumFlag(true))
                    .expect(SET_UP);
                cctx.set_parameter(CParameter::CompressionLevel(LEVEL))
                    .expect(SET_UP);
                if let Some(dictionary) = dictionary {
                    cctx.load_dictionary(&dictionary.bytes).expect(SET_UP);
                }
                (key, cctx)
            }
        };
        // Most recently used last.
        packers.push(entry);
        let (_, cctx) = packers.last_mut().expect("just pushed");
        pack(cctx);
    });
}

#[derive(Debug, Default)]
struct Dictionaries {
    /// The dictionary new frames are made with.
    current: Option<Arc<Dictionary>>,
    /// Every dictionary frames may name.
    by_id: HashMap<u32, Arc<Dictionary>>,
}

/// Packs and unpacks frames with a set of dictionaries. Cheap to clone; clones share
/// the dictionaries.
#[derive(Debug, Clone, Default)]
pub struct Codec(Arc<RwLock<Dictionaries>>);

impl Codec {
    /// A codec that packs with `dictionary` (and unpacks what it packed).
    pub fn with(dictionary: Arc<Dictionary>) -> Self {
        let codec = Self::default();
        codec.make_current(dictionary);
        codec
    }

    /// Lets frames made with `dictionary` be unpacked. Done before the first of them
    /// is committed, so no reader ever meets a frame it cannot read.
    pub fn register(&self, dictionary: Arc<Dictionary>) {
        let mut dictionaries = self.0.write().expect("dictionaries");
        dictionaries.by_id.insert(dictionary.id, dictionary);
    }

    /// Packs new frames with `dictionary`. Done once it is committed to the store:
    /// a frame must never name a dictionary the store could lose.
    pub fn make_current(&self, dictionary: Arc<Dictionary>) {
        let mut dictionaries = self.0.write().expect("dictionaries");
        dictionaries.by_id.insert(dictionary.id, dictionary.clone());
        dictionaries.current = Some(dictionary);
    }

    /// Whether this codec holds another dictionary under `dictionary`'s id. Ids are
    /// derived from the content, so a clash between two different dictionaries is
    /// most unlikely, but frames must never be read with the wrong one.
    pub fn clashes_with(&self, dictionary: &Dictionary) -> bool {
        self.get(dictionary.id)
            .is_some_and(|known| known.bytes != dictionary.bytes)
    }

    /// The dictionary with zstd id `id`, if this codec holds it.
    pub fn get(&self, id: u32) -> Option<Arc<Dictionary>> {
        self.0.read().expect("dictionaries").by_id.get(&id).cloned()
    }

    /// Forgets every dictionary (the store was wiped).
    pub fn clear(&self) {
        *self.0.write().expect("dictionaries") = Dictionaries::default();
    }

    pub fn current(&self) -> Option<Arc<Dictionary>> {
        self.0.read().expect("dictionaries").current.clone()
    }

    /// `json` as a frame made with the current dictionary.
    pub fn pack(&self, json: &str) -> Vec<u8> {
        pack_with(self.current().as_deref(), json)
    }

    /// The JSON text of a frame; refuses frames whose dictionary it does not hold,
    /// whose size is implausible, that are cut or that are not UTF-8.
    pub fn unpack(&self, frame: &[u8]) -> Result<String, FrameError> {
        let mut bytes = Vec::new();
        self.unpack_into(frame, &mut bytes)?;
        String::from_utf8(bytes).map_err(|_| FrameError::Damaged("not UTF-8".into()))
    }

    /// Hands the JSON text of a frame to `read` without keeping it: unpacked into a
    /// buffer of this thread that the next frame reuses. Refuses frames as
    /// [`Codec::unpack`] does.
    pub fn read<T>(&self, frame: &[u8], read: impl FnOnce(&str) -> T) -> Result<T, FrameError> {
        TEXT.with_borrow_mut(|bytes| {
            self.unpack_into(frame, bytes)?;
            let text =
                std::str::from_utf8(bytes).map_err(|_| FrameError::Damaged("not UTF-8".into()))?;
            Ok(read(text))
        })
    }

    /// Unpacks `frame` into `bytes` (replacing what it held).
    fn unpack_into(&self, frame: &[u8], bytes: &mut Vec<u8>) -> Result<(), FrameError> {
        let damaged = |why: &str| FrameError::Damaged(why.to_owned());
        if !is_zstd(frame) {
            return Err(damaged("not a zstd frame"));
        }
        let size = match zstd::zstd_safe::get_frame_content_size(frame) {
            Ok(Some(size)) if size <= MAX_AGGREGATE_BYTES => size as usize,
            Ok(_) => return Err(damaged("no plausible size")),
            Err(_) => return Err(damaged("unreadable frame header")),
        };
        let dictionary = match dictionary_of(frame) {
            Some(id) => Some(self.get(id).ok_or(FrameError::UnknownDictionary(id))?),
            None => None,
        };
        bytes.clear();
        bytes.reserve(size);
        DECOMPRESSOR.with_borrow_mut(|dctx| {
            let read = match &dictionary {
                Some(dictionary) => dctx.decompress_using_ddict(bytes, frame, &dictionary.decoder),
                None => dctx.decompress(bytes, frame),
            };
            read.map_err(|code| damaged(zstd::zstd_safe::get_error_name(code)))
        })?;
        if bytes.len() != size {
            return Err(damaged("shorter than its header says"));
        }
        Ok(())
    }
}

/// The kinds of record in a binary bootstrap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// JSON [`crate::wire::BootstrapMarker`] `begin`.
    Begin,
    /// A zstd dictionary of one of the user's offices, before any frame using it.
    Dictionary,
    /// One case aggregate as a zstd frame.
    Case,
    /// JSON [`crate::wire::BootstrapMarker`] `end`; only after every case was sent.
    End,
}

/// Bytes before each record's payload: its kind and its length.
pub const RECORD_HEADER_BYTES: usize = 5;

impl RecordKind {
    fn byte(self) -> u8 {
        match self {
            Self::Begin => b'B',
            Self::Dictionary => b'D',
            Self::Case => b'C',
            Self::End => b'E',
        }
    }

    fn from_byte(byte: u8) -> Option<Self> {
        Some(match byte {
            b'B' => Self::Begin,
            b'D' => Self::Dictionary,
            b'C' => Self::Case,
            b'E' => Self::End,
            _ => return None,
        })
    }
}

/// The header of a record of `kind` with `len` bytes of payload.
pub fn record_header(kind: RecordKind, len: usize) -> [u8; RECORD_HEADER_BYTES] {
    let len = u32::try_from(len).expect("records are far smaller than 4 GiB");
    let mut header = [kind.byte(), 0, 0, 0, 0];
    header[1..].copy_from_slice(&len.to_be_bytes());
    header
}

/// Appends one record to `out`.
pub fn put_record(out: &mut Vec<u8>, kind: RecordKind, payload: &[u8]) {
    out.extend_from_slice(&record_header(kind, payload.len()));
    out.extend_from_slice(payload);
}

/// One record of a binary bootstrap, as [`next_record`] finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    pub kind: RecordKind,
    pub payload: &'a [u8],
    /// Header and payload together: where the next record starts.
    pub len: usize,
}

/// The record `bytes` start with, or `None` while it is not complete yet. Refuses
/// unknown kinds and lengths above [`MAX_RECORD_BYTES`] as soon as the header is
/// there.
pub fn next_record(bytes: &[u8]) -> Result<Option<Record<'_>>, FrameError> {
    let Some((kind, len)) = record_extent(bytes)? else {
        return Ok(None);
    };
    Ok(bytes
        .get(RECORD_HEADER_BYTES..len)
        .map(|payload| Record { kind, payload, len }))
}

/// The kind and whole length (header included) of the record `bytes` start with,
/// once its header is there.
pub fn record_extent(bytes: &[u8]) -> Result<Option<(RecordKind, usize)>, FrameError> {
    let Some(header) = bytes.get(..RECORD_HEADER_BYTES) else {
        return Ok(None);
    };
    let kind = RecordKind::from_byte(header[0])
        .ok_or_else(|| FrameError::Damaged(format!("unknown record kind {:#04x}", header[0])))?;
    let len = u32::from_be_bytes([header[1], header[2], header[3], header[4]]) as usize;
    if len > MAX_RECORD_BYTES {
        return Err(FrameError::Damaged(format!("record of {len} bytes")));
    }
    Ok(Some((kind, RECORD_HEADER_BYTES + len)))
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
        assert_eq!(small, dictionary.pack(&json));
        assert_eq!(dictionary_of(&small), Some(dictionary.id()));
        assert_eq!(dictionary_of(&plain), None);
        assert_eq!(with.unpack(&small).unwrap(), json);
        assert_eq!(with.unpack(&plain).unwrap(), json);
        assert_eq!(with.read(&small, str::to_owned).unwrap(), json);
        let other = sample(3);
        assert_eq!(with.read(&with.pack(&other), str::to_owned).unwrap(), other);
        // A codec without the dictionary refuses its frames instead of guessing.
        assert_eq!(
            without.unpack(&small),
            Err(FrameError::UnknownDictionary(dictionary.id()))
        );
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
        assert!(Dictionary::from_bytes(b"not a dictionary".to_vec()).is_none());
    }

    #[test]
    fn damaged_frames_are_refused() {
        let codec = Codec::default();
        let json = sample(7);
        assert!(codec.unpack(b"garbage").is_err());
        let mut cut = codec.pack(&json);
        cut.truncate(cut.len() / 2);
        assert!(codec.unpack(&cut).is_err());
        // Frames carry a checksum: a flipped bit anywhere, with or without a
        // dictionary, is refused or (where zstd ignores the bit) changes nothing.
        // Never a panic, never another text.
        let samples: Vec<String> = (0..TRAINING_SAMPLES).map(sample).collect();
        let dictionary = Arc::new(Dictionary::train(&samples).expect("trained"));
        let with = Codec::with(dictionary.clone());
        for frame in [codec.pack(&json), with.pack(&json)] {
            let mut refused = 0;
            for at in 0..frame.len() {
                for bit in [0x01, 0x10, 0x80] {
                    let mut flipped = frame.clone();
                    flipped[at] ^= bit;
                    match with.unpack(&flipped) {
                        Ok(text) => assert_eq!(text, json, "bit {bit:#x} of byte {at}"),
                        Err(_) => refused += 1,
                    }
                }
            }
            assert!(
                refused * 10 > frame.len() * 3 * 9,
                "{refused} of {}",
                frame.len() * 3
            );
        }
    }

    #[test]
    fn records_round_trip_and_bad_headers_are_refused() {
        let mut out = Vec::new();
        put_record(&mut out, RecordKind::Case, b"frame");
        assert_eq!(out.len(), RECORD_HEADER_BYTES + 5);
        assert_eq!(
            next_record(&out),
            Ok(Some(Record {
                kind: RecordKind::Case,
                payload: b"frame",
                len: out.len()
            }))
        );
        assert_eq!(next_record(&out[..out.len() - 1]), Ok(None));
        assert_eq!(next_record(&out[..3]), Ok(None));
        assert!(next_record(b"X\0\0\0\0").is_err());
        assert!(next_record(&[b'C', 0xff, 0xff, 0xff, 0xff]).is_err());
    }
}
