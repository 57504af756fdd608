//! `GET /sites`.

use serde::{Deserialize, Serialize};

/// A Mercado Libre country site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    /// `MLA`, `MLB`, …
    pub id: String,
    /// Country name.
    pub name: String,
    /// `ARS`, `BRL`, …
    #[serde(default)]
    pub default_currency_id: Option<String>,
}
