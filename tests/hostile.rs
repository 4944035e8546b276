//! Hostile and broken input: each case gives a clear error or warning with its location and the
//! right exit code, never a panic, a hang, unbounded memory or a path outside the site.

mod common;
use common::*;
use std::path::{Path, PathBuf};

struct Site {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    out: PathBuf,
}

fn site() -> Site {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(&fixture("good"), &root);
    let out = tmp.path().join("public");
    Site {
        _tmp: tmp,
        root,
        out,
    }
}

impl Site {
    fn write(&self, rel: &str, bytes: &[u8]) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    fn build(&self, extra: &[&str]) -> (Option<i32>, String) {
        let mut args = vec![
            "build",
            "--site",
            self.root.to_str().unwrap(),
            "--out",
            self.out.to_str().unwrap(),
            "--as-of",
            "2024-04-15",
        ];
        args.extend_from_slice(extra);
        // In English: the assertions quote the English messages (tests/messages.rs has the
        // Chinese ones).
        let out = gongshi_en(&args);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(!stderr.contains("panicked"), "panic: {stderr}");
        (out.status.code(), stderr)
    }
}

fn assert_error(site: &Site, location: &str, needle: &str) {
    let (code, stderr) = site.build(&[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with(location) && l.contains(needle)),
        "expected {location} … {needle} in:\n{stderr}"
    );
    assert!(!site.out.exists(), "nothing written");
}

const LAB: &str = "id: xa-delta\npublished: 2024-01-10\nname: 西安丁检测有限公司\ncredit_code: 91610302MA6X7Y8BX1\n";

#[test]
fn billion_laughs_is_refused() {
    let s = site();
    let mut doc = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = "a".to_string();
    for n in ["b", "c", "d", "e", "f", "g", "h", "i", "j"] {
        doc.push_str(&format!("{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        prev = n.to_string();
    }
    s.write("data/labs/bomb.yaml", doc.as_bytes());
    assert_error(&s, "data/labs/bomb.yaml:", "alias expansion bomb");
}

#[test]
fn deep_nesting_is_refused() {
    let s = site();
    let doc = format!(
        "id: deep\nname: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    s.write("data/labs/deep.yaml", doc.as_bytes());
    let (code, stderr) = s.build(&[]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("data/labs/deep.yaml:2")
            && (stderr.contains("nesting") || stderr.contains("recursion")),
        "{stderr}"
    );
}

#[test]
fn oversized_file_is_refused() {
    let s = site();
    s.write(
        "data/labs/big.yaml",
        format!("{LAB}description: \"{}\"\n", "x".repeat(5000)).as_bytes(),
    );
    let (code, stderr) = s.build(&["--max-file-bytes", "4096"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("data/labs/big.yaml: error:")
            && stderr.contains("over the limit of 4096 bytes"),
        "{stderr}"
    );
}

#[test]
fn encodings_and_nul_bytes() {
    let s = site();
    s.write("data/labs/latin1.yaml", b"id: xa-delta\nname: caf\xe9\n");
    assert_error(
        &s,
        "data/labs/latin1.yaml:2",
        "invalid UTF-8 at byte offset 22",
    );
    let s = site();
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("id: x\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    s.write("data/labs/utf16.yaml", &utf16);
    assert_error(&s, "data/labs/utf16.yaml", "UTF-16");
    let s = site();
    s.write("data/labs/nul.yaml", b"id: xa-delta\nname: a\x00b\n");
    assert_error(&s, "data/labs/nul.yaml:2", "NUL byte");
    let s = site();
    s.write("data/labs/bom.yaml", format!("\u{feff}{LAB}").as_bytes());
    let (code, stderr) = s.build(&[]);
    assert_eq!(code, Some(0), "a UTF-8 BOM is accepted: {stderr}");
}

#[test]
fn duplicate_keys_multi_document_and_tabs() {
    let s = site();
    s.write(
        "data/labs/dup.yaml",
        format!("{LAB}name: 重复\n").as_bytes(),
    );
    assert_error(
        &s,
        "data/labs/dup.yaml:5",
        "duplicate key \"name\" (first given on line 3)",
    );
    let s = site();
    s.write(
        "data/labs/multi.yaml",
        format!("{LAB}---\n{LAB}").as_bytes(),
    );
    assert_error(&s, "data/labs/multi.yaml:5", "one YAML document");
    let s = site();
    s.write("data/labs/tabs.yaml", b"id: xa-delta\nname:\n\t- x\n");
    assert_error(&s, "data/labs/tabs.yaml:3", "YAML syntax");
}

#[test]
fn empty_file_is_a_warning() {
    let s = site();
    s.write("data/labs/empty.yaml", b"");
    let (code, stderr) = s.build(&[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("data/labs/empty.yaml: warning: empty file"),
        "{stderr}"
    );
}

#[test]
fn scalars_are_read_by_declared_type() {
    // An all-digit value in a text field stays text; `no` in a text field is the word "no".
    let s = site();
    s.write("data/labs/typed.yaml", b"id: xa-delta\npublished: 2024-01-10\nname: no\ncredit_code: 91610302MA6X7Y8BX1\ncontact_phone: 02912345678\n");
    let (code, stderr) = s.build(&[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(read(&s.out, "labs/xa-delta/index.html").contains("<h1>no</h1>"));
    // A number where a list belongs, and text where money belongs, are errors naming the field.
    let s = site();
    s.write("data/penalties/typed.yaml", "id: p9\npublished: 2024-03-01\ndecision_number: 陕市监罚〔2024〕9号\nparty_name: 某公司\nparty_type: 法人\nsanctions: 12\nfine: yes\ndecision_date: 2024-02-20\n".as_bytes());
    let (code, stderr) = s.build(&[]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("data/penalties/typed.yaml:6:12: error: record \"p9\", field \"sanctions\": expected a list"), "{stderr}");
    assert!(stderr.contains("data/penalties/typed.yaml:7:7: error: record \"p9\", field \"fine\": expected an amount"), "{stderr}");
}

#[test]
fn hostile_ids_are_refused() {
    for (i, id) in [
        "a/b",
        "..",
        "\"%2e%2e\"",
        "a\\\\b",
        "\"a\\u0007b\"",
        "\"a\\nb\"",
        "Ａ",
    ]
    .iter()
    .enumerate()
    {
        let s = site();
        s.write(
            "data/labs/id.yaml",
            format!("id: {id}\npublished: 2024-01-10\nname: x\ncredit_code: 91610302MA6X7Y8BX1\n")
                .as_bytes(),
        );
        let (code, stderr) = s.build(&[]);
        assert_eq!(code, Some(1), "case {i} {id}: {stderr}");
        assert!(
            stderr.contains("data/labs/id.yaml:1:5: error:") && stderr.contains("field \"id\""),
            "case {i} {id}: {stderr}"
        );
        assert!(!s.out.exists());
    }
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed() {
    let s = site();
    let outside = s.root.parent().unwrap().join("outside.yaml");
    std::fs::write(&outside, LAB).unwrap();
    std::os::unix::fs::symlink(&outside, s.root.join("data/labs/link.yaml")).unwrap();
    std::os::unix::fs::symlink(s.root.join("data/labs"), s.root.join("data/labs/loop")).unwrap();
    std::os::unix::fs::symlink("/etc", s.root.join("data/penalties")).ok();
    let (code, stderr) = s.build(&[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("data/labs/link.yaml: warning: symbolic link not followed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("data/labs/loop: warning: symbolic link not followed"),
        "{stderr}"
    );
    assert!(
        !Path::new(&s.out.join("labs/xa-delta")).exists(),
        "the outside record was not read"
    );
}

#[test]
fn file_names_differing_by_case_warn() {
    let s = site();
    s.write("data/labs/Extra.yaml", LAB.as_bytes());
    s.write(
        "data/labs/extra.yaml",
        LAB.replace("xa-delta", "xa-epsilon")
            .replace("91610302MA6X7Y8BX1", "91350100M000100Y43")
            .as_bytes(),
    );
    let (_, stderr) = s.build(&[]);
    assert!(stderr.contains("differs only by case"), "{stderr}");
}

#[test]
fn stray_files_and_unknown_folders_are_reported() {
    let s = site();
    s.write("data/labs/notes.txt", b"hello");
    s.write("data/labs/.hidden.yaml", b"not: read");
    let (code, stderr) = s.build(&[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("data/labs/notes.txt: warning: not read"),
        "{stderr}"
    );
    assert!(
        !stderr.contains(".hidden"),
        "hidden files are skipped silently: {stderr}"
    );
    s.write("data/lab/x.yaml", LAB.as_bytes());
    let (code, stderr) = s.build(&[]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("data/lab: error: folder \"lab\" matches no collection")
            && stderr.contains("did you mean \"labs\""),
        "{stderr}"
    );
}

#[test]
fn runs_within_a_small_open_file_limit() {
    let s = site();
    for i in 0..200 {
        s.write(
            &format!("data/labs/many/{i:03}.yaml"),
            LAB.replace("xa-delta", &format!("xa-{i}"))
                .replace("91610302MA6X7Y8BX1", "91350100M000100Y43")
                .replace("credit_code", "description")
                .as_bytes(),
        );
    }
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -n 48 && exec '{}' --lang en build --site '{}' --out '{}' --as-of 2024-04-15",
            env!("CARGO_BIN_EXE_gongshi"),
            s.root.display(),
            s.out.display()
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&status.stderr);
    // The records lack the required credit code: the build must report that, not run out of files.
    assert_eq!(status.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("Too many open files"), "{stderr}");
    assert_eq!(
        stderr.matches("required field \"credit_code\"").count(),
        200,
        "{stderr}"
    );
}

#[test]
fn a_whole_build_with_search_and_datasets_fits_a_small_open_file_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let out = tmp.path().join("public");
    gongshi_generate::generate(&gongshi_generate::Options {
        records: 2000,
        out: site.clone(),
        seed: 7,
    })
    .expect("generate");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -n 48 && exec '{}' build --site '{}' --out '{}' --as-of 2025-06-30",
            env!("CARGO_BIN_EXE_gongshi"),
            site.display(),
            out.display()
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert_eq!(status.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("Too many open files"), "{stderr}");
    for written in [
        "index.html",
        "data/labs.xlsx",
        "search/manifest.json",
        "feed.xml",
    ] {
        assert!(out.join(written).is_file(), "{written} written");
    }
}

/// Runs `gongshi check` on the site; `prefix` is put before the command (a resource cap).
fn check_with(s: &Site, prefix: &[&str]) -> (Option<i32>, String) {
    let bin = env!("CARGO_BIN_EXE_gongshi");
    let mut command = match prefix.split_first() {
        Some((program, args)) => {
            let mut command = std::process::Command::new(program);
            command.args(args).arg(bin);
            command
        }
        None => std::process::Command::new(bin),
    };
    let out = command
        .args(["--lang", "en", "check", "--as-of", "2024-04-15", "--site"])
        .arg(&s.root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    (out.status.code(), stderr)
}

/// The line number of the first diagnostic for `file` that contains `needle`.
fn line_of(stderr: &str, file: &str, needle: &str) -> usize {
    let line = stderr
        .lines()
        .find(|l| l.starts_with(&format!("{file}:")) && l.contains(needle))
        .unwrap_or_else(|| panic!("no {file} … {needle} in:\n{stderr}"));
    line[file.len() + 1..]
        .split(':')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no line number in {line}"))
}

#[test]
fn alias_byte_bomb_is_refused_at_the_alias_that_crosses_the_limit() {
    // One 1 MiB text anchored once and aliased 8,000 times: a 1 MB file that expanded to 8 GB.
    // The cap on the address space makes an unbounded expansion fail here, not the machine.
    let s = site();
    let mut doc = format!("{LAB}extra:\n  - &big \"{}\"\n", "x".repeat(1 << 20));
    for _ in 0..8000 {
        doc.push_str("  - *big\n");
    }
    s.write("data/labs/bytes.yaml", doc.as_bytes());
    let (code, stderr) = check_with(&s, &["prlimit", "--as=1073741824"]);
    assert_eq!(code, Some(1), "{stderr}");
    let line = line_of(&stderr, "data/labs/bytes.yaml", "alias expansion bomb");
    assert!(
        stderr.contains("bytes of text"),
        "the limit is in bytes: {stderr}"
    );
    // Named at an alias, and not the first one: a 1 MB file may share a 1 MiB text a few times.
    assert_eq!(doc.lines().nth(line - 1), Some("  - *big"), "line {line}");
    assert!(line > 7, "line {line}");
}

#[test]
fn many_anchors_load_and_report_in_linear_time() {
    // 300,000 anchors, then an alias to each (8 MB): a linear search per alias took minutes.
    let s = site();
    let mut doc = format!("{LAB}extra:\n");
    for i in 0..300_000 {
        doc.push_str(&format!("  - &a{i} v\n"));
    }
    for i in 0..300_000 {
        doc.push_str(&format!("  - *a{i}\n"));
    }
    s.write("data/labs/anchors.yaml", doc.as_bytes());
    let (code, stderr) = check_with(&s, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(!stderr.contains("YAML"), "the file loads: {stderr}");
    assert_eq!(
        line_of(&stderr, "data/labs/anchors.yaml", "unknown field \"extra\""),
        5
    );
}

#[test]
fn a_mapping_of_many_keys_loads_and_duplicates_are_found_in_linear_time() {
    // 450,000 distinct keys (5 MB): a duplicate check that scanned every earlier key took minutes.
    let s = site();
    let mut doc = format!("{LAB}extra:\n");
    for i in 0..450_000 {
        doc.push_str(&format!("  k{i}: v\n"));
    }
    s.write("data/labs/keys.yaml", doc.as_bytes());
    let (code, stderr) = check_with(&s, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(!stderr.contains("YAML"), "the file loads: {stderr}");
    assert_eq!(
        line_of(&stderr, "data/labs/keys.yaml", "unknown field \"extra\""),
        5
    );
    // The same mapping with its first key given again at the end.
    doc.push_str("  k0: w\n");
    s.write("data/labs/keys.yaml", doc.as_bytes());
    let (code, stderr) = check_with(&s, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    let line = line_of(
        &stderr,
        "data/labs/keys.yaml",
        "duplicate key \"k0\" (first given on line 6)",
    );
    assert_eq!(line, 5 + 450_000 + 1);
}
