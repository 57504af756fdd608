//! Counts per segment and per rolled-up group, with revenue and the average ticket: the numbers
//! the success monitor's segment table shows.

use super::{CustomerRfm, RfmError, Segment};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Segments rolled up into what a seller acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Champions and Loyal.
    BestCustomers,
    /// Potential loyalist, New and Promising.
    Potential,
    /// At risk, Need attention and About to sleep.
    Attention,
}

impl Group {
    pub const ALL: [Group; 3] = [Group::BestCustomers, Group::Potential, Group::Attention];

    pub fn segments(self) -> &'static [Segment] {
        match self {
            Group::BestCustomers => &[Segment::Champions, Segment::Loyal],
            Group::Potential => &[Segment::PotentialLoyalist, Segment::New, Segment::Promising],
            Group::Attention => &[
                Segment::AtRisk,
                Segment::NeedAttention,
                Segment::AboutToSleep,
            ],
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Group::BestCustomers => "best_customers",
            Group::Potential => "potential",
            Group::Attention => "attention",
        }
    }

    /// The name people read, in `lang` (`es`, `pt` or `en`; anything else gets Spanish).
    pub fn name(self, lang: &str) -> &'static str {
        let (es, pt, en) = match self {
            Group::BestCustomers => ("Mejores clientes", "Melhores clientes", "Best customers"),
            Group::Potential => ("Potenciales", "Potenciais", "Potential"),
            Group::Attention => ("Requieren atención", "Exigem atenção", "Attention"),
        };
        match lang {
            "pt" => pt,
            "en" => en,
            _ => es,
        }
    }
}

/// Customers, their orders and what they paid, for one segment, group or everyone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub customers: u64,
    pub orders: u64,
    pub revenue: Decimal,
}

impl Summary {
    /// Revenue ÷ orders, exact to a decimal's 28 digits (display rounds it to the currency);
    /// `None` without orders.
    pub fn average_ticket(&self) -> Option<Decimal> {
        average_ticket(self.revenue, self.orders)
    }

    fn add(&mut self, other: &Summary) -> Result<(), RfmError> {
        self.customers += other.customers;
        self.orders += other.orders;
        self.revenue = self
            .revenue
            .checked_add(other.revenue)
            .ok_or(RfmError::RevenueOverflow)?;
        Ok(())
    }
}

pub(crate) fn average_ticket(revenue: Decimal, orders: u64) -> Option<Decimal> {
    if orders == 0 {
        return None;
    }
    revenue.checked_div(Decimal::from(orders))
}

/// Every segment (zeros included, in [`Segment::ALL`] order), every group, and the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Groups {
    pub segments: [(Segment, Summary); 11],
    pub groups: [(Group, Summary); 3],
    pub total: Summary,
}

impl Groups {
    pub fn segment(&self, segment: Segment) -> Summary {
        self.segments
            .iter()
            .find(|(s, _)| *s == segment)
            .map(|(_, summary)| *summary)
            .unwrap_or_default()
    }

    pub fn group(&self, group: Group) -> Summary {
        self.groups
            .iter()
            .find(|(g, _)| *g == group)
            .map(|(_, summary)| *summary)
            .unwrap_or_default()
    }
}

/// Sums `customers` per segment and group. Fails only when a revenue sum outgrows a decimal.
pub fn groups(customers: &[CustomerRfm]) -> Result<Groups, RfmError> {
    let mut segments = Segment::ALL.map(|s| (s, Summary::default()));
    for customer in customers {
        let one = Summary {
            customers: 1,
            orders: customer.frequency,
            revenue: customer.monetary,
        };
        // `ALL` lists every variant, so the segment is always found.
        if let Some((_, summary)) = segments.iter_mut().find(|(s, _)| *s == customer.segment) {
            summary.add(&one)?;
        }
    }
    let mut total = Summary::default();
    for (_, summary) in &segments {
        total.add(summary)?;
    }
    let mut groups = Group::ALL.map(|g| (g, Summary::default()));
    for (group, summary) in &mut groups {
        for (segment, part) in &segments {
            if group.segments().contains(segment) {
                summary.add(part)?;
            }
        }
    }
    Ok(Groups {
        segments,
        groups,
        total,
    })
}
