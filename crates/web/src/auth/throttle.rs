//! Slowing password guessing down without handing attackers a way to lock people out.
//!
//! Failures count for a quarter of an hour ([`WINDOW`]), in the database every server shares.
//! An attempt is reserved (counted as failed) before its password is checked, so concurrent
//! attempts cannot all pass on the same count ([`renouveau_store::sign_in::reserve_attempt`]).
//! - From a **known device** (a browser where the account signed in before, recognised by a
//!   cookie), only that device's failures count: an account under attack still opens for its
//!   owner there.
//! - Elsewhere, an account's first [`FREE_FAILURES_PER_ACCOUNT`] failures cost nothing; each
//!   further one doubles the wait before the next attempt, up to the whole window: guessing
//!   from many addresses stays slow, and the owner still gets in after a wait.
//! - One address may fail [`MAX_FAILURES_PER_ACCOUNT_FROM_ADDRESS`] times on one account, and
//!   [`MAX_FAILURES_PER_ADDRESS`] times in all: a whole town hall behind one address is not
//!   blocked by one person's mistakes, nor by a guesser trying its accounts one by one.

use chrono::{DateTime, Duration, Utc};
use renouveau_store::accounts::normalise_email;
use renouveau_store::sign_in::RecentFailures;

/// How far back failures count.
pub const WINDOW: Duration = Duration::minutes(15);

/// Failures on one account, from devices it does not know, before each attempt has to wait.
pub const FREE_FAILURES_PER_ACCOUNT: i64 = 5;

/// Failures on one account from one address after which that address waits for the window.
pub const MAX_FAILURES_PER_ACCOUNT_FROM_ADDRESS: i64 = 10;

/// Failures from one address, on any account, after which it waits for the window.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 100;

/// Failures from one known device after which it waits for the window.
pub const MAX_FAILURES_PER_DEVICE: i64 = 10;

/// Why an attempt is refused before its password is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The account's next attempt must wait this many seconds more.
    AccountWait(i64),
    AccountFromAddress,
    Address,
    Device,
}

impl Refusal {
    pub fn message_fr(self) -> String {
        match self {
            Self::AccountWait(seconds) => format!(
                "Trop de tentatives de connexion infructueuses pour ce compte\u{a0}: patientez {} \
                 avant de réessayer. Depuis un navigateur où vous vous êtes déjà connecté, la \
                 connexion reste possible.",
                french_duration(seconds)
            ),
            Self::AccountFromAddress => {
                "Trop de tentatives de connexion infructueuses pour ce compte depuis votre \
                 adresse\u{a0}: réessayez dans 15\u{a0}minutes, ou depuis un navigateur où vous vous êtes \
                 déjà connecté."
                    .into()
            }
            Self::Address => "Trop de tentatives de connexion infructueuses depuis votre \
                              adresse\u{a0}: réessayez dans 15\u{a0}minutes."
                .into(),
            Self::Device => "Trop de tentatives de connexion infructueuses depuis ce \
                             navigateur\u{a0}: réessayez dans 15\u{a0}minutes."
                .into(),
        }
    }

    /// For the `Retry-After` header.
    pub fn retry_after_seconds(self) -> i64 {
        match self {
            Self::AccountWait(seconds) => seconds,
            _ => WINDOW.num_seconds(),
        }
    }
}

/// The key failures are counted under for the address typed: the stored form of an e-mail
/// address, so that case and spaces do not make new accounts to try.
pub fn account_key(email: &str) -> String {
    normalise_email(email)
        .unwrap_or_else(|_| email.trim().to_lowercase().chars().take(254).collect())
}

/// The wait an account imposes after `failures` failures: none for the first free ones, then
/// 2 s, doubling with each failure, at most the window.
pub fn account_delay(failures: i64) -> Duration {
    let beyond = failures - FREE_FAILURES_PER_ACCOUNT;
    if beyond < 0 {
        return Duration::zero();
    }
    let window = WINDOW.num_seconds();
    let seconds = u32::try_from(beyond + 1)
        .ok()
        .and_then(|exponent| 2i64.checked_pow(exponent))
        .map_or(window, |seconds| seconds.min(window));
    Duration::seconds(seconds)
}

/// Whether an attempt with these recent failures is refused at `now`.
pub fn refusal(
    failures: &RecentFailures,
    from_known_device: bool,
    now: DateTime<Utc>,
) -> Option<Refusal> {
    if from_known_device {
        return (failures.device >= MAX_FAILURES_PER_DEVICE).then_some(Refusal::Device);
    }
    if failures.account_from_address >= MAX_FAILURES_PER_ACCOUNT_FROM_ADDRESS {
        return Some(Refusal::AccountFromAddress);
    }
    if failures.client_address >= MAX_FAILURES_PER_ADDRESS {
        return Some(Refusal::Address);
    }
    let next_allowed = failures.account_last? + account_delay(failures.account);
    let wait = next_allowed - now;
    (wait > Duration::zero()).then(|| {
        // Rounded up: an attempt made when the header says is never refused again.
        let seconds = (wait.num_milliseconds() + 999) / 1000;
        Refusal::AccountWait(seconds.max(1))
    })
}

fn french_duration(seconds: i64) -> String {
    match seconds {
        ..=1 => "1\u{a0}seconde".into(),
        2..=90 => format!("{seconds}\u{a0}secondes"),
        _ => format!("{}\u{a0}minutes", (seconds + 59) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failures(account: i64, last_seconds_ago: i64) -> (RecentFailures, DateTime<Utc>) {
        let now = Utc::now();
        let recent = RecentFailures {
            account,
            account_last: (account > 0).then(|| now - Duration::seconds(last_seconds_ago)),
            ..RecentFailures::default()
        };
        (recent, now)
    }

    #[test]
    fn the_wait_doubles_past_the_free_failures_up_to_the_window() {
        let delays: Vec<i64> = (0..=40).map(|n| account_delay(n).num_seconds()).collect();
        assert_eq!(&delays[..5], &[0, 0, 0, 0, 0]);
        assert_eq!(&delays[5..10], &[2, 4, 8, 16, 32]);
        assert_eq!(delays[13], 512);
        assert!(delays[14..].iter().all(|&d| d == WINDOW.num_seconds()));
        assert_eq!(account_delay(i64::MAX), WINDOW);
    }

    #[test]
    fn an_account_past_its_free_failures_waits_then_opens_again() {
        let (recent, now) = failures(FREE_FAILURES_PER_ACCOUNT - 1, 0);
        assert_eq!(refusal(&recent, false, now), None);
        let (recent, now) = failures(FREE_FAILURES_PER_ACCOUNT, 0);
        assert_eq!(refusal(&recent, false, now), Some(Refusal::AccountWait(2)));
        let (recent, now) = failures(FREE_FAILURES_PER_ACCOUNT, 3);
        assert_eq!(refusal(&recent, false, now), None);
        let (recent, now) = failures(30, 60);
        assert_eq!(
            refusal(&recent, false, now),
            Some(Refusal::AccountWait(840))
        );
    }

    #[test]
    fn a_known_device_counts_only_its_own_failures() {
        let (mut recent, now) = failures(50, 0);
        recent.client_address = MAX_FAILURES_PER_ADDRESS;
        recent.account_from_address = MAX_FAILURES_PER_ACCOUNT_FROM_ADDRESS;
        assert_eq!(refusal(&recent, true, now), None);
        recent.device = MAX_FAILURES_PER_DEVICE;
        assert_eq!(refusal(&recent, true, now), Some(Refusal::Device));
    }

    #[test]
    fn each_refusal_says_how_long_to_wait_in_french() {
        assert!(
            Refusal::AccountWait(1)
                .message_fr()
                .contains("patientez 1\u{a0}seconde ")
        );
        assert!(
            Refusal::AccountWait(32)
                .message_fr()
                .contains("patientez 32\u{a0}secondes")
        );
        assert!(
            Refusal::AccountWait(840)
                .message_fr()
                .contains("patientez 14\u{a0}minutes")
        );
        assert_eq!(Refusal::Address.retry_after_seconds(), 900);
    }
}
