//! `renouveau user add` and `renouveau token create|list|revoke`; the other account commands
//! are in `users`.

use std::process::ExitCode;

use anyhow::{Context, bail};
use renouveau_domain::{Actor, Organisation, Role};
use renouveau_store::accounts::{self, ApiToken, TokenState, User};
use renouveau_store::{ListQuery, Record, Store};
use renouveau_web::auth::{self, password};
// chrono as sqlx re-exports it: the same crate the store's dates are made of.
use sqlx::types::chrono::{DateTime, Utc};

pub async fn add_user(
    url: &str,
    email: &str,
    organisation: &str,
    role: &str,
    password: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let role = parse_role(role)?;
    if let Some(violation) = password.and_then(|p| password::policy_violation(p, email)) {
        bail!("{violation}");
    }
    let store = Store::open(url).await.context("opening the database")?;
    let organisation = find_organisation(&store, organisation).await?;
    let hash = password
        .map(password::hash)
        .transpose()
        .map_err(|e| anyhow::anyhow!("hachage du mot de passe impossible : {e}"))?;
    let user = accounts::create_user(
        store.db(),
        &Actor::system("cli"),
        email,
        organisation.id,
        role,
        hash.as_deref(),
    )
    .await?;
    println!(
        "Utilisateur {} créé : {} de {}.{}",
        user.email,
        role.label_fr(),
        organisation.data.name,
        if password.is_none() {
            " Sans mot de passe, il ne peut se connecter qu'avec un jeton d'API (renouveau token create)."
        } else {
            ""
        }
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn parse_role(role: &str) -> anyhow::Result<Role> {
    role.parse().map_err(|_| {
        anyhow::anyhow!(
            "rôle inconnu « {role} » : choisissez parmi {}",
            Role::CODES.join(", ")
        )
    })
}

pub async fn create_token(url: &str, email: &str, days: Option<u32>) -> anyhow::Result<ExitCode> {
    let store = Store::open(url).await.context("opening the database")?;
    let user = find_user(&store, email).await?;
    ensure_enabled(&user)?;
    let expires_at = days.map(auth::expiry_in_days);
    let token = auth::create_api_token(&store, &Actor::system("cli"), &user, expires_at).await?;
    let validity = expires_at.map_or_else(
        || "valable jusqu'à sa révocation".to_string(),
        |at| format!("valable jusqu'au {}", french_time(at)),
    );
    println!(
        "Jeton d'API n° {} ({}) créé pour {}, {validity} ; il ne sera plus affiché. \
         En-tête : Authorization: Bearer <jeton>",
        token.id,
        token.prefix(),
        user.email
    );
    println!("{}", token.secret);
    Ok(ExitCode::SUCCESS)
}

pub async fn list_tokens(url: &str, email: &str) -> anyhow::Result<ExitCode> {
    let store = Store::open(url).await.context("opening the database")?;
    let user = find_user(&store, email).await?;
    let tokens = accounts::api_tokens_of(store.db(), user.id).await?;
    if tokens.is_empty() {
        println!("{} n'a aucun jeton d'API.", user.email);
        return Ok(ExitCode::SUCCESS);
    }
    println!("Jetons d'API de {} (le plus récent d'abord) :", user.email);
    println!("n°\tpréfixe\tcréé le\tdernier usage\texpire le\tétat");
    for token in tokens {
        let when = |at: Option<_>| at.map_or_else(|| "-".to_string(), french_time);
        let state = match token.state(&user, Utc::now()) {
            TokenState::Revoked(at) => format!("révoqué le {}", french_time(at)),
            TokenState::Expired => "expiré".to_string(),
            TokenState::Inactive => "inactif (l'utilisateur a changé d'organisation)".to_string(),
            TokenState::Active if user.disabled => "suspendu (compte désactivé)".to_string(),
            TokenState::Active => "actif".to_string(),
        };
        println!(
            "{}\t{}\t{}\t{}\t{}\t{state}",
            token.id,
            token.prefix.as_deref().unwrap_or("-"),
            french_time(token.created_at),
            when(token.last_used_at),
            when(token.expires_at),
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn revoke_token(
    url: &str,
    id: Option<i64>,
    prefix: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let store = Store::open(url).await.context("opening the database")?;
    let token = match (id, prefix) {
        (Some(id), _) => accounts::api_token(store.db(), id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("aucun jeton d'API n'a le numéro {id}"))?,
        (None, Some(prefix)) => token_by_prefix(&store, prefix).await?,
        (None, None) => bail!("désignez le jeton par --id ou --prefix"),
    };
    if accounts::revoke_api_token(store.db(), &Actor::system("cli"), token.id).await? {
        tracing::info!(token = token.id, "API token revoked");
        println!(
            "Jeton d'API n° {} révoqué : il ne permet plus rien.",
            token.id
        );
    } else {
        println!("Le jeton d'API n° {} était déjà révoqué.", token.id);
    }
    Ok(ExitCode::SUCCESS)
}

async fn token_by_prefix(store: &Store, given: &str) -> anyhow::Result<ApiToken> {
    let given = given.trim();
    if given.chars().count() < auth::API_TOKEN_PREFIX_LENGTH {
        bail!(
            "préfixe « {given} » trop court : donnez les {} premiers caractères affichés par « renouveau token list »",
            auth::API_TOKEN_PREFIX_LENGTH
        );
    }
    let prefix = auth::api_token_prefix(given);
    let mut found = accounts::api_tokens_with_prefix(store.db(), prefix).await?;
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => bail!("aucun jeton d'API n'a le préfixe « {prefix} »"),
        n => bail!("{n} jetons ont le préfixe « {prefix} » : désignez-le par son numéro (--id)"),
    }
}

pub(crate) async fn find_user(store: &Store, email: &str) -> anyhow::Result<User> {
    accounts::user_by_email(store.db(), email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("aucun utilisateur n'a l'adresse « {email} »"))
}

/// A moment as the French write it, in UTC (the time the database keeps).
pub(crate) fn french_time(at: DateTime<Utc>) -> String {
    at.format("%d/%m/%Y %H:%M UTC").to_string()
}

fn ensure_enabled(user: &User) -> anyhow::Result<()> {
    if user.disabled {
        bail!("le compte « {} » est désactivé", user.email);
    }
    Ok(())
}

/// An organisation by SIREN or by short name (case and accents as written).
pub(crate) async fn find_organisation(
    store: &Store,
    key: &str,
) -> anyhow::Result<Record<Organisation>> {
    let records = store.records::<Organisation>();
    let column = if key.len() == 9 && key.bytes().all(|b| b.is_ascii_digit()) {
        "siren"
    } else {
        "short_name"
    };
    let mut found = records.list(&ListQuery::default().eq(column, key)).await?;
    if found.items.is_empty() && column == "short_name" {
        let lowered = key.to_lowercase();
        let all = records
            .list(&ListQuery::default().page(1, renouveau_store::query::MAX_PER_PAGE))
            .await?;
        found.items = all
            .items
            .into_iter()
            .filter(|o| {
                o.data.short_name.as_deref().map(str::to_lowercase) == Some(lowered.clone())
                    || o.data.name.to_lowercase() == lowered
            })
            .collect();
    }
    match found.items.len() {
        1 => Ok(found.items.remove(0)),
        0 => bail!(
            "aucune organisation n'a le SIREN ou le nom court « {key} » (chargez le programme avec « renouveau init --demo »)"
        ),
        n => bail!("« {key} » désigne {n} organisations : donnez le SIREN"),
    }
}
