//! The points center in a real browser: a point rule created through the form, whose live
//! preview says in plain words what the server then lists; and a member's points adjusted from
//! the 360° view, with the record, its relations and the balance. Only on SQLite, like the
//! other browser tests; `PATRON_SKIP_BROWSER=1` skips them where Chromium is missing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::driver::{with_browser, Browser};
use patron_testkit::fixtures::{member_club, MemberClub};
use patron_testkit::{spawn_app, Client, Db};
use serde_json::json;

const ADMIN_PASSWORD: &str = "acme-admin-password";

/// The club with a cost center and two online stores, and one member; returns the customer id.
async fn setup(admin: &Client) -> (MemberClub, String) {
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
            "/api/v1/stores",
            &json!({"items": [
                {"code": "WX01", "name": "微信商城", "kind": "virtual", "channel": "wechat_mall"},
                {"code": "TM01", "name": "天猫旗舰店", "kind": "virtual", "channel": "tmall"},
            ]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = admin
        .post(
            "/api/v1/members",
            &json!({"program": "club", "channel": "pos", "store": "POS001",
                    "name": "张三", "phone": "13812345678"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    (club, r.body["customer"]["id"].as_str().unwrap().to_string())
}

async fn texts(b: &Browser, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in b
        .client
        .find_all(fantoccini::Locator::Css(css))
        .await
        .unwrap()
    {
        out.push(e.text().await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_is_created_with_a_live_preview_and_listed_with_the_same_words() {
    let app = spawn_app(Db::Sqlite).await;
    let api = app.tenant_admin("acme").await;
    setup(&api).await;
    let group_id = online_group(&api).await;
    let api = &api;
    let group_id = &group_id;
    with_browser("points-rule-form", &app.base, |b| async move {
        b.log_in("acme", "admin", ADMIN_PASSWORD).await;
        b.click("[data-test=nav-point_rules]").await;
        b.wait_for_path("/console/points/rules").await;
        assert_eq!(b.text("h1").await, "Point rules");
        assert_eq!(b.count("[data-test=empty]").await, 1);

        b.click("[data-test=new]").await;
        b.wait_for_path("/console/points/rules/new").await;
        b.fill("#name", "online-1-per-yuan").await;
        b.fill("#store_codes", "WX01, TM01").await;
        let online = "1 point per ¥1 at stores WX01, TM01, counts for upgrade, expires 365 days after earning";
        b.wait_for_text("[data-test=preview]", online).await;
        // The preview follows every field as it is typed.
        b.fill("#rate", "0.1").await;
        b.wait_for_text(
            "[data-test=preview]",
            "0.1 points per ¥1 (¥10 = 1 point) at stores WX01, TM01, counts for upgrade, expires 365 days after earning",
        )
        .await;
        b.click("[data-test=counts-for-upgrade]").await;
        b.fill("#validity_days", "30").await;
        let preview =
            "0.1 points per ¥1 (¥10 = 1 point) at stores WX01, TM01, does not count for upgrade, expires 30 days after earning";
        b.wait_for_text("[data-test=preview]", preview).await;
        b.fill("#rate", "0").await;
        b.wait_for_text(
            "[data-test=preview]",
            "Enter a rate above 0 and a valid validity to see the rule in plain words.",
        )
        .await;
        // The server refuses what the preview cannot describe, next to the field.
        b.click("[data-test=save]").await;
        b.wait_for_text(
            ".field:has(#rate) > [data-test=error-rate]",
            "Must be a number of points above 0 with at most 4 decimals, like 1 or 0.1",
        )
        .await;
        assert_eq!(b.value("#store_codes").await, "WX01, TM01");
        b.fill("#rate", "0.1").await;
        b.wait_for_text("[data-test=preview]", preview).await;
        b.click("[data-test=save]").await;
        b.wait_for_path("/console/points/rules").await;
        assert_eq!(b.text("[data-test=flash]").await, "Point rule created.");

        let row = "[data-test=rule-row-online-1-per-yuan]";
        assert_eq!(
            b.text(&format!("{row} [data-test=rule-description]")).await,
            preview,
            "the list's description is the preview's"
        );
        assert_eq!(b.text(&format!("{row} [data-test=rule-status]")).await, "Draft");
        let listed = api.get("/api/v1/point-rules").await.body;
        assert_eq!(listed["items"][0]["description"]["en"], preview);
        assert_eq!(listed["items"][0]["rate"], "0.1");

        b.click(&format!("{row} [data-test=enable-rule]")).await;
        b.wait_for_text("[data-test=flash]", "Point rule enabled.").await;
        assert_eq!(b.text(&format!("{row} [data-test=rule-status]")).await, "Enabled");
        b.find("#status").await.select_by_value("draft").await.unwrap();
        b.click("[data-test=search]").await;
        b.wait_for_path("/console/points/rules?status=draft&search=").await;
        assert_eq!(b.count("[data-test=empty]").await, 1);

        // In Chinese, the server's sentence and the script's agree.
        b.goto("/console/points/rules").await;
        b.click(&format!("{row} [data-test=edit-rule]")).await;
        b.click("[data-test=lang-zh]").await;
        b.wait_for_text("h1", "积分规则").await;
        let zh = "每消费 ¥1 积 0.1 分，即 ¥10 积 1 分（适用门店 WX01、TM01），不计入升级，获得后 30 天过期";
        b.wait_for_text("[data-test=preview]", zh).await;
        b.fill("#rate", "2").await;
        b.wait_for_text(
            "[data-test=preview]",
            "每消费 ¥1 积 2 分（适用门店 WX01、TM01），不计入升级，获得后 30 天过期",
        )
        .await;
        // A store group joins the listed stores, in the preview and once saved.
        b.fill("#store_codes", "").await;
        b.find("#store_group_id")
            .await
            .select_by_value(group_id)
            .await
            .unwrap();
        let zh = "每消费 ¥1 积 2 分（适用门店组 线上门店），不计入升级，获得后 30 天过期";
        b.wait_for_text("[data-test=preview]", zh).await;
        b.click("[data-test=save]").await;
        b.wait_for_path("/console/points/rules").await;
        assert_eq!(
            b.text(&format!("{row} [data-test=rule-description]")).await,
            zh
        );
        let listed = api.get("/api/v1/point-rules").await.body;
        assert_eq!(listed["items"][0]["store_group_id"], group_id.to_string());
        assert_eq!(listed["items"][0]["store_codes"], json!([]));
    })
    .await;
}

/// The enabled store group 线上门店 (WX01, TM01); returns its id.
async fn online_group(admin: &Client) -> String {
    let r = admin
        .post(
            "/api/v1/store-groups",
            &json!({"name": "线上门店", "description": "线上渠道的虚拟门店"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/store-groups/{id}");
    let r = admin
        .post(
            &format!("{path}/members"),
            &json!({"codes": ["WX01", "TM01"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = admin.post(&format!("{path}/enable"), &json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn points_are_adjusted_from_the_member_page_with_records_and_relations() {
    let app = spawn_app(Db::Sqlite).await;
    let api = app.tenant_admin("acme").await;
    let (club, customer) = setup(&api).await;
    let group = club.points_group_id.clone();
    with_browser("points-adjust", &app.base, |b| async move {
        b.log_in("acme", "admin", ADMIN_PASSWORD).await;
        b.goto(&format!("/console/customers/{customer}?tab=points"))
            .await;
        b.click("[data-test=point-row]:first-child [data-test=adjust-points]")
            .await;
        assert_eq!(b.text("h1").await, "Adjust points");
        b.find("#point_group")
            .await
            .select_by_value(&group)
            .await
            .unwrap();
        b.fill("#points", "300").await;
        b.fill("#reason", "welcome gift").await;
        b.click("[data-test=save]").await;
        b.wait_for_text("[data-test=flash]", "Points adjusted.")
            .await;
        assert!(b.path().await.starts_with(&format!(
            "/console/customers/{customer}?tab=records&member="
        )));
        assert_eq!(texts(&b, "[data-test=record-change]").await, ["+300"]);
        assert_eq!(texts(&b, "[data-test=record-remaining]").await, ["300"]);
        assert_eq!(
            texts(&b, "[data-test=record-reason]").await,
            ["welcome gift"]
        );
        assert_eq!(
            texts(&b, "[data-test=record-operation]").await,
            ["Manual increase"]
        );

        // More than is available is refused on the form; then a deduction within it.
        b.click("[data-test=adjust-points]").await;
        b.find("#point_group")
            .await
            .select_by_value(&group)
            .await
            .unwrap();
        b.fill("#points", "-500").await;
        b.fill("#reason", "merge").await;
        b.click("[data-test=save]").await;
        b.wait_for_text(
            ".field:has(#points) > [data-test=error-points]",
            "The member does not have that many points available",
        )
        .await;
        b.fill("#points", "-120").await;
        b.click("[data-test=save]").await;
        b.wait_for_text("[data-test=flash]", "Points adjusted.")
            .await;
        assert_eq!(
            texts(&b, "[data-test=record-change]").await,
            ["-120", "+300"]
        );
        assert_eq!(texts(&b, "[data-test=record-remaining]").await, ["", "180"]);

        // The deduction's page names the earning it was taken from.
        b.click("[data-test=record-row]:first-child [data-test=record-detail]")
            .await;
        b.wait_for_text("h1", "Point record").await;
        assert_eq!(
            b.text("[data-test=record-operation]").await,
            "Manual decrease"
        );
        assert_eq!(
            texts(
                &b,
                "[data-test=relations-sources] [data-test=relation-points]"
            )
            .await,
            ["120"]
        );
        b.click("[data-test=relations-sources] a").await;
        b.wait_for_text("[data-test=record-operation]", "Manual increase")
            .await;
        assert_eq!(
            texts(
                &b,
                "[data-test=relations-takers] [data-test=relation-points]"
            )
            .await,
            ["120"]
        );

        b.goto(&format!("/console/customers/{customer}?tab=points"))
            .await;
        let rows = texts(&b, "[data-test=point-row] td:nth-child(2)").await;
        let i = rows.iter().position(|g| g == "积分").unwrap();
        assert_eq!(
            texts(&b, "[data-test=point-row] [data-test=available]").await[i],
            "180"
        );
        assert_eq!(
            texts(&b, "[data-test=point-row] [data-test=accumulated]").await[i],
            "180"
        );
    })
    .await;
}
