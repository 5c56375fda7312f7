//! Given/when/then tests of `lifecycle`.
