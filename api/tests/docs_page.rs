//! `GET /docs`: the browsable API page. It is served without a token as one self-contained
//! HTML page (nothing loaded from elsewhere, and a Content-Security-Policy that forbids it)
//! whose script loads `/openapi.json`; and, where `node` is installed, the page's own
//! rendering function, run over the served document, renders every operation with its
//! parameters, request body properties ($refs resolved), responses and security.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

mod common;

use axum::http::{Method, StatusCode};
use common::{spawn_app, TestApp};
use serde_json::Value;
use std::process::Command;

/// The page, as served.
async fn page(app: &TestApp) -> String {
    let r = app.send(Method::GET, "/docs", None, None, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(
        r.header("content-type").unwrap().starts_with("text/html"),
        "{:?}",
        r.header("content-type")
    );
    let csp = r.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(csp.contains("connect-src 'self'"), "{csp}");
    r.text
}

/// The page's script, between its `<script>` and `</script>`.
fn script(page: &str) -> &str {
    let start = page.find("<script>").unwrap() + "<script>".len();
    let end = page[start..].find("</script>").unwrap() + start;
    &page[start..end]
}

#[tokio::test]
async fn the_page_is_served_without_a_token_and_loads_the_document_from_its_own_server() {
    let app = spawn_app().await;
    let page = page(&app).await;
    let script = script(&page);
    assert!(script.contains(r#"fetch("/openapi.json")"#), "{script}");
    assert!(script.contains("function render(doc)"));
    // Self-contained: nothing fetched, linked or embedded from another origin.
    for outside in ["http://", "https://", "src=", "<link", "@import", "//cdn"] {
        assert!(!page.contains(outside), "the page refers to {outside}");
    }
    // The document it loads is there for anyone, too.
    let r = app
        .send(Method::GET, "/openapi.json", None, None, &[])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.json["paths"]["/docs"]["get"].is_object());
}

/// Whether `node` runs here.
fn node() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs the page's `render` over `doc` with node and returns the HTML it makes.
fn render_with_node(script: &str, doc: &Value) -> String {
    let dir = std::env::temp_dir().join(format!("fundadmin-docs-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let (js, json) = (dir.join("docs.js"), dir.join("openapi.json"));
    std::fs::write(&js, script).unwrap();
    std::fs::write(&json, serde_json::to_vec(doc).unwrap()).unwrap();
    let out = Command::new("node")
        .arg("-e")
        .arg(
            "const page = require(process.argv[1]);\
             const doc = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));\
             process.stdout.write(page.render(doc));",
        )
        .arg(&js)
        .arg(&json)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The part of the rendered HTML about one operation.
fn section<'a>(html: &'a str, method: &str, path: &str) -> &'a str {
    let marker = format!(r#"<details class="op" data-op="{method} {path}""#);
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("{method} {path} is not rendered"));
    assert!(
        !html[start + 1..].contains(&marker),
        "{method} {path} is rendered twice"
    );
    let end = html[start + 1..]
        .find(r#"<details class="op""#)
        .map_or(html.len(), |next| start + 1 + next);
    &html[start..end]
}

/// `text` escaped as the page's `esc` does.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// One line of text as the page's `inline` renders it: escaped, `code` spans as `<code>`.
fn inline(text: &str) -> String {
    let escaped = escaped(text);
    let parts: Vec<&str> = escaped.split('`').collect();
    let mut out = String::new();
    let mut i = 0;
    while i < parts.len() {
        out.push_str(parts[i]);
        match parts.get(i + 1) {
            // A closed, non-empty span.
            Some(code) if i + 2 < parts.len() && !code.is_empty() => {
                out.push_str(&format!("<code>{code}</code>"));
                i += 2;
            }
            Some(_) => {
                out.push('`');
                i += 1;
            }
            None => i += 1,
        }
    }
    out
}

/// The schema `s` points to, following a local `$ref`.
fn resolved<'a>(doc: &'a Value, s: &'a Value) -> &'a Value {
    match s["$ref"].as_str() {
        Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap(),
        None => s,
    }
}

#[tokio::test]
async fn the_page_s_script_renders_every_operation_of_the_served_document() {
    if !node() {
        eprintln!("node is not installed: the rendering is not checked");
        return;
    }
    let app = spawn_app().await;
    let page = page(&app).await;
    let doc = app
        .send(Method::GET, "/openapi.json", None, None, &[])
        .await
        .json;
    let html = render_with_node(script(&page), &doc);
    assert!(
        !html.contains("unresolved reference"),
        "a $ref is unresolved"
    );

    let mut checked = 0;
    for (method, path) in api::routes::list() {
        let op = &doc["paths"][path][method.as_str().to_lowercase()];
        let tag = op["tags"][0].as_str().unwrap();
        assert!(
            html.contains(&format!(r#"<section id="tag-{tag}">"#)),
            "{tag}"
        );
        let part = section(&html, method.as_str(), path);
        let what = format!("{method} {path}");
        if let Some(summary) = op["summary"].as_str() {
            let summary = inline(summary);
            assert!(part.contains(&summary), "{what}: summary {summary}");
        }
        for param in op["parameters"].as_array().into_iter().flatten() {
            let name = format!("<code>{}</code>", param["name"].as_str().unwrap());
            assert!(part.contains(&name), "{what}: parameter {name}");
        }
        let body = &op["requestBody"]["content"]["application/json"]["schema"];
        let body = resolved(&doc, body);
        for name in body["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|p| p.0)
        {
            assert!(
                part.contains(&format!("<code>{name}</code>")),
                "{what}: body property {name}"
            );
        }
        for status in op["responses"].as_object().unwrap().keys() {
            assert!(
                part.contains(&format!(">{status}</td>")),
                "{what}: {status}"
            );
        }
        let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
        assert_eq!(part.contains("<code>bearer</code>"), secured, "{what}");
        assert_eq!(part.contains("No token needed."), !secured, "{what}");
        checked += 1;
    }
    assert_eq!(
        checked,
        doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|i| i.as_object().unwrap().len())
            .sum::<usize>()
    );
}
