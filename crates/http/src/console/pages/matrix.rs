//! The permission matrix of the role form (分配权限): one row per resource, one column per
//! action, a box where the catalogue has that permission. Built from `Permission::ALL`, so a
//! permission added to the catalogue appears here without touching the console.

use crate::console::i18n::Tr;
use patron_domain::rbac::{Area, Permission};

/// Matrix columns in this order; an action not listed here follows them.
const ACTION_ORDER: &[&str] = &["read", "create", "update", "delete", "revoke"];

pub struct Cell {
    pub key: &'static str,
    /// `perm_users_read`: the box's element id.
    pub id: String,
    pub label: &'static str,
    pub checked: bool,
}

pub struct MatrixRow {
    pub label: &'static str,
    pub cells: Vec<Option<Cell>>,
}

pub struct Matrix {
    pub actions: Vec<&'static str>,
    pub rows: Vec<MatrixRow>,
}

/// The permissions a tenant role can hold, as resource rows and action columns.
pub fn matrix(tr: Tr, checked: impl Fn(Permission) -> bool) -> Matrix {
    let perms: Vec<Permission> = Permission::ALL
        .iter()
        .copied()
        .filter(|p| p.area() != Area::Platform)
        .collect();
    let mut actions: Vec<&'static str> = ACTION_ORDER
        .iter()
        .copied()
        .filter(|a| perms.iter().any(|p| p.action() == *a))
        .collect();
    let mut resources: Vec<&'static str> = Vec::new();
    for p in &perms {
        if !actions.contains(&p.action()) {
            actions.push(p.action());
        }
        if !resources.contains(&p.resource()) {
            resources.push(p.resource());
        }
    }
    let rows = resources
        .iter()
        .map(|r| MatrixRow {
            label: tr.lookup(&format!("resource.{r}")).unwrap_or(r),
            cells: actions
                .iter()
                .map(|a| {
                    perms
                        .iter()
                        .find(|p| p.resource() == *r && p.action() == *a)
                        .map(|p| Cell {
                            key: p.key(),
                            id: format!("perm_{}", p.key().replace(':', "_")),
                            label: tr.pick(p.describe()),
                            checked: checked(*p),
                        })
                })
                .collect(),
        })
        .collect();
    Matrix {
        actions: actions
            .iter()
            .map(|a| tr.lookup(&format!("perm_action.{a}")).unwrap_or(a))
            .collect(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use patron_domain::user::Locale;

    #[test]
    fn the_matrix_has_a_box_for_every_tenant_permission_and_no_platform_one() {
        let m = matrix(Tr(Locale::En), |p| p == Permission::UsersRead);
        let boxes: Vec<&Cell> = m
            .rows
            .iter()
            .flat_map(|r| r.cells.iter().flatten())
            .collect();
        let tenant_perms = Permission::ALL
            .iter()
            .filter(|p| p.area() != Area::Platform)
            .count();
        assert_eq!(boxes.len(), tenant_perms);
        assert!(boxes.iter().all(|b| !b.key.starts_with("tenants:")));
        assert_eq!(
            boxes
                .iter()
                .filter(|b| b.checked)
                .map(|b| b.key)
                .collect::<Vec<_>>(),
            vec!["users:read"]
        );
        assert_eq!(m.actions[0], "Read");
    }

    #[test]
    fn every_resource_and_action_has_a_label_in_both_languages() {
        for p in Permission::ALL
            .iter()
            .filter(|p| p.area() != Area::Platform)
        {
            for tr in [Tr(Locale::En), Tr(Locale::ZhCn)] {
                assert!(tr.lookup(&format!("resource.{}", p.resource())).is_some());
                assert!(tr.lookup(&format!("perm_action.{}", p.action())).is_some());
            }
        }
    }
}
