//! The behaviour every backend must show. Each `pub async fn` is one case; backends run them all
//! through [`crate::conformance_tests!`] with a fresh, empty store per case.
