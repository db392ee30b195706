//! Money as integer euro cents, never negative, with French parsing and display.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, FieldErrorKind};

/// A non-negative amount of money in euro cents.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(try_from = "i64", into = "i64")]
pub struct Amount(i64);

impl Amount {
    pub const ZERO: Amount = Amount(0);

    pub fn from_cents(cents: i64) -> Result<Self, FieldError> {
        if cents < 0 {
            Err(FieldError::new("montant", FieldErrorKind::Negative))
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

    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }

    /// French display: `1 234 567,89 €` (narrow no-break spaces between thousands).
    pub fn to_french(self) -> String {
        let euros = self.0 / 100;
        let cents = self.0 % 100;
        format!("{},{cents:02}\u{a0}€", group_thousands(euros))
    }
}

/// Groups digits by three with narrow no-break spaces, the French way.
pub fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
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
        let euros: i64 = whole.parse().map_err(|_| invalid())?;
        let cents: i64 = format!("{frac:0<2}").parse().map_err(|_| invalid())?;
        euros
            .checked_mul(100)
            .and_then(|c| c.checked_add(cents))
            .map(Amount)
            .ok_or_else(invalid)
    }
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
        for s in ["", "abc", "1,234", "1.2.3", "12e3", "99999999999999999999"] {
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
    fn displays_the_french_way() {
        assert_eq!(
            Amount::from_cents(123_456_789).unwrap().to_french(),
            "1\u{202f}234\u{202f}567,89\u{a0}€"
        );
        assert_eq!(Amount::ZERO.to_french(), "0,00\u{a0}€");
    }
}
