//! Registration, one customer per person, lookups, status changes, bindings and PII protection
//! through the API, on both databases.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_testkit::both_databases;
use patron_testkit::fixtures::member_club;
use serde_json::json;

both_databases! {
    async fn a_registration_opens_a_member_with_base_tier_and_point_accounts(app) {
        let admin = app.tenant_admin("acme").await;
        let club = member_club(&admin).await;
        let r = admin.post("/api/v1/members", &json!({
            "program": "club", "channel": "website", "store": "WXMINI001",
            "name": "张三", "phone": "+86 138 1234 5678", "email": "zhang@brand.cn",
            "birthday": "1997-11-11", "gender": "男", "province": "广东", "city": "深圳",
        })).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.body["created_member"], true);
        assert_eq!(r.body["created_customer"], true);
        let m = &r.body["member"];
        assert_eq!(m["card_no"], "1000000001");
        assert_eq!(m["status"], "normal");
        assert_eq!(m["registration_channel"], "website");
        assert_eq!(m["retention_points"], 0);
        assert_eq!(m["retention_spend"], "0.00");
        // Answers to changes are masked even for the administrator (they may be stored for
        // idempotent replays); reading the customer shows the clear values to holders of customers:pii.
        let c = &r.body["customer"];
        assert_eq!((c["phone"].as_str(), c["pii_masked"].as_bool()), (Some("138****5678"), Some(true)));
        assert_eq!(c["gender"], "male");
        let customer = c["id"].as_str().unwrap();
        let read = admin.get(&format!("/api/v1/customers/{customer}")).await.body;
        assert_eq!((read["customer"]["phone"].as_str(), read["customer"]["pii_masked"].as_bool()), (Some("13812345678"), Some(false)));
        assert_eq!(read["customer"]["email"], "zhang@brand.cn");

        let id = m["id"].as_str().unwrap();
        let d = admin.get(&format!("/api/v1/members/{id}")).await;
        assert_eq!(d.status, 200);
        let tiers = d.body["tier_records"].as_array().unwrap();
        assert_eq!(tiers.len(), 1);
        assert_eq!(tiers[0]["tier_id"], club.base_tier_id.as_str());
        assert_eq!((tiers[0]["record_type"].as_str(), tiers[0]["status"].as_str()), (Some("base"), Some("active")));
        assert_eq!(tiers[0]["expires_at"], serde_json::Value::Null);
        let accounts = d.body["point_accounts"].as_array().unwrap();
        let mut groups: Vec<&str> = accounts.iter().map(|a| a["point_group_id"].as_str().unwrap()).collect();
        groups.sort_unstable();
        let mut expected = vec![club.points_group_id.as_str(), club.growth_group_id.as_str()];
        expected.sort_unstable();
        assert_eq!(groups, expected);
        assert!(accounts.iter().all(|a| a["accumulated"] == 0 && a["available"] == 0 && a["expired"] == 0));

        // Configuration in use by members cannot be deleted.
        let r = admin.delete(&format!("/api/v1/tiers/{}", club.base_tier_id)).await;
        assert_eq!((r.status, r.code()), (409, "tier_in_use"));
        let r = admin.delete(&format!("/api/v1/point-groups/{}", club.points_group_id)).await;
        assert_eq!((r.status, r.code()), (409, "point_group_in_use"));
        let r = admin.delete(&format!("/api/v1/programs/{}", club.program_id)).await;
        assert_eq!((r.status, r.code()), (409, "program_in_use"));

        // A second member gets the next card number.
        let r = admin.post("/api/v1/members", &json!({"program": "club", "channel": "pos", "store": "POS001", "phone": "13900000000"})).await;
        assert_eq!(r.body["member"]["card_no"], "1000000002");

        // Found by card number: the card's customer and its member accounts.
        let found = admin.get("/api/v1/members/lookup?card_no=%201000000001%20").await;
        assert_eq!(found.status, 200, "{}", found.text);
        assert_eq!(found.body["customer"]["id"].as_str(), Some(customer));
        assert_eq!(found.body["customer"]["phone"], "13812345678");
        assert_eq!(found.body["members"].as_array().unwrap().len(), 1);
        assert_eq!(found.body["members"][0]["id"].as_str(), Some(id));
        let r = admin.get("/api/v1/members/lookup?card_no=1000000009").await;
        assert_eq!((r.status, r.code()), (404, "not_found"));
    }

    async fn the_same_phone_from_a_second_channel_is_the_same_customer(app) {
        let admin = app.tenant_admin("acme").await;
        member_club(&admin).await;
        let first = admin.post("/api/v1/members", &json!({"program": "club", "channel": "pos", "store": "POS001", "phone": "13812345678", "name": "张三"})).await;
        assert_eq!(first.status, 201);
        let again = admin.post("/api/v1/members", &json!({
            "program": "club", "channel": "wechat_mini", "store": "WXMINI001", "phone": "138-1234-5678",
            "name": "Someone else", "city": "上海",
            "binding": {"external_id": "mini-42", "openid": "o-abc", "unionid": "u-xyz"},
        })).await;
        assert_eq!(again.status, 200, "{}", again.text);
        assert_eq!(again.body["created_member"], false);
        assert_eq!(again.body["created_customer"], false);
        assert_eq!(again.body["member"]["id"], first.body["member"]["id"]);
        let customer = first.body["customer"]["id"].as_str().unwrap();
        let d = admin.get(&format!("/api/v1/customers/{customer}")).await;
        // Gaps are filled, known values kept.
        assert_eq!(d.body["customer"]["name"], "张三");
        assert_eq!(d.body["customer"]["city"], "上海");
        assert_eq!(d.body["members"].as_array().unwrap().len(), 1);
        let bindings = d.body["bindings"].as_array().unwrap();
        assert_eq!(bindings.len(), 1);
        assert_eq!((bindings[0]["channel"].as_str(), bindings[0]["account_type"].as_str()), (Some("wechat_mini"), Some("wechat")));

        // Every way of finding the member leads to the same customer.
        for q in ["card_no=1000000001", "phone=%2B8613812345678", "channel=wechat_mini&external_id=mini-42", "wechat_id=o-abc", "wechat_id=u-xyz"] {
            let r = admin.get(&format!("/api/v1/members/lookup?{q}")).await;
            assert_eq!(r.status, 200, "{q}: {}", r.text);
            assert_eq!(r.body["customer"]["id"], customer, "{q}");
        }
        let r = admin.get("/api/v1/members/lookup?phone=13900000000").await;
        assert_eq!((r.status, r.code()), (404, "not_found"));
        let r = admin.get("/api/v1/members/lookup").await;
        assert_eq!((r.status, r.code()), (422, "lookup_key_required"));
        assert_eq!(admin.get("/api/v1/customers").await.body["total"], 1);
    }

    async fn bad_registrations_are_refused_and_write_nothing(app) {
        let admin = app.tenant_admin("acme").await;
        member_club(&admin).await;
        for (body, status, code, field) in [
            (json!({"program": "club", "channel": "pos", "phone": "1381234567"}), 422, "invalid_phone", "phone"),
            (json!({"program": "club", "channel": "pos"}), 422, "identity_required", "phone"),
            (json!({"program": "nope", "channel": "pos", "phone": "13812345678"}), 422, "unknown_program", "program"),
            (json!({"program": "club", "channel": "fax", "phone": "13812345678"}), 422, "unknown_channel", "channel"),
            (json!({"program": "club", "channel": "pos", "store": "NOPE", "phone": "13812345678"}), 422, "unknown_store", "store"),
            (json!({"program": "club", "channel": "pos", "phone": "13812345678", "birthday": "1997/11/11"}), 422, "invalid_date", "birthday"),
            (json!({"program": "club", "channel": "pos", "phone": "13812345678", "email": "nope"}), 422, "invalid_email", "email"),
            (json!({"program": "club", "channel": "pos", "phone": "13812345678", "registered_at": "yesterday"}), 422, "invalid_timestamp", "registered_at"),
        ] {
            let r = admin.post("/api/v1/members", &body).await;
            assert_eq!((r.status, r.code(), r.body["field"].as_str()), (status, code, Some(field)), "{body}: {}", r.text);
        }
        assert_eq!(admin.get("/api/v1/customers").await.body["total"], 0);

        // A supplied card number that is taken is a conflict, and the person is not created.
        admin.post("/api/v1/members", &json!({"program": "club", "channel": "pos", "phone": "13812345678", "card_no": "TM0001"})).await;
        let r = admin.post("/api/v1/members", &json!({"program": "club", "channel": "pos", "phone": "13900000000", "card_no": "TM0001"})).await;
        assert_eq!((r.status, r.code()), (409, "card_no_taken"));
        assert_eq!(admin.get("/api/v1/customers").await.body["total"], 1);

        // A generated number that a supplied card holds already is skipped.
        let r = admin.post("/api/v1/members", &json!({"program": "club", "channel": "pos", "phone": "13900000001", "card_no": "1000000001"})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let r = admin.post("/api/v1/members", &json!({"program": "club", "channel": "pos", "phone": "13900000002"})).await;
        assert_eq!((r.status, r.body["member"]["card_no"].as_str()), (201, Some("1000000002")), "{}", r.text);
        assert_eq!(admin.get("/api/v1/customers").await.body["total"], 3);
    }

    async fn readers_without_the_pii_permission_see_masked_values(app) {
        let admin = app.tenant_admin("acme").await;
        member_club(&admin).await;
        let r = admin.post("/api/v1/members", &json!({"program": "club", "channel": "pos", "phone": "13812345678", "name": "张三", "email": "zhang@brand.cn", "birthday": "1997-11-11"})).await;
        let customer = r.body["customer"]["id"].as_str().unwrap().to_string();
        let reader = app.key_with(&admin, &["customers:read"]).await;
        let c = reader.get(&format!("/api/v1/customers/{customer}")).await.body["customer"].clone();
        assert_eq!(c["phone"], "138****5678");
        assert_eq!(c["name"], "张*");
        assert_eq!(c["email"], "z***@brand.cn");
        assert_eq!(c["birthday"], "****-11-**");
        assert_eq!(c["pii_masked"], true);
        let page = reader.get("/api/v1/customers?search=13812345678").await.body;
        assert_eq!((page["total"].as_u64(), page["items"][0]["phone"].as_str()), (Some(1), Some("138****5678")));
        // Exact search by card number and by full name.
        assert_eq!(reader.get("/api/v1/customers?search=1000000001").await.body["total"], 1);
        assert_eq!(reader.get("/api/v1/customers?search=%E5%BC%A0%E4%B8%89").await.body["total"], 1);
        assert_eq!(reader.get("/api/v1/customers?search=%E5%BC%A0").await.body["total"], 0);

        // Masked reads are not audited; clear reads are.
        let audit = admin.get("/api/v1/audit?action=customer.pii_read").await.body;
        assert_eq!(audit["total"], 0);
        admin.get(&format!("/api/v1/customers/{customer}")).await;
        let audit = admin.get("/api/v1/audit?action=customer.pii_read").await.body;
        assert_eq!(audit["total"], 1);
        assert_eq!(audit["items"][0]["object_id"], customer.as_str());
    }

    async fn status_changes_follow_the_rules_and_are_audited(app) {
        let admin = app.tenant_admin("acme").await;
        member_club(&admin).await;
        let r = admin.post("/api/v1/members", &json!({"program": "club", "channel": "pos", "phone": "13812345678"})).await;
        let id = r.body["member"]["id"].as_str().unwrap().to_string();
        let r = admin.post(&format!("/api/v1/members/{id}/unfreeze"), &json!({})).await;
        assert_eq!((r.status, r.code()), (422, "invalid_status_transition"));
        let r = admin.post(&format!("/api/v1/members/{id}/freeze"), &json!({"reason": "suspected fraud"})).await;
        assert_eq!((r.status, r.body["status"].as_str()), (200, Some("frozen")));
        let r = admin.post(&format!("/api/v1/members/{id}/cancel"), &json!({})).await;
        assert_eq!(r.body["status"], "cancelled");
        let r = admin.post(&format!("/api/v1/members/{id}/freeze"), &json!({})).await;
        assert_eq!(r.code(), "invalid_status_transition");
        let audit = admin.get(&format!("/api/v1/audit?object_id={id}")).await.body;
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["member.cancel", "member.freeze"]);
        assert_eq!(audit["items"][1]["after"]["reason"], "suspected fraud");
    }

    async fn profile_edits_bindings_and_erasure(app) {
        let admin = app.tenant_admin("acme").await;
        member_club(&admin).await;
        let a = admin.post("/api/v1/members", &json!({"program": "club", "channel": "pos", "phone": "13812345678", "name": "张三"})).await;
        let b = admin.post("/api/v1/members", &json!({"program": "club", "channel": "pos", "phone": "13900000000"})).await;
        let a_id = a.body["customer"]["id"].as_str().unwrap().to_string();

        let r = admin.patch(&format!("/api/v1/customers/{a_id}"), &json!({"city": "杭州", "birthday": "1990-02-28"})).await;
        assert_eq!((r.status, r.body["city"].as_str(), r.body["birthday"].as_str()), (200, Some("杭州"), Some("****-02-**")));
        let read = admin.get(&format!("/api/v1/customers/{a_id}")).await.body;
        assert_eq!(read["customer"]["birthday"], "1990-02-28");
        let r = admin.patch(&format!("/api/v1/customers/{a_id}"), &json!({"phone": "13900000000"})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (409, "phone_taken", Some("phone")));
        // The audit log names the changed PII fields but never their values.
        let audit = admin.get(&format!("/api/v1/audit?action=customer.update&object_id={a_id}")).await;
        assert_eq!(audit.body["total"], 1);
        assert!(!audit.text.contains("1990-02-28"));
        assert_eq!(audit.body["items"][0]["after"]["pii_changed"], json!(["birthday"]));

        let r = admin.post(&format!("/api/v1/customers/{a_id}/bindings"), &json!({"channel": "tmall", "external_id": "tm-1", "nickname": "zs"})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let binding = r.body["id"].as_str().unwrap().to_string();
        let b_id = b.body["customer"]["id"].as_str().unwrap();
        let r = admin.post(&format!("/api/v1/customers/{b_id}/bindings"), &json!({"channel": "tmall", "external_id": "tm-1"})).await;
        assert_eq!((r.status, r.code()), (409, "binding_taken"));
        let r = admin.post(&format!("/api/v1/bindings/{binding}/unbind"), &json!({})).await;
        assert_eq!((r.status, r.body["bound"].as_bool()), (200, Some(false)));
        assert!(r.body["unbound_at"].is_string());
        // Unbound, the account can go to someone else; the history stays with the first.
        let r = admin.post(&format!("/api/v1/customers/{b_id}/bindings"), &json!({"channel": "tmall", "external_id": "tm-1"})).await;
        assert_eq!(r.status, 201);
        let d = admin.get(&format!("/api/v1/customers/{a_id}")).await;
        assert_eq!(d.body["bindings"][0]["bound"], false);

        // Erasure: PII gone, member and customer kept, phone free again.
        let r = admin.post(&format!("/api/v1/customers/{a_id}/erase"), &json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!((r.body["phone"].clone(), r.body["name"].clone()), (json!(null), json!(null)));
        assert!(r.body["erased_at"].is_string());
        let d = admin.get(&format!("/api/v1/customers/{a_id}")).await;
        assert_eq!(d.body["members"].as_array().unwrap().len(), 1);
        assert_eq!(d.body["bindings"][0]["external_id"].as_str().map(|s| s.starts_with("erased-")), Some(true));
        assert_eq!(admin.get("/api/v1/members/lookup?phone=13812345678").await.status, 404);
        let r = admin.patch(&format!("/api/v1/customers/{a_id}"), &json!({"city": "x"})).await;
        assert_eq!(r.code(), "customer_erased");
        assert_eq!(admin.get("/api/v1/audit?action=customer.erase").await.body["total"], 1);
    }

    async fn other_tenants_and_missing_permissions_see_nothing(app) {
        let admin = app.tenant_admin("acme").await;
        member_club(&admin).await;
        let r = admin.post("/api/v1/members", &json!({"program": "club", "channel": "pos", "phone": "13812345678"})).await;
        let member = r.body["member"]["id"].as_str().unwrap().to_string();
        let customer = r.body["customer"]["id"].as_str().unwrap().to_string();

        let other = app.tenant_admin("globex").await;
        assert_eq!(other.get(&format!("/api/v1/members/{member}")).await.status, 404);
        assert_eq!(other.get(&format!("/api/v1/customers/{customer}")).await.status, 404);
        assert_eq!(other.get("/api/v1/customers").await.body["total"], 0);
        assert_eq!(other.get("/api/v1/members/lookup?phone=13812345678").await.status, 404);
        let card = r.body["member"]["card_no"].as_str().unwrap();
        assert_eq!(other.get(&format!("/api/v1/members/lookup?card_no={card}")).await.status, 404);
        assert_eq!(other.post(&format!("/api/v1/members/{member}/freeze"), &json!({})).await.status, 404);
        // The same phone in another tenant is another customer.
        member_club(&other).await;
        let r = other.post("/api/v1/members", &json!({"program": "club", "channel": "pos", "phone": "13812345678"})).await;
        assert_eq!((r.status, r.body["created_customer"].as_bool()), (201, Some(true)));

        let reader = app.key_with(&admin, &["customers:read"]).await;
        let r = reader.post("/api/v1/members", &json!({"program": "club", "channel": "pos", "phone": "13700000000"})).await;
        assert_eq!((r.status, r.body["permission"].as_str()), (403, Some("customers:register")));
        let r = reader.post(&format!("/api/v1/customers/{customer}/erase"), &json!({})).await;
        assert_eq!((r.status, r.body["permission"].as_str()), (403, Some("customers:erase")));
    }

    async fn concurrent_registrations_of_one_phone_make_one_customer(app) {
        let admin = app.tenant_admin("acme").await;
        member_club(&admin).await;
        let channels = ["pos", "wechat_mini", "website", "tmall", "jd", "app", "alipay", "wechat_mall"];
        let mut tasks = Vec::new();
        for (i, ch) in channels.iter().enumerate() {
            let c = admin.clone();
            let body = json!({"program": "club", "channel": ch, "phone": "13812345678", "binding": {"external_id": format!("ext-{i}")}});
            tasks.push(tokio::spawn(async move { c.post("/api/v1/members", &body).await }));
        }
        let mut created = 0;
        let mut members = std::collections::BTreeSet::new();
        for t in tasks {
            let r = t.await.unwrap();
            assert!(r.status == 201 || r.status == 200, "{}", r.text);
            if r.status == 201 { created += 1; }
            members.insert(r.body["member"]["id"].as_str().unwrap().to_string());
        }
        assert_eq!((created, members.len()), (1, 1));
        let page = admin.get("/api/v1/customers").await.body;
        assert_eq!(page["total"], 1);
        let id = page["items"][0]["id"].as_str().unwrap();
        let d = admin.get(&format!("/api/v1/customers/{id}")).await.body;
        assert_eq!(d["bindings"].as_array().unwrap().len(), channels.len());
    }
    async fn a_burst_of_registrations_is_written_together_and_each_gets_its_own_answer(app) {
        let admin = app.tenant_admin("acme").await;
        let club = member_club(&admin).await;
        let known = admin.post("/api/v1/members", &json!({"program": "club", "channel": "wechat_mini", "phone": "13700000000", "binding": {"external_id": "mini-known"}})).await;
        assert_eq!(known.status, 201, "{}", known.text);
        let known_member = known.body["member"]["id"].as_str().unwrap().to_string();
        let other = admin.post("/api/v1/members", &json!({"program": "club", "channel": "pos", "phone": "13700000001"})).await;
        assert_eq!(other.status, 201);

        // Sent at once, so they queue while earlier ones are written and go many to a
        // transaction: 60 new people with mini program accounts, and among them a known person
        // again, a new phone with a known account, a known account with another person's phone
        // (refused before it writes: its batch goes on), another person's card number (refused
        // after the batch wrote: its batch runs again one by one), the same new phone twice,
        // and one request with an idempotency key.
        let mut bodies: Vec<(&str, serde_json::Value)> = (0..60)
            .map(|i| ("new", json!({"program": "club", "channel": "wechat_mini", "phone": format!("1380000{i:04}"), "name": format!("会员{i}"), "binding": {"external_id": format!("mini-{i}")}})))
            .collect();
        bodies.push(("again", json!({"program": "club", "channel": "wechat_mini", "phone": "13700000000", "binding": {"external_id": "mini-known"}})));
        bodies.push(("known account", json!({"program": "club", "channel": "wechat_mini", "phone": "13900000000", "binding": {"external_id": "mini-known"}})));
        bodies.push(("conflict", json!({"program": "club", "channel": "wechat_mini", "phone": "13700000001", "binding": {"external_id": "mini-known"}})));
        let known_card = known.body["member"]["card_no"].as_str().unwrap().to_string();
        bodies.push(("card taken", json!({"program": "club", "channel": "pos", "phone": "13900000003", "card_no": known_card})));
        bodies.push(("twice", json!({"program": "club", "channel": "pos", "phone": "13900000001"})));
        bodies.push(("twice", json!({"program": "club", "channel": "pos", "phone": "13900000001"})));
        let mut tasks = Vec::new();
        for (what, body) in bodies {
            let c = admin.clone();
            tasks.push(tokio::spawn(async move { (what, c.post("/api/v1/members", &body).await) }));
        }
        let c = admin.clone();
        let keyed = tokio::spawn(async move {
            let body = json!({"program": "club", "channel": "pos", "phone": "13900000002"});
            c.send(reqwest::Method::POST, "/api/v1/members", Some(&body), &[("idempotency-key", "reg-1")]).await
        });
        let mut new_members = std::collections::BTreeSet::new();
        let mut cards = std::collections::BTreeSet::new();
        let mut twice = Vec::new();
        for t in tasks {
            let (what, r) = t.await.unwrap();
            let member = r.body["member"]["id"].as_str().unwrap_or_default().to_string();
            match what {
                "new" => {
                    assert_eq!((r.status, r.body["created_customer"].as_bool()), (201, Some(true)), "{}", r.text);
                    assert!(r.body["customer"]["phone"].as_str().unwrap().starts_with("138****"));
                    cards.insert(r.body["member"]["card_no"].as_str().unwrap().to_string());
                    new_members.insert(member);
                }
                "again" | "known account" => assert_eq!((r.status, member.as_str()), (200, known_member.as_str()), "{what}: {}", r.text),
                "conflict" => assert_eq!((r.status, r.code()), (409, "identity_conflict"), "{}", r.text),
                "card taken" => assert_eq!((r.status, r.code()), (409, "card_no_taken"), "{}", r.text),
                _ => twice.push((r.status, member)),
            }
        }
        assert_eq!((new_members.len(), cards.len()), (60, 60));
        twice.sort();
        assert_eq!((twice[0].0, twice[1].0), (200, 201), "{twice:?}");
        assert_eq!(twice[0].1, twice[1].1);
        let keyed = keyed.await.unwrap();
        assert_eq!(keyed.status, 201, "{}", keyed.text);
        let replay = admin.send(reqwest::Method::POST, "/api/v1/members", Some(&json!({"program": "club", "channel": "pos", "phone": "13900000002"})), &[("idempotency-key", "reg-1")]).await;
        assert_eq!((replay.status, replay.text.as_str()), (201, keyed.text.as_str()));
        assert_eq!(replay.headers.get("idempotent-replayed").map(|v| v.to_str().unwrap()), Some("true"));

        // 2 before, 60 new, the phone sent twice and the keyed one; nothing else was created.
        assert_eq!(admin.get("/api/v1/customers").await.body["total"], 64);
        // Each new member has its account bound, its base tier record and an empty account
        // per point group.
        for i in 0..60 {
            let found = admin.get(&format!("/api/v1/members/lookup?channel=wechat_mini&external_id=mini-{i}")).await;
            assert_eq!(found.status, 200, "mini-{i}: {}", found.text);
            assert_eq!(found.body["customer"]["phone"], format!("1380000{i:04}"));
            let id = found.body["members"][0]["id"].as_str().unwrap();
            assert!(new_members.contains(id));
            let d = admin.get(&format!("/api/v1/members/{id}")).await.body;
            let tiers = d["tier_records"].as_array().unwrap();
            assert_eq!(tiers.len(), 1);
            assert_eq!((tiers[0]["tier_id"].as_str(), tiers[0]["status"].as_str()), (Some(club.base_tier_id.as_str()), Some("active")));
            let accounts = d["point_accounts"].as_array().unwrap();
            assert_eq!(accounts.len(), 2);
            assert!(accounts.iter().all(|a| a["accumulated"] == 0 && a["available"] == 0));
        }
        // The known person now has the known account only (the new phone did not replace theirs,
        // and the refused request bound nothing).
        let d = admin.get(&format!("/api/v1/customers/{}", known.body["customer"]["id"].as_str().unwrap())).await.body;
        assert_eq!(d["bindings"].as_array().unwrap().len(), 1);
        for phone in ["13900000000", "13900000003"] {
            assert_eq!(admin.get(&format!("/api/v1/members/lookup?phone={phone}")).await.status, 404);
        }
    }

    async fn the_demo_tenant_gets_plausible_members(app) {
        let pii = patron_app::pii::Pii::new(patron_testkit::TEST_PII_KEY);
        patron_app::bootstrap::seed_demo(&app.store, &pii, app.clock_now(), 120).await.unwrap();
        let mut admin = app.anonymous();
        admin.login("demo", "admin", "patron-demo-admin").await;
        let page = admin.get("/api/v1/customers?limit=200").await.body;
        assert_eq!(page["total"], 120);
        let items = page["items"].as_array().unwrap();
        // Valid-format mainland mobiles, names, birthdays.
        assert!(items.iter().all(|c| c["phone"].as_str().is_some_and(|p| p.len() == 11 && p.starts_with('1'))));
        assert!(items.iter().all(|c| c["name"].as_str().is_some_and(|n| n.chars().count() >= 2)));
        let online = items.iter().filter(|c| c["source_channel"] != "pos").count();
        assert!((40..=100).contains(&online), "{online} online of 120");
        let d = admin.get(&format!("/api/v1/customers/{}", items[0]["id"].as_str().unwrap())).await.body;
        let member = d["members"][0]["id"].as_str().unwrap();
        let m = admin.get(&format!("/api/v1/members/{member}")).await.body;
        // The base tier record first, then whatever the member's demo orders reached; one active.
        let tiers = m["tier_records"].as_array().unwrap();
        assert_eq!(tiers.last().unwrap()["record_type"], "base");
        assert_eq!(tiers.iter().filter(|r| r["status"] == "active").count(), 1);
        assert_eq!(m["point_accounts"].as_array().unwrap().len(), 2);
        // Seeding again changes nothing.
        patron_app::bootstrap::seed_demo(&app.store, &pii, app.clock_now(), 120).await.unwrap();
        assert_eq!(admin.get("/api/v1/customers").await.body["total"], 120);
    }
}
