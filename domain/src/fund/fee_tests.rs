//! Given/when/then tests of `fee`.
