//! Identifiers with valid check characters: credit codes (GB 32100, whose check character comes
//! from [`gongshi::domain`]), CMA numbers, resident identity numbers and phone numbers.

use super::rng::Rng;
use gongshi::domain::{credit_check_char, resident_id_check_char};

/// Characters of the organisation code body (GB 11714): the credit-code alphabet's letters.
const ORG_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// The organisation code's own check character (GB 11714), so positions 9–17 look real.
fn org_check_char(body: &[u8; 8]) -> u8 {
    let value = |b: u8| -> u32 {
        if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        }
    };
    let sum: u32 = body
        .iter()
        .zip(ORG_WEIGHTS)
        .map(|(b, w)| value(*b) * w)
        .sum();
    match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        c => b'0' + c as u8,
    }
}

/// A credit code registered by market supervision (9) as `kind` ('1' enterprise, '2' individual
/// business) in the six-digit `division`. Newer codes have an MA-prefixed organisation code.
pub fn credit_code(rng: &mut Rng, kind: char, division: &str) -> String {
    let mut body = [0u8; 8];
    let start = if rng.chance(60) {
        body[0] = b'M';
        body[1] = b'A';
        2
    } else {
        0
    };
    for b in body.iter_mut().skip(start) {
        *b = if rng.chance(70) {
            b'0' + rng.below(10) as u8
        } else {
            ORG_ALPHABET[10 + rng.below(21) as usize]
        };
    }
    let mut code = String::with_capacity(18);
    code.push('9');
    code.push(kind);
    code.push_str(division);
    code.extend(body.iter().map(|b| *b as char));
    code.push(org_check_char(&body) as char);
    // Every character is in the alphabet by construction, so there is always a check character.
    code.push(credit_check_char(&code).unwrap_or('0'));
    code
}

/// A CMA number: two-digit year, authority (27 Shaanxi, sometimes 00 national), field, industry,
/// four-digit serial.
pub fn cma_number(rng: &mut Rng, year: i32) -> String {
    let authority = if rng.chance(85) { 27 } else { 0 };
    format!(
        "{:02}{:02}{:02}{:02}{:04}",
        year % 100,
        authority,
        rng.range(1, 25),
        rng.range(0, 20),
        rng.range(1, 9999)
    )
}

/// An 18-character resident identity number born in `division`, with its check character.
pub fn resident_id(rng: &mut Rng, division: &str) -> String {
    let year = rng.range(1955, 2003);
    let month = rng.range(1, 12);
    let day = rng.range(1, 28);
    let mut id = format!("{division}{year}{month:02}{day:02}{:03}", rng.range(1, 999));
    id.push(resident_id_check_char(&id).unwrap_or('0'));
    id
}

pub fn mobile(rng: &mut Rng) -> String {
    let second = [b'3', b'5', b'7', b'8', b'9'][rng.below(5) as usize] as char;
    format!("1{second}{:09}", rng.below(1_000_000_000))
}

/// A landline in the Xi'an area code: not personal-looking, but marked personal anyway.
pub fn landline(rng: &mut Rng) -> String {
    format!("029-8{:07}", rng.below(10_000_000))
}
