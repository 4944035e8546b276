//! Inputs the fuzzer once crashed on (fuzz/regressions/): each must now validate or be reported,
//! without a panic. The first byte selects the collection, as in the fuzz target.

use std::path::Path;

#[test]
fn fuzz_regressions_do_not_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = gongshi::config::load(root).expect("bundled site.yaml");
    let mut cases = 0;
    for entry in std::fs::read_dir(root.join("fuzz/regressions")).expect("regressions folder") {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let Some((&selector, data)) = bytes.split_first() else {
            continue;
        };
        let collection = usize::from(selector) % config.collections.len();
        let (_, diagnostics) =
            gongshi::validate::validate_bytes(&config, collection, Path::new("data/x.yaml"), data);
        assert!(diagnostics
            .iter()
            .all(|d| d.file == Path::new("data/x.yaml")));
        cases += 1;
    }
    assert!(cases >= 1);
}
