//! Fuzzes loading and validating one data file: any bytes must give records or diagnostics,
//! never a panic, a hang or unbounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

fn config() -> &'static gongshi::config::SiteConfig {
    static CONFIG: OnceLock<gongshi::config::SiteConfig> = OnceLock::new();
    CONFIG.get_or_init(|| {
        gongshi::config::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")))
            .expect("bundled site.yaml")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let config = config();
    let collection = usize::from(selector) % config.collections.len();
    let (records, diagnostics) =
        gongshi::validate::validate_bytes(config, collection, Path::new("data/fuzz.yaml"), bytes);
    // Every record that validated has a safe id; every problem names the file.
    for r in &records {
        assert!(gongshi::domain::RecordId::parse(r.id.as_str()).is_ok());
    }
    for d in &diagnostics {
        assert_eq!(d.file, Path::new("data/fuzz.yaml"));
    }
});
