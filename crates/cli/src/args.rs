//! The command line's grammar.

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "renouveau",
    version,
    about = "Pilotage et suivi d'un programme territorial multi-partenaires (ERBM 2017-2027)"
)]
pub struct Cli {
    /// Base de données : sqlite://CHEMIN (créée si absente) ou postgres://UTILISATEUR@HÔTE/BASE
    #[arg(
        long,
        global = true,
        env = "RENOUVEAU_DATABASE_URL",
        default_value = "sqlite://renouveau.db"
    )]
    pub database: String,

    /// Journal détaillé (en anglais) sur la sortie d'erreur
    #[arg(long, short, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Crée ou met à jour le schéma de la base (sans effet s'il est à jour)
    Migrate,
    /// Vérifie l'intégrité de la base et les règles de chaque enregistrement
    Check,
}
