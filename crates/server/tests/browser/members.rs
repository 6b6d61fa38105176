//! The customer pages in a real browser: the customer list and its exact search, masking for a
//! role without `customers:pii`, the 360° view with its tabs and actions, and the import page, in
//! English and Simplified Chinese. Only on SQLite, like the other browser tests;
//! `PATRON_SKIP_BROWSER=1` skips them where Chromium is missing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::driver::{with_browser, Browser};
use fantoccini::Locator;
use patron_testkit::fixtures::member_club;
use patron_testkit::{spawn_app, Client, Db};
use serde_json::json;
use std::time::{Duration, Instant};

const ADMIN_PASSWORD: &str = "acme-admin-password";

/// The two customers of these tests, through the API: 张三 (card 1000000001, registered on the
/// mini program with a binding) and 李四 (card 1000000002, at the POS). Returns their customer ids.
async fn two_members(admin: &Client) -> (String, String) {
    member_club(admin).await;
    let zhang = admin
        .post(
            "/api/v1/members",
            &json!({
                "program": "club", "channel": "wechat_mini", "store": "WXMINI001",
                "name": "张三", "phone": "13812345678", "email": "zhang@brand.cn",
                "birthday": "1997-11-11", "gender": "男", "province": "广东", "city": "深圳",
                "binding": {"external_id": "mini-42", "openid": "o-abc", "unionid": "u-xyz"},
            }),
        )
        .await;
    assert_eq!(zhang.status, 201, "{}", zhang.text);
    assert_eq!(zhang.body["member"]["card_no"], "1000000001");
    let li = admin
        .post(
            "/api/v1/members",
            &json!({"program": "club", "channel": "pos", "store": "POS001",
                    "name": "李四", "phone": "13900000000"}),
        )
        .await;
    assert_eq!(li.status, 201, "{}", li.text);
    assert_eq!(li.body["member"]["card_no"], "1000000002");
    (
        zhang.body["customer"]["id"].as_str().unwrap().to_string(),
        li.body["customer"]["id"].as_str().unwrap().to_string(),
    )
}

/// The visible texts of every element matching `css`, in page order.
async fn texts(b: &Browser, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in b.client.find_all(Locator::Css(css)).await.unwrap() {
        out.push(e.text().await.unwrap());
    }
    out
}

/// The value shown next to `label` in the basic-information facts.
async fn fact(b: &Browser, label: &str) -> String {
    let labels = texts(b, "[data-test=basic-info] dt").await;
    let values = texts(b, "[data-test=basic-info] dd").await;
    let i = labels
        .iter()
        .position(|l| l == label)
        .unwrap_or_else(|| panic!("no fact {label:?} among {labels:?}"));
    values[i].clone()
}

/// Types `query` into the customer search and waits for the results page.
async fn search(b: &Browser, query: &str) {
    b.fill("[data-test=search-input]", query).await;
    // Marks the current page, so the wait below knows when the next one replaced it.
    b.client
        .execute("document.body.dataset.stale = '1'", vec![])
        .await
        .unwrap();
    b.click("[data-test=search]").await;
    let started = Instant::now();
    loop {
        let fresh = b
            .client
            .execute(
                "return document.readyState === 'complete' && !document.body.dataset.stale",
                vec![],
            )
            .await
            .map(|v| v == serde_json::Value::Bool(true))
            .unwrap_or(false);
        if fresh {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no results for {query}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(b.value("[data-test=search-input]").await, query);
}

async fn to_chinese(b: &Browser, h1: &str) {
    b.click("[data-test=lang-zh]").await;
    b.wait_for_text("h1", h1).await;
}

/// Clicks a button of a `data-confirm` form and accepts the browser's confirmation dialog.
async fn click_and_confirm(b: &Browser, css: &str) {
    b.click(css).await;
    let started = Instant::now();
    while b.client.accept_alert().await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no confirmation dialog after clicking {css}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customer_list_searches_exactly_in_english_and_chinese() {
    let app = spawn_app(Db::Sqlite).await;
    let admin = app.tenant_admin("acme").await;
    two_members(&admin).await;
    with_browser("customers-list", &app.base, |b| async move {
        b.log_in("acme", "admin", ADMIN_PASSWORD).await;
        b.click("[data-test=nav-customers]").await;
        b.wait_for_path("/console/customers").await;
        assert_eq!(b.text("h1").await, "Customers");
        assert_eq!(b.count("[data-test=customer-row]").await, 2);
        let mut phones = texts(&b, "[data-test=customer-phone]").await;
        phones.sort();
        assert_eq!(phones, ["13812345678", "13900000000"]);
        assert_eq!(
            b.text("[data-test=pager-summary]").await,
            "Showing 1–2 of 2"
        );
        // The administrator holds customers:pii: no masking hint.
        assert_eq!(
            b.text(".toolbar .hint").await,
            "Personal data is encrypted, so search matches exactly."
        );

        // Exact search by phone, card number and full name each finds one customer.
        for (query, name) in [
            ("13812345678", "张三"),
            ("1000000001", "张三"),
            ("李四", "李四"),
            ("zhang@brand.cn", "张三"),
        ] {
            search(&b, query).await;
            assert_eq!(b.count("[data-test=customer-row]").await, 1, "{query}");
            assert_eq!(
                b.text("[data-test=customer-row] td:nth-child(1)").await,
                name,
                "{query}"
            );
            assert_eq!(
                b.text("[data-test=pager-summary]").await,
                "Showing 1–1 of 1"
            );
        }
        // A part of a name matches nothing: the data is encrypted.
        search(&b, "张").await;
        assert_eq!(b.count("[data-test=customer-row]").await, 0);
        assert_eq!(
            b.text("[data-test=empty]").await,
            "No customer has exactly this phone, card number, email or name."
        );

        // The same in Chinese.
        b.goto("/console/customers").await;
        to_chinese(&b, "客户").await;
        assert_eq!(b.count("[data-test=customer-row]").await, 2);
        assert_eq!(
            b.text("[data-test=pager-summary]").await,
            "显示第 1 至 2 项，共 2 项"
        );
        assert_eq!(
            texts(&b, "[data-test=customers-table] th").await[..5],
            ["姓名", "客户来源", "性别", "出生日期", "手机号码"]
        );
        search(&b, "13900000000").await;
        assert_eq!(b.count("[data-test=customer-row]").await, 1);
        let row = "[data-test=customer-row]";
        assert_eq!(b.text(&format!("{row} td:nth-child(1)")).await, "李四");
        assert_eq!(b.text(&format!("{row} td:nth-child(2)")).await, "门店 POS");
        assert_eq!(
            b.text("[data-test=pager-summary]").await,
            "显示第 1 至 1 项，共 1 项"
        );
        search(&b, "张三").await;
        assert_eq!(b.count("[data-test=customer-row]").await, 1);
        assert_eq!(
            b.text(&format!("{row} td:nth-child(2)")).await,
            "微信小程序"
        );
        assert_eq!(b.text(&format!("{row} td:nth-child(3)")).await, "男");
        assert_eq!(
            b.text(&format!("{row} td:nth-child(4)")).await,
            "1997-11-11"
        );
        search(&b, "李").await;
        assert_eq!(b.count("[data-test=customer-row]").await, 0);
        assert_eq!(
            b.text("[data-test=empty]").await,
            "没有客户的手机号、卡号、邮箱或姓名与之完全一致。"
        );
    })
    .await;
}

/// The id of the tenant role `key`, through the API.
async fn role_id(admin: &Client, key: &str) -> String {
    let roles = admin.get("/api/v1/roles?limit=100").await.body;
    roles["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("no role {key}: {roles}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_without_pii_sees_masked_values() {
    let app = spawn_app(Db::Sqlite).await;
    let admin = app.tenant_admin("acme").await;
    let (zhang, _) = two_members(&admin).await;
    // The built-in Operator role runs the business but may not see personal data in clear.
    let operator = role_id(&admin, "operator").await;
    let r = admin
        .post(
            "/api/v1/users",
            &json!({"login_name": "olga", "display_name": "Olga", "password": "olga-password-1", "role_ids": [operator]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let zhang = zhang.as_str();
    with_browser("customers-masked", &app.base, |b| async move {
        b.log_in("acme", "olga", "olga-password-1").await;
        b.goto("/console/customers").await;
        assert_eq!(b.count("[data-test=customer-row]").await, 2);
        let mut phones = texts(&b, "[data-test=customer-phone]").await;
        phones.sort();
        assert_eq!(phones, ["138****5678", "139****0000"]);
        assert_eq!(
            b.text(".toolbar .hint").await,
            "Personal data is encrypted, so search matches exactly. \
             Personal data is masked: your role may not see it in clear."
        );
        // Exact search still works on the clear value.
        search(&b, "13812345678").await;
        assert_eq!(b.count("[data-test=customer-row]").await, 1);
        assert_eq!(b.text("[data-test=customer-phone]").await, "138****5678");
        assert_eq!(
            b.text("[data-test=customer-row] td:nth-child(1)").await,
            "张*"
        );

        b.click("[data-test=view-customer]").await;
        b.wait_for_path(&format!("/console/customers/{zhang}"))
            .await;
        assert_eq!(
            b.text("[data-test=masked-hint]").await,
            "Personal data is masked: your role may not see it in clear."
        );
        assert_eq!(fact(&b, "Mobile").await, "138****5678");
        assert_eq!(fact(&b, "Email").await, "z***@brand.cn");
        assert_eq!(fact(&b, "Birthday").await, "****-11-**");
        // The operator may not erase personal data.
        assert_eq!(b.count("[data-test=erase-customer]").await, 0);

        to_chinese(&b, "张*").await;
        assert_eq!(
            b.text("[data-test=masked-hint]").await,
            "个人信息已脱敏：您的角色无权查看明文。"
        );
        assert_eq!(fact(&b, "手机号码").await, "138****5678");
    })
    .await;

    // The administrator sees the clear phone on the same page.
    let page = admin.get("/console/customers?search=13812345678").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains(">13812345678<"), "{}", page.text);
    assert!(!page.text.contains("138****5678"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_360_view_shows_every_tab_and_freezes_and_edits_in_english() {
    let app = spawn_app(Db::Sqlite).await;
    let admin = app.tenant_admin("acme").await;
    let (zhang, _) = two_members(&admin).await;
    let zhang = zhang.as_str();
    let admin = &admin;
    with_browser("customer-360-en", &app.base, |b| async move {
        b.log_in("acme", "admin", ADMIN_PASSWORD).await;
        b.goto("/console/customers?search=1000000001").await;
        b.click("[data-test=view-customer]").await;
        b.wait_for_path(&format!("/console/customers/{zhang}"))
            .await;
        assert_eq!(b.title().await, "Customer 360° view · Patron");
        assert_eq!(b.text("[data-test=customer-name]").await, "张三");
        assert_eq!(b.count("[data-test=masked-hint]").await, 0);
        assert_eq!(
            texts(&b, "[data-test=tabs] a").await,
            [
                "Basic information",
                "Member accounts",
                "Tier history",
                "Point accounts",
                "Point records",
                "Transactions",
                "Coupons",
                "Channel accounts"
            ]
        );
        assert_eq!(fact(&b, "Name").await, "张三");
        assert_eq!(fact(&b, "Mobile").await, "13812345678");
        assert_eq!(fact(&b, "Email").await, "zhang@brand.cn");
        assert_eq!(fact(&b, "Birthday").await, "1997-11-11");
        assert_eq!(fact(&b, "Gender").await, "Male");
        assert_eq!(fact(&b, "City").await, "深圳");
        assert_eq!(fact(&b, "Source").await, "WeChat mini program");

        b.click("[data-test=tab-members]").await;
        b.wait_for_path(&format!("/console/customers/{zhang}?tab=members"))
            .await;
        let row = "[data-test=member-row-1000000001]";
        assert_eq!(b.count("[data-test^=member-row-]").await, 1);
        assert_eq!(
            b.text(&format!("{row} td:nth-child(1)")).await,
            "品牌会员计划"
        );
        assert_eq!(
            b.text(&format!("{row} [data-test=member-tier]")).await,
            "普通会员"
        );
        assert_eq!(
            b.text(&format!("{row} [data-test=member-status]")).await,
            "Normal"
        );
        assert_eq!(
            b.text(&format!("{row} td:nth-child(6)")).await,
            "WeChat mini program"
        );
        assert_eq!(
            b.text(&format!("{row} td:nth-child(7)")).await,
            "会员中心小程序虚拟门店"
        );

        b.click("[data-test=tab-tiers]").await;
        b.wait_for_path(&format!("/console/customers/{zhang}?tab=tiers"))
            .await;
        assert_eq!(b.count("[data-test=tier-row]").await, 1);
        let cells = texts(&b, "[data-test=tier-row] td").await;
        assert_eq!(
            (&cells[..5], &cells[6..]),
            (
                &["1000000001", "普通会员", "—", "Base", "Automatic"].map(String::from)[..],
                &["Never", "Active"].map(String::from)[..]
            )
        );

        b.click("[data-test=tab-points]").await;
        b.wait_for_path(&format!("/console/customers/{zhang}?tab=points"))
            .await;
        assert_eq!(b.count("[data-test=point-row]").await, 2);
        let mut groups = texts(&b, "[data-test=point-row] td:nth-child(2)").await;
        groups.sort();
        assert_eq!(groups, ["成长值", "积分"]);
        assert_eq!(
            texts(&b, "[data-test=point-row] td:nth-child(3)").await,
            ["0", "0"]
        );

        b.click("[data-test=tab-bindings]").await;
        b.wait_for_path(&format!("/console/customers/{zhang}?tab=bindings"))
            .await;
        assert_eq!(b.count("[data-test=binding-row]").await, 1);
        let cells = texts(&b, "[data-test=binding-row] td").await;
        assert_eq!(
            cells[..4],
            ["WeChat mini program", "wechat", "mini-42", "o-abc"]
        );
        assert_eq!(cells[6], "Yes");

        // Freezing asks first, then shows the new status.
        b.click("[data-test=tab-members]").await;
        b.wait_for_path(&format!("/console/customers/{zhang}?tab=members"))
            .await;
        click_and_confirm(&b, &format!("{row} [data-test=freeze]")).await;
        b.wait_for_text(&format!("{row} [data-test=member-status]"), "Frozen")
            .await;
        assert_eq!(b.text("[data-test=flash]").await, "Member status changed.");
        assert_eq!(b.count(&format!("{row} [data-test=freeze]")).await, 0);
        assert_eq!(b.count(&format!("{row} [data-test=unfreeze]")).await, 1);

        // A bad birthday is explained next to its field; a good one saves.
        b.click("[data-test=edit-customer]").await;
        b.wait_for_path(&format!("/console/customers/{zhang}/edit"))
            .await;
        assert_eq!(b.text("h1").await, "Edit customer");
        assert_eq!(b.value("#name").await, "张三");
        assert_eq!(b.value("#birthday").await, "1997-11-11");
        b.fill("#birthday", "1997/11/11").await;
        b.click("[data-test=save]").await;
        b.wait_for_text(
            ".field:has(#birthday) > [data-test=error-birthday]",
            "Use a date like 2026-03-01",
        )
        .await;
        assert_eq!(b.count(".field-error").await, 1);
        assert_eq!(b.value("#birthday").await, "1997/11/11");
        assert_eq!(b.value("#email").await, "zhang@brand.cn");
        b.fill("#birthday", "1997-12-01").await;
        b.fill("#city", "广州").await;
        b.click("[data-test=save]").await;
        b.wait_for_path(&format!("/console/customers/{zhang}"))
            .await;
        assert_eq!(b.text("[data-test=flash]").await, "Customer saved.");
        assert_eq!(fact(&b, "Birthday").await, "1997-12-01");
        assert_eq!(fact(&b, "City").await, "广州");
        assert_eq!(fact(&b, "Mobile").await, "13812345678");

        let c = admin.get(&format!("/api/v1/customers/{zhang}")).await.body;
        assert_eq!(c["customer"]["birthday"], "1997-12-01");
        assert_eq!(c["members"][0]["status"], "frozen");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_360_view_shows_every_tab_and_freezes_and_edits_in_chinese() {
    let app = spawn_app(Db::Sqlite).await;
    let admin = app.tenant_admin("acme").await;
    let (zhang, li) = two_members(&admin).await;
    let (zhang, li) = (zhang.as_str(), li.as_str());
    with_browser("customer-360-zh", &app.base, |b| async move {
        b.log_in("acme", "admin", ADMIN_PASSWORD).await;
        b.goto(&format!("/console/customers/{zhang}")).await;
        to_chinese(&b, "张三").await;
        assert_eq!(b.title().await, "客户360°视图 · Patron");
        assert_eq!(
            texts(&b, "[data-test=tabs] a").await,
            [
                "基本信息",
                "会员账号",
                "会员等级",
                "积分账户",
                "积分记录",
                "会员交易",
                "优惠券",
                "第三方账号"
            ]
        );
        assert_eq!(fact(&b, "姓名").await, "张三");
        assert_eq!(fact(&b, "性别").await, "男");
        assert_eq!(fact(&b, "客户来源").await, "微信小程序");
        assert_eq!(fact(&b, "是否员工").await, "否");

        b.click("[data-test=tab-tiers]").await;
        b.wait_for_path(&format!("/console/customers/{zhang}?tab=tiers"))
            .await;
        let cells = texts(&b, "[data-test=tier-row] td").await;
        assert_eq!(
            (&cells[..5], &cells[6..]),
            (
                &["1000000001", "普通会员", "—", "基础", "自动"].map(String::from)[..],
                &["永久", "有效"].map(String::from)[..]
            )
        );
        b.click("[data-test=tab-points]").await;
        b.wait_for_path(&format!("/console/customers/{zhang}?tab=points"))
            .await;
        let mut groups = texts(&b, "[data-test=point-row] td:nth-child(2)").await;
        groups.sort();
        assert_eq!(groups, ["成长值", "积分"]);
        b.click("[data-test=tab-bindings]").await;
        b.wait_for_path(&format!("/console/customers/{zhang}?tab=bindings"))
            .await;
        let cells = texts(&b, "[data-test=binding-row] td").await;
        assert_eq!(cells[..3], ["微信小程序", "wechat", "mini-42"]);
        assert_eq!(cells[6], "是");

        // 李四 has no channel account; freezing and editing in Chinese.
        b.goto(&format!("/console/customers/{li}?tab=bindings"))
            .await;
        assert_eq!(b.text(".card .empty").await, "没有绑定的第三方账号。");
        b.click("[data-test=tab-members]").await;
        b.wait_for_path(&format!("/console/customers/{li}?tab=members"))
            .await;
        let row = "[data-test=member-row-1000000002]";
        assert_eq!(
            b.text(&format!("{row} [data-test=member-tier]")).await,
            "普通会员"
        );
        assert_eq!(
            b.text(&format!("{row} [data-test=member-status]")).await,
            "正常"
        );
        assert_eq!(b.text(&format!("{row} td:nth-child(6)")).await, "门店 POS");
        assert_eq!(
            b.text(&format!("{row} td:nth-child(7)")).await,
            "上海南京西路店"
        );
        click_and_confirm(&b, &format!("{row} [data-test=freeze]")).await;
        b.wait_for_text(&format!("{row} [data-test=member-status]"), "冻结")
            .await;
        assert_eq!(b.text("[data-test=flash]").await, "会员状态已更新。");

        b.click("[data-test=edit-customer]").await;
        b.wait_for_text("h1", "编辑客户").await;
        b.fill("#birthday", "1997/11/11").await;
        b.click("[data-test=save]").await;
        b.wait_for_text(
            ".field:has(#birthday) > [data-test=error-birthday]",
            "请使用 2026-03-01 这样的日期",
        )
        .await;
        b.fill("#birthday", "1990-01-02").await;
        b.click("[data-test=save]").await;
        b.wait_for_path(&format!("/console/customers/{li}")).await;
        assert_eq!(b.text("[data-test=flash]").await, "客户已保存。");
        assert_eq!(fact(&b, "出生日期").await, "1990-01-02");
        assert_eq!(fact(&b, "姓名").await, "李四");
    })
    .await;
}

/// A CSV file for the import, written to a fresh temporary folder (kept until the handle drops).
struct TempCsv(std::path::PathBuf);

impl TempCsv {
    fn new(name: &str, content: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir =
            std::env::temp_dir().join(format!("patron-import-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        Self(path)
    }
}

impl Drop for TempCsv {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_reports_new_merged_and_refused_rows() {
    let app = spawn_app(Db::Sqlite).await;
    let admin = app.tenant_admin("acme").await;
    two_members(&admin).await;
    // One new member, one 10-digit phone, and 张三 who is already a member.
    let csv = TempCsv::new(
        "members.csv",
        "phone,channel,name,store\n\
         13700000001,pos,王五,POS001\n\
         1370000000,pos,赵六,POS001\n\
         13812345678,pos,张三,POS001\n",
    );
    let file = csv.0.to_str().unwrap().to_string();
    let admin = &admin;
    let file = file.as_str();
    with_browser("imports", &app.base, |b| async move {
        b.log_in("acme", "admin", ADMIN_PASSWORD).await;
        b.goto("/console/imports").await;
        assert_eq!(b.text("h1").await, "Imports");
        assert_eq!(
            b.text("[data-test=empty]").await,
            "No imports yet. Download the template, fill it in and upload it."
        );
        assert_eq!(b.value("#program").await, "club");

        // Uploading without a file is explained next to the file field.
        b.click("[data-test=upload]").await;
        b.wait_for_text(
            ".field:has(#file) > [data-test=error-file]",
            "Choose a file to upload.",
        )
        .await;

        // A browser sets a file input from a local path typed into it.
        b.find("[data-test=import-file]")
            .await
            .send_keys(file)
            .await
            .unwrap();
        b.click("[data-test=upload]").await;
        b.wait_for_text(
            "[data-test=flash]",
            "Import started. This page follows its progress; you can leave it.",
        )
        .await;
        // The page refreshes itself while the job runs.
        b.wait_for_text("[data-test=import-status]", "Done").await;
        assert_eq!(b.count("[data-test=import-row]").await, 1);
        assert_eq!(
            b.text("[data-test=import-row] td:nth-child(1)").await,
            "members.csv"
        );
        assert_eq!(b.text("[data-test=import-progress]").await, "3 / 3");
        // The bar's width is a class (the CSP refuses inline styles): full at 3 of 3.
        assert_eq!(
            b.count("[data-test=import-row] .progress > span.w100")
                .await,
            1
        );
        assert_eq!(b.text("[data-test=import-created]").await, "1");
        assert_eq!(b.text("[data-test=import-merged]").await, "1");
        assert_eq!(b.text("[data-test=import-failed]").await, "1");
        assert_eq!(
            b.text("[data-test=download-failures]").await,
            "Download refused rows"
        );
        // Finished: no more refreshing.
        assert_eq!(b.count("meta[http-equiv=refresh]").await, 0);
        let href = b
            .find("[data-test=download-failures]")
            .await
            .attr("href")
            .await
            .unwrap()
            .unwrap();

        to_chinese(&b, "批量导入").await;
        assert_eq!(b.text("[data-test=import-status]").await, "已完成");
        assert_eq!(
            texts(&b, "[data-test=imports-table] th").await[3..6],
            ["新会员", "已是会员", "未导入"]
        );
        assert_eq!(
            b.text("[data-test=download-failures]").await,
            "下载失败记录"
        );

        // The refused row comes back with its line and reason.
        let failures = admin.get(&href).await;
        assert_eq!(failures.status, 200, "{}", failures.text);
        let lines: Vec<&str> = failures
            .text
            .trim_start_matches('\u{feff}')
            .lines()
            .collect();
        assert_eq!(lines.len(), 2, "{}", failures.text);
        assert_eq!(lines[0], "line,error,phone,channel,name,store");
        assert!(
            lines[1].starts_with("3,") && lines[1].ends_with(",1370000000,pos,赵六,POS001"),
            "{}",
            lines[1]
        );

        // The new member is a customer now; 张三 stays one customer.
        b.goto("/console/customers").await;
        assert_eq!(b.count("[data-test=customer-row]").await, 3);
        assert_eq!(
            b.text("[data-test=pager-summary]").await,
            "显示第 1 至 3 项，共 3 项"
        );
    })
    .await;
}
