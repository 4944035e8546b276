//! Property test: any generated record set either builds (every valid record gets a page) or fails
//! cleanly (diagnostics naming the data file, nothing written) — never a panic.

mod common;
use common::*;
use gongshi::pipeline::BuildError;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Lab {
    id: String,
    name: String,
    code: String,
    city: String,
    published: String,
}

fn lab() -> impl Strategy<Value = Lab> {
    (
        prop_oneof![4 => "[a-z][a-z0-9-]{0,12}", 1 => "\\PC{0,8}"],
        "\\PC{1,20}",
        prop_oneof![3 => Just("91330201MA282UF146".to_string()), 1 => "[0-9A-Z]{16,19}"],
        prop_oneof![3 => Just("西安市".to_string()), 1 => "\\PC{0,4}"],
        prop_oneof![3 => (2019u32..2025, 1u32..13, 1u32..32).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")), 1 => "\\PC{0,10}"],
    )
        .prop_map(|(id, name, code, city, published)| Lab { id, name, code, city, published })
}

fn to_yaml(labs: &[Lab]) -> String {
    let items: Vec<serde_yaml::Value> = labs
        .iter()
        .map(|l| {
            let mut m = serde_yaml::Mapping::new();
            for (k, v) in [
                ("id", &l.id),
                ("published", &l.published),
                ("name", &l.name),
                ("credit_code", &l.code),
                ("city", &l.city),
            ] {
                m.insert(k.into(), v.clone().into());
            }
            serde_yaml::Value::Mapping(m)
        })
        .collect();
    serde_yaml::to_string(&items).expect("yaml")
}

static BUILT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

#[test]
fn generated_sets_include_valid_ones() {
    // Guards the property test against generating only invalid sites.
    let runner_cases = 48;
    any_record_set_builds_or_fails_cleanly();
    let built = BUILT.load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        built > 0 && built < runner_cases * 2,
        "{built} of the generated sites built"
    );
}

proptest! {
    // A fixed seed: CI must not turn red on a lucky draw of only invalid sites (it did, once in
    // about twenty runs); the fuzz target explores beyond these cases.
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20250630),
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_record_set_builds_or_fails_cleanly(labs in proptest::collection::vec(lab(), 1..6), raw in proptest::option::of("\\PC{0,40}")) {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        copy_tree(&fixture("good"), &site);
        std::fs::remove_dir_all(site.join("data")).unwrap();
        std::fs::create_dir_all(site.join("data/labs")).unwrap();
        std::fs::write(site.join("data/labs/gen.yaml"), to_yaml(&labs)).unwrap();
        if let Some(raw) = &raw {
            std::fs::write(site.join("data/labs/raw.yaml"), raw).unwrap();
        }
        let out = tmp.path().join("public");
        match build(&site, &out, "2025-06-30") {
            Ok(_) => {
                BUILT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                for l in &labs {
                    prop_assert!(out.join("labs").join(&l.id).join("index.html").is_file(), "no page for {}", l.id);
                }
            }
            Err(BuildError::Invalid(diags)) => {
                prop_assert!(!diags.is_empty());
                for d in diags.iter().filter(|d| d.is_error()) {
                    prop_assert!(d.file.starts_with("data/"), "{:?}", d);
                }
                prop_assert!(!out.exists());
            }
            Err(other) => prop_assert!(false, "unexpected failure: {other}"),
        }
    }
}
