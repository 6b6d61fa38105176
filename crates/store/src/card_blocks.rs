//! Generated card numbers on PostgreSQL, reserved in blocks.
//!
//! The tenant's counter is one row. Advancing it inside the registration's transaction would
//! hold that row's lock until the commit and queue every registration of the tenant behind the
//! previous one. Instead a block of numbers is reserved in a short transaction of its own, on a
//! connection kept for it, and registrations take numbers from the block. A number taken by a
//! registration that then rolls back, or left in a block when the server stops, is never issued:
//! card numbers may have gaps, never duplicates. (SQLite has one writer anyway and advances the
//! counter in the registration's transaction.)

use crate::error::db;
use crate::sql::sql;
use patron_app::{AppError, AppResult};
use patron_domain::ids::TenantId;
use patron_domain::member::FIRST_CARD_NO;
use sqlx::AnyPool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Numbers reserved per round trip.
const BLOCK: i64 = 100;

pub(crate) struct CardBlocks {
    /// One connection: reservations are rare and short.
    pool: AnyPool,
    /// Per tenant, reserved blocks as (next free number, end exclusive).
    free: Mutex<HashMap<i64, Vec<(i64, i64)>>>,
}

impl CardBlocks {
    pub fn new(pool: AnyPool) -> Arc<Self> {
        Arc::new(Self {
            pool,
            free: Mutex::new(HashMap::new()),
        })
    }

    fn take(&self, t: TenantId) -> Option<i64> {
        let mut free = self.free.lock().ok()?;
        let blocks = free.get_mut(&t.get())?;
        while let Some((next, end)) = blocks.first_mut() {
            if *next < *end {
                *next += 1;
                return Some(*next - 1);
            }
            blocks.remove(0);
        }
        None
    }

    /// The next card number of tenant `t`.
    pub async fn next(self: &Arc<Self>, t: TenantId) -> AppResult<i64> {
        for _ in 0..3 {
            if let Some(n) = self.take(t) {
                return Ok(n);
            }
            // The reservation runs as a task of its own: if the registration waiting for it is
            // cancelled (its client went away), the reservation still completes and its block
            // is kept, rather than stopping half-way on the shared connection.
            let blocks = Arc::clone(self);
            tokio::spawn(async move { blocks.reserve(t).await })
                .await
                .map_err(|e| AppError::Store(format!("card number reservation failed: {e}")))??;
        }
        Err(AppError::Store(
            "no card number after three reservations".into(),
        ))
    }

    async fn reserve(&self, t: TenantId) -> AppResult<()> {
        let q = sql!(
            "INSERT INTO sequences (tenant_id, name, next_value) VALUES ($1, 'card_no', $2) \
             ON CONFLICT (tenant_id, name) DO UPDATE SET next_value = sequences.next_value + $3 \
             RETURNING next_value",
            t.get(),
            FIRST_CARD_NO + BLOCK - 1,
            BLOCK
        );
        let row = sqlx::query_with(&q.text, q.args().map_err(db)?)
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        let last = crate::row::from_any(&row)?.i64("next_value")?;
        // The block is [last - BLOCK + 1, last].
        self.free
            .lock()
            .map_err(|_| AppError::Store("card number blocks poisoned".into()))?
            .entry(t.get())
            .or_default()
            .push((last - BLOCK + 1, last + 1));
        Ok(())
    }
}
