//! The coupon center in a real browser: a cash-off rule created from its "create now" card,
//! with the member preview following the amount as it is typed; submitted from the list,
//! approved in the queue, listed as published, and its detail with the data-analysis tab.
//! Only on SQLite, like the other browser tests; `PATRON_SKIP_BROWSER=1` skips it where
//! Chromium is missing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::driver::with_browser;
use patron_testkit::fixtures::member_club;
use patron_testkit::{spawn_app, Db};
use serde_json::json;

const ADMIN_PASSWORD: &str = "acme-admin-password";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cash_off_rule_is_created_previewed_approved_and_analysed() {
    let app = spawn_app(Db::Sqlite).await;
    let api = app.tenant_admin("acme").await;
    let club = member_club(&api).await;
    let r = api
        .post(
            &format!("/api/v1/programs/{}/cost-centers", club.program_id),
            &json!({"code": "marketing", "name": "营销成本中心"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let api = &api;
    with_browser("coupon-rules", &app.base, |b| async move {
        b.log_in("acme", "admin", ADMIN_PASSWORD).await;
        b.click("[data-test=nav-coupon_rules]").await;
        b.wait_for_path("/console/coupons/rules").await;
        assert_eq!(b.text("h1").await, "Coupon rules");
        assert_eq!(b.count("[data-test=empty]").await, 1);

        b.click("[data-test=create-cash_off]").await;
        b.wait_for_path("/console/coupons/rules/new?type=cash_off")
            .await;
        // Only the cash-off amount is asked for; the preview starts from the defaults.
        assert!(b.find("#amount_off").await.is_displayed().await.unwrap());
        assert!(!b.find("#discount").await.is_displayed().await.unwrap());
        assert!(!b.find("#valid_from").await.is_displayed().await.unwrap());
        b.wait_for_text(
            "[data-test=preview-validity]",
            "Valid for 30 day(s) from the claim",
        )
        .await;
        b.wait_for_text("[data-test=preview-usable]", "Every day 00:00:00–23:59:59")
            .await;
        b.fill("#name", "spend100-get20").await;
        b.wait_for_text("[data-test=preview-title]", "spend100-get20")
            .await;
        b.click("[data-test=threshold-min]").await;
        b.fill("#threshold", "100").await;
        b.fill("#amount_off", "20").await;
        b.wait_for_text("[data-test=preview-benefit]", "Spend ¥100, ¥20 off")
            .await;
        // The preview follows the amount as it is typed, and says when it cannot be used.
        b.fill("#amount_off", "25.5").await;
        b.wait_for_text("[data-test=preview-benefit]", "Spend ¥100, ¥25.5 off")
            .await;
        b.fill("#amount_off", "120").await;
        b.wait_for_text(
            "[data-test=preview-benefit]",
            "Enter the benefit to see it as members will.",
        )
        .await;
        b.fill("#amount_off", "20").await;
        b.wait_for_text("[data-test=preview-benefit]", "Spend ¥100, ¥20 off")
            .await;
        b.click("[data-test=weekday-7]").await;
        b.wait_for_text(
            "[data-test=preview-usable]",
            "Mon, Tue, Wed, Thu, Fri, Sat 00:00:00–23:59:59",
        )
        .await;
        b.fill("#instructions", "每单限用一张").await;
        b.wait_for_text("[data-test=preview-instructions]", "每单限用一张")
            .await;
        b.click("[data-test=save]").await;
        b.wait_for_path("/console/coupons/rules").await;
        assert_eq!(
            b.text("[data-test=flash]").await,
            "Coupon rule saved as a draft."
        );
        let row = "[data-test=rule-row-spend100-get20]";
        assert_eq!(
            b.text(&format!("{row} [data-test=rule-benefit]")).await,
            "Spend ¥100, ¥20 off",
            "the list words the benefit as the preview did"
        );
        assert_eq!(
            b.text(&format!("{row} [data-test=rule-status]")).await,
            "Draft"
        );

        // Submit, then approve in the queue.
        b.click(&format!("{row} [data-test=submit-rule]")).await;
        b.wait_for_text("[data-test=flash]", "Coupon rule submitted for approval.")
            .await;
        assert_eq!(
            b.text(&format!("{row} [data-test=rule-approval]")).await,
            "Pending"
        );
        b.click("[data-test=nav-coupon_approvals]").await;
        b.wait_for_path("/console/coupons/approvals").await;
        b.click("[data-test=pending-row-spend100-get20] [data-test=approve]")
            .await;
        b.wait_for_text("[data-test=flash]", "Coupon rule approved and published.")
            .await;
        assert_eq!(b.count("[data-test=empty]").await, 1);

        b.click("[data-test=nav-coupon_rules]").await;
        b.wait_for_path("/console/coupons/rules").await;
        assert_eq!(
            b.text(&format!("{row} [data-test=rule-status]")).await,
            "Published"
        );
        assert_eq!(
            b.text(&format!("{row} [data-test=rule-approval]")).await,
            "Approved"
        );
        let listed = api.get("/api/v1/coupon-rules").await.body;
        assert_eq!(listed["items"][0]["weekdays"], json!([1, 2, 3, 4, 5, 6]));
        assert_eq!(listed["items"][0]["instructions"], "每单限用一张");

        // The detail and its data analysis.
        b.click(&format!("{row} [data-test=rule-name]")).await;
        b.wait_for_text("[data-test=fact-benefit]", "Spend ¥100, ¥20 off")
            .await;
        assert_eq!(
            b.text("[data-test=fact-usable]").await,
            "Mon, Tue, Wed, Thu, Fri, Sat 00:00:00–23:59:59"
        );
        b.click("[data-test=tab-analysis]").await;
        b.wait_for_text("[data-test=figure-total-stock]", "100")
            .await;
        assert_eq!(b.text("[data-test=figure-remaining]").await, "100");
        assert_eq!(b.text("[data-test=figure-claimers]").await, "0");
        assert_eq!(b.count("[data-test=stock-bar] .seg.left.w100").await, 1);
        assert_eq!(
            b.count("[data-test=footer] [data-test=issue-more]").await,
            1
        );
    })
    .await;
}
