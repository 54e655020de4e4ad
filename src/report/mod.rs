//! What a `prepare` run reports: `cape_entries.csv`, one row per entry explaining its
//! decision, `cape_report.html` for people who read no CSV, and the summary for people
//! (stderr) or programs (JSON).

pub mod claims;
pub mod entries;
pub mod html;
pub mod summary;
