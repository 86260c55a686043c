//! End to end: the real portal binary on `127.0.0.1:0`, the real `casedesk` binary,
//! real sockets, the real OS keyring, and a proxy between them that breaks the
//! network on purpose.

mod letters;
mod support;
mod sync;
