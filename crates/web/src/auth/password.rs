//! Passwords: hashed with Argon2id (PHC string with its own salt and parameters), and the rules
//! a new password must follow.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use std::sync::LazyLock;

use zxcvbn::{Score, zxcvbn};

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 1024;

/// Words a guesser of this programme's accounts tries first, besides the estimator's own lists
/// (which are English): common French passwords and the programme's own vocabulary.
const LIKELY_WORDS: &[&str] = &[
    "motdepasse",
    "azerty",
    "azertyuiop",
    "qsdfghjklm",
    "wxcvbn",
    "bonjour",
    "soleil",
    "doudou",
    "chouchou",
    "loulou",
    "marseille",
    "paris",
    "lille",
    "france",
    "coucou",
    "nicolas",
    "julien",
    "camille",
    "renouveau",
    "bassin",
    "minier",
    "miniere",
    "mines",
    "terril",
    "terrils",
    "erbm",
    "lens",
    "lievin",
    "douai",
    "valenciennes",
    "bethune",
    "region",
    "hautsdefrance",
    "departement",
    "commune",
    "logement",
    "admin",
    "administrateur",
    "utilisateur",
    "connexion",
];

/// The first rule `password`, chosen for the account `email`, breaks, as a French sentence
/// naming it; None when it follows them all.
pub fn policy_violation(password: &str, email: &str) -> Option<String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Some(format!(
            "Le mot de passe doit compter au moins {MIN_LENGTH}\u{a0}caractères (il en a {length})."
        ));
    }
    if length > MAX_LENGTH {
        return Some(
            "Le mot de passe est trop long (1\u{202f}024\u{a0}caractères au plus).".into(),
        );
    }
    if repeats_email(password, email) {
        return Some(
            "Le mot de passe ne doit pas reprendre l'adresse électronique du compte.".into(),
        );
    }
    if too_easy_to_guess(password, email) {
        return Some(
            "Ce mot de passe est trop facile à deviner (mot courant, suite de touches, \
             répétition ou variante d'un mot de passe connu)\u{a0}: allongez-le, par exemple \
             de plusieurs mots sans rapport entre eux."
                .into(),
        );
    }
    None
}

/// Whether a guesser would find the password within 10^10 guesses (zxcvbn's estimate, told
/// the account's address and the likely words too).
fn too_easy_to_guess(password: &str, email: &str) -> bool {
    let email = email.trim().to_lowercase();
    let mut hints: Vec<&str> = email.split(['@', '.', '-', '_', '+']).collect();
    hints.extend_from_slice(LIKELY_WORDS);
    // The estimator's work grows with the length; past its first hundred characters a password
    // is long enough.
    let head: String = password.chars().take(100).collect();
    zxcvbn(&head, &hints).score() < Score::Four
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

/// A hash no password matches in practice, verified for accounts that do not exist so that the
/// answer takes as long as for those that do.
static UNKNOWN_ACCOUNT_HASH: LazyLock<String> =
    LazyLock::new(|| hash(&crate::auth::secret::new_token()).expect("hashing a random token"));

/// Checks `password` against the stored hash, or against a stand-in when there is none (no such
/// account, or one without a password), on a thread where blocking is allowed: Argon2 takes
/// tens of milliseconds of processor time.
pub async fn verify_off_executor(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => verify(&password, &stored),
        None => {
            verify(&password, &UNKNOWN_ACCOUNT_HASH);
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// Hashes on a thread where blocking is allowed.
pub async fn hash_off_executor(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| e.to_string())?
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

    /// The passwords an outside review got through the former rules.
    #[test]
    fn common_passwords_and_patterns_are_refused() {
        let email = "marie.dupont@exemple.fr";
        for weak in [
            "password1234",
            "azertyuiop12",
            "aaaaaaaaaaa1",
            "           a",
            "123456789012345",
            "motdepasse2024",
            "Azerty123456",
            "renouveau2025",
            "Dupont1234567",
            "Bassinminier1",
        ] {
            let refused = policy_violation(weak, email).unwrap_or_default();
            assert!(
                refused.contains("trop facile à deviner"),
                "{weak:?}: {refused}"
            );
        }
    }

    #[tokio::test]
    async fn verifying_off_the_executor_agrees_with_verify() {
        let stored = hash("correct horse battery").unwrap();
        assert!(verify_off_executor("correct horse battery".into(), Some(stored.clone())).await);
        assert!(!verify_off_executor("correct horse batterz".into(), Some(stored)).await);
        assert!(!verify_off_executor("correct horse battery".into(), None).await);
        assert!(UNKNOWN_ACCOUNT_HASH.starts_with("$argon2id$"));
    }

    #[test]
    fn each_rule_is_named_when_broken() {
        let email = "marie.dupont@exemple.fr";
        let broken = |p: &str| policy_violation(p, email).unwrap_or_default();
        assert!(broken("Court1!").contains("au moins 12\u{a0}caractères"));
        assert!(broken("Marie.Dupont@exemple.fr").contains("adresse électronique"));
        assert!(broken("2024-marie.dupont!").contains("adresse électronique"));
        assert!(broken(&"aB".repeat(600)).contains("trop long"));
        assert_eq!(policy_violation("suffisamment long", email), None);
        assert_eq!(policy_violation("au-moins-12-caracteres", email), None);
        assert_eq!(policy_violation("Été 2025 à Lens, au terril", email), None);
    }
}
