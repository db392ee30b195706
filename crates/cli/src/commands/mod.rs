//! One module per subcommand.

pub mod accounts;
pub mod check;
pub mod migrate;
pub mod serve;
