//! The demo tenant's groups, enabled so that coupon rules can use them: the online stores
//! (线上门店: the virtual stores of the online channels), the offline stores (线下门店: the
//! physical shops) and the ice-cream products.

use super::model::NewGroup;
use super::{add_members, create, enable};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::master_data::demo::{ice_cream_skus, shop_codes, virtual_store_codes};
use crate::ports::Store;
use patron_domain::groups::GroupKind;

/// Adds the groups to the demo tenant, after its master data; `ctx` acts as its administrator.
pub async fn seed_demo(store: &dyn Store, ctx: &Ctx) -> AppResult<()> {
    let groups = [
        (
            GroupKind::Store,
            "线上门店",
            "线上渠道的虚拟门店：官网、小程序、微信商城、天猫、京东、APP",
            virtual_store_codes(),
        ),
        (GroupKind::Store, "线下门店", "全部实体门店", shop_codes()),
        (
            GroupKind::Product,
            "冰淇淋商品组",
            "甜筒、杯装冰淇淋和雪芭类的全部商品",
            ice_cream_skus(),
        ),
    ];
    let mut tx = store.begin().await?;
    for (kind, name, description, codes) in groups {
        let input = NewGroup {
            name: name.into(),
            description: description.into(),
            all_items: false,
        };
        let id = create(&mut *tx, ctx, kind, input).await?.group.id;
        let added = add_members(&mut *tx, ctx, kind, &id, &codes).await?;
        if !added.unknown.is_empty() {
            return Err(AppError::Store(format!(
                "demo group {name}: unknown codes {:?}",
                added.unknown
            )));
        }
        enable(&mut *tx, ctx, kind, &id).await?;
    }
    tx.commit().await
}
