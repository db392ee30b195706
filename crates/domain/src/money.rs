//! Money as integer euro cents, never negative and bounded, with French parsing and display;
//! `Total` holds sums of amounts, which may exceed what one amount may be.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, FieldErrorKind};

/// A non-negative amount of money in euro cents, at most `Amount::MAX` (10^13 €). The bound
/// leaves room for sums of thousands of amounts in 64 bits, and any real figure of a territorial
/// programme far below it.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(try_from = "i64", into = "i64")]
pub struct Amount(i64);

impl Amount {
    pub const ZERO: Amount = Amount(0);
    /// The largest amount, 10^13 € in cents (the database checks the same bound).
    pub const MAX_CENTS: i64 = 1_000_000_000_000_000;
    pub const MAX: Amount = Amount(Self::MAX_CENTS);

    pub fn from_cents(cents: i64) -> Result<Self, FieldError> {
        if cents < 0 {
            Err(FieldError::new("montant", FieldErrorKind::Negative))
        } else if cents > Self::MAX_CENTS {
            Err(FieldError::new("montant", FieldErrorKind::TooLarge))
        } else {
            Ok(Self(cents))
        }
    }

    pub fn from_euros(euros: i64) -> Result<Self, FieldError> {
        euros
            .checked_mul(100)
            .ok_or_else(|| FieldError::new("montant", FieldErrorKind::InvalidAmount))
            .and_then(Self::from_cents)
    }

    pub fn cents(self) -> i64 {
        self.0
    }

    /// The sum, if it is still an amount (within the bound).
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0
            .checked_add(other.0)
            .and_then(|c| Self::from_cents(c).ok())
    }

    /// French display: `1 234 567,89 €` (narrow no-break spaces between thousands).
    pub fn to_french(self) -> String {
        french_cents(self.0)
    }
}

/// Groups digits by three with narrow no-break spaces, the French way.
pub fn group_thousands(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    let out = group_unsigned(n.unsigned_abs());
    if n < 0 { format!("-{out}") } else { out }
}

impl TryFrom<i64> for Amount {
    type Error = FieldError;
    fn try_from(cents: i64) -> Result<Self, FieldError> {
        Self::from_cents(cents)
    }
}

impl From<Amount> for i64 {
    fn from(a: Amount) -> i64 {
        a.0
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_french())
    }
}

/// Parses an amount in euros as people write it: `1 234 567,89`, `1234567.89`, `12,5 €`.
impl FromStr for Amount {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, FieldError> {
        let invalid = || FieldError::new("montant", FieldErrorKind::InvalidAmount);
        // Spaces of any kind group thousands or stand before the euro sign.
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let cleaned = compact.strip_suffix('€').unwrap_or(&compact);
        if let Some(rest) = cleaned.strip_prefix('-')
            && !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        {
            return Err(FieldError::new("montant", FieldErrorKind::Negative));
        }
        let (whole, frac) = cleaned.split_once([',', '.']).unwrap_or((cleaned, ""));
        let digits_only = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits_only(whole) || !digits_only(frac) || frac.len() > 2 {
            return Err(invalid());
        }
        let too_large = || FieldError::new("montant", FieldErrorKind::TooLarge);
        let euros: i64 = whole.parse().map_err(|_| too_large())?;
        let cents: i64 = format!("{frac:0<2}").parse().map_err(|_| invalid())?;
        euros
            .checked_mul(100)
            .and_then(|c| c.checked_add(cents))
            .ok_or_else(too_large)
            .and_then(Self::from_cents)
    }
}

/// A sum of amounts in euro cents. Sums of bounded amounts fit easily in 128 bits; adding is
/// still checked, and an overflow is `None`, never a wrapped value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(into = "i128")]
pub struct Total(i128);

impl Total {
    pub const ZERO: Total = Total(0);

    pub fn cents(self) -> i128 {
        self.0
    }

    pub fn checked_add(self, other: Total) -> Option<Total> {
        self.0.checked_add(other.0).map(Total)
    }

    pub fn checked_add_amount(self, amount: Amount) -> Option<Total> {
        self.checked_add(Total::from(amount))
    }

    /// The sum of `amounts`, or `None` if it overflows.
    pub fn sum(amounts: impl IntoIterator<Item = Amount>) -> Option<Total> {
        amounts
            .into_iter()
            .try_fold(Total::ZERO, Total::checked_add_amount)
    }

    /// The sum of `totals`, or `None` if it overflows.
    pub fn sum_totals(totals: impl IntoIterator<Item = Total>) -> Option<Total> {
        totals.into_iter().try_fold(Total::ZERO, Total::checked_add)
    }

    /// A sum the database computed in two parts so that it cannot overflow: the sum of the
    /// billions of cents and the sum of the rest (see `store::summaries`). Any two 64-bit
    /// parts recombine within 128 bits (below 2^94), so this cannot overflow either.
    pub fn from_split(billions: i64, rest: i64) -> Total {
        Total(i128::from(billions) * SPLIT + i128::from(rest))
    }

    /// For charts only: the nearest floating-point number of cents.
    #[allow(clippy::cast_precision_loss)]
    pub fn as_f64(self) -> f64 {
        self.0 as f64
    }

    /// French display with cents: `1 234 567,89 €`.
    pub fn to_french(self) -> String {
        french_cents(self.0)
    }

    /// French display in whole euros, rounded half away from zero: `1 234 568 €`.
    pub fn to_french_whole(self) -> String {
        french_whole_euros(self.0)
    }
}

/// The divisor of the database's split sums.
pub const SPLIT: i128 = 1_000_000_000;

impl From<Amount> for Total {
    fn from(a: Amount) -> Total {
        Total(i128::from(a.0))
    }
}

impl From<Total> for i128 {
    fn from(t: Total) -> i128 {
        t.0
    }
}

impl fmt::Display for Total {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_french())
    }
}

/// Any number of cents in French with cents, `-1 234,05 €`; never panics, never recurses.
pub fn french_cents(cents: impl Into<i128>) -> String {
    let cents: i128 = cents.into();
    let magnitude = cents.unsigned_abs();
    let sign = if cents < 0 { "-" } else { "" };
    format!(
        "{sign}{},{:02}\u{a0}€",
        group_unsigned(magnitude / 100),
        magnitude % 100
    )
}

/// Any number of cents in whole euros, rounded half away from zero, `1 234 568 €`.
pub fn french_whole_euros(cents: impl Into<i128>) -> String {
    let cents: i128 = cents.into();
    let magnitude = cents.unsigned_abs();
    let euros = magnitude / 100 + u128::from(magnitude % 100 >= 50);
    let sign = if cents < 0 && euros > 0 { "-" } else { "" };
    format!("{sign}{}\u{a0}€", group_unsigned(euros))
}

fn group_unsigned(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_french_and_plain_amounts() {
        assert_eq!(
            "1 234 567,89".parse::<Amount>().unwrap().cents(),
            123_456_789
        );
        assert_eq!("1234567.8".parse::<Amount>().unwrap().cents(), 123_456_780);
        assert_eq!("12 €".parse::<Amount>().unwrap().cents(), 1200);
        assert_eq!("0,05".parse::<Amount>().unwrap().cents(), 5);
    }

    #[test]
    fn any_space_may_stand_before_the_euro_sign() {
        // Found by the `amounts` fuzz target: "0\n" parsed but "0\n €" did not, as a tab or a
        // line break before the sign was kept while spaces were dropped.
        assert_eq!("0\n €".parse::<Amount>().unwrap().cents(), 0);
        assert_eq!("12\t€".parse::<Amount>().unwrap().cents(), 1200);
        assert_eq!(
            "1\u{2009}234,50\u{a0}€".parse::<Amount>().unwrap().cents(),
            123_450
        );
        assert_eq!(
            "12 € €".parse::<Amount>().unwrap_err().kind,
            FieldErrorKind::InvalidAmount
        );
    }

    #[test]
    fn refuses_negative_and_garbage() {
        assert_eq!(
            "-12".parse::<Amount>().unwrap_err().kind,
            FieldErrorKind::Negative
        );
        for s in ["", "abc", "1,234", "1.2.3", "12e3"] {
            assert_eq!(
                s.parse::<Amount>().unwrap_err().kind,
                FieldErrorKind::InvalidAmount,
                "{s}"
            );
        }
        assert!(Amount::from_cents(-1).is_err());
        assert!(serde_json::from_str::<Amount>("-5").is_err());
    }

    #[test]
    fn amounts_stop_at_ten_thousand_billion_euros() {
        assert_eq!(Amount::MAX.cents(), 1_000_000_000_000_000);
        assert_eq!("10 000 000 000 000".parse::<Amount>().unwrap(), Amount::MAX);
        for s in [
            "10 000 000 000 000,01",
            "92233720368547758,07",
            "99999999999999999999",
        ] {
            assert_eq!(
                s.parse::<Amount>().unwrap_err().kind,
                FieldErrorKind::TooLarge,
                "{s}"
            );
        }
        assert_eq!(
            Amount::from_cents(Amount::MAX_CENTS + 1).unwrap_err().kind,
            FieldErrorKind::TooLarge
        );
        assert!(Amount::from_cents(i64::MAX).is_err());
        assert!(Amount::from_euros(10_000_000_000_001).is_err());
        assert!(serde_json::from_str::<Amount>("1000000000000001").is_err());
        assert!(serde_json::from_str::<Amount>("9223372036854775807").is_err());
        assert_eq!(
            serde_json::from_str::<Amount>("1000000000000000").unwrap(),
            Amount::MAX
        );
        assert_eq!(
            Amount::MAX.checked_add(Amount::from_cents(1).unwrap()),
            None
        );
        assert!(
            FieldErrorKind::TooLarge
                .message_fr()
                .contains("10\u{a0}000\u{a0}milliards")
        );
    }

    #[test]
    fn totals_add_up_past_the_bound_of_one_amount() {
        let total = Total::sum([Amount::MAX, Amount::MAX, Amount::from_cents(1).unwrap()]).unwrap();
        assert_eq!(total.cents(), 2_000_000_000_000_001);
        assert_eq!(
            total.to_french(),
            "20\u{202f}000\u{202f}000\u{202f}000\u{202f}000,01\u{a0}€"
        );
        assert_eq!(Total::sum([]), Some(Total::ZERO));
        assert_eq!(
            Total::from_split(3, 5),
            Total::from(Amount::from_cents(3_000_000_005).unwrap())
        );
        assert_eq!(
            Total::from_split(i64::MAX, i64::MAX).cents(),
            i128::from(i64::MAX) * 1_000_000_000 + i128::from(i64::MAX)
        );
        assert_eq!(
            Total::from_split(i64::MIN, i64::MIN).cents(),
            i128::from(i64::MIN) * 1_000_000_000 + i128::from(i64::MIN)
        );
        let huge = Total(i128::MAX);
        assert_eq!(
            huge.checked_add_amount(Amount::from_cents(1).unwrap()),
            None
        );
        assert_eq!(Total::sum_totals([huge, huge]), None);
    }

    #[test]
    fn displays_any_number_of_cents_without_panicking() {
        for cents in [i128::MIN, i128::MIN + 1, -1, 0, 1, i128::MAX] {
            assert!(french_cents(cents).ends_with("\u{a0}€"), "{cents}");
            assert!(french_whole_euros(cents).ends_with("\u{a0}€"), "{cents}");
        }
        assert_eq!(
            french_cents(i64::MIN),
            "-92\u{202f}233\u{202f}720\u{202f}368\u{202f}547\u{202f}758,08\u{a0}€"
        );
        assert_eq!(french_cents(-5), "-0,05\u{a0}€");
        assert_eq!(french_whole_euros(149), "1\u{a0}€");
        assert_eq!(french_whole_euros(150), "2\u{a0}€");
        assert_eq!(french_whole_euros(-150), "-2\u{a0}€");
        assert_eq!(french_whole_euros(-49), "0\u{a0}€");
        assert_eq!(
            group_thousands(i64::MIN),
            "-9\u{202f}223\u{202f}372\u{202f}036\u{202f}854\u{202f}775\u{202f}808"
        );
    }

    #[test]
    fn displays_the_french_way() {
        assert_eq!(
            Amount::from_cents(123_456_789).unwrap().to_french(),
            "1\u{202f}234\u{202f}567,89\u{a0}€"
        );
        assert_eq!(Amount::ZERO.to_french(), "0,00\u{a0}€");
    }
}
