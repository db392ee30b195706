//! The command line's grammar.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use renouveau_web::auth::TrustedProxy;

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
    Check {
        #[command(subcommand)]
        what: Option<CheckCommand>,
    },
    /// Prépare une base : schéma, et avec --demo le programme ERBM et le référentiel territorial
    /// fournis
    Init {
        #[command(flatten)]
        demo: DemoArgs,
    },
    /// Lance l'application web
    Serve {
        /// Adresse d'écoute
        #[arg(long, default_value = "127.0.0.1:8080", env = "RENOUVEAU_LISTEN")]
        listen: SocketAddr,
        #[command(flatten)]
        web: WebArgs,
        #[command(flatten)]
        demo: DemoArgs,
    },
    /// Référentiel territorial (communes, EPCI, cités, périmètres)
    #[command(subcommand)]
    Territory(TerritoryCommand),
    /// Documents sources
    #[command(subcommand)]
    Document(DocumentCommand),
    /// Gère les comptes des utilisateurs
    #[command(subcommand)]
    User(UserCommand),
    /// Gère les jetons d'accès à l'API
    #[command(subcommand)]
    Token(TokenCommand),
    /// Sessions des navigateurs
    #[command(subcommand)]
    Session(SessionCommand),
    /// Journal d'audit
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Sauvegarde une base SQLite dans un nouveau fichier, même pendant que le serveur tourne
    /// (PostgreSQL : pg_dump)
    Backup {
        /// Fichier de la sauvegarde (jamais écrasé s'il existe)
        #[arg(long)]
        out: PathBuf,
    },
    /// Remplace la base SQLite par une sauvegarde vérifiée ; arrêtez le serveur avant
    /// (PostgreSQL : pg_restore)
    Restore {
        /// Fichier de la sauvegarde à restaurer
        #[arg(long)]
        from: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Vérifie la chaîne d'empreintes du journal d'audit, ligne par ligne, et affiche sa tête
    Verify,
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
        /// Mot de passe : 12 caractères au moins, sans l'adresse électronique, difficile à deviner
        /// (ni mot de passe courant, ni suite de touches, ni répétition) ; sans lui, connexion
        /// par jeton d'API seulement
        #[arg(long, env = "RENOUVEAU_PASSWORD")]
        password: Option<String>,
    },
    /// Liste les comptes : adresse, organisation, rôle, état, dernière connexion
    List,
    /// Change le rôle ou l'organisation d'un compte
    #[command(group(clap::ArgGroup::new("change").required(true).multiple(true).args(["role", "org"])))]
    Set {
        #[arg(long)]
        email: String,
        /// Nouveau rôle : admin, editor, contributor ou reader
        #[arg(long)]
        role: Option<String>,
        /// Nouvelle organisation : SIREN ou nom court (les jetons d'API faits pour l'ancienne
        /// cessent d'agir)
        #[arg(long)]
        org: Option<String>,
    },
    /// Désactive un compte : ses sessions sont fermées et ses jetons d'API suspendus à l'instant
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Réactive un compte désactivé (ses jetons d'API non révoqués agissent de nouveau)
    Enable {
        #[arg(long)]
        email: String,
    },
    /// Crée un lien de réinitialisation du mot de passe, valable une heure et une seule fois, et
    /// l'affiche sur la dernière ligne
    ResetPassword {
        #[arg(long)]
        email: String,
        /// Adresse publique du site, début du lien
        #[arg(
            long,
            env = "RENOUVEAU_BASE_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        base_url: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Supprime les sessions terminées et les liens de réinitialisation périmés ou utilisés
    /// (« serve » le fait à son démarrage puis toutes les heures)
    Purge,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Crée un jeton d'API et l'affiche sur la dernière ligne
    Create {
        #[arg(long)]
        email: String,
        /// Durée de validité en jours ; sans elle, le jeton vaut jusqu'à sa révocation
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=3650))]
        days: Option<u32>,
    },
    /// Liste les jetons d'un utilisateur (numéro, préfixe, dates ; jamais le secret)
    List {
        #[arg(long)]
        email: String,
    },
    /// Révoque un jeton, désigné par son numéro ou par son préfixe (voir « token list »)
    Revoke {
        /// Numéro du jeton
        #[arg(long, required_unless_present = "prefix", conflicts_with = "prefix")]
        id: Option<i64>,
        /// Préfixe du jeton, tel que « token list » l'affiche (rnv_ et 8 caractères)
        #[arg(long)]
        prefix: Option<String>,
    },
}

/// How the application is reached when it sits behind a reverse proxy.
#[derive(Debug, clap::Args)]
pub struct WebArgs {
    /// Proxy inverse (adresse ou réseau, option répétable) dont l'en-tête X-Forwarded-For
    /// désigne le client, pour limiter les échecs de connexion par adresse
    #[arg(
        long = "trusted-proxy",
        env = "RENOUVEAU_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<TrustedProxy>,
    /// Cookies réservés à HTTPS (Secure) et en-tête Strict-Transport-Security (les navigateurs
    /// ne reviennent plus qu'en HTTPS, pendant deux ans) : à activer dès que le site est servi
    /// en HTTPS
    #[arg(long, env = "RENOUVEAU_SECURE_COOKIES")]
    pub secure_cookies: bool,
}

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Charge le programme ERBM et les données territoriales ouvertes fournis avec l'application
    /// (sans effet s'ils sont déjà chargés)
    #[arg(long)]
    pub demo: bool,
    /// Dossier de données territoriales ouvertes à importer à la place de celles fournies avec
    /// l'application (communes, contours, cités), par exemple d'un millésime plus récent
    #[arg(long, env = "RENOUVEAU_TERRITORY_DIR")]
    pub territory: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CheckCommand {
    /// Vérifie chaque chiffre contre le passage du document qui le donne et liste les chiffres
    /// qui se contredisent pour un même indicateur et une même période
    Figures,
}

#[derive(Debug, Subcommand)]
pub enum TerritoryCommand {
    /// Importe ou met à jour le référentiel depuis les données ouvertes fournies avec
    /// l'application, ou depuis un dossier organisé de la même façon
    Import {
        /// Dossier contenant communes-59-62.json, epci-bassin-minier.json, les contours et
        /// bassin-minier/ (par défaut : les données fournies avec l'application)
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DocumentCommand {
    /// Enregistre un document (ou joint le texte d'un document déjà connu par son empreinte)
    Add {
        /// Fichier du document
        file: PathBuf,
    },
}
