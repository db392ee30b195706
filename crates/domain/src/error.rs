//! Typed validation errors: each names the field at fault, speaks English in logs (`Display`) and
//! French to users (`message_fr`).

use std::fmt;

/// A value refused by the domain, with the field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid field `{field}`: {kind}")]
pub struct FieldError {
    pub field: String,
    pub kind: FieldErrorKind,
}

impl FieldError {
    pub fn new(field: impl Into<String>, kind: FieldErrorKind) -> Self {
        Self {
            field: field.into(),
            kind,
        }
    }

    /// The message shown to a French-speaking user.
    pub fn message_fr(&self) -> String {
        format!(
            "Champ «\u{a0}{}\u{a0}»\u{a0}: {}",
            self.field,
            self.kind.message_fr()
        )
    }
}

/// Why a value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldErrorKind {
    Required,
    TooLong {
        max: usize,
    },
    InvalidSiren,
    InvalidSiret,
    SiretNotInSiren,
    InvalidInsee,
    InvalidCode {
        expected: &'static str,
    },
    InvalidAmount,
    /// Above `Amount::MAX`.
    TooLarge,
    Negative,
    InvalidDate,
    EndBeforeStart {
        start_field: &'static str,
    },
    Exceeds {
        other_field: &'static str,
    },
    TransitionNotAllowed {
        from: String,
        to: String,
    },
    UnknownValue {
        allowed: Vec<&'static str>,
    },
    UnknownReference {
        table: &'static str,
        id: i64,
    },
    Duplicate,
    /// A name that looks like the name of another live record (Unicode TR39 skeletons).
    LooksLike {
        existing: String,
        id: i64,
    },
    Inconsistent {
        reason: &'static str,
    },
    /// Text holding the NUL character, which PostgreSQL cannot store.
    NulCharacter,
}

impl FieldErrorKind {
    pub fn message_fr(&self) -> String {
        match self {
            Self::Required => "ce champ est obligatoire".into(),
            Self::TooLong { max } => format!("{max} caractères au plus"),
            Self::InvalidSiren => {
                "numéro SIREN invalide (9 chiffres dont une clé de contrôle)".into()
            }
            Self::InvalidSiret => {
                "numéro SIRET invalide (14 chiffres dont une clé de contrôle)".into()
            }
            Self::SiretNotInSiren => "le SIRET ne commence pas par le SIREN".into(),
            Self::InvalidInsee => {
                "code INSEE invalide (5 caractères\u{a0}: département puis commune)".into()
            }
            Self::InvalidCode { expected } => format!("code invalide (attendu\u{a0}: {expected})"),
            Self::InvalidAmount => "montant invalide (exemple\u{a0}: 1\u{202f}234,56)".into(),
            Self::TooLarge => {
                "montant trop élevé (10\u{a0}000\u{a0}milliards d'euros au plus)".into()
            }
            Self::Negative => "la valeur ne peut pas être négative".into(),
            Self::InvalidDate => "date invalide (format JJ/MM/AAAA, année de 1000 à 9999)".into(),
            Self::EndBeforeStart { start_field } => {
                format!("la fin précède le début («\u{a0}{start_field}\u{a0}»)")
            }
            Self::Exceeds { other_field } => format!("dépasse «\u{a0}{other_field}\u{a0}»"),
            Self::TransitionNotAllowed { from, to } => {
                format!("passage de «\u{a0}{from}\u{a0}» à «\u{a0}{to}\u{a0}» non autorisé")
            }
            Self::UnknownValue { allowed } => {
                format!(
                    "valeur inconnue (valeurs possibles\u{a0}: {})",
                    allowed.join(", ")
                )
            }
            Self::UnknownReference { table, id } => {
                format!(
                    "l'enregistrement {id} de «\u{a0}{table}\u{a0}» n'existe pas ou est archivé"
                )
            }
            Self::Duplicate => "cette valeur existe déjà".into(),
            Self::LooksLike { existing, id } => format!(
                "ce nom se confond avec celui de «\u{a0}{existing}\u{a0}» (n°{id}), déjà enregistré"
            ),
            Self::Inconsistent { reason } => format!("valeurs incohérentes\u{a0}: {reason}"),
            Self::NulCharacter => "le caractère nul (U+0000) n'est pas accepté".into(),
        }
    }
}

impl fmt::Display for FieldErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Required => write!(f, "required"),
            Self::TooLong { max } => write!(f, "longer than {max} characters"),
            Self::InvalidSiren => write!(f, "not a valid SIREN"),
            Self::InvalidSiret => write!(f, "not a valid SIRET"),
            Self::SiretNotInSiren => write!(f, "SIRET does not start with the SIREN"),
            Self::InvalidInsee => write!(f, "not a valid INSEE code"),
            Self::InvalidCode { expected } => write!(f, "invalid code, expected {expected}"),
            Self::InvalidAmount => write!(f, "not a valid amount"),
            Self::TooLarge => write!(f, "larger than the largest amount"),
            Self::Negative => write!(f, "negative"),
            Self::InvalidDate => write!(f, "not a valid date"),
            Self::EndBeforeStart { start_field } => write!(f, "ends before `{start_field}`"),
            Self::Exceeds { other_field } => write!(f, "exceeds `{other_field}`"),
            Self::TransitionNotAllowed { from, to } => {
                write!(f, "transition from {from} to {to} is not allowed")
            }
            Self::UnknownValue { allowed } => {
                write!(f, "unknown value, expected one of {}", allowed.join(", "))
            }
            Self::UnknownReference { table, id } => {
                write!(f, "{table} {id} does not exist or is archived")
            }
            Self::Duplicate => write!(f, "duplicate value"),
            Self::LooksLike { id, .. } => write!(f, "looks like the name of record {id}"),
            Self::Inconsistent { reason } => write!(f, "inconsistent values: {reason}"),
            Self::NulCharacter => write!(f, "contains a NUL character"),
        }
    }
}

/// Shorthand for the usual result of a check.
pub type Checked = Result<(), FieldError>;

/// Refuses an empty or whitespace-only text.
pub fn require_text(field: &str, value: &str, max: usize) -> Checked {
    if value.trim().is_empty() {
        return Err(FieldError::new(field, FieldErrorKind::Required));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(field, FieldErrorKind::TooLong { max }));
    }
    Ok(())
}

/// Refuses a negative number.
pub fn require_non_negative<T: PartialOrd + Default>(field: &str, value: T) -> Checked {
    if value < T::default() {
        return Err(FieldError::new(field, FieldErrorKind::Negative));
    }
    Ok(())
}

/// Refuses `end` before `start` when both are known.
pub fn require_ordered<T: PartialOrd>(
    start_field: &'static str,
    start: Option<T>,
    end_field: &str,
    end: Option<T>,
) -> Checked {
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        return Err(FieldError::new(
            end_field,
            FieldErrorKind::EndBeforeStart { start_field },
        ));
    }
    Ok(())
}
