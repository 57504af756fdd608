use super::*;
use fluent_syntax::ast;
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn an_explicit_choice_wins_then_the_account_then_the_browser_then_spanish() {
    let browser = Some("en-US,en;q=0.9");
    assert_eq!(resolve_lang(Some("en"), Some("pt-BR"), browser), Lang::PtBr);
    assert_eq!(resolve_lang(Some("pt-BR"), None, browser), Lang::PtBr);
    assert_eq!(resolve_lang(None, None, browser), Lang::En);
    assert_eq!(resolve_lang(None, None, None), Lang::Es);
    // Values that name no language of ours fall through, never fail.
    assert_eq!(resolve_lang(Some("fr"), Some("xx"), browser), Lang::En);
    assert_eq!(resolve_lang(None, Some(""), Some("de-DE")), Lang::Es);
}

#[test]
fn accept_language_follows_weights_and_regions() {
    assert_eq!(from_accept_language("es-AR,es;q=0.9"), Some(Lang::Es));
    assert_eq!(from_accept_language("pt-PT"), Some(Lang::PtBr));
    assert_eq!(
        from_accept_language("fr-FR, en;q=0.5, pt-BR;q=0.8"),
        Some(Lang::PtBr),
        "the heaviest of ours, not the first"
    );
    assert_eq!(
        from_accept_language("en;q=0.7, es;q=0.7"),
        Some(Lang::En),
        "ties keep the header's order"
    );
    assert_eq!(from_accept_language("es;q=0, en;q=0.1"), Some(Lang::En));
    assert_eq!(from_accept_language("es;q=0"), None, "q=0 refuses");
    assert_eq!(from_accept_language("*"), None);
    assert_eq!(from_accept_language("EN_gb;q=abc"), Some(Lang::En));
    assert_eq!(from_accept_language(";;,,q=1;"), None);
    assert_eq!(from_accept_language(""), None);
}

/// Message ids of one locale, each with the variables its text uses.
fn messages(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
    let path = format!(
        "{}/locales/{}/main.ftl",
        env!("CARGO_MANIFEST_DIR"),
        lang.code()
    );
    let source = std::fs::read_to_string(&path).unwrap();
    let resource = fluent_syntax::parser::parse(source.as_str())
        .unwrap_or_else(|(_, errors)| panic!("{path}: {errors:?}"));
    resource
        .body
        .iter()
        .filter_map(|entry| match entry {
            ast::Entry::Message(m) => Some((
                m.id.name.to_string(),
                m.value.as_ref().map(variables).unwrap_or_default(),
            )),
            _ => None,
        })
        .collect()
}

fn variables(pattern: &ast::Pattern<&str>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            collect(expression, &mut found);
        }
    }
    found
}

fn collect(expression: &ast::Expression<&str>, found: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Inline(inline) => {
            if let ast::InlineExpression::VariableReference { id } = inline {
                found.insert(id.name.to_string());
            }
        }
        ast::Expression::Select { selector, variants } => {
            collect(&ast::Expression::Inline(selector.clone()), found);
            for v in variants {
                found.extend(variables(&v.value));
            }
        }
    }
}

#[test]
fn every_message_exists_in_all_three_languages_with_the_same_variables() {
    let spanish = messages(Lang::Es);
    assert!(spanish.len() > 50, "{}", spanish.len());
    for lang in [Lang::PtBr, Lang::En] {
        let other = messages(lang);
        let missing: Vec<_> = spanish.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !spanish.contains_key(*k)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{}: missing {missing:?}, not in Spanish {extra:?}",
            lang.code()
        );
        for (key, vars) in &spanish {
            assert_eq!(&other[key], vars, "{}: variables of {key}", lang.code());
        }
    }
}

/// Every `ui.t("…")` in the templates, and every `"…"` key passed to `t`/`t_with` in our code,
/// names a message that exists.
#[test]
fn every_key_the_ui_uses_exists() {
    let known = messages(Lang::Es);
    let dir = env!("CARGO_MANIFEST_DIR");
    let mut sources = Vec::new();
    for sub in ["templates", "src/web"] {
        for entry in std::fs::read_dir(format!("{dir}/{sub}")).unwrap() {
            sources.push(std::fs::read_to_string(entry.unwrap().path()).unwrap());
        }
    }
    let mut used = BTreeSet::new();
    for source in &sources {
        for marker in [".t(\"", "t_with(\"", "\"error-"] {
            let mut rest = source.as_str();
            while let Some(at) = rest.find(marker) {
                rest = &rest[at + marker.len()..];
                let key: String = rest.chars().take_while(|c| *c != '"').collect();
                let key = if marker == "\"error-" {
                    format!("error-{key}")
                } else {
                    key
                };
                used.insert(key);
            }
        }
    }
    assert!(used.len() > 30, "{used:?}");
    let missing: Vec<_> = used.iter().filter(|k| !known.contains_key(*k)).collect();
    assert!(missing.is_empty(), "keys used but not defined: {missing:?}");
}

#[test]
fn lookups_speak_each_language_and_fill_variables() {
    assert_eq!(Lang::Es.t("nav-inbox"), "Bandeja de entrada");
    assert_eq!(Lang::PtBr.t("nav-inbox"), "Caixa de entrada");
    assert_eq!(Lang::En.t("nav-inbox"), "Inbox");
    assert_eq!(
        Lang::Es.t_with("login-throttled", &[("seconds", FluentValue::from(7))]),
        "Demasiados intentos. Vuelve a intentarlo en 7 segundos."
    );
    assert_eq!(Lang::En.t("no-such-key"), "no-such-key");
}
