//! `cape` prepares and validates CAPE declarations: the CSV files of entry numbers that
//! importers and customs brokers upload to CBP's ACE Portal to have IEEPA duties refunded.
//!
//! The library holds all the logic; the `cape` binary parses arguments, builds the resolved
//! configurations defined here, and maps results to exit codes.

pub(crate) mod audit;
pub(crate) mod claim_errors;
pub(crate) mod claims;
pub mod declaration;
pub mod eligibility;
pub mod entry;
pub mod es003;
pub mod explain;
pub mod history;
pub mod input;
pub mod interest;
pub mod ledger;
pub(crate) mod money;
pub mod out_folder;
pub mod output;
pub(crate) mod parallel;
pub mod prepare;
pub mod report;
pub mod rules;
pub(crate) mod tariff_codes;
pub mod validate;
pub mod validation_result;
