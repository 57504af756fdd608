//! Tolerant field deserializers shared by every model.
//!
//! Mercado Libre's own samples disagree on how a value is written: ids come
//! as numbers or as numeric strings, prices as floats, integers or strings,
//! timestamps with nanoseconds or with offsets, flags as booleans or
//! strings. These functions accept every variant seen in the documentation
//! and live traffic, and fail with a message that says what was expected and
//! what arrived.
//!
//! Use them with `#[serde(deserialize_with = "crate::de::id")]`; the `opt_*`
//! variants also need `#[serde(default)]` so that a missing field is `None`.

mod flex;
mod ids;
mod money;
mod time;

pub use flex::{id_list, opt_bool, opt_count};
pub use ids::{id, id_string, opt_id, opt_id_string};
pub use money::{decimal, opt_decimal, parse_decimal};
pub use time::{opt_timestamp, parse_timestamp, timestamp};

use serde::{Deserialize, Deserializer};

/// Reads `null` as the type's default, so `"tags": null` and a missing
/// `tags` end the same way as `"tags": []`.
pub fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}
