//! `renouveau audit verify`: walks the audit trail's hash chain and prints its head; fails at the
//! first row that does not hold.

use std::process::ExitCode;

use anyhow::Context;
use renouveau_store::Store;
use renouveau_store::audit::{self, ChainReport};

pub async fn verify(url: &str) -> anyhow::Result<ExitCode> {
    let store = Store::open(url).await.context("opening the database")?;
    let report = audit::verify(store.db())
        .await
        .context("verifying the audit chain")?;
    store.db().close().await;
    Ok(print_report(&report))
}

fn print_report(report: &ChainReport) -> ExitCode {
    let Some(broken) = &report.first_break else {
        tracing::info!(rows = report.rows_checked, head = %report.head_hash, "audit chain intact");
        println!(
            "Journal d'audit intact : {} ligne(s) vérifiée(s). Empreinte de tête : {}",
            report.rows_checked, report.head_hash
        );
        return ExitCode::SUCCESS;
    };
    tracing::warn!(
        row = broken.row_id,
        rows_sound = report.rows_checked,
        "audit chain broken: {}",
        broken.reason.describe()
    );
    println!(
        "Journal d'audit altéré à la ligne n°{} : {}.",
        broken.row_id,
        broken.reason.describe_fr()
    );
    println!(
        "{} ligne(s) intacte(s) avant elle ; dernière empreinte sûre : {}",
        report.rows_checked, report.head_hash
    );
    ExitCode::FAILURE
}
