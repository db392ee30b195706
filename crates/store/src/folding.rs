//! Text as French users type it. Searches and sorts compare *folded* text: lower case, without
//! accents, with typographic apostrophes, dashes and spaces made plain and « & » read as « et ».
//! Every searchable column has a folded twin (`title` → `title_folded`) that the store computes
//! here, in Rust, on every write: neither SQLite's `lower()` (ASCII only) nor PostgreSQL's
//! collations (which differ by platform) give the same answer on both backends, and a stored
//! twin keeps a search a plain `LIKE` on one column however many rows there are.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Bumped whenever [`fold`] changes: `Store::open` then folds every stored row again.
pub const FOLD_VERSION: i64 = 1;

/// The folded form of `text`: what searches match and sorts compare, byte for byte.
pub fn fold(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '\u{00B4}' | '`' => {
                plain.push('\'');
            }
            '\u{2010}'..='\u{2015}' | '\u{2212}' => plain.push('-'),
            '&' => plain.push_str(" et "),
            'œ' | 'Œ' => plain.push_str("oe"),
            'æ' | 'Æ' => plain.push_str("ae"),
            'ß' | 'ẞ' => plain.push_str("ss"),
            // Letters with a stroke have no decomposition to strip.
            'ø' | 'Ø' => plain.push('o'),
            'ł' | 'Ł' => plain.push('l'),
            'đ' | 'Đ' => plain.push('d'),
            c => plain.extend(c.to_lowercase()),
        }
    }
    let stripped: String = plain.nfkd().filter(|c| !is_combining_mark(*c)).collect();
    // Compatibility decomposition may bring back capitals (e.g. `ℌ`), hence a second pass.
    stripped
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The name of a searchable column's folded twin.
pub fn folded_name(column: &str) -> String {
    format!("{column}_folded")
}

/// The value stored in a folded twin: `None` when nothing is left, so that empty values sort
/// with missing ones, last.
pub fn folded_value(text: Option<&str>) -> Option<String> {
    text.map(fold).filter(|f| !f.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_fold_away() {
        assert_eq!(fold("Hôpital"), "hopital");
        assert_eq!(fold("ÉTAT"), "etat");
        assert_eq!(fold("Liévin"), "lievin");
        assert_eq!(fold("Hénin-Beaumont"), "henin-beaumont");
        assert_eq!(fold("Œuvre cœur Ærø"), "oeuvre coeur aero");
        assert_eq!(fold("ÇA"), "ca");
    }

    #[test]
    fn typography_becomes_plain() {
        assert_eq!(fold("l’habitat"), fold("l'habitat"));
        assert_eq!(fold("Maisons & Cités"), "maisons et cites");
        assert_eq!(fold("Maisons&Cités"), "maisons et cites");
        assert_eq!(fold("maisons et cites"), "maisons et cites");
        assert_eq!(fold("Saint\u{2011}Amand"), "saint-amand");
        assert_eq!(
            fold("  12\u{202F}000\u{a0}logements \n"),
            "12 000 logements"
        );
    }

    #[test]
    fn folding_is_idempotent_and_never_panics() {
        for text in [
            "",
            " ",
            "\u{301}",
            "ﬁ ﬀ ℌ İstanbul",
            "日本語",
            "a\u{0}b",
            "ǅ",
        ] {
            let once = fold(text);
            assert_eq!(fold(&once), once, "{text:?}");
        }
        assert_eq!(folded_value(Some(" \u{301} ")), None);
        assert_eq!(folded_value(None), None);
        assert_eq!(folded_value(Some("Béthune")).as_deref(), Some("bethune"));
    }

    #[test]
    fn folded_text_sorts_in_french_order() {
        let mut names = ["Busnes", "État", "Béthune", "arras", "Eu", "Ecques"];
        names.sort_by_key(|n| fold(n));
        assert_eq!(
            names,
            ["arras", "Béthune", "Busnes", "Ecques", "État", "Eu"]
        );
    }
}
