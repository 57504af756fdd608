//! meli-sim
