//! The loyalty configuration through the API: programs, point groups, cost centers, tiers and
//! tier rules, in the set-up order of spec §4.1, with the rules an operator relies on.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_testkit::{both_databases, Client};
use serde_json::{json, Value};

const FAKE_UUID: &str = "01a20000-0000-7000-8000-000000000000";

fn id(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

/// Creates `POST path` and returns the new record, insisting on 201.
async fn created(c: &Client, path: &str, body: Value) -> Value {
    let r = c.post(path, &body).await;
    assert_eq!(r.status, 201, "POST {path} {body}: {}", r.text);
    r.body
}

/// The manual's configuration (spec §5): a program, two point groups, two cost centers, four
/// tiers and the three tier rules. Returns (program, points group, tier ids base..platinum).
async fn manual_setup(c: &Client) -> (String, String, Vec<String>) {
    let program = id(&created(
        c,
        "/api/v1/programs",
        json!({"code": "member-club", "name": "品牌会员计划 Brand member program"}),
    )
    .await);
    let groups = format!("/api/v1/programs/{program}/point-groups");
    let points = id(&created(c, &groups, json!({"code": "points", "name": "积分"})).await);
    created(c, &groups, json!({"code": "growth", "name": "成长值"})).await;
    let tiers_path = format!("/api/v1/programs/{program}/tiers");
    let mut tiers = vec![id(&created(
        c,
        &tiers_path,
        json!({"code": "base", "name": "普通会员", "rank": 1, "is_base": true}),
    )
    .await)];
    for (code, name, rank) in [
        ("silver", "银卡会员", 2),
        ("gold", "金卡会员", 3),
        ("platinum", "铂金卡会员", 4),
    ] {
        let body = json!({"code": code, "name": name, "rank": rank, "validity_type": "fixed_period", "validity_days": 365});
        tiers.push(id(&created(c, &tiers_path, body).await));
    }
    let rules = format!("/api/v1/programs/{program}/tier-rules");
    for (name, tier, start, end) in [
        ("银卡会员条件", 1, json!(300), json!(1000)),
        ("金卡会员条件", 2, json!(1000), json!(5000)),
        ("铂金卡会员条件", 3, json!(5000), json!(999_999_999)),
    ] {
        let body = json!({"name": name, "tier_id": tiers[tier], "point_group_id": points, "condition": "accumulated_points", "window_days": 365, "range_start": start, "range_end": end});
        created(c, &rules, body).await;
    }
    (program, points, tiers)
}

both_databases! {
    async fn a_program_is_created_listed_renamed_and_deleted(app) {
        let admin = app.tenant_admin("acme").await;
        let p = created(&admin, "/api/v1/programs", json!({"code": "member-club", "name": " 品牌会员计划 Brand member program "})).await;
        assert_eq!(p["code"], "member-club");
        assert_eq!(p["name"], "品牌会员计划 Brand member program");
        let program = id(&p);
        let dup = admin.post("/api/v1/programs", &json!({"code": "member-club", "name": "x"})).await;
        assert_eq!((dup.status, dup.code(), dup.body["field"].as_str()), (409, "program_code_taken", Some("code")));
        let bad = admin.post("/api/v1/programs", &json!({"code": "Member Club", "name": "x"})).await;
        assert_eq!((bad.status, bad.code(), bad.body["field"].as_str()), (422, "invalid_code", Some("code")));
        created(&admin, "/api/v1/programs", json!({"code": "staff", "name": "Staff club"})).await;

        let all = admin.get("/api/v1/programs").await.body;
        assert_eq!(all["total"], 2);
        assert_eq!(all["items"][0]["code"], "member-club");
        let found = admin.get("/api/v1/programs?search=BRAND").await.body;
        assert_eq!((found["total"].as_u64(), found["items"][0]["id"].as_str()), (Some(1), Some(program.as_str())));
        let first = admin.get("/api/v1/programs?limit=1").await.body;
        assert_eq!(first["items"].as_array().unwrap().len(), 1);
        let next = first["next_cursor"].as_str().unwrap();
        let second = admin.get(&format!("/api/v1/programs?limit=1&after={next}")).await.body;
        assert_eq!(second["items"][0]["code"], "staff");
        assert_eq!(second["next_cursor"], Value::Null);

        let r = admin.patch(&format!("/api/v1/programs/{program}"), &json!({"name": "Member club 会员俱乐部"})).await;
        assert_eq!((r.status, r.body["name"].as_str(), r.body["code"].as_str()), (200, Some("Member club 会员俱乐部"), Some("member-club")));
        let r = admin.patch(&format!("/api/v1/programs/{program}"), &json!({"code": "other"})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (400, "invalid_json", Some("code")));

        assert_eq!(admin.delete(&format!("/api/v1/programs/{program}")).await.status, 204);
        assert_eq!(admin.get(&format!("/api/v1/programs/{program}")).await.status, 404);
        assert_eq!(admin.get("/api/v1/programs").await.body["total"], 1);
    }

    async fn the_manuals_configuration_is_built_in_order_and_taken_apart_in_reverse(app) {
        let admin = app.tenant_admin("acme").await;
        let (program, points, tiers) = manual_setup(&admin).await;
        let ccs = format!("/api/v1/programs/{program}/cost-centers");
        let cc = created(&admin, &ccs, json!({"code": "membership", "name": "会员成本中心"})).await;
        assert_eq!((cc["code"].as_str(), cc["name"].as_str(), cc["program_id"].as_str()), (Some("membership"), Some("会员成本中心"), Some(program.as_str())));
        created(&admin, &ccs, json!({"code": "marketing", "name": "营销成本中心"})).await;
        assert_eq!(admin.get(&ccs).await.body["total"], 2);
        let r = admin.post(&ccs, &json!({"code": "marketing", "name": "x"})).await;
        assert_eq!((r.status, r.code()), (409, "cost_center_code_taken"));

        let groups = admin.get(&format!("/api/v1/programs/{program}/point-groups")).await.body;
        assert_eq!(groups["total"], 2);
        assert_eq!(groups["items"][0]["name"], "积分");
        assert_eq!(groups["items"][1]["code"], "growth");
        let r = admin.patch(&format!("/api/v1/point-groups/{points}"), &json!({"name": "积分 Points"})).await;
        assert_eq!((r.status, r.body["name"].as_str(), r.body["code"].as_str()), (200, Some("积分 Points"), Some("points")));

        let listed = admin.get(&format!("/api/v1/programs/{program}/tiers")).await.body;
        assert_eq!(listed["total"], 4);
        let base = &listed["items"][0];
        assert_eq!((base["code"].as_str(), base["rank"].as_i64(), base["is_base"].as_bool()), (Some("base"), Some(1), Some(true)));
        assert_eq!((base["validity_type"].clone(), base["validity_days"].clone()), (Value::Null, Value::Null));
        let silver = admin.get(&format!("/api/v1/tiers/{}", tiers[1])).await.body;
        assert_eq!((silver["name"].as_str(), silver["rank"].as_i64(), silver["validity_type"].as_str(), silver["validity_days"].as_i64()), (Some("银卡会员"), Some(2), Some("fixed_period"), Some(365)));
        assert_eq!(admin.get(&format!("/api/v1/programs/{program}/tiers?search=%E9%87%91")).await.body["total"], 2, "金卡会员 and 铂金卡会员");
        assert_eq!(admin.get(&format!("/api/v1/programs/{program}/tiers?search=GOLD")).await.body["total"], 1);

        let rules = admin.get(&format!("/api/v1/programs/{program}/tier-rules")).await.body;
        assert_eq!(rules["total"], 3);
        let silver_rule = &rules["items"][0];
        assert_eq!(silver_rule["name"], "银卡会员条件");
        assert_eq!(silver_rule["tier_id"], tiers[1].as_str());
        assert_eq!(silver_rule["point_group_id"], points.as_str());
        assert_eq!((silver_rule["condition"].as_str(), silver_rule["window_days"].as_i64()), (Some("accumulated_points"), Some(365)));
        assert_eq!((silver_rule["range_start"].as_str(), silver_rule["range_end"].as_str()), (Some("300"), Some("1000")));
        assert_eq!(silver_rule["enabled"], true);
        // 999999999 means no upper limit.
        let platinum_rule = &rules["items"][2];
        assert_eq!((platinum_rule["range_start"].as_str(), platinum_rule["range_end"].clone()), (Some("5000"), Value::Null));
        let platinum_rule = id(platinum_rule);

        // Changing a tier's validity to a fixed date.
        let r = admin.patch(&format!("/api/v1/tiers/{}", tiers[3]), &json!({"validity_type": "fixed_date", "validity_years": 1, "validity_month": 2, "validity_day": 29})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!((r.body["validity_type"].as_str(), r.body["validity_days"].clone(), r.body["validity_years"].as_i64(), r.body["validity_month"].as_i64(), r.body["validity_day"].as_i64()), (Some("fixed_date"), Value::Null, Some(1), Some(2), Some(29)));
        let r = admin.patch(&format!("/api/v1/tiers/{}", tiers[3]), &json!({"validity_type": "fixed_date", "validity_years": 1, "validity_month": 4, "validity_day": 31})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "invalid_day", Some("validity_day")));
        // A rank change that would put platinum below gold's rule is refused.
        let r = admin.patch(&format!("/api/v1/tiers/{}", tiers[3]), &json!({"rank": 3})).await;
        assert_eq!((r.status, r.code()), (409, "tier_rank_taken"));
        let r = admin.patch(&format!("/api/v1/tiers/{}", tiers[2]), &json!({"rank": 9})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (409, "tier_rule_order", Some("rank")));

        // A rule edit: the platinum rule starts at 6000 and becomes an explicit range.
        let r = admin.patch(&format!("/api/v1/tier-rules/{platinum_rule}"), &json!({"range_start": "6000", "range_end": 100000, "name": "铂金卡会员"})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!((r.body["range_start"].as_str(), r.body["range_end"].as_str(), r.body["name"].as_str()), (Some("6000"), Some("100000"), Some("铂金卡会员")));
        let r = admin.patch(&format!("/api/v1/tier-rules/{platinum_rule}"), &json!({"range_end": null, "enabled": false})).await;
        assert_eq!((r.status, r.body["range_end"].clone(), r.body["enabled"].as_bool()), (200, Value::Null, Some(false)));

        // Nothing goes while something refers to it.
        let r = admin.delete(&format!("/api/v1/programs/{program}")).await;
        assert_eq!((r.status, r.code()), (409, "program_in_use"));
        let r = admin.delete(&format!("/api/v1/tiers/{}", tiers[1])).await;
        assert_eq!((r.status, r.code()), (409, "tier_in_use"));
        let r = admin.delete(&format!("/api/v1/point-groups/{points}")).await;
        assert_eq!((r.status, r.code()), (409, "point_group_in_use"));

        for rule in admin.get(&format!("/api/v1/programs/{program}/tier-rules")).await.body["items"].as_array().unwrap() {
            assert_eq!(admin.delete(&format!("/api/v1/tier-rules/{}", id(rule))).await.status, 204);
        }
        for tier in &tiers {
            assert_eq!(admin.delete(&format!("/api/v1/tiers/{tier}")).await.status, 204);
        }
        for path in ["point-groups", "cost-centers"] {
            for item in admin.get(&format!("/api/v1/programs/{program}/{path}")).await.body["items"].as_array().unwrap() {
                assert_eq!(admin.delete(&format!("/api/v1/{path}/{}", id(item))).await.status, 204);
            }
        }
        assert_eq!(admin.delete(&format!("/api/v1/programs/{program}")).await.status, 204);
        assert_eq!(admin.get(&format!("/api/v1/tiers/{}", tiers[0])).await.status, 404);
    }

    async fn a_rule_needs_a_tier_and_point_group_of_its_own_program(app) {
        let admin = app.tenant_admin("acme").await;
        let program = id(&created(&admin, "/api/v1/programs", json!({"code": "club", "name": "Club"})).await);
        let other = id(&created(&admin, "/api/v1/programs", json!({"code": "other", "name": "Other"})).await);
        let rules = format!("/api/v1/programs/{program}/tier-rules");
        // Tiers before point groups exist: a rule cannot name anything yet.
        let silver = id(&created(&admin, &format!("/api/v1/programs/{program}/tiers"), json!({"code": "silver", "name": "Silver", "rank": 2, "validity_type": "fixed_period", "validity_days": 365})).await);
        let body = |tier: &str, group: &str| json!({"name": "Silver condition", "tier_id": tier, "point_group_id": group, "condition": "accumulated_points", "window_days": 365, "range_start": 300, "range_end": 1000});

        let r = admin.post(&rules, &body(&silver, FAKE_UUID)).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "unknown_point_group", Some("point_group_id")));
        let r = admin.post(&rules, &json!({"name": "x", "tier_id": silver, "condition": "accumulated_points", "window_days": 365, "range_start": 300})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "point_group_required", Some("point_group_id")));
        // Another program's point group is as unknown.
        let foreign = id(&created(&admin, &format!("/api/v1/programs/{other}/point-groups"), json!({"code": "points", "name": "积分"})).await);
        let r = admin.post(&rules, &body(&silver, &foreign)).await;
        assert_eq!((r.status, r.code()), (422, "unknown_point_group"));
        let points = id(&created(&admin, &format!("/api/v1/programs/{program}/point-groups"), json!({"code": "points", "name": "积分"})).await);
        let r = admin.post(&rules, &body(FAKE_UUID, &points)).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "unknown_tier", Some("tier_id")));
        let r = admin.post(&rules, &body("not-an-id", &points)).await;
        assert_eq!((r.status, r.code()), (422, "unknown_tier"));
        let foreign_tier = id(&created(&admin, &format!("/api/v1/programs/{other}/tiers"), json!({"code": "gold", "name": "Gold", "rank": 3, "validity_type": "fixed_period", "validity_days": 365})).await);
        let r = admin.post(&rules, &body(&foreign_tier, &points)).await;
        assert_eq!((r.status, r.code()), (422, "unknown_tier"));
        let base = id(&created(&admin, &format!("/api/v1/programs/{program}/tiers"), json!({"code": "base", "name": "Base", "rank": 1, "is_base": true})).await);
        let r = admin.post(&rules, &body(&base, &points)).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "base_tier_rule", Some("tier_id")));
        // Nothing was half saved.
        assert_eq!(admin.get(&rules).await.body["total"], 0);
        let audit = admin.get("/api/v1/audit?object_type=tier_rule").await.body;
        assert_eq!(audit["total"], 0);

        let r = admin.post(&rules, &body(&silver, &points)).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(admin.get(&rules).await.body["total"], 1);
        // A program that does not exist has nothing to list or add to.
        let r = admin.post(&format!("/api/v1/programs/{FAKE_UUID}/tiers"), &json!({"code": "x", "name": "x", "rank": 1, "is_base": true})).await;
        assert_eq!((r.status, r.code()), (404, "not_found"));
        assert_eq!(admin.get(&format!("/api/v1/programs/{FAKE_UUID}/tier-rules")).await.status, 404);
    }

    async fn a_program_has_exactly_one_base_tier(app) {
        let admin = app.tenant_admin("acme").await;
        let program = id(&created(&admin, "/api/v1/programs", json!({"code": "club", "name": "Club"})).await);
        let tiers = format!("/api/v1/programs/{program}/tiers");
        let r = admin.post(&tiers, &json!({"code": "base", "name": "普通会员", "rank": 1, "is_base": true, "validity_type": "fixed_period", "validity_days": 365})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "base_tier_never_expires", Some("validity_type")));
        created(&admin, &tiers, json!({"code": "base", "name": "普通会员", "rank": 1, "is_base": true})).await;
        let r = admin.post(&tiers, &json!({"code": "base2", "name": "Another base", "rank": 0, "is_base": true})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "invalid_rank", Some("rank")));
        let r = admin.post(&tiers, &json!({"code": "base2", "name": "Another base", "rank": 5, "is_base": true})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (409, "base_tier_exists", Some("is_base")));
        let r = admin.post(&tiers, &json!({"code": "silver", "name": "Silver", "rank": 2})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "validity_required", Some("validity_type")));
        let r = admin.post(&tiers, &json!({"code": "silver", "name": "Silver", "rank": 2, "validity_type": "fixed_period", "validity_days": 0})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "invalid_days", Some("validity_days")));
        let r = admin.post(&tiers, &json!({"code": "silver", "name": "Silver", "rank": 1, "validity_type": "fixed_period", "validity_days": 365})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (409, "tier_rank_taken", Some("rank")));
        let r = admin.post(&tiers, &json!({"code": "base", "name": "Silver", "rank": 2, "validity_type": "fixed_period", "validity_days": 365})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (409, "tier_code_taken", Some("code")));
        let gold = created(&admin, &tiers, json!({"code": "gold", "name": "Gold", "rank": 3, "validity_type": "fixed_date", "validity_years": 1, "validity_month": 12, "validity_day": 31})).await;
        assert_eq!((gold["validity_type"].as_str(), gold["validity_years"].as_i64(), gold["validity_month"].as_i64(), gold["validity_day"].as_i64()), (Some("fixed_date"), Some(1), Some(12), Some(31)));
        assert_eq!(admin.get(&tiers).await.body["total"], 2);
    }

    async fn ranges_must_not_overlap_and_must_rise_with_the_rank(app) {
        let admin = app.tenant_admin("acme").await;
        let (program, points, tiers) = manual_setup(&admin).await;
        let rules = format!("/api/v1/programs/{program}/tier-rules");
        let diamond = id(&created(&admin, &format!("/api/v1/programs/{program}/tiers"), json!({"code": "diamond", "name": "钻石会员", "rank": 5, "validity_type": "fixed_period", "validity_days": 365})).await);
        let rule = |start: Value, end: Value| json!({"name": "钻石条件", "tier_id": diamond, "point_group_id": points, "condition": "accumulated_points", "window_days": 365, "range_start": start, "range_end": end});
        // Platinum is unbounded from 5000: anything above overlaps it.
        let r = admin.post(&rules, &rule(json!(20000), Value::Null)).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (409, "tier_rule_overlap", Some("range_start")));
        // Below silver, a higher tier would start lower.
        let r = admin.post(&rules, &rule(json!(0), json!(300))).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (409, "tier_rule_order", Some("range_start")));
        let r = admin.post(&rules, &rule(json!(500), json!(300))).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "empty_range", Some("range_end")));
        let r = admin.post(&rules, &rule(json!("3.5"), json!(300))).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "invalid_number", Some("range_start")));
        // A second rule for gold is refused.
        let r = admin.post(&rules, &json!({"name": "x", "tier_id": tiers[2], "point_group_id": points, "condition": "accumulated_points", "window_days": 30, "range_start": 0, "range_end": 100})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (409, "tier_rule_duplicate", Some("tier_id")));
        assert_eq!(admin.get(&rules).await.body["total"], 3);

        // A disabled rule is not compared; enabling it is.
        let r = admin.post(&rules, &json!({"name": "钻石条件", "tier_id": diamond, "point_group_id": points, "condition": "accumulated_points", "window_days": 365, "range_start": 20000, "enabled": false})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let r = admin.patch(&format!("/api/v1/tier-rules/{}", id(&r.body)), &json!({"enabled": true})).await;
        assert_eq!((r.status, r.code()), (409, "tier_rule_overlap"));

        // Spend rules are separate, entered in yuan and kept in fen; the point group is dropped.
        let r = admin.post(&rules, &json!({"name": "消费银卡", "tier_id": tiers[1], "point_group_id": points, "condition": "spend_amount", "window_days": 180, "range_start": "299.90", "range_end": 1000.5})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!((r.body["range_start"].as_str(), r.body["range_start_minor"].as_i64(), r.body["range_end"].as_str(), r.body["range_end_minor"].as_i64()), (Some("299.90"), Some(29990), Some("1000.50"), Some(100_050)));
        assert_eq!(r.body["point_group_id"], Value::Null);
        let r = admin.post(&rules, &json!({"name": "消费金卡", "tier_id": tiers[2], "condition": "spend_amount", "window_days": 180, "range_start": "1000.505"})).await;
        assert_eq!((r.status, r.code()), (422, "invalid_amount"));
        let r = admin.post(&rules, &json!({"name": "消费金卡", "tier_id": tiers[2], "condition": "spend_amount", "window_days": 180, "range_start": "1000.50", "range_end": "9999999999"})).await;
        assert_eq!((r.status, r.body["range_end"].clone(), r.body["range_start_minor"].as_i64()), (201, Value::Null, Some(100_050)));
        let r = admin.post(&rules, &json!({"name": "次数", "tier_id": tiers[1], "condition": "purchase_count", "window_days": 0, "range_start": 3})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "invalid_days", Some("window_days")));
    }

    async fn a_repeated_create_with_the_same_idempotency_key_creates_once(app) {
        let admin = app.tenant_admin("acme").await;
        let body = json!({"code": "member-club", "name": "Club"});
        let key = [("idempotency-key", "create-club-1")];
        let first = admin.send(reqwest::Method::POST, "/api/v1/programs", Some(&body), &key).await;
        assert_eq!(first.status, 201, "{}", first.text);
        let again = admin.send(reqwest::Method::POST, "/api/v1/programs", Some(&body), &key).await;
        assert_eq!(again.status, 201);
        assert_eq!(again.headers["idempotent-replayed"], "true");
        assert_eq!(again.body["id"], first.body["id"]);
        assert_eq!(admin.get("/api/v1/programs").await.body["total"], 1);
        let other = admin.send(reqwest::Method::POST, "/api/v1/programs", Some(&json!({"code": "x", "name": "x"})), &key).await;
        assert_eq!((other.status, other.code()), (409, "idempotency_key_reused"));

        let path = format!("/api/v1/programs/{}", id(&first.body));
        let key = [("idempotency-key", "delete-club-1")];
        let gone = admin.send(reqwest::Method::DELETE, &path, None, &key).await;
        assert_eq!(gone.status, 204, "{}", gone.text);
        let again = admin.send(reqwest::Method::DELETE, &path, None, &key).await;
        assert_eq!((again.status, again.headers["idempotent-replayed"].to_str().unwrap()), (204, "true"));
        assert_eq!(admin.delete(&path).await.status, 404);
    }

    async fn every_change_is_audited_with_its_before_and_after(app) {
        let admin = app.tenant_admin("acme").await;
        let (program, _, tiers) = manual_setup(&admin).await;
        admin.patch(&format!("/api/v1/tiers/{}", tiers[1]), &json!({"name": "Silver 银卡"})).await;
        let entries = admin.get(&format!("/api/v1/audit?object_id={}", tiers[1])).await.body;
        assert_eq!(entries["total"], 2);
        let update = &entries["items"][0];
        assert_eq!((update["action"].as_str(), update["object_type"].as_str(), update["actor_name"].as_str()), (Some("tier.update"), Some("tier"), Some("admin")));
        assert_eq!((update["before"]["name"].as_str(), update["after"]["name"].as_str()), (Some("银卡会员"), Some("Silver 银卡")));
        assert_eq!(update["after"]["validity_days"], 365);
        assert_eq!(entries["items"][1]["action"], "tier.create");
        for (action, n) in [("program.create", 1), ("point_group.create", 2), ("tier.create", 4), ("tier_rule.create", 3)] {
            assert_eq!(admin.get(&format!("/api/v1/audit?action={action}")).await.body["total"], n, "{action}");
        }
        let rule = id(&admin.get(&format!("/api/v1/programs/{program}/tier-rules")).await.body["items"][0]);
        assert_eq!(admin.delete(&format!("/api/v1/tier-rules/{rule}")).await.status, 204);
        let deleted = admin.get(&format!("/api/v1/audit?action=tier_rule.delete&object_id={rule}")).await.body;
        assert_eq!(deleted["total"], 1);
        assert_eq!(deleted["items"][0]["before"]["range_start"], 300);
        assert_eq!(deleted["items"][0]["after"], Value::Null);
    }

    async fn another_tenant_sees_nothing(app) {
        let admin = app.tenant_admin("acme").await;
        let (program, points, tiers) = manual_setup(&admin).await;
        let rule = id(&admin.get(&format!("/api/v1/programs/{program}/tier-rules")).await.body["items"][0]);
        let cc = id(&created(&admin, &format!("/api/v1/programs/{program}/cost-centers"), json!({"code": "membership", "name": "会员成本中心"})).await);
        let rival = app.tenant_admin("rival").await;
        assert_eq!(rival.get("/api/v1/programs").await.body["total"], 0);
        for path in [
            format!("/api/v1/programs/{program}"), format!("/api/v1/programs/{program}/tiers"),
            format!("/api/v1/programs/{program}/tier-rules"), format!("/api/v1/programs/{program}/point-groups"),
            format!("/api/v1/programs/{program}/cost-centers"), format!("/api/v1/tiers/{}", tiers[1]),
            format!("/api/v1/tier-rules/{rule}"), format!("/api/v1/point-groups/{points}"), format!("/api/v1/cost-centers/{cc}"),
        ] {
            let r = rival.get(&path).await;
            assert_eq!((r.status, r.code()), (404, "not_found"), "{path}");
        }
        let r = rival.patch(&format!("/api/v1/tiers/{}", tiers[1]), &json!({"name": "stolen"})).await;
        assert_eq!(r.status, 404);
        assert_eq!(rival.delete(&format!("/api/v1/tier-rules/{rule}")).await.status, 404);
        assert_eq!(rival.delete(&format!("/api/v1/programs/{program}")).await.status, 404);
        let r = rival.post(&format!("/api/v1/programs/{program}/tiers"), &json!({"code": "x", "name": "x", "rank": 9, "validity_type": "fixed_period", "validity_days": 1})).await;
        assert_eq!(r.status, 404);
        // The same codes are free in the other tenant, and its lists stay its own.
        let own = id(&created(&rival, "/api/v1/programs", json!({"code": "member-club", "name": "Rival club"})).await);
        assert_eq!(rival.get(&format!("/api/v1/programs/{own}/tiers")).await.body["total"], 0);
        assert_eq!(admin.get(&format!("/api/v1/tiers/{}", tiers[1])).await.body["name"], "银卡会员");
    }

    async fn reading_does_not_allow_changing(app) {
        let admin = app.tenant_admin("acme").await;
        let (program, points, tiers) = manual_setup(&admin).await;
        let reader = app.key_with(&admin, &["loyalty:read"]).await;
        assert_eq!(reader.get("/api/v1/programs").await.body["total"], 1);
        assert_eq!(reader.get(&format!("/api/v1/programs/{program}/tier-rules")).await.body["total"], 3);
        let refusals = [
            reader.post("/api/v1/programs", &json!({"code": "x", "name": "x"})).await,
            reader.patch(&format!("/api/v1/programs/{program}"), &json!({"name": "x"})).await,
            reader.delete(&format!("/api/v1/programs/{program}")).await,
            reader.post(&format!("/api/v1/programs/{program}/tiers"), &json!({"code": "x", "name": "x", "rank": 9, "validity_type": "fixed_period", "validity_days": 1})).await,
            reader.patch(&format!("/api/v1/tiers/{}", tiers[1]), &json!({"name": "x"})).await,
            reader.delete(&format!("/api/v1/point-groups/{points}")).await,
            reader.post(&format!("/api/v1/programs/{program}/cost-centers"), &json!({"code": "x", "name": "x"})).await,
        ];
        for r in refusals {
            assert_eq!((r.status, r.code(), r.body["permission"].as_str()), (403, "missing_permission", Some("loyalty:manage")));
        }
        let nobody = app.key_with(&admin, &[]).await;
        let r = nobody.get("/api/v1/programs").await;
        assert_eq!((r.status, r.body["permission"].as_str()), (403, Some("loyalty:read")));
        assert_eq!(admin.get(&format!("/api/v1/tiers/{}", tiers[1])).await.body["name"], "银卡会员");
    }

    async fn the_demo_tenant_has_the_manuals_configuration(app) {
        patron_app::bootstrap::seed_demo(&app.store, &patron_app::pii::Pii::new(patron_testkit::TEST_PII_KEY), app.clock_now(), 40).await.unwrap();
        let mut admin = app.anonymous();
        admin.login("demo", "admin", "patron-demo-admin").await;
        let programs = admin.get("/api/v1/programs").await.body;
        assert_eq!(programs["total"], 1);
        assert_eq!((programs["items"][0]["code"].as_str(), programs["items"][0]["name"].as_str()), (Some("member-club"), Some("品牌会员计划 Brand member program")));
        let program = id(&programs["items"][0]);
        let names = |v: &Value, field: &str| -> Vec<String> {
            v["items"].as_array().unwrap().iter().map(|i| i[field].as_str().unwrap_or("∞").to_string()).collect()
        };
        let groups = admin.get(&format!("/api/v1/programs/{program}/point-groups")).await.body;
        assert_eq!(names(&groups, "code"), ["points", "growth"]);
        assert_eq!(names(&groups, "name"), ["积分", "成长值"]);
        let ccs = admin.get(&format!("/api/v1/programs/{program}/cost-centers")).await.body;
        assert_eq!(names(&ccs, "name"), ["会员成本中心", "营销成本中心"]);
        let tiers = admin.get(&format!("/api/v1/programs/{program}/tiers")).await.body;
        assert_eq!(names(&tiers, "name"), ["普通会员", "银卡会员", "金卡会员", "铂金卡会员"]);
        assert_eq!(tiers["items"][3]["validity_days"], 365);
        let rules = admin.get(&format!("/api/v1/programs/{program}/tier-rules")).await.body;
        assert_eq!(names(&rules, "name"), ["银卡会员条件", "金卡会员条件", "铂金卡会员条件"]);
        assert_eq!(names(&rules, "range_start"), ["300", "1000", "5000"]);
        assert_eq!(names(&rules, "range_end"), ["1000", "5000", "∞"]);
        assert_eq!(rules["items"][0]["point_group_id"], groups["items"][0]["id"]);
    }
}
