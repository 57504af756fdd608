//! meli
