//! Passwords: hashed with Argon2id (PHC string with its own salt and parameters), and the rules
//! a new password must follow.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 1024;

/// The first rule `password`, chosen for the account `email`, breaks, as a French sentence
/// naming it; None when it follows them all.
pub fn policy_violation(password: &str, email: &str) -> Option<String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Some(format!(
            "Le mot de passe doit compter au moins {MIN_LENGTH} caractères (il en a {length})."
        ));
    }
    if length > MAX_LENGTH {
        return Some("Le mot de passe est trop long (1 024 caractères au plus).".into());
    }
    if character_classes(password) < 2 {
        return Some(
            "Le mot de passe ne doit pas être fait d'une seule sorte de caractères : mêlez \
             minuscules, majuscules, chiffres ou autres signes."
                .into(),
        );
    }
    if repeats_email(password, email) {
        return Some(
            "Le mot de passe ne doit pas reprendre l'adresse électronique du compte.".into(),
        );
    }
    None
}

/// How many of lowercase letters, uppercase letters, digits and other signs appear.
fn character_classes(password: &str) -> usize {
    let has = |test: fn(&char) -> bool| password.chars().any(|c| test(&c));
    [
        has(|c| c.is_lowercase()),
        has(|c| c.is_uppercase()),
        has(|c| c.is_numeric()),
        has(|c| !c.is_alphanumeric()),
    ]
    .into_iter()
    .filter(|present| *present)
    .count()
}

/// Whether the password contains the e-mail address or the part before its `@` (when that part
/// is long enough to mean something).
fn repeats_email(password: &str, email: &str) -> bool {
    let password = password.to_lowercase();
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or_default();
    (!email.is_empty() && password.contains(&email))
        || (local.chars().count() >= 4 && password.contains(local))
}

pub fn hash(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse batterz", &stored));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn each_rule_is_named_when_broken() {
        let email = "marie.dupont@exemple.fr";
        let broken = |p: &str| policy_violation(p, email).unwrap_or_default();
        assert!(broken("Court1!").contains("au moins 12 caractères"));
        assert!(broken("toutenminuscules").contains("une seule sorte"));
        assert!(broken("123456789012345").contains("une seule sorte"));
        assert!(broken("Marie.Dupont@exemple.fr").contains("adresse électronique"));
        assert!(broken("2024-marie.dupont!").contains("adresse électronique"));
        assert!(broken(&"aB".repeat(600)).contains("trop long"));
        assert_eq!(policy_violation("suffisamment long", email), None);
        assert_eq!(policy_violation("au-moins-12-caracteres", email), None);
        assert_eq!(policy_violation("Été 2025 à Lens", email), None);
    }
}
