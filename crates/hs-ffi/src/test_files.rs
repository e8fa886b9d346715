//! Test support: a [`TestPki`]'s server chain and key as PEM files, for the C API's
//! file-based loaders (`SSL_CTX_use_certificate_chain_file`, `SSL_CTX_use_PrivateKey_file`).

use std::ffi::CString;
use std::path::PathBuf;

use hs_core::testing::TestPki;

/// The files, removed when dropped.
pub(crate) struct ServerFiles {
    dir: PathBuf,
    /// The chain file's path.
    pub(crate) chain: CString,
    /// The key file's path.
    pub(crate) key: CString,
}

impl ServerFiles {
    /// Writes `pki`'s server chain and key under a directory named for `tag` and the process.
    pub(crate) fn new(pki: &TestPki, tag: &str) -> ServerFiles {
        let dir = std::env::temp_dir().join(format!("hs-ffi-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let write = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text).expect("write PEM");
            CString::new(path.to_str().expect("UTF-8 temp path")).expect("no NUL in path")
        };
        let chain = write("chain.pem", &pki.server().chain_pem);
        let key = write("key.pem", &pki.server().key_pem);
        ServerFiles { dir, chain, key }
    }
}

impl Drop for ServerFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
