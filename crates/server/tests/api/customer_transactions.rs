//! The transactions tab of the customer 360° view, at the HTTP level, on both databases: the
//! orders and refunds of all the customer's members (of every program), newest first, with
//! exact columns, paged 30 at a time; nobody else's orders; hidden from those who may not read
//! orders; another tenant's customer not found.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_testkit::both_databases;
use patron_testkit::fixtures::member_club;
use patron_testkit::{Client, TestApp};
use serde_json::{json, Value};

/// Registers a member of `program` for `phone`; returns (member id, customer id, card number).
async fn member(admin: &Client, program: &str, phone: &str) -> (String, String, String) {
    let r = admin
        .post(
            "/api/v1/members",
            &json!({"program": program, "channel": "pos", "phone": phone}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let m = &r.body["member"];
    let text = |k: &str| m[k].as_str().unwrap().to_string();
    (text("id"), text("customer_id"), text("card_no"))
}

fn order(no: &str, card: &str, at: &str, yuan: &str) -> Value {
    json!({
        "channel": "pos", "external_no": no, "store": "POS001", "member": {"card_no": card},
        "ordered_at": at, "lines": [{"product_code": "CN01836", "product_title": "切片", "quantity": 2, "net_amount": yuan}],
    })
}

async fn send(admin: &Client, body: &Value) -> String {
    let r = admin.post("/api/v1/orders", body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["order"]["id"].as_str().unwrap().to_string()
}

/// Club (¥1 → 1 point at POS001) and a second program, `vip`, with no rules.
async fn programs(admin: &Client) {
    let club = member_club(admin).await;
    let r = admin
        .post(
            &format!("/api/v1/programs/{}/cost-centers", club.program_id),
            &json!({"code": "marketing", "name": "营销成本中心"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = admin
        .post("/api/v1/point-rules", &json!({"program_id": club.program_id, "name": "1元1分", "status": "enabled",
            "point_group_id": club.points_group_id, "cost_center_id": r.body["id"], "award": "amount", "rate": "1",
            "validity_type": "fixed_period", "validity_days": 365, "store_codes": ["POS001"]}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = admin
        .post("/api/v1/programs", &json!({"code": "vip", "name": "VIP"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let vip = r.body["id"].as_str().unwrap().to_string();
    let r = admin
        .post(
            &format!("/api/v1/programs/{vip}/tiers"),
            &json!({"code": "base", "name": "VIP", "rank": 1, "is_base": true}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

/// The external numbers of the tab's rows, top to bottom.
fn rows(page: &str) -> Vec<String> {
    let marker = r#"data-test="transaction-row-"#;
    page.match_indices(marker)
        .map(|(at, _)| {
            let rest = &page[at + marker.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

/// The text of row `no` (up to the end of its `<tr>`).
fn row<'a>(page: &'a str, no: &str) -> &'a str {
    let at = page
        .find(&format!(r#"data-test="transaction-row-{no}""#))
        .unwrap_or_else(|| panic!("no row {no}"));
    let end = page[at..].find("</tr>").unwrap();
    &page[at..at + end]
}

async fn user_with(app: &TestApp, admin: &Client, login: &str, permissions: &[&str]) -> Client {
    let role = admin
        .post(
            "/api/v1/roles",
            &json!({"key": login, "name": login, "permissions": permissions}),
        )
        .await;
    assert_eq!(role.status, 201, "{}", role.text);
    let password = format!("{login}-password-1");
    let r = admin
        .post("/api/v1/users", &json!({"login_name": login, "display_name": login, "password": password, "role_ids": [role.body["id"]]}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let mut c = Client::new(&app.base);
    c.login("acme", login, &password).await;
    c
}

both_databases! {
    async fn the_transactions_tab_lists_every_members_orders_newest_first(app) {
        let admin = app.tenant_admin("acme").await;
        programs(&admin).await;
        // One customer, two member accounts (same phone, two programs); and someone else.
        let (_, customer, club_card) = member(&admin, "club", "13812345678").await;
        let (_, same, vip_card) = member(&admin, "vip", "13812345678").await;
        assert_eq!(customer, same);
        let (_, _, other_card) = member(&admin, "club", "13900000000").await;

        let sale = send(&admin, &order("o-1", &club_card, "2026-11-23T10:00:00+08:00", "500.00")).await;
        send(&admin, &order("o-2", &vip_card, "2026-11-23T11:00:00+08:00", "120.50")).await;
        send(&admin, &order("x-1", &other_card, "2026-11-23T12:00:00+08:00", "80.00")).await;
        let refund = json!({"direction": "refund", "channel": "pos", "external_no": "r-1", "original_order_no": "o-1",
            "store": "POS001", "ordered_at": "2026-11-24T09:30:00+08:00", "lines": [{"product_code": "CN01836", "quantity": 1}]});
        let refund = send(&admin, &refund).await;

        let page = admin.get(&format!("/console/customers/{customer}?tab=transactions")).await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert!(page.text.contains(r#"data-test="tab-transactions""#));
        assert_eq!(rows(&page.text), vec!["r-1", "o-2", "o-1"]);
        // Time (Shanghai), number, channel, store, direction, paid, points, link.
        let r = row(&page.text, "r-1");
        for part in ["2026-11-24 09:30", "r-1", "POS001 上海南京西路店", r#"data-test="transaction-direction">Refund<"#,
            r#"data-test="transaction-paid">-250.00<"#, r#"data-test="transaction-points">-250<"#, &format!(r#"href="/console/orders/{refund}""#)] {
            assert!(r.contains(part), "{part} in {r}");
        }
        let r = row(&page.text, "o-1");
        for part in ["2026-11-23 10:00", r#"data-test="transaction-direction">Sale<"#, r#"data-test="transaction-paid">500.00<"#,
            r#"data-test="transaction-points">500<"#, &format!(r#"href="/console/orders/{sale}""#)] {
            assert!(r.contains(part), "{part} in {r}");
        }
        // The vip program has no rules: a sale without points.
        assert!(row(&page.text, "o-2").contains(r#"data-test="transaction-points">0<"#));

        // 30 a page: 32 more orders put the first sale on page 2.
        for i in 0..32 {
            send(&admin, &order(&format!("p-{i:02}"), &club_card, "2026-11-25T10:00:00+08:00", "1.00")).await;
        }
        let first = admin.get(&format!("/console/customers/{customer}?tab=transactions")).await.text;
        assert_eq!(rows(&first).len(), 30);
        assert_eq!(rows(&first)[0], "p-31");
        assert!(first.contains(r#"data-test="pager-summary">Showing 1–30 of 35<"#), "{first}");
        assert!(first.contains(&format!("/console/customers/{customer}?tab=transactions&#38;page=2")), "{first}");
        let second = admin.get(&format!("/console/customers/{customer}?tab=transactions&page=2")).await.text;
        assert_eq!(rows(&second), vec!["p-01", "p-00", "r-1", "o-2", "o-1"]);

        // A customer without orders.
        let (_, lonely, _) = member(&admin, "club", "13700000000").await;
        let empty = admin.get(&format!("/console/customers/{lonely}?tab=transactions")).await.text;
        assert!(empty.contains(r#"data-test="no-transactions""#) && rows(&empty).is_empty());
    }

    async fn the_transactions_tab_needs_orders_read(app) {
        let admin = app.tenant_admin("acme").await;
        programs(&admin).await;
        let (_, customer, card) = member(&admin, "club", "13812345678").await;
        send(&admin, &order("o-1", &card, "2026-11-23T10:00:00+08:00", "500.00")).await;
        let path = format!("/console/customers/{customer}?tab=transactions");

        let clerk = user_with(&app, &admin, "clerk", &["customers:read"]).await;
        let page = clerk.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert!(!page.text.contains(r#"data-test="tab-transactions""#), "{}", page.text);
        assert!(page.text.contains(r#"data-test="basic-info""#) && rows(&page.text).is_empty());

        let analyst = user_with(&app, &admin, "analyst", &["customers:read", "orders:read"]).await;
        let page = analyst.get(&path).await;
        assert!(page.text.contains(r#"data-test="tab-transactions""#));
        assert_eq!(rows(&page.text), vec!["o-1"]);

        let other = app.tenant_admin("globex").await;
        assert_eq!(other.get(&path).await.status, 404);
    }
}
