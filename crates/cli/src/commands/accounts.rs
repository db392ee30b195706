//! `renouveau user add` and `renouveau token create`.

use std::process::ExitCode;

use anyhow::{Context, bail};
use renouveau_domain::{Actor, Organisation, Role};
use renouveau_store::accounts::{self, User};
use renouveau_store::{ListQuery, Record, Store};
use renouveau_web::auth::{self, password};

pub async fn add_user(
    url: &str,
    email: &str,
    organisation: &str,
    role: &str,
    password: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let role: Role = role.parse().map_err(|_| {
        anyhow::anyhow!(
            "rôle inconnu « {role} » : choisissez parmi {}",
            Role::CODES.join(", ")
        )
    })?;
    if let Some(violation) = password.and_then(password::policy_violation) {
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

pub async fn create_token(url: &str, email: &str) -> anyhow::Result<ExitCode> {
    let store = Store::open(url).await.context("opening the database")?;
    let Some(user) = accounts::user_by_email(store.db(), email).await? else {
        bail!("aucun utilisateur n'a l'adresse « {email} »");
    };
    ensure_enabled(&user)?;
    let token = auth::create_api_token(&store, &user).await?;
    println!(
        "Jeton d'API créé pour {} ; il ne sera plus affiché. En-tête : Authorization: Bearer <jeton>",
        user.email
    );
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}

fn ensure_enabled(user: &User) -> anyhow::Result<()> {
    if user.disabled {
        bail!("le compte « {} » est désactivé", user.email);
    }
    Ok(())
}

/// An organisation by SIREN or by short name (case and accents as written).
async fn find_organisation(store: &Store, key: &str) -> anyhow::Result<Record<Organisation>> {
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
