//! Tauri's build step: embeds the config, capabilities and icons. The app also
//! embeds the built UI (`ui/dist`) when it is compiled, so a new UI build must
//! recompile it: without this line cargo would keep an app with the old UI.

fn main() {
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::build()
}
