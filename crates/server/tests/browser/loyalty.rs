//! The loyalty configuration pages in a real browser: the tier form and the tier-rule form, in
//! English and Simplified Chinese. Only on SQLite, like the other browser tests;
//! `PATRON_SKIP_BROWSER=1` skips them where Chromium is missing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::driver::{with_browser, Browser};
use patron_testkit::{spawn_app, Client, Db};
use serde_json::{json, Value};

const ADMIN_PASSWORD: &str = "acme-admin-password";

async fn created(c: &Client, path: &str, body: Value) -> String {
    let r = c.post(path, &body).await;
    assert_eq!(r.status, 201, "POST {path}: {}", r.text);
    r.body["id"].as_str().unwrap().to_string()
}

/// A program with its point groups and a base tier, through the API.
async fn program_with_base(api: &Client) -> (String, String) {
    let program = created(
        api,
        "/api/v1/programs",
        json!({"code": "member-club", "name": "品牌会员计划"}),
    )
    .await;
    let points = created(
        api,
        &format!("/api/v1/programs/{program}/point-groups"),
        json!({"code": "points", "name": "积分"}),
    )
    .await;
    created(
        api,
        &format!("/api/v1/programs/{program}/point-groups"),
        json!({"code": "growth", "name": "成长值"}),
    )
    .await;
    created(
        api,
        &format!("/api/v1/programs/{program}/tiers"),
        json!({"code": "base", "name": "普通会员", "rank": 1, "is_base": true}),
    )
    .await;
    (program, points)
}

async fn select(b: &Browser, css: &str, value: &str) {
    b.find(css).await.select_by_value(value).await.unwrap();
}

async fn to_chinese(b: &Browser, h1: &str) {
    b.click("[data-test=lang-zh]").await;
    b.wait_for_text("h1", h1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tiers_are_created_through_the_form_in_english_and_chinese() {
    let app = spawn_app(Db::Sqlite).await;
    let api = app.tenant_admin("acme").await;
    let (program, _) = program_with_base(&api).await;
    let api = &api;
    let program = program.as_str();
    with_browser("loyalty-tier-form", &app.base, |b| async move {
        b.log_in("acme", "admin", ADMIN_PASSWORD).await;
        b.click("[data-test=nav-tiers]").await;
        b.wait_for_path("/console/loyalty/tiers").await;
        assert_eq!(b.text("h1").await, "Tiers");
        assert_eq!(
            b.text("[data-test=pager-summary]").await,
            "Showing 1–1 of 1"
        );
        assert_eq!(b.text("[data-test=row-base] td:nth-child(7)").await, "");
        assert_eq!(b.text("[data-test=row-base] td:nth-child(4)").await, "Yes");

        b.click("[data-test=new]").await;
        b.wait_for_path(&format!("/console/loyalty/tiers/new?program={program}"))
            .await;
        assert_eq!(b.text("h1").await, "New tier");
        b.fill("#name", "银卡会员 Silver").await;
        b.fill("#code", "silver").await;
        b.fill("#rank", "2").await;
        select(&b, "#validity_type", "fixed_period").await;
        b.fill("#validity_days", "365").await;
        b.click("[data-test=save]").await;
        b.wait_for_path(&format!("/console/loyalty/tiers?program={program}"))
            .await;
        assert_eq!(b.text("[data-test=flash]").await, "Tier created.");
        let row = "[data-test=row-silver]";
        assert_eq!(
            b.text(&format!("{row} td:nth-child(1)")).await,
            "银卡会员 Silver"
        );
        assert_eq!(b.text(&format!("{row} td:nth-child(3)")).await, "2");
        assert_eq!(
            b.text(&format!("{row} td:nth-child(5)")).await,
            "Fixed period"
        );
        assert_eq!(b.text(&format!("{row} td:nth-child(6)")).await, "365");
        assert_eq!(
            b.text("[data-test=pager-summary]").await,
            "Showing 1–2 of 2"
        );

        // A bad value is explained next to its field, and what was typed is kept.
        b.click("[data-test=new]").await;
        b.fill("#name", "Gold").await;
        b.fill("#code", "gold").await;
        b.fill("#rank", "3").await;
        select(&b, "#validity_type", "fixed_period").await;
        b.fill("#validity_days", "0").await;
        b.click("[data-test=save]").await;
        b.wait_for_text(
            ".field:has(#validity_days) > [data-test=error-validity_days]",
            "Must be a whole number of days, at least 1",
        )
        .await;
        assert_eq!(b.count(".field-error").await, 1);
        assert_eq!(b.value("#name").await, "Gold");
        assert_eq!(b.value("#validity_type").await, "fixed_period");

        // The same form in Chinese: a fixed-date gold tier, then a taken order.
        to_chinese(&b, "新建等级").await;
        b.goto(&format!("/console/loyalty/tiers/new?program={program}"))
            .await;
        assert_eq!(b.text("label[for=validity_type]").await, "等级有效期类型");
        b.fill("#name", "金卡会员").await;
        b.fill("#code", "gold").await;
        b.fill("#rank", "2").await;
        select(&b, "#validity_type", "fixed_date").await;
        b.fill("#validity_years", "1").await;
        b.fill("#validity_month", "12").await;
        b.fill("#validity_day", "31").await;
        b.click("[data-test=save]").await;
        b.wait_for_text(
            ".field:has(#rank) > [data-test=error-rank]",
            "该计划的另一个等级已使用此次序",
        )
        .await;
        b.fill("#rank", "3").await;
        b.click("[data-test=save]").await;
        b.wait_for_path(&format!("/console/loyalty/tiers?program={program}"))
            .await;
        assert_eq!(b.text("[data-test=flash]").await, "等级已创建。");
        assert_eq!(b.text("h1").await, "等级");
        assert_eq!(
            b.text("[data-test=row-gold] td:nth-child(5)").await,
            "1 年后的 12 月 31 日"
        );
        assert_eq!(b.text("[data-test=row-gold] td:nth-child(7)").await, "1");
        assert_eq!(
            b.text("[data-test=pager-summary]").await,
            "显示第 1 至 3 项，共 3 项"
        );

        let tiers = api
            .get(&format!("/api/v1/programs/{program}/tiers"))
            .await
            .body;
        assert_eq!(tiers["total"], 3);
        let gold = &tiers["items"][2];
        assert_eq!(
            (
                gold["code"].as_str(),
                gold["rank"].as_i64(),
                gold["validity_type"].as_str(),
                gold["validity_month"].as_i64()
            ),
            (Some("gold"), Some(3), Some("fixed_date"), Some(12))
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tier_rules_are_created_through_the_form_in_english_and_chinese() {
    let app = spawn_app(Db::Sqlite).await;
    let api = app.tenant_admin("acme").await;
    let (program, points) = program_with_base(&api).await;
    let mut tiers = Vec::new();
    for (code, name, rank) in [
        ("silver", "银卡会员", 2),
        ("gold", "金卡会员", 3),
        ("platinum", "铂金卡会员", 4),
    ] {
        let body = json!({"code": code, "name": name, "rank": rank, "validity_type": "fixed_period", "validity_days": 365});
        tiers.push(created(&api, &format!("/api/v1/programs/{program}/tiers"), body).await);
    }
    let api = &api;
    let (program, points, tiers) = (program.as_str(), points.as_str(), &tiers);
    with_browser("loyalty-rule-form", &app.base, |b| async move {
        b.log_in("acme", "admin", ADMIN_PASSWORD).await;
        b.goto("/console/loyalty/tier-rules").await;
        assert_eq!(b.text("h1").await, "Tier rules");
        assert_eq!(b.count("[data-test=empty]").await, 1);
        b.click("[data-test=new]").await;
        b.wait_for_path(&format!(
            "/console/loyalty/tier-rules/new?program={program}"
        ))
        .await;
        // The base tier has no rule, so it is not offered.
        assert_eq!(b.count("#tier_id option").await, 4);
        assert_eq!(b.value("#point_group_id").await, points);
        assert_eq!(
            b.text(".field:has(#range_end) .hint").await,
            "Leave empty for no upper limit. The end itself belongs to the next tier."
        );
        b.fill("#name", "银卡会员条件").await;
        select(&b, "#tier_id", &tiers[0]).await;
        b.fill("#range_start", "300").await;
        b.fill("#range_end", "1000").await;
        b.click("[data-test=save]").await;
        b.wait_for_path(&format!("/console/loyalty/tier-rules?program={program}"))
            .await;
        assert_eq!(b.text("[data-test=flash]").await, "Tier rule created.");
        let row = "[data-test=row-银卡会员条件]";
        assert_eq!(b.text(&format!("{row} td:nth-child(2)")).await, "银卡会员");
        assert_eq!(
            b.text(&format!("{row} td:nth-child(3)")).await,
            "Accumulated points"
        );
        assert_eq!(b.text(&format!("{row} td:nth-child(4)")).await, "积分");
        assert_eq!(
            b.text(&format!("{row} td:nth-child(5)")).await,
            "Last 365 days"
        );
        assert_eq!(
            b.text(&format!("{row} td:nth-child(6)")).await,
            "from 300 to 1000"
        );
        assert_eq!(b.text(&format!("{row} td:nth-child(7)")).await, "Yes");

        // Gold from 900 overlaps silver: said next to the start.
        b.click("[data-test=new]").await;
        b.fill("#name", "金卡会员条件").await;
        select(&b, "#tier_id", &tiers[1]).await;
        b.fill("#range_start", "900").await;
        b.fill("#range_end", "5000").await;
        b.click("[data-test=save]").await;
        b.wait_for_text(
            ".field:has(#range_start) > [data-test=error-range_start]",
            "The range overlaps another enabled rule of this condition",
        )
        .await;
        assert_eq!(b.value("#tier_id").await, tiers[1]);
        b.fill("#range_start", "1000").await;
        b.click("[data-test=save]").await;
        b.wait_for_path(&format!("/console/loyalty/tier-rules?program={program}"))
            .await;

        // In Chinese: platinum with no upper limit, after a bad number.
        to_chinese(&b, "等级升降级规则").await;
        b.click("[data-test=new]").await;
        b.wait_for_text("h1", "新建等级升降级规则").await;
        assert_eq!(b.text("label[for=range_start]").await, "起始 *");
        b.fill("#name", "铂金卡会员条件").await;
        select(&b, "#tier_id", &tiers[2]).await;
        b.fill("#range_start", "5000.5").await;
        b.click("[data-test=save]").await;
        b.wait_for_text(
            ".field:has(#range_start) > [data-test=error-range_start]",
            "必须是整数",
        )
        .await;
        b.fill("#range_start", "5000").await;
        b.click("[data-test=save]").await;
        b.wait_for_path(&format!("/console/loyalty/tier-rules?program={program}"))
            .await;
        assert_eq!(b.text("[data-test=flash]").await, "等级规则已创建。");
        let row = "[data-test=row-铂金卡会员条件]";
        assert_eq!(b.text(&format!("{row} td:nth-child(3)")).await, "累计积分");
        assert_eq!(
            b.text(&format!("{row} td:nth-child(5)")).await,
            "最近 365 天"
        );
        assert_eq!(
            b.text(&format!("{row} td:nth-child(6)")).await,
            "从 5000 到 无上限"
        );
        assert_eq!(
            b.text("[data-test=pager-summary]").await,
            "显示第 1 至 3 项，共 3 项"
        );

        let rules = api
            .get(&format!("/api/v1/programs/{program}/tier-rules"))
            .await
            .body;
        assert_eq!(rules["total"], 3);
        let platinum = &rules["items"][2];
        assert_eq!(
            (
                platinum["range_start"].as_str(),
                platinum["range_end"].clone(),
                platinum["point_group_id"].as_str()
            ),
            (Some("5000"), Value::Null, Some(points))
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_sees_the_lists_without_changes() {
    let app = spawn_app(Db::Sqlite).await;
    let admin = app.tenant_admin("acme").await;
    let (program, _) = program_with_base(&admin).await;
    let role = admin.post("/api/v1/roles", &json!({"key": "loyalty-reader", "name": "Loyalty reader", "permissions": ["loyalty:read"]})).await;
    assert_eq!(role.status, 201, "{}", role.text);
    let r = admin.post("/api/v1/users", &json!({"login_name": "rita", "display_name": "Rita", "password": "rita-password-1", "role_ids": [role.body["id"]]})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let mut rita = app.anonymous();
    rita.login("acme", "rita", "rita-password-1").await;
    let page = rita.get("/console/loyalty/tiers").await;
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("data-test=\"row-base\""),
        "{}",
        page.text
    );
    assert!(!page.text.contains("data-test=\"new\""));
    assert!(!page.text.contains("data-test=\"delete-base\""));
    assert!(page.text.contains("data-test=\"view-base\""));
    let page = rita
        .get(&format!("/console/loyalty/tiers/new?program={program}"))
        .await;
    assert_eq!(page.status, 403);
    let form = rita
        .send(
            reqwest::Method::POST,
            &format!("/console/loyalty/programs/{program}/delete"),
            None,
            &[("content-type", "application/x-www-form-urlencoded")],
        )
        .await;
    assert_eq!(form.status, 403, "{}", form.text);
    assert_eq!(admin.get("/api/v1/programs").await.body["total"], 1);
}
