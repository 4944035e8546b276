//! Domain identifiers with their validation: unified social credit codes (GB 32100-2015),
//! CMA certificate numbers, record ids and penalty decision numbers. Each type can only be
//! constructed from a value that passed its checks, so later stages never re-validate.

use crate::messages::{CmaProblem, CreditCodeProblem, IdProblem};
use serde::Serialize;
use std::fmt;

/// Keys every record may carry besides its collection's fields.
pub const SYSTEM_KEYS: [&str; 6] = [
    "id",
    "published",
    "withdrawn",
    "history",
    "notice_until",
    "notice_period",
];

const CREDIT_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The GB 32100 check character of the first 17 characters of a credit code (upper case,
/// already width-folded); None if one of them is outside the code alphabet.
pub fn credit_check_char(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.chars().zip(CREDIT_WEIGHTS) {
        sum += CREDIT_ALPHABET.find(c)? as u32 * w;
    }
    let expected = (31 - sum % 31) % 31;
    Some(CREDIT_ALPHABET.as_bytes()[expected as usize] as char)
}

/// A unified social credit code (统一社会信用代码) whose check character is correct.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CreditCode(String);

impl CreditCode {
    /// Parses a code, folding full-width characters and lower case; the error says what is wrong.
    pub fn parse(raw: &str) -> Result<Self, CreditCodeProblem> {
        let code: String = crate::text::fold_width(raw.trim()).to_uppercase();
        if code.chars().count() != 18 {
            return Err(CreditCodeProblem::Length {
                found: code.chars().count(),
            });
        }
        if let Some((i, c)) = code
            .chars()
            .enumerate()
            .find(|(_, c)| !CREDIT_ALPHABET.contains(*c))
        {
            return Err(CreditCodeProblem::Char {
                pos: i + 1,
                ch: c,
                allowed: CREDIT_ALPHABET,
            });
        }
        let want = credit_check_char(&code[..17]).unwrap_or('?');
        if code.as_bytes()[17] as char != want {
            return Err(CreditCodeProblem::Check {
                found: code[17..].to_string(),
                want,
            });
        }
        Ok(CreditCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The six-digit administrative division the code was registered in.
    pub fn division(&self) -> &str {
        &self.0[2..8]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A CMA (资质认定) certificate number: year(2) authority(2) field(2) industry(2) serial(4).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CmaNumber(String);

/// The parsed parts of a CMA number, shown on the record page.
#[derive(Debug, Clone, Serialize)]
pub struct CmaParts {
    pub year: u32,
    pub authority: String,
    pub authority_name: &'static str,
    pub field: String,
    pub industry: String,
    pub serial: String,
}

const CMA_AUTHORITIES: [(&str, &str); 32] = [
    ("00", "国家认监委"),
    ("01", "北京"),
    ("02", "天津"),
    ("03", "河北"),
    ("04", "山西"),
    ("05", "内蒙古"),
    ("06", "辽宁"),
    ("07", "吉林"),
    ("08", "黑龙江"),
    ("09", "上海"),
    ("10", "江苏"),
    ("11", "浙江"),
    ("12", "安徽"),
    ("13", "福建"),
    ("14", "江西"),
    ("15", "山东"),
    ("16", "河南"),
    ("17", "湖北"),
    ("18", "湖南"),
    ("19", "广东"),
    ("20", "广西"),
    ("21", "海南"),
    ("22", "重庆"),
    ("23", "四川"),
    ("24", "贵州"),
    ("25", "云南"),
    ("26", "西藏"),
    ("27", "陕西"),
    ("28", "甘肃"),
    ("29", "青海"),
    ("30", "宁夏"),
    ("31", "新疆"),
];

impl CmaNumber {
    /// Parses a number's shape and issuing authority. Whether its year of issue is plausible
    /// depends on the record it belongs to: see [`CmaNumber::check_issued_by`].
    pub fn parse(raw: &str) -> Result<Self, CmaProblem> {
        let number: String = crate::text::fold_width(raw.trim());
        if number.len() != 12 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CmaProblem::Shape { number });
        }
        if !CMA_AUTHORITIES
            .iter()
            .any(|(code, _)| *code == &number[2..4])
        {
            return Err(CmaProblem::Authority {
                code: number[2..4].to_string(),
            });
        }
        Ok(CmaNumber(number))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The year of issue, from the number's first two digits.
    pub fn year(&self) -> i32 {
        2000 + self.0[0..2].parse::<i32>().unwrap_or(0)
    }

    /// A certificate cannot have been issued after the last day its record speaks of (`latest`,
    /// the record's own notice dates), whatever day the site is built for: checking against
    /// the build date instead made every record published after a past `--as-of` date fail.
    pub fn check_issued_by(&self, latest: chrono::NaiveDate) -> Result<(), CmaProblem> {
        let latest_year = chrono::Datelike::year(&latest);
        if self.year() > latest_year {
            return Err(CmaProblem::Year {
                year: self.year(),
                latest_year,
                latest,
            });
        }
        Ok(())
    }

    pub fn parts(&self) -> CmaParts {
        let authority = &self.0[2..4];
        CmaParts {
            year: 2000 + self.0[0..2].parse::<u32>().unwrap_or(0),
            authority: authority.to_string(),
            authority_name: CMA_AUTHORITIES
                .iter()
                .find(|(code, _)| *code == authority)
                .map_or("", |(_, name)| name),
            field: self.0[4..6].to_string(),
            industry: self.0[6..8].to_string(),
            serial: self.0[8..12].to_string(),
        }
    }
}

impl fmt::Display for CmaNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A record id: safe to use as a path segment and in URLs, so it can never escape a directory.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct RecordId(String);

impl RecordId {
    pub const MAX_LEN: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, IdProblem> {
        let ok_char =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
        if raw.is_empty() || raw.len() > Self::MAX_LEN {
            return Err(IdProblem::Length {
                found: raw.len(),
                max: Self::MAX_LEN,
            });
        }
        if let Some(bad) = raw.chars().find(|c| !ok_char(*c)) {
            return Err(IdProblem::Char {
                id: raw.to_string(),
                ch: bad,
            });
        }
        if raw.starts_with(['-', '_']) {
            return Err(IdProblem::Start {
                id: raw.to_string(),
            });
        }
        Ok(RecordId(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The canonical form of a decision number such as 陕市监罚〔2024〕12号: people type the year
/// brackets as 〔〕, [], 【】, （） or (); all of them mean the same identifier.
pub fn canonical_decision_number(raw: &str) -> String {
    crate::text::fold_width(raw.trim())
        .chars()
        .map(|c| match c {
            '[' | '【' | '(' | '〔' | '［' | '﹝' | '〖' => '〔',
            ']' | '】' | ')' | '〕' | '］' | '﹞' | '〗' => '〕',
            other => other,
        })
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Mainland resident identity number (18 chars, ISO 7064 MOD 11-2 check): tells an ID from a
/// credit code of the same shape (see [`crate::personal`], which finds IDs in published text).
pub fn looks_like_resident_id(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.len() != 18 {
        return false;
    }
    s.get(..17)
        .and_then(resident_id_check_char)
        .is_some_and(|c| bytes[17].to_ascii_uppercase() == c as u8)
}

/// The ISO 7064 MOD 11-2 check character of a resident identity number's first 17 digits.
pub fn resident_id_check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = bytes
        .iter()
        .zip(W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(b"10X98765432"[(sum % 11) as usize] as char)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_codes_from_design_are_valid() {
        assert!(CreditCode::parse("91330201MA282UF146").is_ok());
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
    }

    #[test]
    fn credit_code_with_wrong_check_character_is_rejected() {
        let err = CreditCode::parse("91350100M000100Y44").unwrap_err();
        assert!(
            matches!(err, CreditCodeProblem::Check { want: '3', .. }),
            "{err}"
        );
        assert!(matches!(
            CreditCode::parse("91350100M000100I43").unwrap_err(),
            CreditCodeProblem::Char { pos: 16, .. }
        ));
        assert_eq!(
            CreditCode::parse("9135").unwrap_err(),
            CreditCodeProblem::Length { found: 4 }
        );
    }

    #[test]
    fn credit_code_folds_full_width_and_case() {
        let code = CreditCode::parse("９１３３０２０１ma282uf146").unwrap();
        assert_eq!(code.as_str(), "91330201MA282UF146");
        assert_eq!(code.division(), "330201");
    }

    #[test]
    fn cma_number_parses_parts() {
        let n = CmaNumber::parse("152701060345").unwrap();
        let p = n.parts();
        assert_eq!(
            (p.year, p.authority_name, p.serial.as_str()),
            (2015, "陕西", "0345")
        );
        assert_eq!(n.year(), 2015);
        assert!(CmaNumber::parse("15270106034").is_err());
        assert!(CmaNumber::parse("159901060345").is_err());
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let later = CmaNumber::parse("302701060345").unwrap();
        assert!(later.check_issued_by(day(2029, 12, 31)).is_err());
        assert!(later.check_issued_by(day(2030, 1, 1)).is_ok());
        assert!(n.check_issued_by(day(2015, 1, 1)).is_ok());
    }

    #[test]
    fn record_ids_reject_path_tricks() {
        for bad in ["../x", "a/b", "%2e", "A", "a\\b", "", "-x", "a\u{0}"] {
            assert!(RecordId::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(RecordId::parse("xa-2024_01").is_ok());
    }

    #[test]
    fn decision_number_bracket_forms_agree() {
        let forms = [
            "陕市监罚〔2024〕12号",
            "陕市监罚[2024]12号",
            "陕市监罚【2024】12号",
            "陕市监罚（2024）12号",
            "陕市监罚(2024)12号",
            "陕市监罚［２０２４］１２号",
        ];
        for f in forms {
            assert_eq!(canonical_decision_number(f), "陕市监罚〔2024〕12号", "{f}");
        }
    }

    #[test]
    fn resident_id_check_character() {
        assert!(looks_like_resident_id("11010519491231002X"));
        assert!(!looks_like_resident_id("110105194912310021"));
    }
}
