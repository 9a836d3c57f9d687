//! One module per command.

pub mod connection;
pub mod demo;
pub mod init;
pub mod inventory;
pub mod map;
pub mod sandbox;
pub mod status;
pub mod templates;
