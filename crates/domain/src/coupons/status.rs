//! The states of rules (§11.3: approval × publication), coupons (§11.6) and transfers (§11.7),
//! and which rule actions each state allows.

/// A refusal of a lifecycle action: a stable code for the API and a message.
pub type Refusal = (&'static str, &'static str);

macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }

            pub fn parse(raw: &str) -> Option<Self> {
                match raw { $($text => Some($name::$variant),)* _ => None }
            }
        }
    };
}

text_enum!(
    /// Where a rule stands in its approval.
    ApprovalStatus {
        NotSubmitted = "not_submitted",
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
    }
);

text_enum!(
    /// Whether a rule hands out coupons.
    RuleStatus {
        Draft = "draft",
        Published = "published",
        Unpublished = "unpublished",
        Deleted = "deleted",
    }
);

text_enum!(
    /// Where a coupon stands. `Void`: bought with points and the purchase cancelled.
    CouponStatus {
        Issued = "issued",
        Used = "used",
        Transferring = "transferring",
        Expired = "expired",
        Void = "void",
    }
);

text_enum!(
    /// Where a transfer to a friend stands: `Returned` when the friend's claim window lapsed.
    TransferStatus {
        Pending = "pending",
        Succeeded = "succeeded",
        Returned = "returned",
    }
);

text_enum!(
    /// How a member came to hold a coupon.
    CouponSource {
        Claim = "claim",
        Issue = "issue",
        Points = "points",
    }
);

/// A rule's two states together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleState {
    pub approval: ApprovalStatus,
    pub status: RuleStatus,
    /// Coupons handed out under the rule so far.
    pub issued: i64,
}

const DELETED: Refusal = ("coupon_rule_deleted", "the rule has been deleted");

impl RuleState {
    pub fn new_draft() -> Self {
        Self {
            approval: ApprovalStatus::NotSubmitted,
            status: RuleStatus::Draft,
            issued: 0,
        }
    }

    fn alive(self) -> Result<(), Refusal> {
        if self.status == RuleStatus::Deleted {
            Err(DELETED)
        } else {
            Ok(())
        }
    }

    /// Editing: a draft, or an unpublished rule that has handed nothing out (its coupons would
    /// otherwise change terms under their holders; copy it instead). An edited rule goes back to
    /// draft and needs approval again.
    pub fn edit(self) -> Result<Self, Refusal> {
        self.alive()?;
        match self.status {
            RuleStatus::Draft if self.approval != ApprovalStatus::Pending => Ok(Self::new_draft()),
            RuleStatus::Unpublished if self.issued == 0 => Ok(Self::new_draft()),
            RuleStatus::Unpublished => Err((
                "coupon_rule_has_coupons",
                "coupons were handed out under this rule: copy it to change its terms",
            )),
            _ => Err((
                "coupon_rule_not_editable",
                "only a draft or an unpublished rule can be edited",
            )),
        }
    }

    pub fn submit(self) -> Result<Self, Refusal> {
        self.alive()?;
        match (self.status, self.approval) {
            (RuleStatus::Draft, ApprovalStatus::NotSubmitted | ApprovalStatus::Rejected) => {
                Ok(Self {
                    approval: ApprovalStatus::Pending,
                    ..self
                })
            }
            _ => Err((
                "coupon_rule_not_draft",
                "only a draft that is not awaiting approval can be submitted",
            )),
        }
    }

    /// Approval publishes the rule (spec §12 #10).
    pub fn approve(self) -> Result<Self, Refusal> {
        self.pending()?;
        Ok(Self {
            approval: ApprovalStatus::Approved,
            status: RuleStatus::Published,
            ..self
        })
    }

    /// A rejected rule goes back to draft, to be edited and submitted again.
    pub fn reject(self) -> Result<Self, Refusal> {
        self.pending()?;
        Ok(Self {
            approval: ApprovalStatus::Rejected,
            status: RuleStatus::Draft,
            ..self
        })
    }

    fn pending(self) -> Result<(), Refusal> {
        self.alive()?;
        if self.approval == ApprovalStatus::Pending {
            Ok(())
        } else {
            Err((
                "coupon_rule_not_pending",
                "the rule is not awaiting approval",
            ))
        }
    }

    /// Coupons already handed out stay valid.
    pub fn unpublish(self) -> Result<Self, Refusal> {
        self.alive()?;
        self.published()?;
        Ok(Self {
            status: RuleStatus::Unpublished,
            ..self
        })
    }

    pub fn publish(self) -> Result<Self, Refusal> {
        self.alive()?;
        if self.status == RuleStatus::Unpublished && self.approval == ApprovalStatus::Approved {
            Ok(Self {
                status: RuleStatus::Published,
                ..self
            })
        } else {
            Err((
                "coupon_rule_not_unpublished",
                "only an approved, unpublished rule can be published",
            ))
        }
    }

    /// Deleting: a draft, or an unpublished rule that has handed nothing out.
    pub fn delete(self) -> Result<Self, Refusal> {
        self.alive()?;
        let allowed = match self.status {
            RuleStatus::Draft => self.approval != ApprovalStatus::Pending,
            RuleStatus::Unpublished => self.issued == 0,
            _ => false,
        };
        if allowed {
            Ok(Self {
                status: RuleStatus::Deleted,
                ..self
            })
        } else if self.issued > 0 {
            Err((
                "coupon_rule_has_coupons",
                "coupons were handed out under this rule, so it cannot be deleted",
            ))
        } else {
            Err((
                "coupon_rule_not_deletable",
                "only a draft or an unpublished rule can be deleted",
            ))
        }
    }

    /// Claims, issues and extra stock need a published rule.
    pub fn published(self) -> Result<(), Refusal> {
        self.alive()?;
        if self.status == RuleStatus::Published {
            Ok(())
        } else {
            Err(("coupon_rule_not_published", "the rule is not published"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_lifecycle() {
        let draft = RuleState::new_draft();
        assert_eq!(draft.approve().unwrap_err().0, "coupon_rule_not_pending");
        let pending = draft.submit().unwrap();
        assert_eq!(pending.edit().unwrap_err().0, "coupon_rule_not_editable");
        assert_eq!(pending.delete().unwrap_err().0, "coupon_rule_not_deletable");
        assert_eq!(pending.submit().unwrap_err().0, "coupon_rule_not_draft");

        let rejected = pending.reject().unwrap();
        assert_eq!(
            (rejected.status, rejected.approval),
            (RuleStatus::Draft, ApprovalStatus::Rejected)
        );
        let published = rejected.submit().unwrap().approve().unwrap();
        assert_eq!(
            (published.status, published.approval),
            (RuleStatus::Published, ApprovalStatus::Approved)
        );
        assert_eq!(published.edit().unwrap_err().0, "coupon_rule_not_editable");
        assert_eq!(
            published.delete().unwrap_err().0,
            "coupon_rule_not_deletable"
        );
        assert_eq!(
            published.publish().unwrap_err().0,
            "coupon_rule_not_unpublished"
        );

        let handed_out = RuleState {
            issued: 3,
            ..published
        };
        let down = handed_out.unpublish().unwrap();
        assert_eq!(down.published().unwrap_err().0, "coupon_rule_not_published");
        assert_eq!(down.edit().unwrap_err().0, "coupon_rule_has_coupons");
        assert_eq!(down.delete().unwrap_err().0, "coupon_rule_has_coupons");
        assert_eq!(down.publish().unwrap().status, RuleStatus::Published);

        let unused = published.unpublish().unwrap();
        assert_eq!(unused.edit().unwrap(), RuleState::new_draft());
        let deleted = unused.delete().unwrap();
        assert_eq!(deleted.submit().unwrap_err().0, "coupon_rule_deleted");
    }
}
