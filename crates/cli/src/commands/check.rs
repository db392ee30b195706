//! `renouveau check`: reports what is wrong in the database; fails when anything is.

use std::process::ExitCode;

use anyhow::Context;
use renouveau_store::{Db, check};

pub async fn run(url: &str) -> anyhow::Result<ExitCode> {
    let db = Db::connect(url)
        .await
        .context("connecting to the database")?;
    let report = check::run(&db).await.context("checking the database")?;
    db.close().await;
    if report.is_sound() {
        println!(
            "Base saine : {} enregistrement(s) vérifié(s) dans {} table(s), journal d'audit \
             intact ({} ligne(s)).",
            report.records_checked,
            report.tables_checked,
            report.chain.as_ref().map_or(0, |c| c.rows_checked)
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!("{} problème(s) trouvé(s) :", report.problems.len());
    for problem in &report.problems {
        tracing::warn!(table = %problem.table, record = ?problem.record_id, "{}", problem.message);
        match problem.record_id {
            Some(id) => println!("- {} n°{id} : {}", problem.table, problem.message_fr),
            None => println!("- {} : {}", problem.table, problem.message_fr),
        }
    }
    Ok(ExitCode::FAILURE)
}

/// `renouveau check figures`: each sourced figure against its passage, then the figures that
/// contradict each other. Fails when a passage does not state its figure.
pub async fn figures(url: &str) -> anyhow::Result<ExitCode> {
    use renouveau_ingest::figures::{SourceStatus, disagreements, verify_sources};

    let db = Db::connect(url)
        .await
        .context("connecting to the database")?;
    let checks = verify_sources(&db)
        .await
        .context("checking figure sources")?;
    let found = disagreements(&db).await.context("comparing figures")?;
    db.close().await;

    let count = |status: SourceStatus| checks.iter().filter(|c| c.status == status).count();
    let wrong: Vec<_> = checks
        .iter()
        .filter(|c| {
            matches!(
                c.status,
                SourceStatus::NotStated | SourceStatus::OutOfRange | SourceStatus::UnknownField
            )
        })
        .collect();
    println!(
        "{} chiffre(s) sourcé(s) : {} confirmé(s) par leur passage, {} sans texte du document \
         (renouveau document add FICHIER), {} en défaut.",
        checks.len(),
        count(SourceStatus::Stated),
        count(SourceStatus::NoText),
        wrong.len()
    );
    for check in &wrong {
        let source = &check.source;
        tracing::warn!(entity = %source.entity, record = source.record_id, status = ?check.status, "figure not stated by its source");
        println!(
            "- {} n°{} ({}) : {} ; passage {}..{} : « {} »",
            source.entity,
            source.record_id,
            source.field.as_deref().unwrap_or("-"),
            check
                .text
                .clone()
                .or_else(|| check.value.map(|v| v.to_string()))
                .unwrap_or_default(),
            source.start,
            source.end,
            check.passage.as_deref().unwrap_or("")
        );
    }
    println!(
        "{} désaccord(s) entre chiffres d'un même indicateur :",
        found.len()
    );
    for disagreement in &found {
        println!("- {}", disagreement.describe_fr());
    }
    Ok(if wrong.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
