//! Member accounts (spec loyalty-core §8.3.1) and tier records (§7.1): statuses and their
//! transitions, card numbers, and the kinds of tier record.

use crate::ValidationError;

/// A member account's status. Cancelled is final: the card is never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberStatus {
    Normal,
    Frozen,
    Cancelled,
}

/// What an operator does to a member's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    Freeze,
    Unfreeze,
    Cancel,
}

impl StatusChange {
    pub fn verb(self) -> &'static str {
        match self {
            Self::Freeze => "freeze",
            Self::Unfreeze => "unfreeze",
            Self::Cancel => "cancel",
        }
    }
}

impl MemberStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Frozen => "frozen",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "normal" => Some(Self::Normal),
            "frozen" => Some(Self::Frozen),
            "cancelled" => Some(Self::Cancelled),
            _ => None,
        }
    }

    /// The status after `change`, or why it is not allowed.
    pub fn apply(self, change: StatusChange) -> Result<Self, ValidationError> {
        let refused = || {
            ValidationError::new(
                "status",
                "invalid_status_transition",
                format!("a {} member cannot be {}d", self.as_str(), change.verb()),
            )
        };
        match (self, change) {
            (Self::Normal, StatusChange::Freeze) => Ok(Self::Frozen),
            (Self::Frozen, StatusChange::Unfreeze) => Ok(Self::Normal),
            (Self::Normal | Self::Frozen, StatusChange::Cancel) => Ok(Self::Cancelled),
            _ => Err(refused()),
        }
    }
}

/// The first generated card number: ten digits, as in the spec's examples (`1000000018`).
pub const FIRST_CARD_NO: i64 = 1_000_000_001;

/// A card number supplied by a channel: 4–32 letters and digits.
pub fn parse_card_no(raw: &str) -> Result<String, ValidationError> {
    let v = raw.trim();
    if (4..=32).contains(&v.len()) && v.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(v.to_string())
    } else {
        Err(ValidationError::new(
            "card_no",
            "invalid_card_no",
            "must be 4–32 letters and digits",
        ))
    }
}

/// Why a tier record exists (§7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierRecordType {
    Base,
    Upgrade,
    Retention,
    Downgrade,
}

impl TierRecordType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Base => "base",
            Self::Upgrade => "upgrade",
            Self::Retention => "retention",
            Self::Downgrade => "downgrade",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Base, Self::Upgrade, Self::Retention, Self::Downgrade]
            .into_iter()
            .find(|t| t.as_str() == raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MemberStatus::*;
    use StatusChange::*;

    #[test]
    fn status_transitions() {
        assert_eq!(Normal.apply(Freeze).unwrap(), Frozen);
        assert_eq!(Frozen.apply(Unfreeze).unwrap(), Normal);
        assert_eq!(Normal.apply(Cancel).unwrap(), Cancelled);
        assert_eq!(Frozen.apply(Cancel).unwrap(), Cancelled);
        for (from, change) in [
            (Normal, Unfreeze),
            (Frozen, Freeze),
            (Cancelled, Freeze),
            (Cancelled, Unfreeze),
            (Cancelled, Cancel),
        ] {
            assert_eq!(
                from.apply(change).unwrap_err().code,
                "invalid_status_transition"
            );
        }
    }

    #[test]
    fn supplied_card_numbers() {
        assert_eq!(parse_card_no(" 1000000018 ").unwrap(), "1000000018");
        assert_eq!(parse_card_no("TM88").unwrap(), "TM88");
        assert_eq!(parse_card_no("12").unwrap_err().code, "invalid_card_no");
        assert_eq!(parse_card_no("12 34").unwrap_err().code, "invalid_card_no");
    }

    #[test]
    fn record_types_round_trip() {
        for t in ["base", "upgrade", "retention", "downgrade"] {
            assert_eq!(TierRecordType::parse(t).unwrap().as_str(), t);
        }
    }
}
