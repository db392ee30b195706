//! The command line's grammar.

use std::net::SocketAddr;

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
    /// Lance l'application web
    Serve {
        /// Adresse d'écoute
        #[arg(long, default_value = "127.0.0.1:8080", env = "RENOUVEAU_LISTEN")]
        listen: SocketAddr,
    },
    /// Gère les comptes des utilisateurs
    #[command(subcommand)]
    User(UserCommand),
    /// Gère les jetons d'accès à l'API
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Crée un compte rattaché à une organisation
    Add {
        /// Adresse électronique (identifiant de connexion)
        #[arg(long)]
        email: String,
        /// Organisation : SIREN ou nom court
        #[arg(long)]
        org: String,
        /// Rôle : admin, editor, contributor ou reader
        #[arg(long)]
        role: String,
        /// Mot de passe (12 caractères au moins) ; sans lui, connexion par jeton d'API seulement
        #[arg(long, env = "RENOUVEAU_PASSWORD")]
        password: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Crée un jeton d'API et l'affiche sur la dernière ligne
    Create {
        #[arg(long)]
        email: String,
    },
}
