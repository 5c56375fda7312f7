//! Given/when/then tests of `distribution`.
