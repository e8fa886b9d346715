//! Exports only OpenSSL's names from the cdylib (a linker version script), and writes
//! `hs_ffi.pc` for pkg-config next to the built library (`target/<profile>/hs_ffi.pc`).

use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let map = manifest.join("exports.map");
    println!("cargo:rerun-if-changed={}", map.display());
    println!("cargo:rerun-if-changed=hs_ffi.pc.in");
    println!(
        "cargo:rustc-cdylib-link-arg=-Wl,--version-script={}",
        map.display()
    );

    // OUT_DIR is target/<profile>/build/hs-ffi-<hash>/out: the library lands three levels up.
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let Some(libdir) = out.ancestors().nth(3).map(Path::to_path_buf) else {
        return;
    };
    let template = std::fs::read_to_string(manifest.join("hs_ffi.pc.in"))
        .expect("hs_ffi.pc.in is part of the crate");
    let pc = template
        .replace("@PREFIX@", &libdir.display().to_string())
        .replace("@LIBDIR@", &libdir.display().to_string())
        .replace(
            "@INCLUDEDIR@",
            &manifest.join("include").display().to_string(),
        )
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"));
    // Best effort: a read-only target directory must not fail the build of the library.
    let _ = std::fs::write(libdir.join("hs_ffi.pc"), pc);
}
