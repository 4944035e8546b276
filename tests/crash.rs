//! Crash safety: `gongshi build` killed with SIGKILL at arbitrary moments never leaves a half
//! site in `--out` (it holds either the previous good build or the complete new one), and the
//! next build removes the staging directories the killed builds left behind.
#![cfg(unix)]

mod common;
use common::*;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::{Duration, Instant};

fn tree_digest(root: &Path) -> String {
    let mut h = Sha256::new();
    for (path, bytes) in read_tree(root) {
        h.update(path.as_bytes());
        h.update([0]);
        h.update(Sha256::digest(&bytes));
    }
    hex::encode(h.finalize())
}

fn write_labs(site: &Path, count: usize, suffix: &str) {
    let dir = site.join("data/labs");
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    for file in 0..count / 500 {
        let mut yaml = String::new();
        for i in 0..500 {
            let n = file * 500 + i;
            yaml.push_str(&format!(
                "- id: lab-{n}\n  published: 2024-01-10\n  name: 西安第{n}检测有限公司{suffix}\n  credit_code: 91330201MA282UF146\n  city: 西安市\n  description: 第 {n} 号机构的简介，**{suffix}**。\n"
            ));
        }
        std::fs::write(dir.join(format!("{file}.yaml")), yaml).unwrap();
    }
}

fn spawn_build(site: &Path, out: &Path) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args([
            "build",
            "--site",
            site.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--as-of",
            "2024-04-15",
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn gongshi")
}

#[test]
fn sigkill_mid_build_never_publishes_half_a_site() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("good"), &site);
    // Credit codes need not be unique in this fixture's labs collection.
    let config = std::fs::read_to_string(site.join("site.yaml"))
        .unwrap()
        .replace("required: true, unique: true }", "required: true }");
    std::fs::write(site.join("site.yaml"), config).unwrap();
    std::fs::remove_dir_all(site.join("data/penalties")).unwrap();
    write_labs(&site, 1500, "旧");
    let out = tmp.path().join("public");
    build(&site, &out, "2024-04-15").expect("first build");
    let old = tree_digest(&out);

    write_labs(&site, 1500, "新");
    let reference = tmp.path().join("reference");
    let started = Instant::now();
    // A build over `out` lists the changes since the build it replaces: so does the reference.
    let mut opts = gongshi::pipeline::BuildOptions::new(&site, &reference, date("2024-04-15"));
    opts.previous = Some(out.clone());
    gongshi::pipeline::build(&opts).expect("reference build");
    let full = started.elapsed();
    let new = tree_digest(&reference);
    assert_ne!(old, new);

    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut outcomes = Vec::new();
    for _ in 0..6 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let fraction = (seed >> 33) as f64 / (1u64 << 31) as f64;
        let delay = full.mul_f64(0.05 + fraction);
        let mut child = spawn_build(&site, &out);
        std::thread::sleep(delay);
        child.kill().ok();
        child.wait().unwrap();
        let now = tree_digest(&out);
        assert!(
            now == old || now == new,
            "after a kill at {delay:?}, --out is neither build"
        );
        outcomes.push(if now == old { "old" } else { "new" });
        if now == new {
            // Start over from the old output so later kills test the interesting window again.
            write_labs(&site, 1500, "旧");
            std::fs::remove_dir_all(&out).unwrap();
            build(&site, &out, "2024-04-15").expect("restore");
            write_labs(&site, 1500, "新");
        }
    }
    assert!(
        outcomes.contains(&"old"),
        "some kill landed before the swap: {outcomes:?}"
    );
    let leftovers = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("gongshi-staging"))
        .count();
    assert!(
        leftovers > 0,
        "killed builds leave staging directories behind (else the kills missed the build)"
    );
    build(&site, &out, "2024-04-15").expect("build after kills");
    assert_eq!(tree_digest(&out), new);
    let remaining: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(
        remaining.is_empty(),
        "leftover staging directories cleaned: {remaining:?}"
    );
    let _ = Duration::ZERO;
}
