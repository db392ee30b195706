//! Official identifiers that parse instead of validating: a value of these types is always valid.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, FieldErrorKind};

/// The SIREN of La Poste, whose establishments are numbered outside the Luhn rule.
const LA_POSTE_SIREN: &str = "356000000";

fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn all_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

/// Removes the spaces people type inside identifiers ("200 072 460").
fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

macro_rules! string_code {
    ($name:ident) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(code: $name) -> String {
                code.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = FieldError;
            fn try_from(s: String) -> Result<Self, FieldError> {
                s.parse()
            }
        }
    };
}

/// A 9-digit organisation number (SIREN) with a valid Luhn check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siren(String);
string_code!(Siren);

impl FromStr for Siren {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, FieldError> {
        let s = compact(s);
        if all_digits(&s, 9) && luhn_valid(&s) {
            Ok(Self(s))
        } else {
            Err(FieldError::new("siren", FieldErrorKind::InvalidSiren))
        }
    }
}

/// A 14-digit establishment number (SIRET): a valid SIREN followed by 5 digits, Luhn-checked as a
/// whole (La Poste's establishments use a digit-sum rule instead).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siret(String);
string_code!(Siret);

impl Siret {
    pub fn siren(&self) -> &str {
        &self.0[..9]
    }
}

impl FromStr for Siret {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, FieldError> {
        let s = compact(s);
        let valid = all_digits(&s, 14)
            && luhn_valid(&s[..9])
            && if s.starts_with(LA_POSTE_SIREN) {
                s.bytes().map(|b| u32::from(b - b'0')).sum::<u32>() % 5 == 0
            } else {
                luhn_valid(&s)
            };
        if valid {
            Ok(Self(s))
        } else {
            Err(FieldError::new("siret", FieldErrorKind::InvalidSiret))
        }
    }
}

/// A commune's code in the Code officiel géographique (COG): two characters for the département
/// (`01`-`95` but `20`, `2A`, `2B`, or `97`-`98` for overseas, whose third digit completes the
/// département) then three digits. `99` (foreign countries) and `96` are no communes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InseeCode(String);
string_code!(InseeCode);

impl InseeCode {
    pub fn departement(&self) -> &str {
        if self.0.starts_with("97") || self.0.starts_with("98") {
            &self.0[..3]
        } else {
            &self.0[..2]
        }
    }
}

impl FromStr for InseeCode {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, FieldError> {
        let s = s.trim().to_ascii_uppercase();
        let bytes = s.as_bytes();
        let valid = bytes.len() == 5
            && bytes[2..].iter().all(u8::is_ascii_digit)
            && match &s[..2] {
                "2A" | "2B" => true,
                dep => {
                    dep.bytes().all(|b| b.is_ascii_digit())
                        && matches!(dep.parse::<u8>(), Ok(1..=19 | 21..=95 | 97 | 98))
                }
            };
        if valid {
            Ok(Self(s))
        } else {
            Err(FieldError::new("code_insee", FieldErrorKind::InvalidInsee))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siren_of_real_epcis_parse() {
        // CA de Lens-Liévin, CA Douaisis Agglo, CC Osartis Marquion, CA Béthune-Bruay.
        for s in ["246200364", "200044618", "200044048", "200 072 460"] {
            assert!(s.parse::<Siren>().is_ok(), "{s}");
        }
    }

    #[test]
    fn siren_with_bad_check_digit_or_shape_is_refused() {
        for s in ["246200365", "24620036", "2462003640", "24620036A", ""] {
            let err = s.parse::<Siren>().unwrap_err();
            assert_eq!(err.field, "siren");
            assert_eq!(err.kind, FieldErrorKind::InvalidSiren);
        }
    }

    #[test]
    fn siret_checks_the_whole_number() {
        let siret: Siret = "24620036400007".parse().unwrap();
        assert_eq!(siret.siren(), "246200364");
        assert!("24620036400008".parse::<Siret>().is_err());
        // La Poste's establishments follow the digit-sum rule.
        assert!("35600000000001".parse::<Siret>().is_ok());
    }

    #[test]
    fn siret_whose_siren_is_invalid_is_refused() {
        // Found by the `identifiers` fuzz target: Luhn-valid as 14 digits, but 333333333 is not
        // a SIREN, and `siren()` must always be one.
        assert!("333333333".parse::<Siren>().is_err());
        assert_eq!(
            "33333333333330".parse::<Siret>().unwrap_err().kind,
            FieldErrorKind::InvalidSiret
        );
        let siret: Siret = "246 200 364 00007".parse().unwrap();
        assert!(siret.siren().parse::<Siren>().is_ok());
    }

    #[test]
    fn insee_codes() {
        for s in ["62498", "59178", "2A004", "97101"] {
            assert!(s.parse::<InseeCode>().is_ok(), "{s}");
        }
        // 96 and 99 (foreign countries) were accepted until the `identifiers` fuzz target
        // checked every accepted code against the départements this type documents.
        for s in [
            "6249", "624980", "00123", "20123", "2C004", "62A98", "96123", "99132", "+1234",
        ] {
            assert_eq!(
                s.parse::<InseeCode>().unwrap_err().kind,
                FieldErrorKind::InvalidInsee
            );
        }
        assert_eq!("62498".parse::<InseeCode>().unwrap().departement(), "62");
        assert_eq!("97101".parse::<InseeCode>().unwrap().departement(), "971");
        assert_eq!("98714".parse::<InseeCode>().unwrap().departement(), "987");
    }

    #[test]
    fn serde_refuses_invalid_codes() {
        assert!(serde_json::from_str::<Siren>("\"246200365\"").is_err());
        assert_eq!(
            serde_json::from_str::<Siren>("\"246200364\"")
                .unwrap()
                .as_ref(),
            "246200364"
        );
    }
}
