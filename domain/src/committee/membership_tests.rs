//! Given/when/then tests of the committee membership.
