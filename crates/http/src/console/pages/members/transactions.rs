//! The transactions tab of the customer 360° view (loyalty-core §8.3.5): the orders and refunds
//! of all the customer's member accounts, newest first, 30 a page, each linking to its order.
//! Shown only to those who may read orders.

use crate::api::orders::money;
use crate::console::guard::Console;
use crate::console::list::{ListParams, Pager};
use crate::state::AppState;
use patron_app::orders::model::StoredOrder;
use patron_app::orders::read;
use patron_app::AppResult;
use patron_domain::ids::{CustomerId, StoreId};
use patron_domain::orders::Direction;
use std::collections::HashMap;

/// One order of the tab.
pub struct TransactionRow {
    pub id: String,
    pub at: String,
    pub external_no: String,
    pub channel: String,
    pub store: String,
    pub refund: bool,
    pub paid: String,
    pub points: i64,
}

pub struct TransactionsTab {
    pub rows: Vec<TransactionRow>,
    pub pager: Pager,
}

/// "code name" of the stores the orders name (each looked up once).
async fn store_names<P>(
    state: &AppState,
    c: &Console<P>,
    orders: &[StoredOrder],
) -> AppResult<HashMap<String, String>> {
    let t = c.ctx.principal.tenant()?;
    let mut r = state.store.reader().await?;
    let mut out = HashMap::new();
    for o in orders {
        if out.contains_key(&o.store_id) {
            continue;
        }
        if let Some(s) = StoreId::parse(&o.store_id) {
            if let Some(s) = r.store(t, s).await? {
                out.insert(o.store_id.clone(), format!("{} {}", s.code, s.name));
            }
        }
    }
    Ok(out)
}

pub async fn transactions_tab<P>(
    state: &AppState,
    c: &Console<P>,
    customer: CustomerId,
    page: Option<String>,
) -> AppResult<TransactionsTab> {
    let lp = ListParams { search: None, page };
    let found = read::of_customer(&*state.store, &c.ctx, customer, &lp.query()).await?;
    let stores = store_names(state, c, &found.items).await?;
    let rows: Vec<TransactionRow> = found
        .items
        .iter()
        .map(|o| TransactionRow {
            id: o.id.clone(),
            at: c.when(o.ordered_at_ms),
            external_no: o.external_no.clone(),
            channel: c.tr.pick(o.channel.names()).to_string(),
            store: stores.get(&o.store_id).cloned().unwrap_or_default(),
            refund: o.direction == Direction::Refund,
            paid: money(o.paid_fen),
            points: o.points_change,
        })
        .collect();
    let pager = Pager::new(
        c.tr,
        &format!("/console/customers/{customer}"),
        &[("tab", "transactions")],
        lp.page(),
        rows.len(),
        found.total,
    );
    Ok(TransactionsTab { rows, pager })
}
