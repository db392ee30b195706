//! Reading numbers written the French way: "23.000", "1 630", "15,4 M€", "750 K€", "80 m€",
//! "1,1 million", "trois". Used to check that a passage of a document states a figure.

use std::sync::LazyLock;

use regex::Regex;

/// Digits grouped by thousands (space, dot, no-break or narrow no-break space), with an optional
/// decimal comma; or plain digits.
static GROUPED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{1,3}(?:[ .\u{a0}\u{202f}]\d{3})+|\d+)(?:,(\d+))?").expect("valid pattern")
});
static PLAIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d+(?:,\d+)?").expect("valid pattern"));
static SCALE: LazyLock<[(Regex, f64); 3]> = LazyLock::new(|| {
    [
        (
            Regex::new(r"(?i)^\s*(?:Md€|milliards?)").expect("valid pattern"),
            1e9,
        ),
        (
            Regex::new(r"^\s*(?:M€|m€|millions?\b)").expect("valid pattern"),
            1e6,
        ),
        (Regex::new(r"^\s*(?:k€|K€)").expect("valid pattern"), 1e3),
    ]
});
const WORDS: &[(&str, f64)] = &[
    ("un", 1.0),
    ("une", 1.0),
    ("deux", 2.0),
    ("trois", 3.0),
    ("quatre", 4.0),
    ("cinq", 5.0),
    ("six", 6.0),
    ("sept", 7.0),
    ("huit", 8.0),
    ("neuf", 9.0),
    ("dix", 10.0),
    ("onze", 11.0),
    ("douze", 12.0),
    ("douzaine", 12.0),
    ("treize", 13.0),
    ("quatorze", 14.0),
    ("quinze", 15.0),
    ("seize", 16.0),
    ("vingt", 20.0),
    ("vingtaine", 20.0),
    ("trentaine", 30.0),
    ("cent", 100.0),
    ("centaine", 100.0),
    ("mille", 1000.0),
];

/// Every value the passage can be read as stating.
pub fn figures_in(passage: &str) -> Vec<f64> {
    let mut found = Vec::new();
    for m in GROUPED.captures_iter(passage) {
        let (Some(whole), Some(integer)) = (m.get(0), m.get(1)) else {
            continue;
        };
        let digits: String = integer
            .as_str()
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let text = match m.get(2) {
            Some(decimals) => format!("{digits}.{}", decimals.as_str()),
            None => digits,
        };
        if let Ok(value) = text.parse::<f64>() {
            scaled(value, &passage[whole.end()..], &mut found);
        }
    }
    for m in PLAIN.find_iter(passage) {
        if let Ok(value) = m.as_str().replace(',', ".").parse::<f64>() {
            scaled(value, &passage[m.end()..], &mut found);
        }
    }
    for word in words(passage) {
        if let Some((_, value)) = WORDS.iter().find(|(w, _)| w.eq_ignore_ascii_case(word.1)) {
            scaled(*value, &passage[word.0..], &mut found);
        }
    }
    found
}

/// Whether the passage states `value` (exactly, up to float rounding).
pub fn states(passage: &str, value: f64) -> bool {
    figures_in(passage)
        .iter()
        .any(|c| (c - value).abs() <= 1e-9 * value.abs().max(1.0))
}

/// The value and its multiples by the scale written after it; a run of digits too long for a
/// float (infinite) is no figure.
fn scaled(value: f64, rest: &str, found: &mut Vec<f64>) {
    let candidates = std::iter::once(value).chain(
        SCALE
            .iter()
            .filter(|(pattern, _)| pattern.is_match(rest))
            .map(|(_, factor)| value * factor),
    );
    found.extend(candidates.filter(|v| v.is_finite()));
}

/// Words of the passage with the byte offset where each ends.
fn words(passage: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in passage.char_indices() {
        if c.is_alphabetic() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push((i, &passage[s..i]));
        }
    }
    if let Some(s) = start {
        out.push((passage.len(), &passage[s..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_french_numbers_with_units() {
        assert!(states("éradiquer les 23.000 logements", 23_000.0));
        assert!(states(
            "financé à hauteur de 15,4 M€ par la CAVM",
            15_400_000.0
        ));
        assert!(states("750 K€ par la CAPH", 750_000.0));
        assert!(states("80 m€ d'aides", 80_000_000.0));
        assert!(states("1,1 million d'heures", 1_100_000.0));
        assert!(states("710\u{202f}156 heures", 710_156.0));
        assert!(states("dans trois cités", 3.0));
        assert!(states("Pour : 78 voix", 78.0));
    }

    #[test]
    fn does_not_read_what_is_not_written() {
        assert!(!states("15,4 M€", 15_400.0 * 1e3 + 1.0));
        assert!(!states("750 K€", 750_000_000.0));
        assert!(!states("Pour : 78 voix", 77.0));
        assert!(!states("aucun chiffre", 0.5));
    }

    #[test]
    fn reads_only_finite_figures() {
        // 400 digits read as a float are infinite: no figure, whatever follows.
        let huge = format!("{} milliards", "9".repeat(400));
        assert!(figures_in(&huge).iter().all(|v| v.is_finite()));
        assert!(!states(&huge, f64::INFINITY));
        let large = format!("{} milliards", "9".repeat(300));
        assert!(figures_in(&large).iter().all(|v| v.is_finite()));
        assert!(states(&large, "9".repeat(300).parse().unwrap()));
    }
}
