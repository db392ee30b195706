//! French number formatting and XML escaping shared by every drawing.

/// Narrow no-break space, the French thousands separator.
pub const THOUSANDS_SEPARATOR: char = '\u{202F}';
/// No-break space, between a number and its unit so they never wrap apart.
pub const UNIT_SEPARATOR: char = '\u{A0}';

/// Escapes text for XML content and attribute values.
///
/// Characters that XML 1.0 forbids (control characters other than tab, line feed and carriage
/// return, U+FFFE, U+FFFF) are dropped: escaping cannot make them legal and a single one would
/// make the whole drawing unreadable.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Formats a number the French way: `1 234 567,8` with a narrow no-break space between
/// thousands and a decimal comma, rounded to `decimals` places. Non-finite values give `–`.
pub fn french_number(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "–".to_owned();
    }
    let decimals = decimals.min(12);
    let plain = format!("{:.*}", decimals, value.abs());
    let (integer, fraction) = match plain.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (plain.as_str(), None),
    };
    // After rounding, -0,001 with no decimals is 0 and must not keep its sign.
    let negative = value < 0.0 && plain.bytes().any(|b| b.is_ascii_digit() && b != b'0');
    let mut out = String::with_capacity(plain.len() + 8);
    if negative {
        out.push('-');
    }
    let digits = integer.len();
    for (i, c) in integer.chars().enumerate() {
        if i > 0 && (digits - i) % 3 == 0 {
            out.push(THOUSANDS_SEPARATOR);
        }
        out.push(c);
    }
    if let Some(fraction) = fraction {
        out.push(',');
        out.push_str(fraction);
    }
    out
}

/// Drops a decimal part made only of zeros: `12,0` → `12`, `12,5` stays.
fn trim_zero_fraction(text: String) -> String {
    match text.split_once(',') {
        Some((integer, fraction)) if fraction.bytes().all(|b| b == b'0') => integer.to_owned(),
        _ => text,
    }
}

/// Formats an amount of cents in euros, shortened for labels: `12,5 M€` from one million euros,
/// `850 k€` or `1,2 k€` from one thousand, whole euros below.
pub fn short_euros(cents: i64) -> String {
    let euros = cents as f64 / 100.0;
    let magnitude = euros.abs();
    // The thresholds sit where rounding would otherwise print "1 000 k€" or "1 000 €".
    if magnitude >= 999_950.0 {
        let number = trim_zero_fraction(french_number(euros / 1e6, 1));
        format!("{number}{UNIT_SEPARATOR}M€")
    } else if magnitude >= 999.5 {
        let number = trim_zero_fraction(french_number(euros / 1e3, 1));
        format!("{number}{UNIT_SEPARATOR}k€")
    } else {
        format!("{}{UNIT_SEPARATOR}€", french_number(euros, 0))
    }
}

/// Number of decimals worth showing for a value: none for whole numbers, one otherwise.
pub(crate) fn natural_decimals(value: f64) -> usize {
    if (value - value.round()).abs() < 1e-9 {
        0
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup() {
        let hostile = "<script>alert(1)</script> & \"x\" 'y'";
        assert_eq!(
            escape(hostile),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39;"
        );
    }

    #[test]
    fn escape_drops_characters_xml_forbids() {
        assert_eq!(escape("a\u{0}b\u{1b}c\td\u{FFFF}"), "abc\td");
        assert_eq!(escape("Hénin-Beaumont"), "Hénin-Beaumont");
    }

    #[test]
    fn french_number_groups_thousands_and_uses_a_comma() {
        assert_eq!(french_number(1_234_567.8, 1), "1\u{202F}234\u{202F}567,8");
        assert_eq!(french_number(999.0, 0), "999");
        assert_eq!(french_number(1000.0, 0), "1\u{202F}000");
        assert_eq!(french_number(0.5, 2), "0,50");
        assert_eq!(french_number(-12_345.0, 0), "-12\u{202F}345");
        assert_eq!(french_number(-0.001, 0), "0");
        assert_eq!(french_number(f64::NAN, 0), "–");
        assert_eq!(french_number(123_456.0, 0), "123\u{202F}456");
    }

    #[test]
    fn short_euros_picks_a_scale() {
        assert_eq!(short_euros(1_250_000_000), "12,5\u{A0}M€");
        assert_eq!(short_euros(120_000_000_000), "1\u{202F}200\u{A0}M€");
        assert_eq!(short_euros(100_000_000), "1\u{A0}M€");
        assert_eq!(short_euros(85_000_000), "850\u{A0}k€");
        assert_eq!(short_euros(123_456), "1,2\u{A0}k€");
        assert_eq!(short_euros(99_999_999), "1\u{A0}M€");
        assert_eq!(short_euros(85_000), "850\u{A0}€");
        assert_eq!(short_euros(0), "0\u{A0}€");
        assert_eq!(short_euros(-250_000_000), "-2,5\u{A0}M€");
    }
}
