//! Unit tests of the eligibility rules.
