//! Personal numbers (issue 34, item 4): a mobile or resident ID number written into any text a
//! record publishes, in any common form, is masked in every output byte and named by a warning;
//! the identifiers of real sites (decision numbers, credit codes, CMA and report numbers, dates,
//! landlines) are left alone.

mod common;
use common::*;
use gongshi::messages::{Code, Lang};
use std::path::Path;

/// The numbers planted in `tests/fixtures/personal`, as ASCII digits, with where and how.
const PLANTED: [(&str, &str); 18] = [
    ("plain field, mobile", "13991230001"),
    ("plain field, resident ID", "610102199001011231"),
    ("history summary, mobile", "13991230002"),
    ("history summary, resident ID", "610113198512314570"),
    ("withdrawal reason, mobile", "13991230003"),
    ("withdrawal reason, resident ID", "610526197806150021"),
    ("object sub-field, mobile", "13991230004"),
    ("object sub-field, resident ID", "610303199202298811"),
    ("conditional mask not applying, mobile", "13991230005"),
    (
        "conditional mask not applying, resident ID",
        "610402196608083453",
    ),
    ("mobile with dashes", "13991230006"),
    ("mobile with spaces", "13991230007"),
    ("mobile in full-width digits", "13991230008"),
    ("mobile after +86", "13991230009"),
    ("resident ID in full-width digits", "610602197501234560"),
    ("resident ID with spaces", "610702198807112347"),
    (
        "resident ID with a wrong check character",
        "610802199911112219",
    ),
    ("15-digit old-format resident ID", "610902700505503"),
];

/// Identifiers in the same fixture that must come through unmasked.
const LEGITIMATE: [&str; 7] = [
    "陕市监罚〔2024〕201号",
    "91610000MA6TG00007",
    "WT2024-0012345",
    "242712050123",
    "029-88886666",
    "12315",
    "2024-02-20",
];

fn full_width(ascii: &str) -> String {
    ascii
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c))
        .collect()
}

/// Every way a number could show in output: whole, grouped as people write it, in full-width
/// digits, and with only its head or its tail (a mask that hides too little).
fn leak_forms(digits: &str) -> Vec<String> {
    let n = digits.len();
    let mut forms = vec![
        digits.to_string(),
        digits[..n - 4].to_string(),
        digits[3..].to_string(),
    ];
    match n {
        11 => {
            forms.push(format!(
                "{}-{}-{}",
                &digits[..3],
                &digits[3..7],
                &digits[7..]
            ));
            forms.push(format!(
                "{} {} {}",
                &digits[..3],
                &digits[3..7],
                &digits[7..]
            ));
        }
        18 => forms.push(format!(
            "{} {} {}",
            &digits[..6],
            &digits[6..14],
            &digits[14..]
        )),
        _ => {}
    }
    let wide: Vec<String> = forms.iter().map(|f| full_width(f)).collect();
    forms.extend(wide);
    forms
}

/// Every term of every field of the tantivy index (its files store terms compressed, so a byte
/// scan alone could miss one). The static shards are exported from these terms.
fn index_terms(out: &Path) -> Vec<Vec<u8>> {
    let index = tantivy::Index::open_in_dir(out.join("search/index")).expect("open index");
    let searcher = index.reader().expect("index reader").searcher();
    let schema = index.schema();
    let mut terms = Vec::new();
    for segment in searcher.segment_readers() {
        for (field, _) in schema.fields() {
            let inverted = segment.inverted_index(field).expect("inverted index");
            let mut stream = inverted.terms().stream().expect("term stream");
            while stream.advance() {
                terms.push(stream.key().to_vec());
            }
        }
    }
    terms
}

fn build_fixture(out: &Path) -> Vec<String> {
    let summary = build(&fixture("personal"), out, "2024-06-01")
        .unwrap_or_else(|e| panic!("the fixture must build: {e:?}"));
    summary.warnings.iter().map(|w| w.human(Lang::En)).collect()
}

#[test]
fn planted_personal_numbers_reach_no_output_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_fixture(&out);
    let files = all_output_bytes(&out);
    assert!(files.len() > 20, "scanned {} files", files.len());
    let terms = index_terms(&out);
    assert!(terms.len() > 100, "read {} index terms", terms.len());
    // The fields planted are indexed: a masked number's kept tail is a term of its own.
    assert!(terms.iter().any(|t| t == b"0001"), "no term 0001");
    let mut leaks = Vec::new();
    for (case, digits) in PLANTED {
        let forms = leak_forms(digits);
        let file = files
            .iter()
            .find_map(|(path, bytes)| forms.iter().find(|f| contains(bytes, f)).map(|f| (path, f)));
        let term = terms
            .iter()
            .find_map(|t| forms.iter().find(|f| contains(t, f)));
        match (file, term) {
            (Some((path, form)), _) => leaks.push(format!("{case}: {form:?} in {path}")),
            (None, Some(form)) => leaks.push(format!("{case}: {form:?} in the index terms")),
            (None, None) => {}
        }
    }
    assert!(
        leaks.is_empty(),
        "{} of 18 planted numbers leaked:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
    // The scan looked at pages that hold the masked forms, in the places planted.
    let masked = [
        ("penalties/p-plain/index.html", "139****0001"),
        ("penalties/p-plain/index.html", "610***********1231"),
        ("penalties/p-history/index.html", "139****0002"),
        ("feed.xml", "610***********4570"),
        ("penalties/p-withdrawn/index.html", "610***********0021"),
        ("data/penalties.csv", "139****0004"),
        ("penalties/p-conditional.json", "610***********3453"),
        ("penalties/p-forms/index.html", "139-****-0006"),
        ("penalties/p-forms/index.html", "１３９****０００８"),
        ("penalties/p-forms/index.html", "+86139****0009"),
        ("penalties/p-forms/index.html", "610*** ******** 2347"),
        ("penalties/p-forms/index.html", "610********5503"),
    ];
    for (path, form) in masked {
        assert!(read(&out, path).contains(form), "{path} lacks {form}");
    }
}

#[test]
fn legitimate_identifiers_in_the_fixture_are_not_masked() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_fixture(&out);
    let page = read(&out, "penalties/p-plain/index.html");
    for id in LEGITIMATE {
        assert!(page.contains(id), "{id} missing from the page");
    }
}

#[test]
fn each_masked_number_is_a_warning_naming_file_line_record_and_field() {
    let tmp = tempfile::tempdir().unwrap();
    let warnings = build_fixture(&tmp.path().join("public"));
    let expected = [
        ("cases.yaml:9:", "p-plain", "field \"facts\"", "mobile"),
        (
            "cases.yaml:9:",
            "p-plain",
            "field \"facts\"",
            "resident identity",
        ),
        (
            "cases.yaml:22:",
            "p-history",
            "field \"history.summary\"",
            "mobile",
        ),
        (
            "cases.yaml:23:",
            "p-history",
            "field \"history.summary\"",
            "resident",
        ),
        (
            "cases.yaml:32:",
            "p-withdrawn",
            "field \"withdrawn.reason\"",
            "mobile",
        ),
        (
            "cases.yaml:32:",
            "p-withdrawn",
            "field \"withdrawn.reason\"",
            "resident",
        ),
        (
            "cases.yaml:40:",
            "p-object",
            "field \"contacts.note\"",
            "mobile",
        ),
        (
            "cases.yaml:47:",
            "p-conditional",
            "field \"party_name\"",
            "resident",
        ),
        ("cases.yaml:59:", "p-forms", "field \"facts\"", "mobile"),
    ];
    for (at, record, field, kind) in expected {
        assert!(
            warnings.iter().any(|w| w.contains(at)
                && w.contains("warning")
                && w.contains(&format!("record \"{record}\""))
                && w.contains(field)
                && w.contains(kind)),
            "no warning at {at} for {record} {field} ({kind}):\n{}",
            warnings.join("\n")
        );
    }
    let p_forms = warnings.iter().filter(|w| w.contains("p-forms")).count();
    assert_eq!(
        p_forms,
        8,
        "one warning per number:\n{}",
        warnings.join("\n")
    );
    for (_, digits) in PLANTED {
        for w in &warnings {
            assert!(!w.contains(digits), "a warning repeats the number: {w}");
        }
    }
}

#[test]
fn masked_numbers_count_as_one_kind_of_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let summary = build(
        &fixture("personal"),
        &tmp.path().join("public"),
        "2024-06-01",
    )
    .expect("build");
    let kinds = gongshi::diagnostic::count_kinds(&summary.warnings);
    // facts, history.summary, withdrawn.reason, contacts.note and party_name, each with
    // mobiles and IDs: whatever the field and the masked form (grouped, full-width), one kind.
    assert_eq!(kinds, [(Code::PersonalNumber, 18)], "{kinds:#?}");
}

/// Builds `site` and returns every masked number (digits around `*`) in its output, with where.
fn masked_numbers_in(site: &Path, as_of: &str) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let summary = build(site, &out, as_of).expect("build");
    let mut found: Vec<String> = summary
        .warnings
        .iter()
        .filter(|w| w.code() == Code::PersonalNumber)
        .map(|w| w.human(Lang::En))
        .collect();
    for (path, bytes) in all_output_bytes(&out) {
        let text = String::from_utf8_lossy(&bytes);
        for (at, _) in text.match_indices("****") {
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c)) {
                let from = text[..at]
                    .char_indices()
                    .rev()
                    .nth(11)
                    .map_or(0, |(i, _)| i);
                found.push(format!("{path}: {}", &text[from..at + 4]));
            }
        }
    }
    found
}

#[test]
fn the_sample_site_has_nothing_masked() {
    let found = masked_numbers_in(&repo_root(), "2025-06-30");
    assert!(found.is_empty(), "masked:\n{}", found.join("\n"));
}

#[test]
fn generated_sites_have_nothing_masked() {
    for seed in ["1", "20261206"] {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        gongshi_generate::generate(&gongshi_generate::Options {
            records: 5000,
            out: site.clone(),
            seed: seed.parse().unwrap(),
        })
        .expect("generate");
        let found = masked_numbers_in(&site, "2025-06-30");
        assert!(
            found.is_empty(),
            "seed {seed}, masked:\n{}",
            found.join("\n")
        );
    }
}
