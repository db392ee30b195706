//! One module per subcommand.

pub mod accounts;
pub mod audit;
pub mod backup;
pub mod check;
pub mod document;
pub mod init;
pub mod migrate;
pub mod serve;
pub mod territory;
pub mod users;
