//! The coupons tab of the customer 360° view (loyalty-core §8.3.6, mapped onto §11's coupons):
//! the customer's coupons of every rule, newest first, 30 a page. Shown only to those who may
//! read coupons.

use super::rows::coupon_rows;
use crate::console::guard::Console;
use crate::console::list::{ListParams, Pager};
use crate::state::AppState;
use patron_app::coupons::read;
use patron_app::AppResult;
use patron_domain::ids::CustomerId;

pub use super::rows::CouponRow;

pub struct CouponsTab {
    pub rows: Vec<CouponRow>,
    pub pager: Pager,
}

pub async fn coupons_tab<P>(
    state: &AppState,
    c: &Console<P>,
    customer: CustomerId,
    page: Option<String>,
) -> AppResult<CouponsTab> {
    let lp = ListParams { search: None, page };
    let found =
        read::of_customer(&*state.store, &c.ctx, &customer.to_string(), &lp.query()).await?;
    let rows = coupon_rows(state, c, &found.items).await?;
    let pager = Pager::new(
        c.tr,
        &format!("/console/customers/{customer}"),
        &[("tab", "coupons")],
        lp.page(),
        rows.len(),
        found.total,
    );
    Ok(CouponsTab { rows, pager })
}
