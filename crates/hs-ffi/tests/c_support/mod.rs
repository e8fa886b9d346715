//! What the C-program test binaries (`c_programs.rs`, `c_asan.rs`) share: where the crate
//! and the built library are, scratch directories and the PKI files the programs take.

use std::path::{Path, PathBuf};

pub(crate) fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// target/<profile>: the test binary lives in target/<profile>/deps.
pub(crate) fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>")
        .to_path_buf();
    assert!(
        dir.join("libhs_ffi.so").exists(),
        "libhs_ffi.so not found in {}: build the crate (cargo build -p hs-ffi) first",
        dir.display()
    );
    dir
}

/// A fresh directory named for the test binary (`kind`), the process and `name`.
pub(crate) fn scratch(kind: &str, name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hs-ffi-{kind}-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).expect("scratch directory");
    d
}

/// PEM files for the programs: CA, server chain (leaf + intermediate), server key, client
/// chain, client key, and the root of another PKI (trusting it, the others are of an
/// unknown issuer). Programs take the first three; client_auth.c five, verify_callback.c all.
pub(crate) fn pki_files(dir: &Path) -> [PathBuf; 6] {
    let pki = hs_core::testing::TestPki::new("localhost");
    let other = hs_core::testing::TestPki::new("localhost");
    let files = [
        ("ca.pem", pki.ca_pem().to_vec()),
        ("chain.pem", pki.server().chain_pem.clone().into_bytes()),
        ("key.pem", pki.server().key_pem.clone().into_bytes()),
        (
            "client-chain.pem",
            pki.client().chain_pem.clone().into_bytes(),
        ),
        ("client-key.pem", pki.client().key_pem.clone().into_bytes()),
        ("other-ca.pem", other.ca_pem().to_vec()),
    ];
    files.map(|(name, data)| {
        let path = dir.join(name);
        std::fs::write(&path, data).expect("write PEM");
        path
    })
}
