//! Given/when/then tests of resolutions: opening, modes, meetings, votes, outcomes.
