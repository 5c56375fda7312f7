//! fundadmin
fn main() {}
