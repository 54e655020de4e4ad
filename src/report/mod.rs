//! What a `prepare` run reports: `cape_entries.csv`, one row per entry explaining its
//! decision, and the summary for people (stderr) or programs (JSON).

pub mod claims;
pub mod entries;
pub mod summary;
