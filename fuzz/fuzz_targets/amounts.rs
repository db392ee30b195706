//! Amounts in euros typed the French way: any amount's French display, and the plain forms an
//! input shows ("1234,56", "1234.56"), parse back to the same cents; whatever text parses is a
//! non-negative number of cents, at most `Amount::MAX`, that displays back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use renouveau_domain::{Amount, FieldErrorKind};

fuzz_target!(|input: (u64, &str)| {
    let (seed, text) = input;

    // Every amount reads back from the ways it is written.
    let cents = i64::try_from(seed >> 1).expect("63 bits fit");
    if cents > Amount::MAX_CENTS {
        assert_eq!(
            Amount::from_cents(cents).map_err(|e| e.kind),
            Err(FieldErrorKind::TooLarge)
        );
    }
    let cents = cents % (Amount::MAX_CENTS + 1);
    let amount = Amount::from_cents(cents).expect("non-negative and within the bound");
    let (euros, rest) = (cents / 100, cents % 100);
    for written in [
        amount.to_french(),
        format!("{euros},{rest:02}"),
        format!("{euros}.{rest:02}"),
        format!(" {euros},{rest:02} € "),
        format!(
            "{},{rest:02}",
            renouveau_domain::money::group_thousands(euros)
        ),
    ] {
        assert_eq!(written.parse::<Amount>(), Ok(amount), "{written:?}");
    }
    if rest == 0 {
        assert_eq!(format!("{euros}").parse::<Amount>(), Ok(amount));
    }
    if rest % 10 == 0 {
        assert_eq!(
            format!("{euros},{}", rest / 10).parse::<Amount>(),
            Ok(amount)
        );
    }

    // Whatever text parses is a valid amount that displays back to itself.
    match text.parse::<Amount>() {
        Ok(parsed) => {
            assert!(
                (0..=Amount::MAX_CENTS).contains(&parsed.cents()),
                "{text:?}"
            );
            assert_eq!(parsed.to_french().parse::<Amount>(), Ok(parsed), "{text:?}");
            assert_eq!(parsed.to_string(), parsed.to_french());
            if !text.contains('€') {
                assert_eq!(
                    format!("{text} €").parse::<Amount>(),
                    Ok(parsed),
                    "{text:?}"
                );
            }
        }
        Err(error) => {
            assert_eq!(error.field, "montant");
            match error.kind {
                FieldErrorKind::InvalidAmount | FieldErrorKind::TooLarge => {}
                FieldErrorKind::Negative => assert!(text.contains('-'), "{text:?}"),
                other => panic!("{text:?}: unexpected error {other:?}"),
            }
        }
    }
});
