//! The coupon center through the API, on both databases: the rule lifecycle with its approval
//! records, claims and campaign issues against stock, coupons checked against draft orders and
//! redeemed with them (every §11 rule with worked numbers), refunds giving coupons back,
//! transfers and their lapse, the expiry job, the §11.5 dashboard example, real concurrent
//! requests, tenant isolation and permissions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Datelike, TimeZone};
use patron_testkit::fixtures::{member_club, MemberClub};
use patron_testkit::{both_databases, Client};
use serde_json::{json, Value};

const DAY_MS: i64 = 86_400_000;

struct Club {
    club: MemberClub,
    cost_center: String,
}

async fn club(admin: &Client) -> Club {
    let club = member_club(admin).await;
    let r = admin
        .post(
            &format!("/api/v1/programs/{}/cost-centers", club.program_id),
            &json!({"code": "marketing", "name": "营销成本中心"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = admin
        .put(
            "/api/v1/products",
            &json!({"items": [
                {"code": "SKU1", "name": "香草甜筒", "price": "10.00"},
                {"code": "FRIES", "name": "咸味薯条", "price": "25.00"},
            ]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    Club {
        cost_center: r_id(
            &admin
                .get(&format!(
                    "/api/v1/programs/{}/cost-centers",
                    club.program_id
                ))
                .await
                .body["items"][0],
        ),
        club,
    }
}

fn r_id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// A member of the club: (member id, card number, customer id).
async fn member(admin: &Client, phone: &str) -> (String, String, String) {
    let r = admin
        .post(
            "/api/v1/members",
            &json!({"program": "club", "channel": "pos", "phone": phone}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let m = &r.body["member"];
    (
        r_id(m),
        m["card_no"].as_str().unwrap().to_string(),
        m["customer_id"].as_str().unwrap().to_string(),
    )
}

/// A cash-off rule: ¥20 off from ¥100, valid 7 days from the claim, public claim and campaign
/// issue, stock 100; `extra` overrides fields.
fn rule(c: &Club, extra: Value) -> Value {
    let mut r = json!({
        "name": "满100减20", "coupon_type": "cash_off", "program_id": c.club.program_id,
        "cost_center_id": c.cost_center, "cost": "1.50", "total_stock": 100,
        "threshold": "100", "amount_off": "20", "public_claim": true, "campaign_issue": true,
        "instructions": "每单限用一张", "validity_type": "duration", "valid_days": 7,
    });
    for (k, v) in extra.as_object().unwrap() {
        r[k] = v.clone();
    }
    r
}

/// Creates, submits and approves a rule; returns its id.
async fn published(admin: &Client, body: &Value) -> String {
    let r = admin.post("/api/v1/coupon-rules", body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r_id(&r.body);
    let r = admin
        .post(&format!("/api/v1/coupon-rules/{id}/submit"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = admin
        .post(&format!("/api/v1/coupon-rules/{id}/approve"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["rule_status"], "published");
    id
}

async fn claim(c: &Client, rule: &str, member: &str) -> (u16, Value) {
    let r = c
        .post(
            &format!("/api/v1/coupon-rules/{rule}/claim"),
            &json!({"member_id": member}),
        )
        .await;
    (r.status, r.body)
}

fn at(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .to_rfc3339()
}

/// An order of `card` at `store` with lines of (sku, quantity, receivable yuan).
fn order(
    no: &str,
    card: &str,
    store: &str,
    when: i64,
    lines: &[(&str, i64, &str)],
    coupons: &[&str],
) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .map(|(sku, q, amount)| {
            json!({"product_code": sku, "quantity": q, "receivable_amount": amount, "net_amount": amount})
        })
        .collect();
    json!({
        "channel": "pos", "external_no": no, "store": store, "member": {"card_no": card},
        "ordered_at": at(when), "lines": lines, "coupons": coupons,
    })
}

async fn check(c: &Client, order: &Value) -> Vec<(String, Option<String>)> {
    let r = c.post("/api/v1/coupons/check", order).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["coupons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            let outcome = match x["applies"].as_bool().unwrap() {
                true => x["discount"].as_str().unwrap().to_string(),
                false => x["reason"].as_str().unwrap().to_string(),
            };
            (outcome, x["message"].as_str().map(str::to_string))
        })
        .collect()
}

async fn reasons(c: &Client, order: &Value) -> Vec<String> {
    check(c, order).await.into_iter().map(|x| x.0).collect()
}

/// An API key for the coupon and order work, for tests that move the clock past a session's
/// life.
async fn key(app: &patron_testkit::TestApp, admin: &Client) -> Client {
    app.key_with(
        admin,
        &[
            "coupons:read",
            "coupons:manage",
            "coupons:approve",
            "coupons:issue",
            "orders:read",
            "orders:write",
            "jobs:read",
            "jobs:run",
        ],
    )
    .await
}

async fn coupon(c: &Client, code: &str) -> Value {
    let r = c.get(&format!("/api/v1/coupons/{code}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

both_databases! {
    async fn the_rule_lifecycle_with_approval_and_extra_stock(app) {
        let admin = app.tenant_admin("acme").await;
        let c = club(&admin).await;

        // Refusals name the field and write nothing.
        for (extra, code) in [
            (json!({"discount": "10", "coupon_type": "discount"}), "invalid_discount"),
            (json!({"amount_off": "120"}), "above_threshold"),
            (json!({"public_claim": false, "campaign_issue": false}), "required"),
            (json!({"cost_center_id": "nope"}), "unknown_cost_center"),
            (json!({"coupon_type": "exchange", "exchange_sku": "NOPE"}), "unknown_product"),
            (json!({"store_group_id": "missing"}), "unknown_group"),
        ] {
            let r = admin.post("/api/v1/coupon-rules", &rule(&c, extra.clone())).await;
            assert_eq!(r.status, 422, "{extra}: {}", r.text);
            assert_eq!(r.body["code"], code, "{extra}");
        }
        assert_eq!(admin.get("/api/v1/coupon-rules").await.body["total"], 0);

        let r = admin.post("/api/v1/coupon-rules", &rule(&c, json!({}))).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let id = r_id(&r.body);
        let today = chrono_tz::Asia::Shanghai
            .timestamp_millis_opt(app.clock_now())
            .unwrap()
            .format("%Y%m%d")
            .to_string();
        assert_eq!(r.body["rule_no"], format!("{today}00001"));
        assert_eq!(r.body["benefit"]["zh"], "满100元减免20元");
        assert_eq!(r.body["total_cost"], "150.00");
        assert_eq!(r.body["approval_status"], "not_submitted");
        assert_eq!(r.body["rule_status"], "draft");
        assert_eq!(r.body["weekdays"], json!([1, 2, 3, 4, 5, 6, 7]));
        assert_eq!(r.body["usable_to"], "23:59:59");

        // A draft hands nothing out.
        let (ann, _, _) = member(&admin, "13800000001").await;
        let (s, body) = claim(&admin, &id, &ann).await;
        assert_eq!((s, body["code"].as_str()), (409, Some("coupon_rule_not_published")));

        // An operator writes and submits but cannot approve.
        let operator = app.key_with(&admin, &["coupons:read", "coupons:manage"]).await;
        let r = operator.post(&format!("/api/v1/coupon-rules/{id}/submit"), &json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body["approval_status"], "pending");
        let r = operator.post(&format!("/api/v1/coupon-rules/{id}/approve"), &json!({})).await;
        assert_eq!(r.status, 403);
        assert_eq!(r.body["permission"], "coupons:approve");
        let r = operator.put(&format!("/api/v1/coupon-rules/{id}"), &rule(&c, json!({}))).await;
        assert_eq!(r.body["code"], "coupon_rule_not_editable");

        // Rejecting needs a reason and sends the rule back to draft.
        let r = admin.post(&format!("/api/v1/coupon-rules/{id}/reject"), &json!({})).await;
        assert_eq!(r.status, 422);
        assert_eq!(r.body["code"], "required");
        let r = admin
            .post(&format!("/api/v1/coupon-rules/{id}/reject"), &json!({"comment": "门槛太低"}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!((r.body["approval_status"].as_str(), r.body["rule_status"].as_str()), (Some("rejected"), Some("draft")));
        let r = operator
            .put(&format!("/api/v1/coupon-rules/{id}"), &rule(&c, json!({"threshold": "200"})))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body["threshold"], "200.00");
        assert_eq!(r.body["approval_status"], "not_submitted");
        operator.post(&format!("/api/v1/coupon-rules/{id}/submit"), &json!({})).await;
        let r = admin
            .post(&format!("/api/v1/coupon-rules/{id}/approve"), &json!({"comment": "同意"}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!((r.body["approval_status"].as_str(), r.body["rule_status"].as_str()), (Some("approved"), Some("published")));

        let r = admin.get(&format!("/api/v1/coupon-rules/{id}/approvals")).await;
        let steps: Vec<(String, String)> = r.body.as_array().unwrap().iter()
            .map(|a| (a["decision"].as_str().unwrap().into(), a["comment"].as_str().unwrap().into()))
            .collect();
        assert_eq!(steps, vec![
            ("submitted".into(), "".into()), ("rejected".into(), "门槛太低".into()),
            ("submitted".into(), "".into()), ("approved".into(), "同意".into()),
        ]);

        // Published: no edits, no deletion; coupons handed out stay when unpublished.
        let r = admin.put(&format!("/api/v1/coupon-rules/{id}"), &rule(&c, json!({}))).await;
        assert_eq!(r.body["code"], "coupon_rule_not_editable");
        let r = admin.delete(&format!("/api/v1/coupon-rules/{id}")).await;
        assert_eq!(r.body["code"], "coupon_rule_not_deletable");

        // Extra issuance (§11.4): stock 100 + 1000.
        let r = admin
            .post(&format!("/api/v1/coupon-rules/{id}/stock"), &json!({"quantity": 1000, "cost": "0", "reason": "库存不足"}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body["rule"]["total_stock"], 1100);
        assert_eq!(r.body["rule"]["remaining"], 1100);
        let r = admin.get(&format!("/api/v1/coupon-rules/{id}/issuances")).await;
        assert_eq!(r.body[0]["quantity"], 1000);
        assert_eq!(r.body[0]["reason"], "库存不足");
        let r = admin.post(&format!("/api/v1/coupon-rules/{id}/stock"), &json!({"quantity": 0, "reason": "x"})).await;
        assert_eq!(r.body["code"], "out_of_range");

        let r = admin.post(&format!("/api/v1/coupon-rules/{id}/unpublish"), &json!({})).await;
        assert_eq!(r.body["rule_status"], "unpublished");
        let r = admin.post(&format!("/api/v1/coupon-rules/{id}/stock"), &json!({"quantity": 1, "reason": "x"})).await;
        assert_eq!(r.body["code"], "coupon_rule_not_published");
        let r = admin.post(&format!("/api/v1/coupon-rules/{id}/publish"), &json!({})).await;
        assert_eq!(r.body["rule_status"], "published");

        // Copy: a new draft with the next number and the same terms.
        let r = admin.post(&format!("/api/v1/coupon-rules/{id}/copy"), &json!({})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.body["rule_no"], format!("{today}00002"));
        assert_eq!(r.body["name"], "满100减20 (copy)");
        assert_eq!(r.body["threshold"], "200.00");
        assert_eq!(r.body["rule_status"], "draft");
        let copy = r_id(&r.body);
        let r = admin.delete(&format!("/api/v1/coupon-rules/{copy}")).await;
        assert_eq!(r.body["rule_status"], "deleted");

        // Lists: deleted rules only when asked; filters by type and state.
        assert_eq!(admin.get("/api/v1/coupon-rules").await.body["total"], 1);
        assert_eq!(admin.get("/api/v1/coupon-rules?rule_status=deleted").await.body["total"], 1);
        assert_eq!(admin.get("/api/v1/coupon-rules?coupon_type=discount").await.body["total"], 0);
        assert_eq!(admin.get(&format!("/api/v1/coupon-rules?search={today}00001")).await.body["total"], 1);
        let r = admin.get("/api/v1/coupon-rules?rule_status=gone").await;
        assert_eq!(r.body["code"], "invalid_filter");

        // Audited, with before and after.
        let r = admin.get("/api/v1/audit?object_type=coupon_rule&limit=200").await;
        let actions: Vec<&str> = r.body["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        for a in ["coupon_rule.create", "coupon_rule.approve", "coupon_rule.reject", "coupon_rule.add_stock", "coupon_rule.copy", "coupon_rule.delete"] {
            assert!(actions.contains(&a), "{a} in {actions:?}");
        }

        // Another tenant sees nothing.
        let other = app.tenant_admin("other").await;
        assert_eq!(other.get(&format!("/api/v1/coupon-rules/{id}")).await.status, 404);
        assert_eq!(other.get("/api/v1/coupon-rules").await.body["total"], 0);
        assert_eq!(other.post(&format!("/api/v1/coupon-rules/{id}/unpublish"), &json!({})).await.status, 404);
    }

    async fn claims_respect_stock_limit_and_issue_mode(app) {
        let admin = app.tenant_admin("acme").await;
        let c = club(&admin).await;
        let (ann, ann_card, _) = member(&admin, "13800000001").await;
        let (bob, bob_card, _) = member(&admin, "13800000002").await;
        let id = published(&admin, &rule(&c, json!({"total_stock": 3, "per_member_limit": 2}))).await;

        let (s, first) = claim(&admin, &id, &ann).await;
        assert_eq!(s, 201, "{first}");
        let code = first["code"].as_str().unwrap();
        assert_eq!(code.len(), 16);
        assert_eq!(first["status"], "issued");
        assert_eq!(first["source"], "claim");
        // Valid from the claim to the end of the 7th local day.
        let from = chrono::DateTime::parse_from_rfc3339(first["valid_from"].as_str().unwrap()).unwrap();
        assert_eq!(from.timestamp_millis(), app.clock_now());
        let to = chrono::DateTime::parse_from_rfc3339(first["valid_to"].as_str().unwrap()).unwrap()
            .with_timezone(&chrono_tz::Asia::Shanghai);
        let claim_day = from.with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
        assert_eq!(to.date_naive(), claim_day + chrono::Days::new(6));
        assert_eq!(to.format("%H:%M:%S").to_string(), "23:59:59");

        assert_eq!(claim(&admin, &id, &ann).await.0, 201);
        let (s, body) = claim(&admin, &id, &ann).await;
        assert_eq!((s, body["code"].as_str()), (409, Some("coupon_claim_limit")));
        assert_eq!(claim(&admin, &id, &bob).await.0, 201);
        let (s, body) = claim(&admin, &id, &bob).await;
        assert_eq!((s, body["code"].as_str()), (409, Some("coupon_stock_exhausted")));
        let r = admin.get(&format!("/api/v1/coupon-rules/{id}")).await;
        assert_eq!((r.body["issued"].as_i64(), r.body["remaining"].as_i64()), (Some(3), Some(0)));

        // A mistyped code is caught by its check digit; a real one is found.
        let mut typo = code.to_string().into_bytes();
        typo[3] = if typo[3] == b'9' { b'0' } else { typo[3] + 1 };
        let r = admin.get(&format!("/api/v1/coupons/{}", String::from_utf8(typo).unwrap())).await;
        assert_eq!((r.status, r.body["code"].as_str()), (409, Some("coupon_code_invalid")));
        assert_eq!(coupon(&admin, code).await["rule_id"], id.as_str());

        // Campaign issue to a list: unknown cards reported, all or nothing against stock.
        let campaign_only = published(&admin, &rule(&c, json!({"public_claim": false, "total_stock": 2}))).await;
        let (s, body) = claim(&admin, &campaign_only, &ann).await;
        assert_eq!((s, body["code"].as_str()), (409, Some("coupon_not_claimable")));
        let r = admin
            .post(&format!("/api/v1/coupon-rules/{campaign_only}/issue"), &json!({"cards": [ann_card, "9999999", bob_card, bob_card], "campaign": "双11"}))
            .await;
        assert_eq!(r.status, 409, "{}", r.text);
        assert_eq!(r.body["code"], "coupon_stock_exhausted");
        let r = admin
            .post(&format!("/api/v1/coupon-rules/{campaign_only}/issue"), &json!({"cards": [ann_card, "9999999", bob_card], "campaign": "双11"}))
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.body["issued"], 2);
        assert_eq!(r.body["unknown_cards"], json!(["9999999"]));
        let codes: Vec<&str> = r.body["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
        assert_eq!(codes.len(), 2);
        assert_ne!(codes[0], codes[1]);
        let r = admin.get(&format!("/api/v1/coupons?rule_id={campaign_only}")).await;
        assert_eq!(r.body["total"], 2);
        assert_eq!(r.body["items"][0]["campaign"], "双11");

        // Unpublished: no claims.
        admin.post(&format!("/api/v1/coupon-rules/{id}/unpublish"), &json!({})).await;
        let (s, body) = claim(&admin, &id, &bob).await;
        assert_eq!((s, body["code"].as_str()), (409, Some("coupon_rule_not_published")));

        // Permissions and isolation.
        let reader = app.key_with(&admin, &["coupons:read"]).await;
        let (s, body) = claim(&reader, &campaign_only, &ann).await;
        assert_eq!((s, body["permission"].as_str()), (403, Some("coupons:issue")));
        let other = app.tenant_admin("other").await;
        assert_eq!(other.get(&format!("/api/v1/coupons/{code}")).await.status, 404);
        assert_eq!(other.get("/api/v1/coupons").await.body["total"], 0);
        assert_eq!(claim(&other, &campaign_only, &ann).await.0, 404);
    }

    async fn coupons_at_the_till(app) {
        let admin = app.tenant_admin("acme").await;
        let c = club(&admin).await;
        let (ann, ann_card, _) = member(&admin, "13800000001").await;
        let (bob, bob_card, _) = member(&admin, "13800000002").await;
        let now = app.clock_now();

        let cash_off = published(&admin, &rule(&c, json!({}))).await;
        let discount = published(&admin, &rule(&c, json!({"name": "8折", "coupon_type": "discount", "discount": "8", "threshold": null, "amount_off": null, "stackable": true}))).await;
        let exchange = published(&admin, &rule(&c, json!({"name": "满200送薯条", "coupon_type": "exchange", "exchange_sku": "FRIES", "threshold": "200", "amount_off": null}))).await;
        // Usable only on a weekday that is not today, in Shanghai.
        let today = chrono_tz::Asia::Shanghai.timestamp_millis_opt(now).unwrap().weekday().number_from_monday();
        let other_day = today % 7 + 1;
        let wrong_day = published(&admin, &rule(&c, json!({"name": "周末券", "weekdays": [other_day], "threshold": null, "amount_off": "5"}))).await;
        let morning = published(&admin, &rule(&c, json!({"name": "早餐券", "usable_from": "07:00", "usable_to": "07:00:01", "threshold": null, "amount_off": "5"}))).await;
        let later = published(&admin, &rule(&c, json!({"name": "明天起", "start_after_days": 1, "threshold": null, "amount_off": "5"}))).await;

        let mut codes = std::collections::HashMap::new();
        for (name, id) in [("cash_off", &cash_off), ("discount", &discount), ("exchange", &exchange), ("wrong_day", &wrong_day), ("morning", &morning), ("later", &later)] {
            let (s, body) = claim(&admin, id, &ann).await;
            assert_eq!(s, 201, "{body}");
            codes.insert(name, body["code"].as_str().unwrap().to_string());
        }
        let code = |n: &str| codes[n].clone();
        let (_, bobs) = claim(&admin, &cash_off, &bob).await;
        let bobs = bobs["code"].as_str().unwrap().to_string();

        // Threshold on ¥99.99 vs ¥100.00 (§11.1 满100减20).
        let short = order("T1", &ann_card, "POS001", now, &[("SKU1", 1, "60.00"), ("SKU1", 2, "39.99")], &[&code("cash_off")]);
        assert_eq!(reasons(&admin, &short).await, vec!["coupon_threshold_unmet"]);
        let met = order("T1", &ann_card, "POS001", now, &[("SKU1", 1, "60.00"), ("SKU1", 2, "40.00")], &[&code("cash_off")]);
        assert_eq!(reasons(&admin, &met).await, vec!["20.00"]);

        // 8折 on ¥99.99 takes ¥19.99 off (rounded down for the shop).
        let d = order("T2", &ann_card, "POS001", now, &[("SKU1", 3, "99.99")], &[&code("discount")]);
        assert_eq!(reasons(&admin, &d).await, vec!["19.99"]);
        // Exchange: one of three fries at ¥25.00 / 3 = ¥8.33, from ¥200.
        let e = order("T3", &ann_card, "POS001", now, &[("FRIES", 3, "25.00"), ("SKU1", 1, "175.00")], &[&code("exchange")]);
        assert_eq!(reasons(&admin, &e).await, vec!["8.33"]);
        let no_fries = order("T3", &ann_card, "POS001", now, &[("SKU1", 1, "200.00")], &[&code("exchange")]);
        assert_eq!(reasons(&admin, &no_fries).await, vec!["coupon_exchange_product_missing"]);

        // Day, time, window, owner, stacking, unknown and mistyped codes.
        let one = |c: &str| order("T4", &ann_card, "POS001", now, &[("SKU1", 1, "150.00")], &[c]);
        assert_eq!(reasons(&admin, &one(&code("wrong_day"))).await, vec!["coupon_wrong_day"]);
        let breakfast = order("T4", &ann_card, "POS001", now, &[("SKU1", 1, "10.00")], &[&code("morning")]);
        assert_eq!(reasons(&admin, &breakfast).await, vec!["coupon_wrong_time"]);
        assert_eq!(reasons(&admin, &one(&code("later"))).await, vec!["coupon_not_yet_valid"]);
        let bobs_on_ann = one(&bobs);
        assert_eq!(reasons(&admin, &bobs_on_ann).await, vec!["coupon_not_owned"]);
        let both = order("T5", &ann_card, "POS001", now, &[("SKU1", 1, "150.00")], &[&code("cash_off"), &code("discount")]);
        assert_eq!(reasons(&admin, &both).await, vec!["coupon_not_stackable", "30.00"]);
        assert_eq!(reasons(&admin, &one("1234 5678 9012 3456")).await, vec!["coupon_code_invalid"]);
        let unknown = patron_domain::coupons::code::from_random(7);
        assert_eq!(reasons(&admin, &one(&unknown)).await, vec!["coupon_unknown"]);

        // A refused coupon refuses the order, and nothing is written.
        let r = admin.post("/api/v1/orders", &short).await;
        assert_eq!((r.status, r.body["code"].as_str()), (409, Some("coupon_threshold_unmet")), "{}", r.text);
        assert_eq!(admin.get("/api/v1/orders").await.body["total"], 0);
        // Non-members cannot use coupons.
        let mut anonymous = met.clone();
        anonymous["member"] = json!({});
        let r = admin.post("/api/v1/orders", &anonymous).await;
        assert_eq!(r.body["code"], "coupons_need_member");

        // Redeemed with the order; a second order cannot use it again.
        let r = admin.post("/api/v1/orders", &met).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let order_id = r.body["order"]["id"].as_str().unwrap().to_string();
        let used = coupon(&admin, &code("cash_off")).await;
        assert_eq!(used["status"], "used");
        assert_eq!(used["order_id"], order_id.as_str());
        assert_eq!(used["deduction"], "20.00");
        let again = order("T6", &ann_card, "POS001", now, &[("SKU1", 1, "150.00")], &[&code("cash_off")]);
        let r = admin.post("/api/v1/orders", &again).await;
        assert_eq!((r.status, r.body["code"].as_str()), (409, Some("coupon_used")));
        // Sending the same order again is a replay, not a second use.
        let r = admin.post("/api/v1/orders", &met).await;
        assert_eq!(r.status, 200, "{}", r.text);

        // The data-analysis tab of the rule.
        let r = admin.get(&format!("/api/v1/coupon-rules/{cash_off}/dashboard")).await;
        assert_eq!(r.body, json!({
            "total_stock": 100, "remaining": 98, "claimers": 2, "users": 1, "new_customers": 1,
            "old_customers": 0, "coupons_used": 1, "order_total": "100.00", "coupon_amount": "20.00", "roi": "5.00",
        }));

        // The check needs orders:write; the order's member is another tenant's nobody.
        let reader = app.key_with(&admin, &["coupons:read"]).await;
        let r = reader.post("/api/v1/coupons/check", &met).await;
        assert_eq!((r.status, r.body["permission"].as_str()), (403, Some("orders:write")));
        let other = app.tenant_admin("other").await;
        member_club(&other).await;
        let r = other.post("/api/v1/coupons/check", &order("X", &bob_card, "POS001", now, &[("SKU1", 1, "150.00")], &[&bobs])).await;
        assert_eq!(r.body["coupons"][0]["reason"], "coupon_unknown", "{}", r.text);
    }

    async fn orders_with_coupons_arriving_together_are_accepted_together(app) {
        let admin = app.tenant_admin("acme").await;
        let c = club(&admin).await;
        let now = app.clock_now();
        let cash_off = published(&admin, &rule(&c, json!({}))).await;
        // Thirty orders that meet the ¥100 threshold (enough to arrive together on a busy
        // machine), one that does not, and one presenting the code of that member.
        const MET: usize = 30;
        let mut members = Vec::new();
        for i in 0..MET + 2 {
            members.push(member(&admin, &format!("138{:08}", 30_000 + i)).await);
        }
        let mut codes = Vec::new();
        for (id, _, _) in &members[..=MET] {
            let (s, body) = claim(&admin, &cash_off, id).await;
            assert_eq!(s, 201, "{body}");
            codes.push(body["code"].as_str().unwrap().to_string());
        }
        let mut bodies: Vec<Value> = (0..MET)
            .map(|i| order(&format!("B{i}"), &members[i].1, "POS001", now, &[("SKU1", 1, "150.00")], &[&codes[i]]))
            .collect();
        bodies.push(order("SHORT", &members[MET].1, "POS001", now, &[("SKU1", 1, "99.00")], &[&codes[MET]]));
        bodies.push(order("OTHERS", &members[MET + 1].1, "POS001", now, &[("SKU1", 1, "150.00")], &[&codes[MET]]));
        let post = |bodies: Vec<Value>| {
            let admin = admin.clone();
            async move {
                futures::future::join_all(bodies.iter().map(|b| admin.post("/api/v1/orders", b))).await
            }
        };
        let refused = [(409, Some("coupon_threshold_unmet")), (409, Some("coupon_not_owned"))];
        let answers = post(bodies.clone()).await;
        let got: Vec<(u16, Option<&str>)> = answers.iter().map(|r| (r.status, r.body["code"].as_str())).collect();
        let mut want = vec![(201, None); MET];
        want.extend(refused);
        assert_eq!(got, want);
        let desk = app.state.orders.stats();
        assert!(desk.accepted_together >= 2, "{desk:?}");
        assert_eq!(desk.failed_batches, 0, "{desk:?}");

        // Each coupon went to its own order, for ¥20; the refused orders wrote nothing.
        for (answer, code) in answers.iter().zip(&codes).take(MET) {
            let used = coupon(&admin, code).await;
            assert_eq!((used["status"].as_str(), used["deduction"].as_str()), (Some("used"), Some("20.00")));
            assert_eq!(used["order_id"], answer.body["order"]["id"]);
        }
        assert_eq!(coupon(&admin, &codes[MET]).await["status"], "issued");
        assert_eq!(admin.get("/api/v1/orders").await.body["total"], MET);
        // 30 × ¥150 = ¥4,500 on 30 × ¥20 = ¥600 of coupons: ROI 7.50; 100 − 31 claimed = 69.
        let r = admin.get(&format!("/api/v1/coupon-rules/{cash_off}/dashboard")).await;
        assert_eq!(r.body, json!({
            "total_stock": 100, "remaining": 69, "claimers": 31, "users": 30, "new_customers": 30,
            "old_customers": 0, "coupons_used": 30, "order_total": "4500.00", "coupon_amount": "600.00", "roi": "7.50",
        }));

        // The same burst again: the thirty are repeats, the two still refused, nothing changes.
        let again = post(bodies).await;
        let got: Vec<(u16, Option<&str>)> = again.iter().map(|r| (r.status, r.body["code"].as_str())).collect();
        let mut want = vec![(200, None); MET];
        want.extend(refused);
        assert_eq!(got, want);
        for (first, repeat) in answers.iter().zip(&again).take(MET) {
            assert_eq!(first.body["order"]["id"], repeat.body["order"]["id"]);
        }
        assert_eq!(admin.get("/api/v1/orders").await.body["total"], MET);
        assert_eq!(app.state.orders.stats().failed_batches, 0);
    }

    async fn a_full_refund_gives_the_coupon_back_when_the_rule_says_so(app) {
        let admin = app.tenant_admin("acme").await;
        let c = club(&admin).await;
        let (ann, card, _) = member(&admin, "13800000001").await;
        let admin = key(&app, &admin).await;
        let now = app.clock_now();
        let returns = published(&admin, &rule(&c, json!({"refund_returns_days": 3, "threshold": null, "amount_off": "10"}))).await;
        let keeps = published(&admin, &rule(&c, json!({"name": "不退", "threshold": null, "amount_off": "5", "stackable": true}))).await;
        let back = claim(&admin, &returns, &ann).await.1["code"].as_str().unwrap().to_string();
        let kept = claim(&admin, &keeps, &ann).await.1["code"].as_str().unwrap().to_string();

        let o = order("R1", &card, "POS001", now, &[("SKU1", 2, "50.00")], &[&back]);
        assert_eq!(admin.post("/api/v1/orders", &o).await.status, 201);
        let o2 = order("R2", &card, "POS001", now, &[("SKU1", 2, "50.00")], &[&kept]);
        assert_eq!(admin.post("/api/v1/orders", &o2).await.status, 201);

        app.clock.advance_ms(2 * DAY_MS);
        let refund = |no: &str, original: &str, qty: i64| json!({"direction": "refund", "channel": "pos", "external_no": no, "original_order_no": original,
            "store": "POS001", "ordered_at": at(app.clock_now()), "lines": [{"product_code": "SKU1", "quantity": -qty}]});
        // A partial refund keeps the coupon used.
        assert_eq!(admin.post("/api/v1/orders", &refund("R1-a", "R1", 1)).await.status, 201);
        assert_eq!(coupon(&admin, &back).await["status"], "used");
        // The rest: the order is gone, the coupon is back for 3 days from the refund.
        assert_eq!(admin.post("/api/v1/orders", &refund("R1-b", "R1", 1)).await.status, 201);
        let c1 = coupon(&admin, &back).await;
        assert_eq!(c1["status"], "issued");
        assert_eq!(c1["order_id"], Value::Null);
        let from = chrono::DateTime::parse_from_rfc3339(c1["valid_from"].as_str().unwrap()).unwrap();
        assert_eq!(from.timestamp_millis(), app.clock_now());
        let to = chrono::DateTime::parse_from_rfc3339(c1["valid_to"].as_str().unwrap()).unwrap().with_timezone(&chrono_tz::Asia::Shanghai);
        assert_eq!(to.date_naive(), from.with_timezone(&chrono_tz::Asia::Shanghai).date_naive() + chrono::Days::new(2));
        // The other rule does not return its coupon.
        assert_eq!(admin.post("/api/v1/orders", &refund("R2-a", "R2", 2)).await.status, 201);
        assert_eq!(coupon(&admin, &kept).await["status"], "used");
        // The returned coupon is usable again.
        let o3 = order("R3", &card, "POS001", app.clock_now(), &[("SKU1", 1, "30.00")], &[&back]);
        let r = admin.post("/api/v1/orders", &o3).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(coupon(&admin, &back).await["deduction"], "10.00");
    }

    async fn transfers_to_a_friend_and_their_lapse(app) {
        let admin = app.tenant_admin("acme").await;
        let c = club(&admin).await;
        let (ann, ann_card, ann_customer) = member(&admin, "13800000001").await;
        let (bob, bob_card, bob_customer) = member(&admin, "13800000002").await;
        let admin = key(&app, &admin).await;
        let now = app.clock_now();
        let giftable = published(&admin, &rule(&c, json!({"transfer_claim_hours": 24, "threshold": null, "amount_off": "10"}))).await;
        let plain = published(&admin, &rule(&c, json!({"name": "不可转赠", "threshold": null, "amount_off": "10"}))).await;
        let code = claim(&admin, &giftable, &ann).await.1["code"].as_str().unwrap().to_string();
        let fixed = claim(&admin, &plain, &ann).await.1["code"].as_str().unwrap().to_string();

        let r = admin.post(&format!("/api/v1/coupons/{fixed}/transfer"), &json!({})).await;
        assert_eq!((r.status, r.body["code"].as_str()), (409, Some("coupon_not_transferable")));

        let r = admin.post(&format!("/api/v1/coupons/{code}/transfer"), &json!({})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let transfer = r_id(&r.body);
        assert_eq!(r.body["status"], "pending");
        assert_eq!(r.body["giver_id"], ann_customer.as_str());
        assert_eq!(coupon(&admin, &code).await["status"], "transferring");
        // One open transfer at a time; a coupon being given cannot pay.
        let r = admin.post(&format!("/api/v1/coupons/{code}/transfer"), &json!({})).await;
        assert_eq!(r.body["code"], "coupon_transferring");
        let o = order("X1", &ann_card, "POS001", now, &[("SKU1", 1, "50.00")], &[&code]);
        assert_eq!(admin.post("/api/v1/orders", &o).await.body["code"], "coupon_transferring");
        // Not to oneself.
        let r = admin.post(&format!("/api/v1/coupon-transfers/{transfer}/accept"), &json!({"member_id": ann})).await;
        assert_eq!(r.body["code"], "transfer_to_self");

        app.clock.advance_ms(3_600_000);
        let r = admin.post(&format!("/api/v1/coupon-transfers/{transfer}/accept"), &json!({"member_id": bob})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body["status"], "succeeded");
        assert_eq!(r.body["receiver_id"], bob_customer.as_str());
        let scenes: Vec<(&str, &str, &str)> = r.body["log"].as_array().unwrap().iter()
            .map(|s| (s["scene"].as_str().unwrap(), s["from"].as_str().unwrap(), s["to"].as_str().unwrap())).collect();
        assert_eq!(scenes, vec![("initiate", "issued", "transferring"), ("accept", "transferring", "issued")]);
        let moved = coupon(&admin, &code).await;
        assert_eq!((moved["status"].as_str(), moved["customer_id"].as_str()), (Some("issued"), Some(bob_customer.as_str())));
        let r = admin.post(&format!("/api/v1/coupon-transfers/{transfer}/accept"), &json!({"member_id": bob})).await;
        assert_eq!(r.body["code"], "transfer_closed");
        // Now Bob's: his order may use it, Ann's not.
        let o = order("X2", &ann_card, "POS001", app.clock_now(), &[("SKU1", 1, "50.00")], &[&code]);
        assert_eq!(reasons(&admin, &o).await, vec!["coupon_not_owned"]);

        // Bob gives it on; Ann is too late: it goes back to Bob.
        let r = admin.post(&format!("/api/v1/coupons/{code}/transfer"), &json!({})).await;
        let second = r_id(&r.body);
        app.clock.advance_ms(25 * 3_600_000);
        let r = admin.post(&format!("/api/v1/coupon-transfers/{second}/accept"), &json!({"member_id": ann})).await;
        assert_eq!((r.status, r.body["code"].as_str()), (409, Some("transfer_expired")), "{}", r.text);
        let back = coupon(&admin, &code).await;
        assert_eq!((back["status"].as_str(), back["customer_id"].as_str()), (Some("issued"), Some(bob_customer.as_str())));
        let r = admin.get(&format!("/api/v1/coupon-transfers/{second}")).await;
        assert_eq!(r.body["status"], "returned");

        // A third transfer lapses through the daily job.
        let r = admin.post(&format!("/api/v1/coupons/{code}/transfer"), &json!({})).await;
        let third = r_id(&r.body);
        app.clock.advance_ms(25 * 3_600_000);
        let today = chrono_tz::Asia::Shanghai.timestamp_millis_opt(app.clock_now()).unwrap().format("%Y-%m-%d").to_string();
        let (_, run) = crate::jobs::run_job(&admin, "expire-coupons", &today).await;
        assert_eq!(run["status"], "succeeded", "{run}");
        assert_eq!(run["summary"]["transfers_returned"], 1, "{run}");
        assert_eq!(admin.get(&format!("/api/v1/coupon-transfers/{third}")).await.body["status"], "returned");
        assert_eq!(coupon(&admin, &code).await["status"], "issued");
        let r = admin.get("/api/v1/coupon-transfers?status=returned").await;
        assert_eq!(r.body["total"], 2);
        let r = admin.get(&format!("/api/v1/coupon-transfers?giver_id={ann_customer}")).await;
        assert_eq!(r.body["total"], 1);
        let _ = bob_card;

        // Ten days on, both coupons are past their 7 days: the job expires them, once.
        app.clock.advance_ms(10 * DAY_MS);
        let today = chrono_tz::Asia::Shanghai.timestamp_millis_opt(app.clock_now()).unwrap().format("%Y-%m-%d").to_string();
        let (_, run) = crate::jobs::run_job(&admin, "expire-coupons", &today).await;
        assert_eq!(run["summary"]["coupons_expired"], 2, "{run}");
        let (status, again) = crate::jobs::run_job(&admin, "expire-coupons", &today).await;
        assert_eq!((status, again["id"].as_str()), (200, run["id"].as_str()), "runs once per date");
        assert_eq!(coupon(&admin, &code).await["status"], "expired");
        assert_eq!(coupon(&admin, &fixed).await["status"], "expired");
        let r = admin.post(&format!("/api/v1/coupons/{code}/transfer"), &json!({})).await;
        assert_eq!(r.body["code"], "coupon_expired");
        let other = app.tenant_admin("other").await;
        assert_eq!(other.get(&format!("/api/v1/coupon-transfers/{third}")).await.status, 404);
        assert_eq!(other.post(&format!("/api/v1/coupons/{code}/transfer"), &json!({})).await.status, 404);
    }

    async fn the_dashboard_example_of_the_manual(app) {
        // §11.5: stock 200, 50 handed out and used on orders of ¥190 paid with a ¥10 coupon by
        // returning customers: remaining 150, order total ¥9,500, ROI 9500 ÷ (50 × 10) = 19.
        let admin = app.tenant_admin("acme").await;
        let c = club(&admin).await;
        let id = published(&admin, &rule(&c, json!({"name": "测试数据(大批量)3", "total_stock": 200, "threshold": null, "amount_off": "10", "public_claim": false}))).await;
        let now = app.clock_now();
        let mut cards = Vec::new();
        for i in 0..50 {
            let (_, card, _) = member(&admin, &format!("138{:08}", 10_000 + i)).await;
            // An earlier purchase: these are old customers.
            let first = order(&format!("P{i}"), &card, "POS001", now - DAY_MS, &[("SKU1", 1, "10.00")], &[]);
            assert_eq!(admin.post("/api/v1/orders", &first).await.status, 201);
            cards.push(card);
        }
        let r = admin.post(&format!("/api/v1/coupon-rules/{id}/issue"), &json!({"cards": cards})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let codes: Vec<String> = r.body["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
        for (i, (card, code)) in cards.iter().zip(&codes).enumerate() {
            let mut o = order(&format!("C{i}"), card, "POS001", now, &[("SKU1", 2, "200.00")], &[code]);
            o["paid"] = json!("190.00");
            let r = admin.post("/api/v1/orders", &o).await;
            assert_eq!(r.status, 201, "{}", r.text);
        }
        let r = admin.get(&format!("/api/v1/coupon-rules/{id}/dashboard")).await;
        assert_eq!(r.body, json!({
            "total_stock": 200, "remaining": 150, "claimers": 50, "users": 50, "new_customers": 0,
            "old_customers": 50, "coupons_used": 50, "order_total": "9500.00", "coupon_amount": "500.00", "roi": "19.00",
        }));
    }

    async fn concurrent_claims_redemptions_and_transfers(app) {
        let admin = app.tenant_admin("acme").await;
        let c = club(&admin).await;
        let mut members = Vec::new();
        for i in 0..10 {
            members.push(member(&admin, &format!("138{:08}", 20_000 + i)).await);
        }
        // 1,000 claims at once against a stock of 100.
        let id = published(&admin, &rule(&c, json!({"total_stock": 100}))).await;
        let claims = (0..1000).map(|i| {
            let admin = &admin;
            let id = &id;
            let m = &members[i % 10].0;
            async move { claim(admin, id, m).await }
        });
        let results = futures::future::join_all(claims).await;
        let won: Vec<&Value> = results.iter().filter(|(s, _)| *s == 201).map(|(_, b)| b).collect();
        assert_eq!(won.len(), 100);
        assert!(results.iter().all(|(s, b)| *s == 201 || b["code"] == "coupon_stock_exhausted"), "only stock refusals");
        let mut codes: Vec<&str> = won.iter().map(|b| b["code"].as_str().unwrap()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 100, "no duplicate code");
        let r = admin.get(&format!("/api/v1/coupons?rule_id={id}&limit=1")).await;
        assert_eq!(r.body["total"], 100);
        let r = admin.get(&format!("/api/v1/coupon-rules/{id}")).await;
        assert_eq!((r.body["issued"].as_i64(), r.body["remaining"].as_i64()), (Some(100), Some(0)));

        // One code on two orders at once: one order takes it.
        let now = app.clock_now();
        let (ann, ann_card, ann_customer) = &members[0];
        let mine = won.iter().find(|b| b["customer_id"] == ann_customer.as_str()).unwrap();
        let code = mine["code"].as_str().unwrap().to_string();
        let a = order("D1", ann_card, "POS001", now, &[("SKU1", 1, "150.00")], &[&code]);
        let b = order("D2", ann_card, "POS001", now, &[("SKU1", 1, "150.00")], &[&code]);
        let (ra, rb) = tokio::join!(admin.post("/api/v1/orders", &a), admin.post("/api/v1/orders", &b));
        let mut statuses = vec![ra.status, rb.status];
        statuses.sort();
        assert_eq!(statuses, vec![201, 409], "{} / {}", ra.text, rb.text);
        assert_eq!(admin.get("/api/v1/orders").await.body["total"], 1);

        // A transfer racing an order: either the order used it, or it is being given, never both.
        let transferable = published(&admin, &rule(&c, json!({"name": "可转赠", "transfer_claim_hours": 24}))).await;
        for round in 0..5 {
            let code = claim(&admin, &transferable, ann).await.1["code"].as_str().unwrap().to_string();
            let o = order(&format!("T{round}"), ann_card, "POS001", now, &[("SKU1", 1, "150.00")], &[&code]);
            let transfer_path = format!("/api/v1/coupons/{code}/transfer");
            let empty = json!({});
            let (ro, rt) = tokio::join!(admin.post("/api/v1/orders", &o), admin.post(&transfer_path, &empty));
            let state = coupon(&admin, &code).await;
            match (ro.status, rt.status) {
                (201, 409) => assert_eq!(state["status"], "used"),
                (409, 201) => assert_eq!(state["status"], "transferring"),
                other => panic!("both or neither won: {other:?} {} {}", ro.text, rt.text),
            }
        }
    }

    async fn coupons_bought_with_points_and_the_cancellation(app) {
        let admin = app.tenant_admin("acme").await;
        let c = club(&admin).await;
        let (ann, card, _) = member(&admin, "13800000001").await;
        let group = c.club.points_group_id.clone();
        let r = admin
            .post(&format!("/api/v1/members/{ann}/point-adjustments"), &json!({"point_group": group, "points": 500, "reason": "开卡礼"}))
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        let id = published(&admin, &rule(&c, json!({"threshold": null, "amount_off": "10", "total_stock": 5}))).await;
        let buy = |points: i64| json!({"member_id": ann, "point_group": group, "points": points});

        let r = admin.post(&format!("/api/v1/coupon-rules/{id}/buy"), &buy(300)).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.body["coupon"]["source"], "points");
        assert_eq!(r.body["points"]["records"][0]["operation"], "redeem_coupon");
        assert_eq!(r.body["points"]["records"][0]["change"], -300);
        assert_eq!(r.body["points"]["account"]["available"], 200);
        let record = r_id(&r.body["points"]["records"][0]);
        let code = r.body["coupon"]["code"].as_str().unwrap().to_string();

        // Not enough points: refused whole, the stock untouched.
        let r = admin.post(&format!("/api/v1/coupon-rules/{id}/buy"), &buy(300)).await;
        assert_eq!((r.status, r.body["code"].as_str()), (409, Some("insufficient_points")), "{}", r.text);
        assert_eq!(admin.get(&format!("/api/v1/coupon-rules/{id}")).await.body["issued"], 1);

        // Cancelling the redemption voids the unused coupon and returns points and stock.
        let r = admin.post(&format!("/api/v1/point-records/{record}/cancel"), &json!({"reason": "买错了"})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body["account"]["available"], 500);
        assert_eq!(coupon(&admin, &code).await["status"], "void");
        assert_eq!(admin.get(&format!("/api/v1/coupon-rules/{id}")).await.body["issued"], 0);
        let o = order("V1", &card, "POS001", app.clock_now(), &[("SKU1", 1, "30.00")], &[&code]);
        assert_eq!(reasons(&admin, &o).await, vec!["coupon_void"]);

        // A bought coupon that was used cannot be cancelled.
        let r = admin.post(&format!("/api/v1/coupon-rules/{id}/buy"), &buy(100)).await;
        let record = r_id(&r.body["points"]["records"][0]);
        let code = r.body["coupon"]["code"].as_str().unwrap().to_string();
        let o = order("V2", &card, "POS001", app.clock_now(), &[("SKU1", 1, "30.00")], &[&code]);
        assert_eq!(admin.post("/api/v1/orders", &o).await.status, 201);
        let r = admin.post(&format!("/api/v1/point-records/{record}/cancel"), &json!({"reason": "x"})).await;
        assert_eq!((r.status, r.body["code"].as_str()), (409, Some("coupon_used")));

        // The ledger adds up.
        let found = patron_app::points::verify::run(&app.store).await.unwrap();
        assert!(found.is_empty(), "{found:?}");
        // Buying needs points:redeem.
        let issuer = app.key_with(&admin, &["coupons:issue"]).await;
        let r = issuer.post(&format!("/api/v1/coupon-rules/{id}/buy"), &buy(1)).await;
        assert_eq!((r.status, r.body["permission"].as_str()), (403, Some("points:redeem")));
    }

    async fn store_and_product_groups_scope_a_coupon(app) {
        let admin = app.tenant_admin("acme").await;
        let c = club(&admin).await;
        let (ann, card, _) = member(&admin, "13800000001").await;
        let group = |kind: &str, name: &str, codes: Value| {
            let admin = &admin;
            let (kind, name) = (kind.to_string(), name.to_string());
            async move {
                let r = admin.post(&format!("/api/v1/{kind}-groups"), &json!({"name": name, "description": name})).await;
                assert_eq!(r.status, 201, "{}", r.text);
                let id = r_id(&r.body);
                let r = admin.post(&format!("/api/v1/{kind}-groups/{id}/members"), &json!({"codes": codes})).await;
                assert_eq!(r.status, 200, "{}", r.text);
                id
            }
        };
        let shops = group("store", "线下门店", json!(["POS001"])).await;
        let cones = group("product", "甜筒", json!(["SKU1"])).await;
        // Groups must be enabled before a rule names them.
        let scoped = rule(&c, json!({"store_group_id": shops, "product_group_id": cones, "threshold": "50"}));
        let r = admin.post("/api/v1/coupon-rules", &scoped).await;
        assert_eq!((r.status, r.body["code"].as_str()), (422, Some("group_not_enabled")), "{}", r.text);
        for (kind, id) in [("store", &shops), ("product", &cones)] {
            let r = admin.post(&format!("/api/v1/{kind}-groups/{id}/enable"), &json!({})).await;
            assert_eq!(r.status, 200, "{}", r.text);
        }
        let r = admin.post("/api/v1/coupon-rules", &rule(&c, json!({"store_group_id": cones}))).await;
        assert_eq!(r.body["code"], "unknown_group", "a product group as the store scope");
        let id = published(&admin, &scoped).await;
        let code = claim(&admin, &id, &ann).await.1["code"].as_str().unwrap().to_string();
        let now = app.clock_now();

        // At the mini program's store: out of scope.
        let online = order("G1", &card, "WXMINI001", now, &[("SKU1", 5, "60.00")], &[&code]);
        assert_eq!(reasons(&admin, &online).await, vec!["coupon_store_out_of_scope"]);
        // Only fries: no covered product.
        let fries = order("G2", &card, "POS001", now, &[("FRIES", 5, "80.00")], &[&code]);
        assert_eq!(reasons(&admin, &fries).await, vec!["coupon_products_out_of_scope"]);
        // ¥40 of cones and ¥80 of fries: the ¥50 threshold counts the cones only.
        let mixed = order("G3", &card, "POS001", now, &[("SKU1", 4, "40.00"), ("FRIES", 5, "80.00")], &[&code]);
        assert_eq!(reasons(&admin, &mixed).await, vec!["coupon_threshold_unmet"]);
        let enough = order("G4", &card, "POS001", now, &[("SKU1", 5, "50.00"), ("FRIES", 5, "80.00")], &[&code]);
        assert_eq!(reasons(&admin, &enough).await, vec!["20.00"]);
        assert_eq!(admin.post("/api/v1/orders", &enough).await.status, 201);

        // A group a rule names cannot be deleted.
        let r = admin.delete(&format!("/api/v1/store-groups/{shops}")).await;
        assert_eq!((r.status, r.body["code"].as_str()), (409, Some("group_in_use")), "{}", r.text);
    }

    async fn the_demo_has_rules_of_each_type_and_coupons_in_each_state(app) {
        let pii = patron_app::pii::Pii::new(patron_testkit::TEST_PII_KEY);
        patron_app::bootstrap::seed_demo(&app.store, &pii, app.clock_now(), 60).await.unwrap();
        let mut admin = app.anonymous();
        admin.login("demo", "admin", "patron-demo-admin").await;
        let rules = admin.get("/api/v1/coupon-rules?limit=50").await.body;
        let states: Vec<(String, String, String)> = rules["items"].as_array().unwrap().iter()
            .map(|r| (r["name"].as_str().unwrap().into(), r["coupon_type"].as_str().unwrap().into(), r["rule_status"].as_str().unwrap().into()))
            .collect();
        for (name, kind, status) in [
            ("满100减20", "cash_off", "published"), ("门店无门槛减5元", "cash_off", "published"),
            ("冰淇淋工作日8折", "discount", "published"), ("满200兑换甜筒", "exchange", "published"),
            ("会员日9折", "discount", "draft"), ("新客满50减10", "cash_off", "draft"),
            ("周年庆无门槛减10元", "cash_off", "published"),
        ] {
            assert!(states.contains(&(name.into(), kind.into(), status.into())), "{name} in {states:?}");
        }
        assert_eq!(admin.get("/api/v1/coupon-rules?approval_status=pending").await.body["total"], 1);
        let count = |status: &str| {
            let admin = &admin;
            let status = status.to_string();
            async move { admin.get(&format!("/api/v1/coupons?status={status}&limit=1")).await.body["total"].as_i64().unwrap() }
        };
        assert_eq!(count("used").await, 10);
        assert_eq!(count("expired").await, 30);
        assert_eq!(count("transferring").await, 1);
        assert_eq!(count("issued").await, 40 - 10 - 1 + 10);
        assert_eq!(admin.get("/api/v1/coupon-transfers?status=succeeded").await.body["total"], 2);
        let id = rules["items"].as_array().unwrap().iter().find(|r| r["name"] == "满100减20").unwrap()["id"].as_str().unwrap().to_string();
        let d = admin.get(&format!("/api/v1/coupon-rules/{id}/dashboard")).await.body;
        assert_eq!((d["remaining"].as_i64(), d["users"].as_i64(), d["order_total"].as_str(), d["roi"].as_str()), (Some(4960), Some(10), Some("1280.00"), Some("6.40")));
        let found = patron_app::points::verify::run(&app.store).await.unwrap();
        assert!(found.is_empty(), "{found:?}");
    }
}
