//! Answer-time figures: Mercado Libre rewards fast answers, so the inbox shows how fast each
//! store and agent answers. Medians, not means: one question left overnight must not hide a
//! team that answers in minutes.

/// The median of `values` (the mean of the two middle ones for an even count, rounded down);
/// `None` when empty.
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        // Halves first: the sum of two large values must not overflow.
        values[mid - 1] / 2 + values[mid] / 2 + (values[mid - 1] % 2 + values[mid] % 2) / 2
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_even_and_empty_samples() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [30]), Some(30));
        assert_eq!(median(&mut [600, 30, 90]), Some(90));
        assert_eq!(median(&mut [10, 40, 20, 30]), Some(25));
        assert_eq!(median(&mut [1, 2]), Some(1));
        assert_eq!(median(&mut [i64::MAX, i64::MAX]), Some(i64::MAX));
    }
}
