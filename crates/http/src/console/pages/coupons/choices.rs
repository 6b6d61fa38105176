//! What a rule names, to offer in the form and to show by name: the tenant's programs, their
//! cost centers, and its enabled store and product groups. Each list comes from its area's use
//! case, so it needs that area's read permission (`loyalty:read`, `groups:read`); without it
//! the form asks for the id instead and the pages show ids.

use crate::console::guard::Console;
use crate::console::pages::groups::{enabled_groups, group_choices, group_name};
use crate::console::pages::Choice;
use crate::state::AppState;
use patron_app::groups::model::Group;
use patron_app::loyalty::{cost_centers, programs, CostCenter, Program};
use patron_app::AppResult;
use patron_domain::groups::GroupKind;
use patron_domain::rbac::Permission;

/// One cost center option, with its program so the script can offer only the chosen
/// program's.
pub struct CenterChoice {
    pub value: String,
    pub label: String,
    pub program: String,
    pub selected: bool,
}

pub struct Choices {
    /// `None` when the caller may not list them (a text field then).
    pub programs: Option<Vec<Program>>,
    pub centers: Option<Vec<CostCenter>>,
    /// Enabled groups only: rules may not name the others.
    pub store_groups: Option<Vec<Group>>,
    pub product_groups: Option<Vec<Group>>,
}

pub async fn load(state: &AppState, c: &Console<impl Sized>) -> AppResult<Choices> {
    let (programs, centers) = if c.may(Permission::LoyaltyRead) {
        let all = programs::all(&*state.store, &c.ctx).await?;
        let mut centers = Vec::new();
        for p in &all {
            centers.extend(cost_centers::all(&*state.store, &c.ctx, p.id).await?);
        }
        (Some(all), Some(centers))
    } else {
        (None, None)
    };
    let (store_groups, product_groups) = if c.may(Permission::GroupsRead) {
        (
            Some(enabled_groups(state, &c.ctx, GroupKind::Store).await?),
            Some(enabled_groups(state, &c.ctx, GroupKind::Product).await?),
        )
    } else {
        (None, None)
    };
    Ok(Choices {
        programs,
        centers,
        store_groups,
        product_groups,
    })
}

fn labelled(name: &str, code: &str) -> String {
    format!("{name} ({code})")
}

impl Choices {
    pub fn program_options(&self, chosen: &str) -> Vec<Choice> {
        self.programs
            .iter()
            .flatten()
            .map(|p| {
                let id = p.id.to_string();
                let selected = id == chosen;
                Choice::new(id, labelled(&p.name, &p.code), selected)
            })
            .collect()
    }

    pub fn center_options(&self, chosen: &str) -> Vec<CenterChoice> {
        self.centers
            .iter()
            .flatten()
            .map(|c| CenterChoice {
                value: c.id.to_string(),
                label: labelled(&c.name, &c.code),
                program: c.program_id.to_string(),
                selected: c.id.to_string() == chosen,
            })
            .collect()
    }

    /// "All" first, then the enabled groups (see [`group_choices`]).
    pub fn group_options(&self, groups: &[Group], chosen: &str, all_label: &str) -> Vec<Choice> {
        group_choices(groups, chosen, all_label)
    }

    pub fn program_name(&self, id: &str) -> String {
        self.programs
            .iter()
            .flatten()
            .find(|p| p.id.to_string() == id)
            .map_or_else(|| id.to_string(), |p| labelled(&p.name, &p.code))
    }

    pub fn center_name(&self, id: &str) -> String {
        self.centers
            .iter()
            .flatten()
            .find(|c| c.id.to_string() == id)
            .map_or_else(|| id.to_string(), |c| labelled(&c.name, &c.code))
    }

    /// A group's name, or its id when the caller may not list groups (or it is disabled now).
    pub fn group_name(&self, kind: GroupKind, id: &str) -> String {
        let groups = match kind {
            GroupKind::Store => &self.store_groups,
            GroupKind::Product => &self.product_groups,
        };
        group_name(groups.as_ref(), id)
    }
}
