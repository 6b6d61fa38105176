//! The coupon center's console pages at the HTTP level, on both databases: every page renders
//! for an administrator with its key content; the rule form saves, and shows refusals next to
//! their fields; the approval queue approves and rejects; permissions are enforced page by page;
//! another tenant's rule is not found.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_testkit::fixtures::member_club;
use patron_testkit::{both_databases, Client, TestApp};
use serde_json::{json, Value};

/// A console visitor: a cookie jar, no automatic redirects, forms posted urlencoded.
struct Visitor {
    base: String,
    http: reqwest::Client,
}

struct Page {
    status: u16,
    location: Option<String>,
    text: String,
}

impl Page {
    fn count(&self, needle: &str) -> usize {
        self.text.matches(needle).count()
    }

    fn has(&self, needle: &str) -> bool {
        self.text.contains(needle)
    }

    fn csrf(&self) -> String {
        let marker = r#"name="_csrf" value=""#;
        let at = self
            .text
            .find(marker)
            .unwrap_or_else(|| panic!("no _csrf field in: {}", self.text))
            + marker.len();
        let end = self.text[at..].find('"').unwrap();
        self.text[at..at + end].to_string()
    }

    /// The text of the table row marked `data-test="{marker}"`, up to its `</tr>`.
    fn row(&self, marker: &str) -> &str {
        let at = self
            .text
            .find(&format!(r#"data-test="{marker}""#))
            .unwrap_or_else(|| panic!("no row {marker} in {}", self.text));
        let end = self.text[at..].find("</tr>").unwrap();
        &self.text[at..at + end]
    }
}

impl Visitor {
    async fn logged_in(base: &str, tenant: &str, login: &str, password: &str) -> Self {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let v = Self {
            base: base.to_string(),
            http,
        };
        let r = v
            .post(
                "/console/login",
                &[
                    ("next", "/console"),
                    ("tenant_code", tenant),
                    ("login_name", login),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(
            (r.status, r.location.as_deref()),
            (303, Some("/console")),
            "{}",
            r.text
        );
        v
    }

    async fn read(resp: reqwest::Response) -> Page {
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string());
        Page {
            status,
            location,
            text: resp.text().await.unwrap(),
        }
    }

    async fn get(&self, path: &str) -> Page {
        Self::read(
            self.http
                .get(format!("{}{path}", self.base))
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        let req = self.http.post(format!("{}{path}", self.base)).form(form);
        Self::read(req.send().await.unwrap()).await
    }

    /// Posts `form` with the CSRF token of the page at `from`.
    async fn submit(&self, from: &str, path: &str, form: &[(&str, &str)]) -> Page {
        let csrf = self.get(from).await.csrf();
        let mut fields = form.to_vec();
        fields.push(("_csrf", &csrf));
        self.post(path, &fields).await
    }
}

const ADMIN_PASSWORD: &str = "acme-admin-password";

struct Club {
    program: String,
    cost_center: String,
}

/// The member club with a cost center.
async fn club(admin: &Client) -> Club {
    let club = member_club(admin).await;
    let r = admin
        .post(
            &format!("/api/v1/programs/{}/cost-centers", club.program_id),
            &json!({"code": "marketing", "name": "营销成本中心"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    Club {
        program: club.program_id,
        cost_center: r.body["id"].as_str().unwrap().to_string(),
    }
}

/// A cash-off rule: ¥20 off from ¥100, valid 7 days from the claim; `extra` overrides fields.
fn rule(c: &Club, extra: Value) -> Value {
    let mut r = json!({
        "name": "满100减20", "coupon_type": "cash_off", "program_id": c.program,
        "cost_center_id": c.cost_center, "cost": "1.50", "total_stock": 100,
        "threshold": "100", "amount_off": "20", "public_claim": true, "campaign_issue": true,
        "instructions": "每单限用一张", "validity_type": "duration", "valid_days": 7,
    });
    for (k, v) in extra.as_object().unwrap() {
        r[k] = v.clone();
    }
    r
}

async fn created(admin: &Client, body: &Value) -> String {
    let r = admin.post("/api/v1/coupon-rules", body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_str().unwrap().to_string()
}

async fn submitted(admin: &Client, body: &Value) -> String {
    let id = created(admin, body).await;
    let r = admin
        .post(&format!("/api/v1/coupon-rules/{id}/submit"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    id
}

async fn published(admin: &Client, body: &Value) -> String {
    let id = submitted(admin, body).await;
    let r = admin
        .post(&format!("/api/v1/coupon-rules/{id}/approve"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    id
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
    let text = |k: &str| m[k].as_str().unwrap().to_string();
    (text("id"), text("card_no"), text("customer_id"))
}

/// A user of the tenant with a role of exactly `permissions`, logged in to the console.
async fn user_with(app: &TestApp, admin: &Client, login: &str, permissions: &[&str]) -> Visitor {
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
    Visitor::logged_in(&app.base, "acme", login, &password).await
}

/// The fields of a valid new cash-off rule, as the form posts them.
fn form_fields(c: &Club) -> Vec<(&'static str, String)> {
    let mut f: Vec<(&'static str, String)> = vec![
        ("name", "满200减30".into()),
        ("coupon_type", "cash_off".into()),
        ("program_id", c.program.clone()),
        ("cost_center_id", c.cost_center.clone()),
        ("cost", "0.50".into()),
        ("total_stock", "500".into()),
        ("threshold_mode", "min".into()),
        ("threshold", "200".into()),
        ("amount_off", "30".into()),
        ("public_claim", "1".into()),
        ("validity_type", "date_range".into()),
        ("valid_from", "2031-06-09".into()),
        ("valid_to", "2031-06-12".into()),
        ("start_after_days", "0".into()),
        ("usable_from", "10:00:00".into()),
        ("usable_to", "22:00:00".into()),
        ("stackable", "1".into()),
        ("transferable", "1".into()),
        ("transfer_claim_hours", "24".into()),
        ("instructions", "周末可用".into()),
    ];
    f.push(("weekdays", "6".into()));
    f.push(("weekdays", "7".into()));
    f
}

fn borrowed<'a>(f: &'a [(&'static str, String)]) -> Vec<(&'a str, &'a str)> {
    f.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

both_databases! {
    async fn every_coupon_page_renders_for_an_administrator(app) {
        let admin = app.tenant_admin("acme").await;
        let c = club(&admin).await;
        let (ann, ann_card, ann_customer) = member(&admin, "13800000001").await;
        let id = published(&admin, &rule(&c, json!({"transfer_claim_hours": 24}))).await;
        let r = admin.post(&format!("/api/v1/coupon-rules/{id}/claim"), &json!({"member_id": ann})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let code = r.body["code"].as_str().unwrap().to_string();
        let r = admin.post(&format!("/api/v1/coupons/{code}/transfer"), &json!({})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let draft = created(&admin, &rule(&c, json!({"name": "八折券", "coupon_type": "discount", "amount_off": null, "discount": "8", "threshold": null}))).await;
        let rule_no = admin.get(&format!("/api/v1/coupon-rules/{id}")).await.body["rule_no"].as_str().unwrap().to_string();

        let v = Visitor::logged_in(&app.base, "acme", "admin", ADMIN_PASSWORD).await;
        // The list: both rules, their words and states, the row actions their states allow.
        let list = v.get("/console/coupons/rules").await;
        assert_eq!(list.status, 200, "{}", list.text);
        for nav in ["nav-coupon_rules", "nav-coupon_approvals", "nav-coupons", "nav-coupon_transfers"] {
            assert_eq!(list.count(&format!(r#"data-test="{nav}""#)), 1, "{nav}");
        }
        for card in ["create-cash_off", "create-discount", "create-exchange"] {
            assert_eq!(list.count(&format!(r#"data-test="{card}""#)), 1, "{card}");
        }
        assert!(list.has(r#"data-test="pager-summary">Showing 1–2 of 2</span>"#), "{}", list.text);
        let row = list.row("rule-row-满100减20");
        for part in [&format!(r#"data-test="rule-no">{rule_no}<"#), r#"data-test="rule-type">Cash off<"#,
            r#"data-test="rule-benefit">Spend ¥100, ¥20 off<"#, r#"data-test="rule-approval">Approved<"#,
            r#"data-test="rule-status">Published<"#, "Fixed duration", r#"data-test="copy-rule""#,
            r#"data-test="unpublish-rule""#, r#"data-test="issue-more""#] {
            assert!(row.contains(part), "{part} in {row}");
        }
        assert!(!row.contains("submit-rule") && !row.contains("delete-rule"), "{row}");
        let row = list.row("rule-row-八折券");
        for part in [r#"data-test="rule-benefit">No threshold, pay 80%<"#, r#"data-test="rule-approval">Not submitted<"#,
            r#"data-test="rule-status">Draft<"#, "edit-rule", "submit-rule", "copy-rule", "delete-rule"] {
            assert!(row.contains(part), "{part} in {row}");
        }
        // Search by number, filters, the empty state.
        let found = v.get(&format!("/console/coupons/rules?search={rule_no}")).await;
        assert_eq!((found.count("data-test=\"rule-row-"), found.has("rule-row-满100减20")), (1, true));
        let found = v.get("/console/coupons/rules?type=discount&status=draft&approval=not_submitted").await;
        assert_eq!((found.count("data-test=\"rule-row-"), found.has("rule-row-八折券")), (1, true));
        let none = v.get("/console/coupons/rules?type=exchange").await;
        assert_eq!((none.status, none.count(r#"data-test="empty""#)), (200, 1));

        // The new-rule form of a type, with the server's preview.
        let form = v.get("/console/coupons/rules/new?type=discount").await;
        assert_eq!(form.status, 200, "{}", form.text);
        assert!(form.has(r#"<option value="discount" selected>"#), "{}", form.text);
        assert!(form.has(r#"<script src="/console/static/coupon_rules.js" defer></script>"#));
        assert!(form.has(&format!(r#"<option value="{}" selected>"#, c.program)));
        assert!(form.has(r#"data-test="preview-benefit">Enter the benefit to see it as members will.<"#), "{}", form.text);
        assert!(form.has(r#"data-test="preview-validity">Valid for 30 day(s) from the claim<"#));
        assert!(form.has(r#"data-test="preview-usable">Every day 00:00:00–23:59:59<"#));
        let js = reqwest::get(format!("{}/console/static/coupon_rules.js", app.base)).await.unwrap();
        assert_eq!(js.headers()["content-type"], "text/javascript; charset=utf-8");

        // The detail page and its five tabs.
        let base = format!("/console/coupons/rules/{id}");
        let basic = v.get(&base).await;
        assert_eq!(basic.status, 200, "{}", basic.text);
        for part in [r#"data-test="fact-benefit">Spend ¥100, ¥20 off<"#, r#"data-test="fact-program">品牌会员计划 (club)<"#,
            r#"data-test="fact-cost-center">营销成本中心 (marketing)<"#, r#"data-test="fact-total-cost">¥150.00<"#,
            r#"data-test="fact-validity">Valid for 7 day(s) from the claim<"#, r#"data-test="fact-stores">All stores<"#,
            r#"data-test="fact-transferable">Yes, the friend has 24 hour(s) to accept<"#, r#"data-test="fact-instructions">每单限用一张<"#,
            r#"data-test="fact-issue-modes">Public claim, Campaign issue<"#, r#"data-test="unpublish-rule""#, r#"data-test="issue-more""#] {
            assert!(basic.has(part), "{part} in {}", basic.text);
        }
        let analysis = v.get(&format!("{base}?tab=analysis")).await;
        assert_eq!(analysis.status, 200, "{}", analysis.text);
        for part in [r#"data-test="figure-total-stock">100<"#, r#"data-test="figure-remaining">99<"#, r#"data-test="figure-claimers">1<"#,
            r#"data-test="figure-users">0<"#, r#"data-test="figure-roi">—<"#, r#"class="seg unused w5""#, r#"class="seg left w95""#] {
            assert!(analysis.has(part), "{part} in {}", analysis.text);
        }
        let coupons = v.get(&format!("{base}?tab=coupons")).await;
        let row = coupons.row(&format!("coupon-row-{code}"));
        assert!(row.contains(&format!(r#"href="/console/customers/{ann_customer}" data-test="coupon-holder">{ann_card}<"#)), "{row}");
        assert!(row.contains(r#"data-test="coupon-status">Transferring<"#), "{row}");
        let approvals = v.get(&format!("{base}?tab=approvals")).await;
        assert!(approvals.row("approval-row-submitted").contains("admin"));
        assert!(approvals.row("approval-row-approved").contains(r#"data-test="approval-decision">Approved<"#));
        let issuances = v.get(&format!("{base}?tab=issuances")).await;
        assert_eq!(issuances.count(r#"data-test="no-issuances""#), 1);

        // Coupon search: by exact code (spaces allowed), a typo named as such.
        let all = v.get("/console/coupons").await;
        assert_eq!(all.status, 200);
        assert!(all.row(&format!("coupon-row-{code}")).contains(&format!("{rule_no} 满100减20")));
        let spaced = format!("{} {}", &code[..8], &code[8..]);
        let one = v.get(&format!("/console/coupons?code={}", spaced.replace(' ', "+"))).await;
        assert_eq!(one.count("data-test=\"coupon-row-"), 1, "{}", one.text);
        let mut typo = code.clone().into_bytes();
        typo[3] = if typo[3] == b'9' { b'0' } else { typo[3] + 1 };
        let typo = String::from_utf8(typo).unwrap();
        let bad = v.get(&format!("/console/coupons?code={typo}")).await;
        assert_eq!(bad.status, 422);
        assert!(bad.has(r#"data-test="error-code">This is not a coupon code: check the digits.</p>"#), "{}", bad.text);
        let used = v.get("/console/coupons?status=used").await;
        assert_eq!(used.count(r#"data-test="empty""#), 1);

        // Transfers and the customer's coupons tab.
        let transfers = v.get("/console/coupons/transfers").await;
        let row = transfers.row(&format!("transfer-row-{code}"));
        assert!(row.contains(&format!(r#"data-test="transfer-giver">{ann_card}<"#)), "{row}");
        assert!(row.contains(r#"data-test="transfer-status">Transferring<"#), "{row}");
        assert!(row.contains("transfer started: Issued ⇒ Transferring"), "{row}");
        assert_eq!(v.get("/console/coupons/transfers?status=succeeded").await.count(r#"data-test="empty""#), 1);
        let tab = v.get(&format!("/console/customers/{ann_customer}?tab=coupons")).await;
        assert_eq!(tab.status, 200, "{}", tab.text);
        assert!(tab.has(r#"data-test="tab-coupons""#));
        assert!(tab.row(&format!("coupon-row-{code}")).contains("满100减20"));

        // In Chinese.
        let csrf = list.csrf();
        v.post("/console/locale", &[("locale", "zh-CN"), ("back", "/console"), ("_csrf", &csrf)]).await;
        let zh = v.get("/console/coupons/rules").await;
        assert!(zh.row("rule-row-满100减20").contains(r#"data-test="rule-benefit">满100元减免20元<"#), "{}", zh.text);
        assert!(zh.row("rule-row-满100减20").contains(r#"data-test="rule-status">上架<"#));
        let _ = draft;
    }

    async fn the_form_saves_a_rule_and_shows_refusals_next_to_their_fields(app) {
        let admin = app.tenant_admin("acme").await;
        let c = club(&admin).await;
        let v = Visitor::logged_in(&app.base, "acme", "admin", ADMIN_PASSWORD).await;
        let new = "/console/coupons/rules/new?type=cash_off";

        // An amount above the threshold: next to the amount, the form as typed.
        let mut fields = form_fields(&c);
        for f in fields.iter_mut() {
            if f.0 == "amount_off" {
                f.1 = "300".into();
            }
        }
        let r = v.submit(new, "/console/coupons/rules/new", &borrowed(&fields)).await;
        assert_eq!(r.status, 422, "{}", r.text);
        assert!(r.has(r#"data-test="error-amount_off">Must not be more than the order minimum</p>"#), "{}", r.text);
        assert!(r.has(r#"name="name" value="满200减30""#));
        assert!(r.has(r#"value="6" checked data-test="weekday-6""#), "{}", r.text);
        assert!(!r.has(r#"value="1" checked data-test="weekday-1""#));
        assert!(r.has(r#"data-test="preview-usable">Sat, Sun 10:00:00–22:00:00<"#), "{}", r.text);
        // A discount that is not N折, a ticked option without its number, a bad number.
        let mut fields = form_fields(&c);
        fields.retain(|f| f.0 != "coupon_type");
        fields.push(("coupon_type", "discount".into()));
        fields.push(("discount", "10".into()));
        let r = v.submit(new, "/console/coupons/rules/new", &borrowed(&fields)).await;
        assert_eq!(r.status, 422);
        assert!(r.has(r#"data-test="error-discount">Enter N of N折 between 0.1 and 9.9, like 8 or 8.5</p>"#), "{}", r.text);
        let mut fields = form_fields(&c);
        fields.retain(|f| f.0 != "transfer_claim_hours");
        let r = v.submit(new, "/console/coupons/rules/new", &borrowed(&fields)).await;
        assert!(r.has(r#"data-test="error-transfer_claim_hours">Required</p>"#), "{}", r.text);
        let mut fields = form_fields(&c);
        fields.push(("per_member_limit", "two".into()));
        let r = v.submit(new, "/console/coupons/rules/new", &borrowed(&fields)).await;
        assert!(r.has(r#"data-test="error-per_member_limit">Must be a whole number</p>"#), "{}", r.text);
        assert_eq!(admin.get("/api/v1/coupon-rules").await.body["total"], 0);

        // A valid form: a draft with every field as typed.
        let r = v.submit(new, "/console/coupons/rules/new", &borrowed(&form_fields(&c))).await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/console/coupons/rules")), "{}", r.text);
        let list = v.get("/console/coupons/rules").await;
        assert!(list.has(r#"data-test="flash">Coupon rule saved as a draft.</div>"#));
        let saved = admin.get("/api/v1/coupon-rules").await.body["items"][0].clone();
        assert_eq!(saved["benefit"]["zh"], "满200元减免30元");
        assert_eq!((saved["total_stock"].as_i64(), saved["cost"].as_str()), (Some(500), Some("0.50")));
        assert_eq!(saved["weekdays"], json!([6, 7]));
        assert_eq!((saved["usable_from"].as_str(), saved["usable_to"].as_str()), (Some("10:00:00"), Some("22:00:00")));
        assert_eq!((saved["valid_from"].as_str(), saved["valid_to"].as_str()), (Some("2031-06-09"), Some("2031-06-12")));
        assert_eq!((saved["stackable"].as_bool(), saved["transfer_claim_hours"].as_i64()), (Some(true), Some(24)));
        assert_eq!((saved["campaign_issue"].as_bool(), saved["refund_returns_days"].as_i64()), (Some(false), None));
        assert_eq!(saved["approval_status"], "not_submitted");
        let id = saved["id"].as_str().unwrap().to_string();

        // Edit: the saved values in the form; a change goes through; submitted, it cannot be edited.
        let edit = v.get(&format!("/console/coupons/rules/{id}/edit")).await;
        assert_eq!(edit.status, 200, "{}", edit.text);
        assert!(edit.has(r#"name="amount_off" value="30.00""#), "{}", edit.text);
        assert!(edit.has(r#"data-test="preview-benefit">Spend ¥200, ¥30 off<"#), "{}", edit.text);
        assert!(edit.has(r#"data-test="preview-validity">2031-06-09 00:00:00 – 2031-06-12 23:59:59<"#));
        let mut fields = form_fields(&c);
        fields.retain(|f| f.0 != "name");
        fields.push(("name", "满200减30（周末）".into()));
        let r = v.submit(&format!("/console/coupons/rules/{id}/edit"), &format!("/console/coupons/rules/{id}/edit"), &borrowed(&fields)).await;
        assert_eq!((r.status, r.location.clone()), (303, Some(format!("/console/coupons/rules/{id}"))), "{}", r.text);
        assert_eq!(admin.get(&format!("/api/v1/coupon-rules/{id}")).await.body["name"], "满200减30（周末）");
        let r = v.submit("/console/coupons/rules", &format!("/console/coupons/rules/{id}/submit"), &[]).await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/console/coupons/rules")));
        let edit = v.get(&format!("/console/coupons/rules/{id}/edit")).await;
        assert!(edit.has(r#"data-test="form-error">Only a draft, or an unpublished rule that handed nothing out, can be edited.</div>"#), "{}", edit.text);
        assert_eq!(edit.count(r#"data-test="save""#), 0);
        let r = v.submit("/console/coupons/rules", &format!("/console/coupons/rules/{id}/edit"), &borrowed(&fields)).await;
        assert_eq!(r.status, 422);
        assert!(r.has("Only a draft, or an unpublished rule that handed nothing out, can be edited."));
        // Submitting twice is refused with the reason.
        let r = v.submit("/console/coupons/rules", &format!("/console/coupons/rules/{id}/submit"), &[]).await;
        assert_eq!(r.status, 409);
        assert!(r.has("Only a draft that is not awaiting approval can be submitted."), "{}", r.text);
    }

    async fn the_approval_queue_approves_and_rejects(app) {
        let admin = app.tenant_admin("acme").await;
        let c = club(&admin).await;
        let first = submitted(&admin, &rule(&c, json!({"name": "待审A"}))).await;
        let second = submitted(&admin, &rule(&c, json!({"name": "待审B"}))).await;
        created(&admin, &rule(&c, json!({"name": "草稿"}))).await;
        let v = Visitor::logged_in(&app.base, "acme", "admin", ADMIN_PASSWORD).await;
        let queue = v.get("/console/coupons/approvals").await;
        assert_eq!(queue.status, 200, "{}", queue.text);
        assert_eq!(queue.count("data-test=\"pending-row-"), 2);
        assert!(queue.row("pending-row-待审A").contains("Spend ¥100, ¥20 off"));
        assert!(!queue.has("pending-row-草稿"));

        // Rejecting needs a comment, shown next to that rule's comment field.
        let r = v.submit("/console/coupons/approvals", &format!("/console/coupons/approvals/{first}"), &[("decision", "reject"), ("comment", "  ")]).await;
        assert_eq!(r.status, 422, "{}", r.text);
        let row = r.row("pending-row-待审A");
        assert!(row.contains(r#"data-test="error-comment">Required</p>"#), "{row}");
        assert!(!r.row("pending-row-待审B").contains("error-comment"));
        let r = v.submit("/console/coupons/approvals", &format!("/console/coupons/approvals/{first}"), &[("decision", "reject"), ("comment", "门槛太低")]).await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/console/coupons/approvals")));
        let rejected = admin.get(&format!("/api/v1/coupon-rules/{first}")).await.body;
        assert_eq!((rejected["approval_status"].as_str(), rejected["rule_status"].as_str()), (Some("rejected"), Some("draft")));

        let r = v.submit("/console/coupons/approvals", &format!("/console/coupons/approvals/{second}"), &[("decision", "approve"), ("comment", "")]).await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/console/coupons/approvals")));
        let queue = v.get("/console/coupons/approvals").await;
        assert!(queue.has(r#"data-test="flash">Coupon rule approved and published.</div>"#));
        assert_eq!(queue.count(r#"data-test="empty""#), 1);
        let approved = admin.get(&format!("/api/v1/coupon-rules/{second}")).await.body;
        assert_eq!((approved["approval_status"].as_str(), approved["rule_status"].as_str()), (Some("approved"), Some("published")));
        let records = v.get(&format!("/console/coupons/rules/{first}?tab=approvals")).await;
        assert!(records.row("approval-row-rejected").contains(r#"data-test="approval-comment">门槛太低<"#));
        // Deciding again is refused with the reason.
        let r = v.submit("/console/coupons/approvals", &format!("/console/coupons/approvals/{second}"), &[("decision", "approve")]).await;
        assert_eq!(r.status, 422);
        assert!(r.has(r#"data-test="form-error">The rule is not awaiting approval.</div>"#), "{}", r.text);

        // Extra stock on the published rule, then unpublish from the detail footer.
        let stock = format!("/console/coupons/rules/{second}/stock");
        let r = v.submit(&stock, &stock, &[("quantity", "0"), ("cost", "1"), ("reason", "补货")]).await;
        assert_eq!(r.status, 422);
        assert!(r.has(r#"data-test="error-quantity">Out of the allowed range</p>"#), "{}", r.text);
        let r = v.submit(&stock, &stock, &[("quantity", "50"), ("cost", "1"), ("reason", "补货")]).await;
        assert_eq!((r.status, r.location.clone()), (303, Some(format!("/console/coupons/rules/{second}?tab=issuances"))), "{}", r.text);
        let tab = v.get(&format!("/console/coupons/rules/{second}?tab=issuances")).await;
        let row = tab.row("issuance-row");
        for part in [r#"data-test="issuance-quantity">50<"#, r#"data-test="issuance-cost">¥50.00<"#, r#"data-test="issuance-reason">补货<"#] {
            assert!(row.contains(part), "{part} in {row}");
        }
        let detail = format!("/console/coupons/rules/{second}");
        let r = v.submit(&detail, &format!("{detail}/unpublish"), &[("back", &detail)]).await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some(detail.as_str())));
        let page = v.get(&detail).await;
        assert!(page.has(r#"data-test="rule-status">Unpublished<"#));
        assert!(page.has(r#"data-test="publish-rule""#) && page.has(r#"data-test="delete-rule""#));
        // Deleting through its confirmation.
        let r = v.submit(&format!("{detail}/delete"), &format!("{detail}/delete"), &[]).await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/console/coupons/rules")));
        assert_eq!(admin.get(&format!("/api/v1/coupon-rules/{second}")).await.body["rule_status"], "deleted");
    }

    async fn coupon_pages_need_their_permissions(app) {
        let admin = app.tenant_admin("acme").await;
        let c = club(&admin).await;
        let id = submitted(&admin, &rule(&c, json!({}))).await;
        let outsider = user_with(&app, &admin, "sam", &["settings:read"]).await;
        for path in ["/console/coupons/rules", &format!("/console/coupons/rules/{id}"), "/console/coupons", "/console/coupons/transfers"] {
            let r = outsider.get(path).await;
            assert_eq!(r.status, 403, "{path}");
            assert!(r.has(r#"data-test="error-message">You need the permission coupons:read.</p>"#), "{path}: {}", r.text);
        }
        assert!(!outsider.get("/console/settings").await.has("nav-coupon_rules"));

        let reader = user_with(&app, &admin, "rita", &["coupons:read"]).await;
        let list = reader.get("/console/coupons/rules").await;
        assert_eq!(list.status, 200);
        assert!(list.has(r#"data-test="nav-coupon_rules""#) && !list.has(r#"data-test="nav-coupon_approvals""#));
        assert!(!list.has("create-cash_off") && !list.has("copy-rule"), "a reader sees no actions");
        let r = reader.get("/console/coupons/rules/new?type=cash_off").await;
        assert_eq!(r.status, 403);
        assert!(r.has("You need the permission coupons:manage."));
        let r = reader.get("/console/coupons/approvals").await;
        assert_eq!(r.status, 403);
        assert!(r.has("You need the permission coupons:approve."));
        let csrf = list.csrf();
        let r = reader.post(&format!("/console/coupons/approvals/{id}"), &[("decision", "approve"), ("_csrf", &csrf)]).await;
        assert_eq!(r.status, 403);
        let r = reader.post(&format!("/console/coupons/rules/{id}/copy"), &[("_csrf", &csrf)]).await;
        assert_eq!(r.status, 403);
        assert_eq!(admin.get("/api/v1/coupon-rules").await.body["total"], 1);

        // An approver without coupons:read still has the queue.
        let approver = user_with(&app, &admin, "amy", &["coupons:approve"]).await;
        let queue = approver.get("/console/coupons/approvals").await;
        assert_eq!(queue.status, 200, "{}", queue.text);
        assert_eq!(queue.count("data-test=\"pending-row-"), 1);
        assert!(!queue.has(r#"data-test="rule-name""#), "no link to a page it may not open");
    }

    async fn another_tenants_rule_is_not_found(app) {
        let admin = app.tenant_admin("acme").await;
        let c = club(&admin).await;
        let id = submitted(&admin, &rule(&c, json!({}))).await;
        let _other = app.tenant_admin("globex").await;
        let v = Visitor::logged_in(&app.base, "globex", "admin", "globex-admin-password").await;
        for path in [format!("/console/coupons/rules/{id}"), format!("/console/coupons/rules/{id}?tab=analysis"),
            format!("/console/coupons/rules/{id}/edit"), format!("/console/coupons/rules/{id}/stock"), format!("/console/coupons/rules/{id}/delete")] {
            let r = v.get(&path).await;
            assert_eq!(r.status, 404, "{path}: {}", r.text);
            assert!(r.has(r#"data-test="error-title">Page not found</h1>"#), "{path}");
        }
        let list = v.get("/console/coupons/rules").await;
        assert_eq!(list.count(r#"data-test="empty""#), 1);
        assert_eq!(v.get("/console/coupons/approvals").await.count(r#"data-test="empty""#), 1);
        let csrf = list.csrf();
        for action in ["copy", "unpublish", "submit"] {
            let r = v.post(&format!("/console/coupons/rules/{id}/{action}"), &[("_csrf", &csrf)]).await;
            assert_eq!(r.status, 404, "{action}");
        }
        let r = v.post(&format!("/console/coupons/approvals/{id}"), &[("decision", "approve"), ("_csrf", &csrf)]).await;
        assert_eq!(r.status, 404);
        assert_eq!(admin.get(&format!("/api/v1/coupon-rules/{id}")).await.body["approval_status"], "pending");
    }
}
