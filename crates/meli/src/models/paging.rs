//! `paging`, shared by order search, pack messages and claim search.

use serde::{Deserialize, Serialize};

/// Where a page sits in the whole result; `null` (a single message read by
/// id) reads as all zeros.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paging {
    /// Matches in the whole result, not just this page.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub total: u64,
    /// Index of this page's first element.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub offset: u64,
    /// Page size used.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub limit: u64,
}

impl Paging {
    /// The offset of the next page, when there is one.
    pub fn next_offset(&self) -> Option<u64> {
        let next = self.offset.checked_add(self.limit.max(1))?;
        (next < self.total).then_some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::Paging;

    #[test]
    fn next_page() {
        let p = |total, offset, limit| Paging {
            total,
            offset,
            limit,
        };
        assert_eq!(p(31, 1, 2).next_offset(), Some(3));
        assert_eq!(p(3, 0, 10).next_offset(), None);
        assert_eq!(
            p(5, 4, 0).next_offset(),
            None,
            "a zero limit still advances"
        );
        assert_eq!(p(u64::MAX, u64::MAX, 5).next_offset(), None);
    }
}
