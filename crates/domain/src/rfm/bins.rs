//! Ranks into quintiles, and the customer-id order that breaks ties.

use std::cmp::Ordering;

/// The quintile (1..=5) of a 1-based `rank` among `n` ranks: the smallest `k` with
/// `rank ≤ 1 + k·(n−1)/5`, as pandas' `qcut(rank(method="first"), 5)` places it. Computed as
/// `5·(rank−1) ≤ k·(n−1)` in integers, since float edges could land a boundary rank on either
/// side. With `n ≤ 1` every edge is 1, so the only rank is in bin 1.
pub(crate) fn quintile(rank: usize, n: usize) -> u8 {
    if n <= 1 {
        return 1;
    }
    // u128: the products stay exact for any slice length.
    let above = 5 * (rank.saturating_sub(1) as u128);
    let width = (n - 1) as u128;
    let k = above.div_ceil(width).clamp(1, 5);
    // `k` is within 1..=5 after the clamp.
    k as u8
}

/// Whether every id reads as an integer (`-?[0-9]+`), so they sort as numbers: customer "9"
/// before "10", as Mercado Libre's numeric user ids are meant. One id that is not an integer
/// makes the whole set sort as text, since a mixed order would be no order at all.
pub(crate) fn all_integers<'a>(ids: impl IntoIterator<Item = &'a str>) -> bool {
    ids.into_iter().all(is_integer)
}

fn is_integer(id: &str) -> bool {
    let digits = id.strip_prefix('-').unwrap_or(id);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The tie order between two customer ids: by numeric value when `numeric` (both must then be
/// integers), by text otherwise; equal numbers written differently ("007", "7") fall back to
/// text, so the order is total.
pub(crate) fn compare_ids(a: &str, b: &str, numeric: bool) -> Ordering {
    if numeric {
        compare_integers(a, b).then_with(|| a.cmp(b))
    } else {
        a.cmp(b)
    }
}

/// Compares two integer strings of any length exactly (no parsing, so no overflow): by sign, then
/// by the number of significant digits, then digit by digit.
fn compare_integers(a: &str, b: &str) -> Ordering {
    let (neg_a, mag_a) = split_sign(a);
    let (neg_b, mag_b) = split_sign(b);
    // "-0" is zero, not negative.
    let neg_a = neg_a && !mag_a.is_empty();
    let neg_b = neg_b && !mag_b.is_empty();
    let magnitude = mag_a.len().cmp(&mag_b.len()).then_with(|| mag_a.cmp(mag_b));
    match (neg_a, neg_b) {
        (false, false) => magnitude,
        (true, true) => magnitude.reverse(),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
    }
}

/// The sign, and the digits without leading zeros (empty for zero).
fn split_sign(id: &str) -> (bool, &str) {
    let (negative, digits) = match id.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, id),
    };
    (negative, digits.trim_start_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The qcut edges as exact fractions `(5 + k·(n−1)) / 5`, and the bin found by walking the
    /// intervals `(edge[k−1], edge[k]]`, the first one closed on the left as qcut makes it.
    fn brute_force_bin(rank: usize, n: usize) -> u8 {
        let edge_times_5 = |k: usize| 5 + k * n.saturating_sub(1);
        let r5 = 5 * rank;
        if r5 == edge_times_5(0) {
            return 1;
        }
        for k in 1..=5 {
            if edge_times_5(k - 1) < r5 && r5 <= edge_times_5(k) {
                return k as u8;
            }
        }
        panic!("rank {rank} of {n} is in no bin");
    }

    #[test]
    fn the_closed_form_matches_the_edges_walked_one_by_one() {
        for n in 1..=400 {
            for rank in 1..=n {
                assert_eq!(
                    quintile(rank, n),
                    brute_force_bin(rank, n),
                    "rank {rank} of {n}"
                );
            }
        }
        for n in [99_999, 100_000, 100_001, 200_001, 1_000_000] {
            for rank in (1..=n).step_by(7).chain([n]) {
                assert_eq!(
                    quintile(rank, n),
                    brute_force_bin(rank, n),
                    "rank {rank} of {n}"
                );
            }
        }
    }

    #[test]
    fn small_counts_by_hand() {
        let bins = |n: usize| (1..=n).map(|r| quintile(r, n)).collect::<Vec<_>>();
        assert_eq!(bins(0), Vec::<u8>::new());
        assert_eq!(bins(1), [1]);
        assert_eq!(bins(2), [1, 5]);
        assert_eq!(bins(3), [1, 3, 5]);
        assert_eq!(bins(4), [1, 2, 4, 5]);
        assert_eq!(bins(5), [1, 2, 3, 4, 5]);
        assert_eq!(bins(6), [1, 1, 2, 3, 4, 5]);
        assert_eq!(bins(7), [1, 1, 2, 3, 4, 5, 5]);
        // Edges 1, 3, 5, 7, 9, 11: a boundary rank belongs to the lower bin.
        assert_eq!(bins(11), [1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    }

    #[test]
    fn ids_are_numbers_only_when_all_are_integers() {
        assert!(all_integers(["9", "10", "-3", "007"]));
        assert!(!all_integers(["9", "10", "x"]));
        assert!(!all_integers(["9", ""]));
        assert!(!all_integers(["+9"]));
        assert!(!all_integers(["1.5"]));
        assert!(!all_integers(["٣"]), "only ASCII digits");
        assert!(all_integers(std::iter::empty()));
    }

    #[test]
    fn numeric_and_text_orders() {
        use Ordering::*;
        assert_eq!(compare_ids("9", "10", true), Less);
        assert_eq!(compare_ids("9", "10", false), Greater);
        assert_eq!(compare_ids("-10", "-9", true), Less);
        assert_eq!(compare_ids("-1", "0", true), Less);
        assert_eq!(compare_ids("-0", "0", true), Less, "equal numbers: by text");
        assert_eq!(
            compare_ids("007", "7", true),
            Less,
            "equal numbers: by text"
        );
        assert_eq!(compare_ids("7", "007", true), Greater);
        assert_eq!(
            compare_ids(
                "123456789012345678901234567890",
                "99999999999999999999",
                true
            ),
            Greater,
            "longer than any machine integer"
        );
        assert_eq!(compare_ids("42", "42", true), Equal);
    }
}
