//! What every handler can reach: the store, the clock, the API-key cache, the PII cipher, the
//! registration and order queues and settings.

use patron_app::api_keys::KeyCache;
use patron_app::clock::Clock;
use patron_app::members::registrar::Registrar;
use patron_app::orders::config_cache::ConfigCache;
use patron_app::orders::desk::OrderDesk;
use patron_app::pii::Pii;
use patron_app::Store;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub keys: Arc<KeyCache>,
    pub pii: Arc<Pii>,
    pub settings: Arc<HttpSettings>,
    /// The configuration orders read, per tenant, while it is current.
    pub order_config: Arc<ConfigCache>,
    /// Registrations through the API, written many to a transaction under load.
    pub registrar: Registrar,
    /// Orders through the API, written many to a transaction under load.
    pub orders: OrderDesk,
}

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Adds `Secure` to cookies; on when Patron is served over HTTPS.
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            max_body_bytes: 1024 * 1024,
        }
    }
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        pii: Arc<Pii>,
        settings: HttpSettings,
    ) -> Self {
        Self {
            registrar: Registrar::start(store.clone(), pii.clone()),
            orders: OrderDesk::start(store.clone()),
            store,
            clock,
            keys: Arc::new(KeyCache::default()),
            pii,
            settings: Arc::new(settings),
            order_config: Arc::new(ConfigCache::default()),
        }
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }
}
