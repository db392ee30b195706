//! `renouveau user list|set|disable|enable|reset-password` and `renouveau session purge`: accounts
//! as an administrator runs them, acting as the command line (`system:cli` in the audit trail).

use std::process::ExitCode;

use anyhow::Context;
use renouveau_domain::{Actor, Organisation};
use renouveau_store::Store;
use renouveau_store::accounts::admin::{self, UserChange};
use renouveau_web::auth;

use super::accounts::{find_organisation, find_user, french_time, parse_role};

fn cli_actor() -> Actor {
    Actor::system("cli")
}

pub async fn list(url: &str) -> anyhow::Result<ExitCode> {
    let store = Store::open(url).await.context("opening the database")?;
    let users = admin::list_users(store.db()).await?;
    if users.is_empty() {
        println!("Aucun compte (renouveau user add en crée un).");
        return Ok(ExitCode::SUCCESS);
    }
    println!("adresse\torganisation\trôle\tétat\tdernière connexion");
    for listed in users {
        let user = &listed.user;
        println!(
            "{}\t{}\t{}\t{}\t{}",
            user.email,
            listed.organisation_name,
            user.role.code(),
            if user.disabled {
                "désactivé"
            } else {
                "actif"
            },
            user.last_sign_in_at
                .map_or_else(|| "jamais".to_string(), french_time),
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn set(
    url: &str,
    email: &str,
    role: Option<&str>,
    organisation: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let role = role.map(parse_role).transpose()?;
    let store = Store::open(url).await.context("opening the database")?;
    let user = find_user(&store, email).await?;
    let organisation = match organisation {
        Some(key) => Some(find_organisation(&store, key).await?),
        None => None,
    };
    let change = UserChange {
        role: role.unwrap_or(user.role),
        organisation_id: organisation.as_ref().map_or(user.organisation_id, |o| o.id),
    };
    let changed = admin::update_user(
        store.db(),
        &cli_actor(),
        user.id,
        Some(user.version),
        change,
    )
    .await?;
    let organisation_name = match organisation {
        Some(o) => o.data.name,
        None => {
            store
                .records::<Organisation>()
                .get(changed.organisation_id)
                .await?
                .data
                .name
        }
    };
    println!(
        "Compte {} : {} de {}.{}",
        changed.email,
        changed.role.label_fr(),
        organisation_name,
        if changed.organisation_id == user.organisation_id {
            ""
        } else {
            " Ses jetons d'API faits pour l'organisation précédente n'agissent plus."
        }
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn set_disabled(url: &str, email: &str, disabled: bool) -> anyhow::Result<ExitCode> {
    let store = Store::open(url).await.context("opening the database")?;
    let user = find_user(&store, email).await?;
    let done = if disabled {
        admin::disable_user(store.db(), &cli_actor(), user.id).await?
    } else {
        admin::enable_user(store.db(), &cli_actor(), user.id).await?
    };
    let message = match (disabled, done) {
        (true, true) => "désactivé : ses sessions sont fermées et ses jetons d'API suspendus",
        (true, false) => "était déjà désactivé",
        (false, true) => "réactivé : ses jetons d'API non révoqués agissent de nouveau",
        (false, false) => "n'était pas désactivé",
    };
    println!("Le compte {} {message}.", user.email);
    Ok(ExitCode::SUCCESS)
}

pub async fn reset_password(url: &str, email: &str, base_url: &str) -> anyhow::Result<ExitCode> {
    let store = Store::open(url).await.context("opening the database")?;
    let user = find_user(&store, email).await?;
    let path = auth::issue_password_reset(&store, &cli_actor(), &user).await?;
    println!(
        "Lien de réinitialisation du mot de passe de {}, valable une heure et une seule fois \
         (les liens précédents n'agissent plus) :",
        user.email
    );
    println!("{}", auth::absolute_link(base_url, &path));
    Ok(ExitCode::SUCCESS)
}

pub async fn purge_sessions(url: &str) -> anyhow::Result<ExitCode> {
    let store = Store::open(url).await.context("opening the database")?;
    let purged = admin::purge_expired(store.db()).await?;
    println!(
        "{} session(s) terminée(s) et {} lien(s) de réinitialisation périmé(s) supprimé(s).",
        purged.sessions, purged.password_resets
    );
    Ok(ExitCode::SUCCESS)
}
