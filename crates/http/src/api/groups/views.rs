//! Requests and answers of the group routes.

use crate::views::rfc3339;
use patron_app::groups::model::{
    AddedMembers, Candidate, Group, GroupDetail, Member, RemovedMembers,
};
use patron_app::model::{ListQuery, Page};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGroupRequest {
    /// 1 to 60 characters, unique among the tenant's groups of this kind, e.g. 线上门店.
    pub name: String,
    /// 1 to 200 characters (说明, required).
    pub description: String,
    /// Every store (product) of the tenant, taken when the group is enabled; otherwise members
    /// are added by code.
    #[serde(default)]
    pub all_items: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGroupRequest {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Only while the group is not enabled (`group_enabled` otherwise).
    pub all_items: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodesRequest {
    /// Store codes (product codes): trimmed, blanks and repeats ignored, 1 to 10,000.
    pub codes: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupView {
    pub id: String,
    /// `store` or `product`.
    pub kind: String,
    pub name: String,
    pub description: String,
    pub all_items: bool,
    /// Always `static` (dynamic groups do not exist yet).
    pub condition_type: String,
    /// Enabled groups have frozen members and may be named by rules.
    pub enabled: bool,
    pub enabled_at: Option<String>,
    /// In single-group answers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_count: Option<u64>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Group> for GroupView {
    fn from(g: &Group) -> Self {
        Self {
            id: g.id.clone(),
            kind: g.kind.as_str().to_string(),
            name: g.name.clone(),
            description: g.description.clone(),
            all_items: g.all_items,
            condition_type: "static".into(),
            enabled: g.enabled(),
            enabled_at: g.enabled_at_ms.map(rfc3339),
            member_count: None,
            created_at: rfc3339(g.created_at_ms),
            updated_at: rfc3339(g.updated_at_ms),
        }
    }
}

impl From<&GroupDetail> for GroupView {
    fn from(d: &GroupDetail) -> Self {
        Self {
            member_count: Some(d.member_count),
            ..Self::from(&d.group)
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupPage {
    pub items: Vec<GroupView>,
    pub next_cursor: Option<String>,
    pub total: u64,
}

impl From<&Page<Group>> for GroupPage {
    fn from(p: &Page<Group>) -> Self {
        Self {
            items: p.items.iter().map(GroupView::from).collect(),
            next_cursor: p.next_cursor.clone(),
            total: p.total,
        }
    }
}

/// What adding codes did; each list keeps the order the codes were sent in.
#[derive(Debug, Serialize, ToSchema)]
pub struct AddMembersView {
    pub added: Vec<String>,
    /// Members already: nothing changed for them.
    pub already_members: Vec<String>,
    /// No store (product) of the tenant has this code: not added.
    pub unknown: Vec<String>,
}

impl From<AddedMembers> for AddMembersView {
    fn from(a: AddedMembers) -> Self {
        Self {
            added: a.added,
            already_members: a.already_members,
            unknown: a.unknown,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RemoveMembersView {
    pub removed: Vec<String>,
    pub not_members: Vec<String>,
}

impl From<RemovedMembers> for RemoveMembersView {
    fn from(r: RemovedMembers) -> Self {
        Self {
            removed: r.removed,
            not_members: r.not_members,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub code: String,
    /// The store's (product's) name in master data.
    pub name: Option<String>,
    pub added_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberPage {
    pub items: Vec<MemberView>,
    pub next_cursor: Option<String>,
    pub total: u64,
}

impl From<&Page<Member>> for MemberPage {
    fn from(p: &Page<Member>) -> Self {
        Self {
            items: p
                .items
                .iter()
                .map(|m| MemberView {
                    code: m.code.clone(),
                    name: m.name.clone(),
                    added_at: rfc3339(m.added_at_ms),
                })
                .collect(),
            next_cursor: p.next_cursor.clone(),
            total: p.total,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateView {
    pub code: String,
    pub name: String,
    /// `open`/`closed` (stores), `active`/`inactive` (products).
    pub status: String,
    /// Products only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CandidatePage {
    pub items: Vec<CandidateView>,
    pub next_cursor: Option<String>,
    pub total: u64,
}

impl From<&Page<Candidate>> for CandidatePage {
    fn from(p: &Page<Candidate>) -> Self {
        Self {
            items: p
                .items
                .iter()
                .map(|c| CandidateView {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    status: c.status.clone(),
                    category_code: c.category_code.clone(),
                })
                .collect(),
            next_cursor: p.next_cursor.clone(),
            total: p.total,
        }
    }
}

/// Search and paging of the group lists, members and candidates.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupListParams {
    /// Case-insensitive text to look for (also accepted as `q`): the name for groups, the code
    /// or name for members and candidates.
    #[serde(alias = "q")]
    pub search: Option<String>,
    /// The `next_cursor` of the previous page.
    pub after: Option<String>,
    /// Rows per page, 1 to 200 (default 30).
    pub limit: Option<u32>,
}

impl GroupListParams {
    pub fn query(&self) -> ListQuery {
        ListQuery {
            search: self.search.clone(),
            after: self.after.clone(),
            offset: 0,
            limit: self.limit.unwrap_or(0),
        }
    }
}
