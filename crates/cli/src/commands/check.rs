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
            "Base saine : {} enregistrement(s) vérifié(s) dans {} table(s).",
            report.records_checked, report.tables_checked
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
