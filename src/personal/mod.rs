//! Personal numbers in published text: mainland mobile numbers and resident identity numbers,
//! found in the forms people write them and masked, keeping the first three and last four
//! digits (139****4567, 610***********1234).
//!
//! Forms found: 13991234567, 139-9123-4567, 139 9123 4567, +86 or 86 before any of these,
//! full-width digits (１３９…), an 18-character ID whole or grouped (6-8-4, 6-4-4-4, 4-4-4-4-2,
//! 3-3-4-4-4) even with a wrong check character, and a 15-digit old-format ID. A number is a run of
//! digits that no other digit touches, or groups of runs each joined by one space or hyphen; a
//! letter may touch it (`编号2024X13912345678` holds a mobile).
//!
//! What is not personal, so never masked: a number of another length (CMA numbers have 12
//! digits, dates 8, landlines start with 0), a grouping other than the ones above (task numbers
//! such as SSJ-1301-2024-003), an 18- or 15-digit number whose first two digits are no
//! province's or whose birth date is no date, and an 18-character number that is a valid
//! unified social credit code but not a valid ID.
//!
//! [`scrub_record`] applies this to every text a record publishes; validation calls it on each
//! record it makes, so no later stage (pages, feeds, datasets, search) ever holds the raw number.

mod fields;

pub use fields::{is_masked, mask_fields};

use crate::config::{FieldDef, FieldType, Personal};
use crate::record::{Record, Value};
use crate::text::fold_char;
use chrono::NaiveDate;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Mobile,
    ResidentId,
}

/// One personal number in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Bytes of the text, from its first digit to its last character.
    pub range: Range<usize>,
    pub kind: Kind,
    /// Leading digits that are a country code (86), kept like the number's first three.
    country_code: usize,
}

/// A run of digits (ASCII or full-width; an ID's final X included).
struct Group {
    range: Range<usize>,
    digits: String,
    /// Joined to the previous group by exactly one space or hyphen.
    joined: bool,
}

/// Both kinds have at least 11 digits; most texts have far fewer, and skip the scan.
fn may_hold_number(text: &str) -> bool {
    // 0xEF starts every full-width digit's UTF-8 form (EF BC 90-99).
    text.bytes()
        .filter(|b| b.is_ascii_digit() || *b == 0xEF)
        .count()
        >= 11
}

fn groups(text: &str) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut current: Option<Group> = None;
    // Characters since the last group ended, and whether the only one is a separator.
    let mut gap = 0usize;
    let mut gap_is_separator = false;
    for (at, raw) in text.char_indices() {
        let c = fold_char(raw);
        let end = at + raw.len_utf8();
        if c.is_ascii_digit() {
            if let Some(g) = current.as_mut().filter(|g| !g.digits.ends_with('X')) {
                g.digits.push(c);
                g.range.end = end;
                continue;
            }
            let joined = match current.take() {
                // A digit right after an ID's X starts a number of its own.
                Some(g) => {
                    groups.push(g);
                    false
                }
                None => !groups.is_empty() && gap == 1 && gap_is_separator,
            };
            current = Some(Group {
                range: at..end,
                digits: c.to_string(),
                joined,
            });
            continue;
        }
        if let Some(g) = current.as_mut() {
            // An ID's check character X ends it: the whole ID (17 digits), or its last group.
            let id_end = matches!(g.digits.len(), 17 | 3 | 1) && !g.digits.ends_with('X');
            if matches!(c, 'X' | 'x') && id_end {
                g.digits.push('X');
                g.range.end = end;
                continue;
            }
        }
        if let Some(g) = current.take() {
            groups.push(g);
            gap = 0;
        }
        gap += 1;
        gap_is_separator = gap == 1 && matches!(c, ' ' | '-');
    }
    groups.extend(current);
    groups
}

/// Every personal number in `text`, in order.
pub fn find(text: &str) -> Vec<Found> {
    if !may_hold_number(text) {
        return Vec::new();
    }
    let groups = groups(text);
    let mut found = Vec::new();
    let mut i = 0;
    while i < groups.len() {
        match longest_number(&groups[i..]) {
            Some((count, kind, country_code)) => {
                found.push(Found {
                    range: groups[i].range.start..groups[i + count - 1].range.end,
                    kind,
                    country_code,
                });
                i += count;
            }
            None => i += 1,
        }
    }
    found
}

/// The most groups from the first that form a personal number: (groups, kind, country code).
fn longest_number(groups: &[Group]) -> Option<(usize, Kind, usize)> {
    let mut lengths = Vec::new();
    let mut digits = String::new();
    let mut best = None;
    for (n, g) in groups.iter().enumerate() {
        if n > 0 && (!g.joined || digits.ends_with('X')) {
            break;
        }
        lengths.push(g.digits.len());
        digits.push_str(&g.digits);
        if digits.len() > 19 {
            break;
        }
        if let Some((kind, country_code)) = classify(&lengths, &digits) {
            best = Some((n + 1, kind, country_code));
        }
    }
    best
}

const MOBILE_GROUPS: [&[usize]; 3] = [&[11], &[3, 4, 4], &[3, 8]];
const ID18_GROUPS: [&[usize]; 5] = [
    &[18],
    &[6, 8, 4],
    &[6, 4, 4, 4],
    &[4, 4, 4, 4, 2],
    &[3, 3, 4, 4, 4],
];
const ID15_GROUPS: [&[usize]; 2] = [&[15], &[6, 6, 3]];

fn classify(lengths: &[usize], digits: &str) -> Option<(Kind, usize)> {
    if let Some(rest) = digits.strip_prefix("86") {
        // +86 13991234567, +8613991234567, 86-139-9123-4567.
        let after_code = match lengths {
            [2, rest @ ..] => Some(rest),
            [13] => Some(&[11][..]),
            _ => None,
        };
        if after_code.is_some_and(|l| MOBILE_GROUPS.contains(&l)) && is_mobile(rest) {
            return Some((Kind::Mobile, 2));
        }
    }
    if MOBILE_GROUPS.contains(&lengths) && is_mobile(digits) {
        return Some((Kind::Mobile, 0));
    }
    let id = (ID18_GROUPS.contains(&lengths) && is_resident_id(digits))
        || (ID15_GROUPS.contains(&lengths) && is_old_resident_id(digits));
    id.then_some((Kind::ResidentId, 0))
}

fn is_mobile(digits: &str) -> bool {
    let b = digits.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
}

/// A province-level division code: the first two digits of every resident ID.
fn is_province(code: &str) -> bool {
    matches!(
        code,
        "11" | "12"
            | "13"
            | "14"
            | "15"
            | "21"
            | "22"
            | "23"
            | "31"
            | "32"
            | "33"
            | "34"
            | "35"
            | "36"
            | "37"
            | "41"
            | "42"
            | "43"
            | "44"
            | "45"
            | "46"
            | "50"
            | "51"
            | "52"
            | "53"
            | "54"
            | "61"
            | "62"
            | "63"
            | "64"
            | "65"
            | "71"
            | "81"
            | "82"
            | "83"
    )
}

fn is_birth_date(year: &str, month: &str, day: &str) -> bool {
    let (Ok(y), Ok(m), Ok(d)) = (year.parse(), month.parse(), day.parse()) else {
        return false;
    };
    (1900..2100).contains(&y) && NaiveDate::from_ymd_opt(y, m, d).is_some()
}

/// 18 characters: division, birth date, sequence, check character. A wrong check character
/// is still an ID (a typo does not make it less personal), unless the whole is a valid credit
/// code, which shares the length.
fn is_resident_id(id: &str) -> bool {
    let b = id.as_bytes();
    let shaped = b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X')
        && is_province(&id[..2])
        && is_birth_date(&id[6..10], &id[10..12], &id[12..14]);
    shaped
        && (crate::domain::looks_like_resident_id(id)
            || crate::domain::CreditCode::parse(id).is_err())
}

/// 15 digits, the format before 1999: division, birth date without the century, sequence.
fn is_old_resident_id(id: &str) -> bool {
    id.len() == 15
        && id.bytes().all(|b| b.is_ascii_digit())
        && is_province(&id[..2])
        && is_birth_date(&format!("19{}", &id[6..8]), &id[8..10], &id[10..12])
}

/// Masks every personal number in `text` in place; returns each one's kind and masked form.
pub fn mask(text: &mut String) -> Vec<(Kind, String)> {
    mask_with(text, "*")
}

/// [`mask`] for Markdown source: the stars are escaped, as two masked numbers in a paragraph
/// would otherwise be read as emphasis between them (and lose their stars on the page).
pub fn mask_markdown(text: &mut String) -> Vec<(Kind, String)> {
    mask_with(text, "\\*")
}

fn mask_with(text: &mut String, star: &str) -> Vec<(Kind, String)> {
    let found = find(text);
    if found.is_empty() {
        return Vec::new();
    }
    let mut out = String::with_capacity(text.len());
    let mut masked = Vec::with_capacity(found.len());
    let mut copied = 0;
    for f in &found {
        out.push_str(&text[copied..f.range.start]);
        let number = &text[f.range.clone()];
        let total = number.chars().filter(|c| is_number_char(*c)).count();
        let keep_head = f.country_code + 3;
        let mut form = String::with_capacity(number.len());
        let mut index = 0;
        for c in number.chars() {
            let hidden = is_number_char(c) && index >= keep_head && index + 4 < total;
            index += usize::from(is_number_char(c));
            if hidden {
                out.push_str(star);
                form.push('*');
            } else {
                out.push(c);
                form.push(c);
            }
        }
        masked.push((f.kind, form));
        copied = f.range.end;
    }
    out.push_str(&text[copied..]);
    *text = out;
    masked
}

fn is_number_char(c: char) -> bool {
    let c = fold_char(c);
    c.is_ascii_digit() || matches!(c, 'X' | 'x')
}

/// One step of the way from a record to a text: a key, a list item, or the correction of a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Item(usize),
    /// Corrections are kept newest first, not in the file's order: found by their day.
    Correction(NaiveDate),
}

/// A personal number masked in a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masked {
    pub path: Vec<Step>,
    pub kind: Kind,
    /// The masked form, which a diagnostic may print (the raw number never is).
    pub masked: String,
}

impl Masked {
    /// The field as diagnostics name it: `facts`, `contacts.note`, `history.summary`.
    pub fn field(&self) -> String {
        let keys: Vec<&str> = self
            .path
            .iter()
            .filter_map(|s| match s {
                Step::Key(k) => Some(k.as_str()),
                _ => None,
            })
            .collect();
        keys.join(".")
    }
}

/// Masks every personal number in every text the record publishes: field values (in lists and
/// objects too), correction summaries and the withdrawal reason. Fields the notice rules omit
/// or mask whole (`personal`) are left to them. Destructured in full, so a text added to a
/// record cannot be published without passing here.
pub fn scrub_record(fields: &[FieldDef], record: &mut Record) -> Vec<Masked> {
    let Record {
        id: _,
        source: _,
        values,
        notice,
    } = record;
    let mut found = Vec::new();
    scrub_values(fields, values, &mut Vec::new(), &mut found);
    let crate::record::NoticeData {
        published: _,
        withdrawn,
        history,
        notice_until: _,
        notice_period: _,
    } = notice;
    for correction in history {
        let path = [
            Step::Key("history".into()),
            Step::Correction(correction.date),
            Step::Key("summary".into()),
        ];
        note(mask(&mut correction.summary), &path, &mut found);
    }
    if let Some(w) = withdrawn {
        let path = [Step::Key("withdrawn".into()), Step::Key("reason".into())];
        note(mask(&mut w.reason), &path, &mut found);
    }
    found
}

fn note(masked: Vec<(Kind, String)>, path: &[Step], found: &mut Vec<Masked>) {
    found.extend(masked.into_iter().map(|(kind, masked)| Masked {
        path: path.to_vec(),
        kind,
        masked,
    }));
}

fn scrub_values(
    fields: &[FieldDef],
    values: &mut [Option<Value>],
    path: &mut Vec<Step>,
    found: &mut Vec<Masked>,
) {
    let wholly_masked = fields::masks_applying(fields, values);
    for ((field, value), wholly_masked) in fields.iter().zip(values.iter_mut()).zip(wholly_masked) {
        let Some(value) = value else { continue };
        if field.personal == Personal::Omit || wholly_masked {
            continue;
        }
        path.push(Step::Key(field.key.clone()));
        scrub_value(&field.ty, value, path, found);
        path.pop();
    }
}

fn scrub_value(ty: &FieldType, value: &mut Value, path: &mut Vec<Step>, found: &mut Vec<Masked>) {
    match value {
        Value::Text(s) | Value::Url(s) => note(mask(s), path, found),
        Value::Markdown(s) => note(mask_markdown(s), path, found),
        Value::Integer(i) => {
            let mut text = i.to_string();
            let masked = mask(&mut text);
            if !masked.is_empty() {
                note(masked, path, found);
                *value = Value::Text(text);
            }
        }
        Value::List(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(Step::Item(i));
                scrub_value(ty, item, path, found);
                path.pop();
            }
        }
        Value::Object(sub_values) => {
            if let FieldType::Object(sub) = ty {
                scrub_values(sub, sub_values, path, found);
            }
        }
        // Validated structures and values from site.yaml's own lists: no free text.
        Value::Date(_)
        | Value::Money(_)
        | Value::Bool(_)
        | Value::Enum(_)
        | Value::CreditCode(_)
        | Value::CmaNumber(_)
        | Value::Ref(_)
        | Value::Geo(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> String {
        let mut s = text.to_string();
        mask(&mut s);
        s
    }

    #[test]
    fn masks_every_written_form() {
        let cases = [
            ("电话13991234567。", "电话139****4567。"),
            ("电话 139-9123-4567", "电话 139-****-4567"),
            ("电话 139 9123 4567", "电话 139 **** 4567"),
            ("电话１３９９１２３４５６７", "电话１３９****４５６７"),
            ("+8613991234567", "+86139****4567"),
            ("+86 139 9123 4567", "+86 139 **** 4567"),
            ("身份证11010519491231002X", "身份证110***********002X"),
            ("610102 19900101 1231", "610*** ******** 1231"),
            ("610102199001011239", "610***********1239"),
            ("旧证610902700505503号", "旧证610********5503号"),
            ("编号2024X13912345678", "编号2024X139****5678"),
            ("电话13912345678", "电话139****5678"),
        ];
        for (text, want) in cases {
            assert_eq!(masked(text), want, "{text}");
        }
    }

    #[test]
    fn markdown_stars_are_escaped() {
        let mut text = "电话 13991234567，身份证 610102199001011231".to_string();
        let found = mask_markdown(&mut text);
        assert_eq!(
            text,
            r"电话 139\*\*\*\*4567，身份证 610\*\*\*\*\*\*\*\*\*\*\*1231"
        );
        assert_eq!(found[0], (Kind::Mobile, "139****4567".to_string()));
    }

    #[test]
    fn leaves_identifiers_alone() {
        let legitimate = [
            "陕市监罚〔2024〕12号",
            "91610000MA6TG00007",
            "统一社会信用代码 916101003000000002",
            "CMA 242712050123",
            "报告编号 WT2024-0012345",
            "2024-01-15 至 2024-12-31",
            "20240115",
            "电话 029-88886666 或 (029) 8888 6666",
            "0913-12345678",
            "400-123-4567",
            "12315",
            "SSJ-1301-2024-003",
            "139123456789",
            "X1391234567",
            "罚款 50000 元，文号 2024",
            "罚款 13,991,234 元",
            "注册号 610000100012345",
            "610102199013011231",
        ];
        for text in legitimate {
            assert_eq!(find(text), Vec::new(), "{text}");
        }
    }

    #[test]
    fn credit_code_shaped_like_an_id_is_not_one() {
        // An ID's shape (Beijing, born 1949-12-31) ending in a credit code's check, not an ID's.
        let code = "110105194912311021";
        assert!(crate::domain::CreditCode::parse(code).is_ok());
        assert!(!crate::domain::looks_like_resident_id(code));
        assert_eq!(find(code), Vec::new());
        // The same digits with the ID's check character are an ID, and a wrong check character
        // on what is no credit code is still one.
        assert_eq!(find("110105194912311022").len(), 1);
        assert_eq!(find("110105194912311023").len(), 1);
    }
}
