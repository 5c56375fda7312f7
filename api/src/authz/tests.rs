use super::render::{markdown, BEGIN, END};
use super::*;
use crate::routes;
use std::collections::BTreeMap;

const API_DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/API.md");

#[test]
fn the_matrix_lists_every_route_once_and_nothing_else() {
    let mut listed: BTreeMap<(String, &str), usize> = BTreeMap::new();
    for entry in matrix() {
        *listed
            .entry((entry.verb.method().to_string(), entry.path))
            .or_default() += 1;
    }
    let twice: Vec<_> = listed.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "listed more than once: {twice:?}");
    let routes: Vec<(String, &str)> = routes::list()
        .into_iter()
        .map(|(method, path)| (method.to_string(), path))
        .collect();
    let missing: Vec<_> = routes.iter().filter(|r| !listed.contains_key(r)).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in authz::matrix (say who may call them): {missing:?}"
    );
    let extra: Vec<_> = listed.keys().filter(|k| !routes.contains(k)).collect();
    assert!(extra.is_empty(), "rows for no route: {extra:?}");
}

#[test]
fn only_the_operational_endpoints_answer_without_a_token() {
    for entry in matrix() {
        let open = entry.access(Caller::Anonymous) != Access::Unauthenticated;
        assert_eq!(
            open,
            entry.policy == PUBLIC,
            "{} {}",
            entry.verb.method(),
            entry.path
        );
        if entry.policy == PUBLIC {
            assert_eq!(entry.fund, FundParam::None, "{}", entry.path);
        }
    }
}

#[test]
fn the_fund_of_an_endpoint_is_named_where_the_table_says() {
    for entry in matrix() {
        let in_path = entry.path.contains("{fund_id}");
        assert_eq!(entry.fund == FundParam::Path, in_path, "{}", entry.path);
        // A fund-scoped endpoint hides other funds from every principal bound to one.
        if entry.fund != FundParam::None {
            for caller in [Caller::Manager, Caller::Lp, Caller::Regulator] {
                assert_eq!(entry.other_fund(caller), Some(Access::Hidden));
            }
        }
    }
}

#[test]
fn scopes_are_those_of_the_caller_s_kind() {
    // The admin sees every fund; a regulator or an authority the funds it covers; the others
    // are bound to one fund.
    for entry in matrix() {
        for caller in Caller::ALL {
            let Access::Allowed(scope) = entry.access(caller) else {
                continue;
            };
            let fits = match (caller, scope) {
                (_, Scope::Public) => true,
                (Caller::Admin, s) => s == Scope::AnyFund,
                (Caller::Regulator | Caller::Authority, s) => s == Scope::CoveredFunds,
                (Caller::Anonymous, _) => false,
                (_, Scope::AnyFund | Scope::CoveredFunds) => false,
                (Caller::Lp, s) => matches!(s, Scope::OwnFund | Scope::OwnLines | Scope::FiledOnly),
                (Caller::Member, s) => {
                    matches!(s, Scope::OwnFund | Scope::OwnSeat | Scope::OwnPerson)
                }
                (Caller::Manager, s) => matches!(s, Scope::OwnFund | Scope::ManagerStaff),
                (_, s) => s == Scope::OwnFund,
            };
            assert!(fits, "{}: {} {:?}", entry.path, caller.name(), scope);
        }
    }
}

/// The rendered part of `doc`, markers included.
fn rendered_part(doc: &str) -> Option<&str> {
    let start = doc.find(BEGIN)?;
    let end = doc[start..].find(END)? + start + END.len() + 1;
    doc.get(start..end)
}

#[test]
fn the_api_document_shows_the_matrix() {
    let doc = std::fs::read_to_string(API_DOC).unwrap();
    let part = rendered_part(&doc).expect("docs/API.md has no authz matrix markers");
    assert!(
        part == markdown(),
        "docs/API.md's \"Who may call what\" differs from api::authz::matrix; regenerate it \
         with `cargo test -p api --lib authz::tests::write_api_doc -- --ignored`"
    );
}

/// Rewrites the matrix in `docs/API.md` from the table (run after changing it).
#[test]
#[ignore = "writes docs/API.md; run by hand after changing the matrix"]
fn write_api_doc() {
    let doc = std::fs::read_to_string(API_DOC).unwrap();
    let part = rendered_part(&doc).expect("docs/API.md has no authz matrix markers");
    let doc = doc.replacen(part, &markdown(), 1);
    std::fs::write(API_DOC, doc).unwrap();
}
