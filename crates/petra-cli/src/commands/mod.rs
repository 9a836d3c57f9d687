//! One module per command.

pub mod connection;
pub mod connection_error;
pub mod demo;
pub mod demo_files;
pub mod fulfillment_demo;
pub mod init;
pub mod inventory;
pub mod map;
pub mod orders;
pub mod sandbox;
pub mod schedule;
pub mod shipments;
pub mod status;
pub mod templates;
