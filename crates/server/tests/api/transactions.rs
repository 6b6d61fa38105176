//! Transactions under concurrency: each commits or rolls back on its own, even where the store
//! commits several together (SQLite's group commit).

use patron_app::model::Tenant;
use patron_app::{AppError, Store};
use patron_domain::ids::TenantId;
use patron_domain::tenant::TenantStatus;
use patron_testkit::both_databases;
use std::sync::Arc;

fn tenant(code: &str) -> Tenant {
    Tenant {
        id: TenantId::new(0),
        code: code.to_string(),
        name: code.to_uppercase(),
        time_zone: "Asia/Shanghai".into(),
        currency: "CNY".into(),
        status: TenantStatus::Active,
        created_at_ms: 1,
        updated_at_ms: 1,
        config_version: 0,
    }
}

/// What a transaction does before it ends.
#[derive(Clone, Copy, Debug, PartialEq)]
enum End {
    Commit,
    /// Dropped after its writes, as when a use case fails.
    Drop,
    /// A statement fails (a duplicate code) after a first write; the use case gives up.
    FailThenDrop,
}

both_databases! {
    async fn concurrent_transactions_commit_or_roll_back_each_on_its_own(app) {
        let store: Arc<dyn Store> = Arc::new(app.store.clone());
        let mut tx = store.begin().await.unwrap();
        tx.insert_tenant(&tenant("taken")).await.unwrap();
        tx.commit().await.unwrap();
        let mut tasks = Vec::new();
        for i in 0..90 {
            let end = [End::Commit, End::Drop, End::FailThenDrop][i % 3];
            let store = Arc::clone(&store);
            tasks.push(tokio::spawn(async move {
                let mut tx = store.begin().await.unwrap();
                tx.insert_tenant(&tenant(&format!("t{i}"))).await.unwrap();
                // Let the others queue for the writer, so commits are shared.
                tokio::task::yield_now().await;
                match end {
                    End::Commit => tx.commit().await.unwrap(),
                    End::Drop => drop(tx),
                    End::FailThenDrop => {
                        let e = tx.insert_tenant(&tenant("taken")).await.unwrap_err();
                        assert!(matches!(&e, AppError::Conflict { code, .. } if *code == "tenant_code_taken"), "{e:?}");
                        drop(tx);
                    }
                }
                (i, end)
            }));
        }
        let mut expected: Vec<String> = vec!["taken".into()];
        for t in tasks {
            let (i, end) = t.await.unwrap();
            if end == End::Commit {
                expected.push(format!("t{i}"));
            }
        }
        let mut reader = store.reader().await.unwrap();
        let mut found = Vec::new();
        for code in std::iter::once("taken".to_string()).chain((0..90).map(|i| format!("t{i}"))) {
            if reader.tenant_by_code(&code).await.unwrap().is_some() {
                found.push(code);
            }
        }
        expected.sort();
        found.sort();
        assert_eq!(found.len(), 31);
        assert_eq!(found, expected);
    }
}
