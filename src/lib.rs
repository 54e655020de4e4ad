//! `cape` prepares and validates CAPE declarations: the CSV files of entry numbers that
//! importers and customs brokers upload to CBP's ACE Portal to have IEEPA duties refunded.
//!
//! The library holds all the logic; the `cape` binary parses arguments, builds the resolved
//! configurations defined here, and maps results to exit codes.

pub mod audit;
pub mod claim_errors;
pub mod claims;
pub mod declaration;
pub mod eligibility;
pub mod entry;
pub mod es003;
pub mod history;
pub mod input;
pub mod ledger;
pub mod money;
pub mod out_folder;
pub mod output;
pub mod parallel;
pub mod prepare;
pub mod report;
pub mod rules;
pub mod tariff_codes;
pub mod validate;
pub mod validation_result;
