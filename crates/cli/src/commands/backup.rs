//! `renouveau backup --out FILE` and `renouveau restore --from FILE`, for SQLite databases.
//!
//! A backup is SQLite's `VACUUM INTO`: a consistent snapshot taken through an ordinary read
//! transaction, so it works while the server runs. A restore copies the backup beside the
//! database, checks the copy (storage integrity, migrations, every record, the audit chain), then
//! renames it over the database: at every moment the database file is either the old one or the
//! new one, whole. PostgreSQL has its own tools for both (`pg_dump`, `pg_restore`).

use std::fmt;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;

use anyhow::Context;
use renouveau_store::audit::BreakReason;
use renouveau_store::check::{self, Problem};
use renouveau_store::{Db, StoreError};
use sqlx::SqlitePool;
use sqlx::sqlite::SqliteConnectOptions;

/// The files SQLite may keep beside a database while it is open or after a crash.
const SIDECARS: [&str; 3] = ["-wal", "-shm", "-journal"];

/// Why a backup or a restore is refused. English for logs; [`Refusal::message_fr`] for people.
#[derive(Debug)]
pub enum Refusal {
    PostgresBackup,
    PostgresRestore,
    OutputExists(PathBuf),
    DatabaseMissing(PathBuf),
    BackupMissing(PathBuf),
    UnsupportedPath(PathBuf),
    NotADatabase {
        path: PathBuf,
        reason: String,
    },
    Unsound {
        path: PathBuf,
        problems: Vec<Problem>,
    },
    AuditChainBroken {
        path: PathBuf,
        row_id: i64,
        reason: BreakReason,
    },
    TargetInUse(PathBuf),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PostgresBackup => write!(f, "PostgreSQL databases are backed up with pg_dump"),
            Self::PostgresRestore => {
                write!(f, "PostgreSQL databases are restored with pg_restore")
            }
            Self::OutputExists(path) => write!(f, "{} already exists", path.display()),
            Self::DatabaseMissing(path) => write!(f, "database {} not found", path.display()),
            Self::BackupMissing(path) => write!(f, "backup {} not found", path.display()),
            Self::UnsupportedPath(path) => {
                write!(f, "path {} is not valid UTF-8", path.display())
            }
            Self::NotADatabase { path, reason } => {
                write!(f, "{} is not a readable database: {reason}", path.display())
            }
            Self::Unsound { path, problems } => {
                write!(f, "{} fails {} check(s)", path.display(), problems.len())?;
                if let Some(first) = problems.first() {
                    write!(f, ", first: {}: {}", first.table, first.message)?;
                }
                Ok(())
            }
            Self::AuditChainBroken {
                path,
                row_id,
                reason,
            } => write!(
                f,
                "audit chain of {} broken at row {row_id}: {}",
                path.display(),
                reason.describe()
            ),
            Self::TargetInUse(path) => write!(f, "{} is open in another process", path.display()),
        }
    }
}

impl std::error::Error for Refusal {}

impl Refusal {
    pub fn message_fr(&self) -> String {
        const UNTOUCHED: &str = "la base actuelle n'a pas été touchée";
        match self {
            Self::PostgresBackup => "sur PostgreSQL, la sauvegarde se fait avec pg_dump, par \
                 exemple : pg_dump --format=custom --file=renouveau.dump \"$RENOUVEAU_DATABASE_URL\" \
                 (voir la section Operations du README)."
                .to_string(),
            Self::PostgresRestore => "sur PostgreSQL, la restauration se fait avec pg_restore \
                 dans une base neuve, par exemple : createdb renouveau_restored && pg_restore \
                 --no-owner --dbname=postgres://UTILISATEUR@HÔTE/renouveau_restored renouveau.dump ; \
                 vérifiez-la avec renouveau check et renouveau audit verify avant d'y faire pointer \
                 RENOUVEAU_DATABASE_URL (voir la section Operations du README)."
                .to_string(),
            Self::OutputExists(path) => format!(
                "le fichier {} existe déjà : une sauvegarde n'écrase jamais un fichier, \
                 choisissez un autre nom.",
                path.display()
            ),
            Self::DatabaseMissing(path) => {
                format!(
                    "la base {} n'existe pas : rien à sauvegarder.",
                    path.display()
                )
            }
            Self::BackupMissing(path) => {
                format!("la sauvegarde {} est introuvable ; {UNTOUCHED}.", path.display())
            }
            Self::UnsupportedPath(path) => format!(
                "le chemin {} contient des caractères non pris en charge.",
                path.display()
            ),
            Self::NotADatabase { path, .. } => format!(
                "{} n'est pas une base SQLite lisible ; {UNTOUCHED}.",
                path.display()
            ),
            Self::Unsound { path, problems } => format!(
                "{} n'est pas une base saine de renouveau ({}) ; {UNTOUCHED}.",
                path.display(),
                problems
                    .first()
                    .map_or("problème inconnu", |p| p.message_fr.as_str())
            ),
            Self::AuditChainBroken {
                path,
                row_id,
                reason,
            } => format!(
                "le journal d'audit de {} est altéré à la ligne n°{row_id} ({}) ; {UNTOUCHED}.",
                path.display(),
                reason.describe_fr()
            ),
            Self::TargetInUse(path) => format!(
                "la base {} est ouverte par un autre programme (le serveur ?) : arrêtez-le avant \
                 de restaurer ; rien n'a été remplacé.",
                path.display()
            ),
        }
    }
}

/// The options of the SQLite database `url` names; `on_postgres` when it names a PostgreSQL one.
fn sqlite_options(url: &str, on_postgres: Refusal) -> anyhow::Result<SqliteConnectOptions> {
    if url.starts_with("sqlite:") {
        Ok(SqliteConnectOptions::from_str(url).map_err(StoreError::from)?)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Err(on_postgres.into())
    } else {
        Err(StoreError::UnsupportedUrl(url.to_string()).into())
    }
}

pub async fn backup(url: &str, out: &Path) -> anyhow::Result<ExitCode> {
    let options = sqlite_options(url, Refusal::PostgresBackup)?;
    let source = options.get_filename().to_path_buf();
    if !source.is_file() {
        return Err(Refusal::DatabaseMissing(source).into());
    }
    refuse_existing(out)?;
    let staging = Staging::beside(out, "partial")?;
    let db = Db::connect_sqlite(options)
        .await
        .context("connecting to the database")?;
    let written = vacuum_into(&db, staging.path()).await;
    db.close().await;
    written?;
    sync_file(staging.path())?;
    refuse_existing(out)?;
    staging.replace(out)?;
    tracing::info!(out = %out.display(), "backup written");
    println!(
        "Sauvegarde écrite dans {} ({} octet(s)). Pour la vérifier : \
         renouveau --database sqlite://{} check",
        out.display(),
        fs::metadata(out).map(|m| m.len()).unwrap_or_default(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn refuse_existing(out: &Path) -> Result<(), Refusal> {
    if out.exists() {
        Err(Refusal::OutputExists(out.to_path_buf()))
    } else {
        Ok(())
    }
}

/// Writes a consistent snapshot of the database to `file`, which must not exist.
async fn vacuum_into(db: &Db, file: &Path) -> anyhow::Result<()> {
    let pool = sqlite_pool(db)?;
    let file_name = file
        .to_str()
        .ok_or_else(|| Refusal::UnsupportedPath(file.to_path_buf()))?;
    sqlx::query("VACUUM INTO ?1")
        .bind(file_name)
        .execute(pool)
        .await
        .map_err(StoreError::from)
        .context("writing the backup")?;
    Ok(())
}

fn sqlite_pool(db: &Db) -> anyhow::Result<&SqlitePool> {
    match db {
        Db::Sqlite(pool) => Ok(pool),
        Db::Postgres(_) => Err(Refusal::PostgresBackup.into()),
    }
}

pub async fn restore(url: &str, from: &Path) -> anyhow::Result<ExitCode> {
    let options = sqlite_options(url, Refusal::PostgresRestore)?;
    if !from.is_file() {
        return Err(Refusal::BackupMissing(from.to_path_buf()).into());
    }
    let database = options.get_filename().to_path_buf();
    let staging = Staging::beside(&database, "restore")?;
    fs::copy(from, staging.path())
        .with_context(|| format!("copying {} beside the database", from.display()))?;
    sync_file(staging.path())?;
    let checked = check_backup(staging.path(), from).await?;
    staging.remove_sidecars();
    release(options, &database).await?;
    staging.replace(&database)?;
    tracing::info!(from = %from.display(), database = %database.display(), "database restored");
    println!(
        "Base {} restaurée depuis {} : {} enregistrement(s) vérifié(s), journal d'audit intact \
         ({} ligne(s)). Empreinte de tête : {}",
        database.display(),
        from.display(),
        checked.records,
        checked.audit_rows,
        checked.head_hash
    );
    Ok(ExitCode::SUCCESS)
}

/// What a backup was found to hold.
#[derive(Debug)]
struct CheckedBackup {
    records: usize,
    audit_rows: u64,
    head_hash: String,
}

/// Opens the copy of a backup and refuses it unless it is a sound database of this application
/// whose audit chain holds. `shown_as` names it in messages.
async fn check_backup(copy: &Path, shown_as: &Path) -> anyhow::Result<CheckedBackup> {
    let db = Db::connect_sqlite(SqliteConnectOptions::new().filename(copy))
        .await
        .map_err(not_a_database(shown_as))?;
    let checked = run_backup_checks(&db, shown_as).await;
    db.close().await;
    checked
}

fn not_a_database(path: &Path) -> impl Fn(StoreError) -> Refusal + '_ {
    move |e| Refusal::NotADatabase {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

async fn run_backup_checks(db: &Db, shown_as: &Path) -> anyhow::Result<CheckedBackup> {
    let report = check::run(db).await.map_err(not_a_database(shown_as))?;
    if let Some(broken) = report.chain.as_ref().and_then(|c| c.first_break.as_ref()) {
        return Err(Refusal::AuditChainBroken {
            path: shown_as.to_path_buf(),
            row_id: broken.row_id,
            reason: broken.reason,
        }
        .into());
    }
    let (true, Some(chain)) = (report.is_sound(), report.chain) else {
        return Err(Refusal::Unsound {
            path: shown_as.to_path_buf(),
            problems: report.problems,
        }
        .into());
    };
    Ok(CheckedBackup {
        records: report.records_checked,
        audit_rows: chain.rows_checked,
        head_hash: chain.head_hash,
    })
}

/// Gets the database about to be replaced ready for it: everything in its write-ahead log is
/// moved into the main file, and nobody else may have it open. A `-wal` or `-shm` file left
/// beside the new file would otherwise be read as part of it.
async fn release(options: SqliteConnectOptions, database: &Path) -> anyhow::Result<()> {
    if !database.exists() {
        remove_sidecars(database);
        return Ok(());
    }
    match Db::connect_sqlite(options).await {
        Ok(db) => {
            let checkpointed = checkpoint(&db).await;
            db.close().await;
            if !checkpointed? || sidecars_present(database) {
                return Err(Refusal::TargetInUse(database.to_path_buf()).into());
            }
        }
        Err(e) if is_not_a_database(&e) => {
            // What is being replaced is not a database: its side files are not either.
            tracing::warn!(database = %database.display(), "replacing an unreadable database: {e}");
            remove_sidecars(database);
        }
        Err(e) => return Err(e).context("opening the database being replaced"),
    }
    Ok(())
}

/// SQLite's "file is not a database" and "database disk image is malformed", whose primary
/// result codes are 26 and 11; anything else (a lock held elsewhere) must stop a restore.
fn is_not_a_database(error: &StoreError) -> bool {
    let StoreError::Database(sqlx::Error::Database(e)) = error else {
        return false;
    };
    let primary_code = e
        .code()
        .and_then(|c| c.parse::<i32>().ok())
        .map(|c| c & 0xff);
    matches!(primary_code, Some(11 | 26))
}

/// Moves the write-ahead log into the database file and empties it; false when another
/// connection kept it from finishing.
async fn checkpoint(db: &Db) -> anyhow::Result<bool> {
    let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(sqlite_pool(db)?)
        .await
        .map_err(StoreError::from)
        .context("checkpointing the database being replaced")?;
    Ok(busy == 0)
}

fn sidecar(database: &Path, suffix: &str) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn sidecars_present(database: &Path) -> bool {
    SIDECARS.iter().any(|s| sidecar(database, s).exists())
}

fn remove_sidecars(database: &Path) {
    for suffix in SIDECARS {
        let _ = fs::remove_file(sidecar(database, suffix));
    }
}

fn sync_file(path: &Path) -> anyhow::Result<()> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("syncing {}", path.display()))
}

/// A file written beside the one it will replace, in the same folder so that the rename is
/// atomic; removed, with any SQLite side files, unless it took its place.
#[derive(Debug)]
struct Staging {
    path: PathBuf,
    placed: bool,
}

impl Staging {
    fn beside(destination: &Path, purpose: &str) -> anyhow::Result<Self> {
        let name = destination
            .file_name()
            .with_context(|| format!("{} names no file", destination.display()))?;
        let mut staged = std::ffi::OsString::from(".");
        staged.push(name);
        staged.push(format!(".{purpose}-{}", std::process::id()));
        let staging = Self {
            path: destination.with_file_name(staged),
            placed: false,
        };
        // Left by an earlier run that was killed: it is ours to remove.
        staging.remove_files();
        Ok(staging)
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn remove_sidecars(&self) {
        remove_sidecars(&self.path);
    }

    fn remove_files(&self) {
        let _ = fs::remove_file(&self.path);
        self.remove_sidecars();
    }

    /// Renames the file over `destination` and makes the rename durable.
    fn replace(mut self, destination: &Path) -> anyhow::Result<()> {
        fs::rename(&self.path, destination)
            .with_context(|| format!("moving the new file to {}", destination.display()))?;
        self.placed = true;
        sync_folder_of(destination)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.placed {
            self.remove_files();
        }
    }
}

#[cfg(unix)]
fn sync_folder_of(path: &Path) -> anyhow::Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(folder)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("syncing folder {}", folder.display()))
}

#[cfg(not(unix))]
fn sync_folder_of(_path: &Path) -> anyhow::Result<()> {
    Ok(())
}
