//! Small text helpers shared by validation, rendering, export and search: full-width folding,
//! masking of personal names, and URL-safe path segments for facet values.

/// Folds full-width ASCII forms (ＡＢＣ１２３，（） and the ideographic space) to their
/// half-width equivalents, so identifiers typed either way compare equal.
pub fn fold_width(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// [`fold_width`] for one character (the search tokenizer folds as it walks, to keep offsets).
pub fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        other => other,
    }
}

/// Keeps the first character and replaces the rest with `*` (张三丰 → 张**).
pub fn mask_keep_first_char(s: &str) -> String {
    let mut chars = s.trim().chars();
    match chars.next() {
        Some(first) => {
            let rest = chars.count().max(1);
            let mut out = String::with_capacity(1 + rest);
            out.push(first);
            out.extend(std::iter::repeat_n('*', rest));
            out
        }
        None => String::new(),
    }
}

/// A path segment for a facet value: the value itself when it is made of letters (any script),
/// digits, '-' and '_', else a short stable hash, so a value can never form a path trick.
pub fn facet_segment(value: &str) -> String {
    let safe = !value.is_empty()
        && value.chars().count() <= 40
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if safe {
        value.to_string()
    } else {
        let digest = crate::digest::sha256_hex(value.as_bytes());
        format!("v-{}", &digest[..12])
    }
}

/// Percent-encodes a path segment for use inside an href.
pub fn url_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xF)] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_forms() {
        assert_eq!(fold_width("ＡＢＣ１２３（）"), "ABC123()");
        assert_eq!(fold_width("陕西"), "陕西");
    }

    #[test]
    fn masks_names() {
        assert_eq!(mask_keep_first_char("张三丰"), "张**");
        assert_eq!(mask_keep_first_char("李"), "李*");
        assert_eq!(mask_keep_first_char(""), "");
    }

    #[test]
    fn facet_segments_are_safe() {
        assert_eq!(facet_segment("西安市"), "西安市");
        assert!(facet_segment("../etc").starts_with("v-"));
        assert!(facet_segment("a/b").starts_with("v-"));
        assert_eq!(url_segment("西安"), "%E8%A5%BF%E5%AE%89");
    }
}
