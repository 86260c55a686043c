//! Integration tests of the domain crate: the wire format, pinned by snapshots.
//!
//! Desktop clients of older versions read what the portal writes; a change to these
//! snapshots is a change to the protocol and must be deliberate.

mod wire_format;
