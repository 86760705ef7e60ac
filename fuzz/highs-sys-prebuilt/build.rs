//! Uses the bindings and the static library of a finished highs-sys build (see Cargo.toml).
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=HIGHS_PREBUILT_OUT");
    let Ok(pre) = std::env::var("HIGHS_PREBUILT_OUT") else {
        eprintln!("set HIGHS_PREBUILT_OUT to target/release/build/highs-sys-*/out of a stable build (make fuzz-build does)");
        std::process::exit(1);
    };
    let pre = PathBuf::from(pre);
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::copy(pre.join("c_bindings.rs"), out.join("c_bindings.rs"))
        .expect("c_bindings.rs of the stable build");
    println!("cargo:rustc-link-search=native={}/lib", pre.display());
    println!("cargo:rustc-link-search=native={}/lib64", pre.display());
    println!("cargo:rustc-link-lib=static=highs");
    println!("cargo:rustc-link-lib=stdc++");
}
