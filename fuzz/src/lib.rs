//! # hs-fuzz — the logic behind hs's cargo-fuzz targets
//!
//! Who should use it: hs's own fuzzing (`cargo xtask fuzz TARGET --time SECONDS`) and anyone
//! replaying a crash found by it. It is not a library for applications.
//!
//! The fuzz targets in `fuzz_targets/` are one line each; what they run lives here, so the
//! same code can be replayed by the tests of this crate over the committed seed corpora
//! (`cargo test` inside `fuzz/`) and by the corpus recorder (`cargo run --example
//! record_corpus`).
//!
//! * [`feed::server_handshake`]: arbitrary bytes fed to a server in arbitrary chunk sizes.
//! * [`feed::client_handshake`]: the same for a client whose ClientHello is discarded.
//! * [`pair::pair_faults`]: a real client and server joined by [`hs_bio::FaultBio`] under an
//!   arbitrary [`pair::Schedule`], with the invariants listed on that function.
//! * [`ffi_calls::ffi_calls`]: an arbitrary sequence of hs-ffi's C API calls on a pool of
//!   live handles; no crash, no leak, no panic caught at the C boundary.
//!
//! Every target panics (which libFuzzer reports as a crash) when hs-core breaks its contract:
//! a panic inside hs, a call that neither progresses nor fails within a bounded number of
//! calls, an error that is not a clean `SSL_ERROR_*` outcome, or lost application data.
//!
//! ```
//! // A plaintext HTTP request is refused cleanly by the server target.
//! let mut input = vec![0u8, 0];
//! input.extend_from_slice(b"GET / HTTP/1.1\r\n\r\n");
//! hs_fuzz::feed::server_handshake(&input);
//! ```

// Denied everywhere except `ffi_calls`, the one module that calls the C API.
#![deny(unsafe_code)]

pub mod feed;
pub mod ffi_calls;
pub mod pair;
pub mod pki;

use hs_core::{Error, ErrorCode};

/// Checks that `e`, a final (non-retry) result of an hs call, is a clean outcome:
/// `SSL_ERROR_SSL` with an OpenSSL reason, `SSL_ERROR_SYSCALL`, or `SSL_ERROR_ZERO_RETURN`.
/// Panics otherwise, with `what` in the message.
pub fn assert_clean_error(e: &Error, what: &str) {
    match e.code() {
        ErrorCode::Ssl => assert!(
            e.reason().is_some(),
            "{what}: SSL_ERROR_SSL without a reason: {e:?}"
        ),
        ErrorCode::Syscall | ErrorCode::ZeroReturn => {}
        other => panic!(
            "{what}: a final error must be SSL, SYSCALL or ZERO_RETURN, got {other:?}: {e:?}"
        ),
    }
    assert_eq!(
        e.return_value(),
        if e.code() == ErrorCode::ZeroReturn {
            0
        } else {
            -1
        },
        "{what}: {e:?}"
    );
}
