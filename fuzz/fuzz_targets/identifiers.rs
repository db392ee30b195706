//! SIREN, SIRET and INSEE commune codes typed by people: whatever parses displays back to text
//! that parses to the same value, and has the shape the type promises.
#![no_main]

use libfuzzer_sys::fuzz_target;
use renouveau_domain::{InseeCode, Siren, Siret};

fuzz_target!(|text: &str| {
    if let Ok(siren) = text.parse::<Siren>() {
        let shown = siren.to_string();
        assert_eq!(shown.parse::<Siren>().as_ref(), Ok(&siren), "{text:?}");
        assert!(is_digits(&shown, 9), "{text:?} -> {shown:?}");
        // Serde goes through the same parser.
        let json = serde_json::to_string(&siren).expect("serialises");
        assert_eq!(
            serde_json::from_str::<Siren>(&json).ok().as_ref(),
            Some(&siren)
        );
    }
    if let Ok(siret) = text.parse::<Siret>() {
        let shown = siret.to_string();
        assert_eq!(shown.parse::<Siret>().as_ref(), Ok(&siret), "{text:?}");
        assert!(is_digits(&shown, 14), "{text:?} -> {shown:?}");
        // A SIRET starts with the SIREN of its organisation, which is a valid SIREN.
        assert_eq!(
            siret
                .siren()
                .parse::<Siren>()
                .map(String::from)
                .ok()
                .as_deref(),
            Some(siret.siren()),
            "{text:?}: SIRET accepted with an invalid SIREN"
        );
    }
    if let Ok(code) = text.parse::<InseeCode>() {
        let shown = code.to_string();
        assert_eq!(shown.parse::<InseeCode>().as_ref(), Ok(&code), "{text:?}");
        assert_eq!(shown.len(), 5, "{text:?} -> {shown:?}");
        let departement = code.departement();
        assert!(shown.starts_with(departement));
        assert!(shown[2..].bytes().all(|b| b.is_ascii_digit()), "{shown:?}");
        let known = match departement {
            "2A" | "2B" => true,
            d if d.starts_with("97") || d.starts_with("98") => d.len() == 3,
            d => d.len() == 2 && matches!(d.parse::<u8>(), Ok(1..=19 | 21..=95)),
        };
        assert!(
            known,
            "{text:?}: département {departement:?} does not exist"
        );
    }
});

fn is_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}
