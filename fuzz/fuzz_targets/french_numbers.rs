//! The French number reader that checks a document's passage states a figure: it reads any
//! text without failing, only finite non-negative values, and finds a number written the
//! French way (grouped by thousands, decimal comma, scale words) wherever it stands in text.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use renouveau_ingest::figures::reading::{figures_in, states};

#[derive(Debug, Arbitrary)]
struct Input {
    before: String,
    after: String,
    whole: u64,
    decimals: Option<(u8, u32)>,
    separator: Separator,
    scale: Scale,
}

#[derive(Debug, Clone, Copy, Arbitrary)]
enum Separator {
    None,
    Space,
    Dot,
    NoBreak,
    NarrowNoBreak,
}

#[derive(Debug, Clone, Copy, Arbitrary)]
enum Scale {
    None,
    MillionEuros,
    ThousandEuros,
    Million,
    Milliard,
}

fuzz_target!(|input: Input| {
    // Any text: no failure, and only values a figure can have.
    for text in [&input.before, &input.after] {
        for value in figures_in(text) {
            assert!(
                value.is_finite() && value >= 0.0,
                "{text:?} read as {value}"
            );
        }
    }

    // A number written in French inside arbitrary words (without digits, which would join it).
    let words = |s: &str| -> String { s.chars().filter(|c| !c.is_numeric()).collect() };
    let whole = input.whole % 1_000_000_000_000;
    let separator = match input.separator {
        Separator::None => "",
        Separator::Space => " ",
        Separator::Dot => ".",
        Separator::NoBreak => "\u{a0}",
        Separator::NarrowNoBreak => "\u{202f}",
    };
    let mut written = group(whole, separator);
    let mut value = whole as f64;
    if let Some((places, digits)) = input.decimals {
        let places = u32::from(places % 4) + 1;
        let digits = digits % 10u32.pow(places);
        written.push_str(&format!(",{digits:0width$}", width = places as usize));
        value += f64::from(digits) / 10f64.powi(places as i32);
    }
    let (unit, factor) = match input.scale {
        Scale::None => ("", 1.0),
        Scale::MillionEuros => (" M€", 1e6),
        Scale::ThousandEuros => (" k€", 1e3),
        Scale::Million => (" millions", 1e6),
        Scale::Milliard => (" milliards", 1e9),
    };
    let passage = format!(
        "{} {written}{unit} {}",
        words(&input.before),
        words(&input.after)
    );
    assert!(
        states(&passage, value),
        "{passage:?} does not state {value}"
    );
    assert!(
        states(&passage, value * factor),
        "{passage:?} does not state {}",
        value * factor
    );
});

/// `1234567` → `1 234 567` with the separator.
fn group(n: u64, separator: &str) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(c);
    }
    out
}
