//! `SSL_CIPHER`: static descriptions of the suites hs negotiates.

use libc::{c_char, c_int};

use crate::boundary::{ffi_fn, put};

/// `SSL_CIPHER`.
#[derive(Debug)]
pub(crate) struct SslCipher {
    name: &'static [u8],
    standard: &'static [u8],
    bits: c_int,
    version: &'static [u8],
}

static CIPHERS: [SslCipher; 9] = [
    SslCipher {
        name: b"TLS_AES_256_GCM_SHA384\0",
        standard: b"TLS_AES_256_GCM_SHA384\0",
        bits: 256,
        version: b"TLSv1.3\0",
    },
    SslCipher {
        name: b"TLS_AES_128_GCM_SHA256\0",
        standard: b"TLS_AES_128_GCM_SHA256\0",
        bits: 128,
        version: b"TLSv1.3\0",
    },
    SslCipher {
        name: b"TLS_CHACHA20_POLY1305_SHA256\0",
        standard: b"TLS_CHACHA20_POLY1305_SHA256\0",
        bits: 256,
        version: b"TLSv1.3\0",
    },
    SslCipher {
        name: b"ECDHE-ECDSA-AES256-GCM-SHA384\0",
        standard: b"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384\0",
        bits: 256,
        version: b"TLSv1.2\0",
    },
    SslCipher {
        name: b"ECDHE-ECDSA-AES128-GCM-SHA256\0",
        standard: b"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\0",
        bits: 128,
        version: b"TLSv1.2\0",
    },
    SslCipher {
        name: b"ECDHE-ECDSA-CHACHA20-POLY1305\0",
        standard: b"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256\0",
        bits: 256,
        version: b"TLSv1.2\0",
    },
    SslCipher {
        name: b"ECDHE-RSA-AES256-GCM-SHA384\0",
        standard: b"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\0",
        bits: 256,
        version: b"TLSv1.2\0",
    },
    SslCipher {
        name: b"ECDHE-RSA-AES128-GCM-SHA256\0",
        standard: b"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\0",
        bits: 128,
        version: b"TLSv1.2\0",
    },
    SslCipher {
        name: b"ECDHE-RSA-CHACHA20-POLY1305\0",
        standard: b"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256\0",
        bits: 256,
        version: b"TLSv1.2\0",
    },
];

/// The static cipher for an OpenSSL suite name.
pub(crate) fn by_name(name: &str) -> *const SslCipher {
    CIPHERS
        .iter()
        .find(|c| &c.name[..c.name.len() - 1] == name.as_bytes())
        .map_or(std::ptr::null(), |c| c as *const SslCipher)
}

const NONE: &[u8] = b"(NONE)\0";

ffi_fn! {
    /// `SSL_CIPHER_get_name`: OpenSSL's name; `"(NONE)"` for NULL.
    fn SSL_CIPHER_get_name(c: *const SslCipher) -> *const c_char = NONE.as_ptr().cast(); {
        match crate::boundary::obj_or_null(c) {
            Some(c) => c.name.as_ptr().cast(),
            None => NONE.as_ptr().cast(),
        }
    }
}

ffi_fn! {
    /// `SSL_CIPHER_standard_name`: the RFC name.
    fn SSL_CIPHER_standard_name(c: *const SslCipher) -> *const c_char = NONE.as_ptr().cast(); {
        match crate::boundary::obj_or_null(c) {
            Some(c) => c.standard.as_ptr().cast(),
            None => NONE.as_ptr().cast(),
        }
    }
}

ffi_fn! {
    /// `SSL_CIPHER_get_bits`.
    fn SSL_CIPHER_get_bits(c: *const SslCipher, alg_bits: *mut c_int) -> c_int = 0; {
        match crate::boundary::obj_or_null(c) {
            Some(c) => {
                put(alg_bits, c.bits);
                c.bits
            }
            None => 0,
        }
    }
}

ffi_fn! {
    /// `SSL_CIPHER_get_version`.
    fn SSL_CIPHER_get_version(c: *const SslCipher) -> *const c_char = NONE.as_ptr().cast(); {
        match crate::boundary::obj_or_null(c) {
            Some(c) => c.version.as_ptr().cast(),
            None => NONE.as_ptr().cast(),
        }
    }
}
