//! Names as people read them: one stored form for a name however it was typed, and a test of
//! whether two names look alike (Unicode TR39 confusables), so that a look-alike cannot pass for
//! an organisation already registered.

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// The stored form of a name: invisible format characters (zero-width spaces and joiners, byte
/// order marks, soft hyphens, direction marks) dropped, composed (NFC), trimmed, and every run
/// of white space inside made one space.
pub fn normalise(name: &str) -> String {
    let visible: String = name
        .chars()
        .filter(|c| c.general_category() != GeneralCategory::Format)
        .nfc()
        .collect();
    visible.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether two names would be taken for one another: their TR39 skeletons agree, as typed or
/// in lower case (« RÉGION » reads as « Région »), once both are [`normalise`]d.
pub fn look_alike(a: &str, b: &str) -> bool {
    let (a, b) = (normalise(a), normalise(b));
    skeleton(&a) == skeleton(&b) || skeleton(&a.to_lowercase()) == skeleton(&b.to_lowercase())
}

fn skeleton(name: &str) -> String {
    unicode_security::skeleton(name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_stored_composed_trimmed_and_without_invisible_characters() {
        assert_eq!(
            normalise(" Re\u{301}gion\u{200b}  Hauts-de-\u{ad}France\t\u{feff}"),
            "Région Hauts-de-France"
        );
        assert_eq!(normalise("CA\u{a0}de\u{2003}Lens"), "CA de Lens");
        assert_eq!(normalise("Douaisis Agglo"), "Douaisis Agglo");
        assert_eq!(normalise(" \u{200b} "), "");
    }

    #[test]
    fn look_alikes_are_told_and_different_names_are_not() {
        let region = "Région Hauts-de-France";
        for other in [
            "Re\u{301}gion Hauts-de-France",
            "Région Hauts-de-Franc\u{435}",
            "R\u{435}\u{301}gion Hauts-de-France",
            "Région Hauts\u{200b}-de-France",
            "Région Hauts-de-France ",
            "RÉGION HAUTS-DE-FRANCE",
            "Région Hauts-de-France\u{200d}",
        ] {
            assert!(look_alike(region, other), "{other:?}");
        }
        for other in [
            "Région Grand Est",
            "Region Hauts-de-France",
            "Région Hauts de France",
        ] {
            assert!(!look_alike(region, other), "{other:?}");
        }
        assert!(look_alike("Ville de Lille", "Vi11e de Li11e"));
    }
}
