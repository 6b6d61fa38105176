//! Bulk import of customers and members from CSV and XLSX through the API, on both databases:
//! row checks, duplicate handling, the failure file, progress and permissions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_testkit::both_databases;
use patron_testkit::fixtures::member_club;
use patron_testkit::{Client, Reply};
use serde_json::json;

/// Waits for a job to finish (it runs in the background).
async fn finished(client: &Client, id: &str) -> Reply {
    for _ in 0..200 {
        let r = client.get(&format!("/api/v1/imports/{id}")).await;
        if r.body["status"] == "done" || r.body["status"] == "failed" {
            return r;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the import did not finish");
}

const CSV: &str = "phone,channel,name,birthday,store,registered_at,external_id\n\
13812345678,pos,张三,1997-11-11,POS001,2021-04-14 19:02:41,\n\
1381234567,pos,Too short,,,,\n\
13900000001,fax,Unknown channel,,,,\n\
13900000002,pos,Bad date,1997/11/11,,,\n\
13900000003,pos,Unknown store,,NOPE,,\n\
13900000004,wechat_mini,Old row,,,2021-01-01,mini-4\n\
13900000004,wechat_mini,New row,,,2022-01-01,mini-4b\n\
13700000000,tmall,Known member,,,,\n\
+85291234567,pos,International,,,,\n";

both_databases! {
    async fn an_import_a_stop_interrupted_is_resumed_and_registers_nobody_twice(app) {
        use patron_app::members::imports;
        use patron_app::{Ctx, Store};
        use std::sync::Arc;
        let admin = app.tenant_admin("acme").await;
        member_club(&admin).await;
        // The first row was registered before the stop; the job was left unfinished.
        let first = admin.post("/api/v1/members", &json!({"program": "club", "channel": "pos", "phone": "13812345678"})).await;
        assert_eq!(first.status, 201);
        let t = app.store.reader().await.unwrap().tenant_by_code("acme").await.unwrap().unwrap().id;
        let now = app.clock_now();
        let mut ctx = Ctx::system(Some(t), now);
        ctx.principal.permissions = ctx.principal.permissions.with(patron_domain::rbac::Permission::CustomersImport);
        let pii = Arc::new(patron_app::pii::Pii::new(patron_testkit::TEST_PII_KEY));
        let csv = "phone,channel,name\n13812345678,pos,First\n13812345679,pos,Second\n";
        let job = imports::start(&app.store, &pii, &ctx, "club", "left.csv", None, csv.as_bytes().to_vec()).await.unwrap();
        assert_eq!(job.status, "queued");

        let store: Arc<dyn Store> = Arc::new(app.store.clone());
        let resumed = imports::resume_unfinished(store.clone(), pii.clone(), Arc::new(move || now)).await.unwrap();
        assert_eq!(resumed, 1);
        let done = finished(&admin, &job.id.to_string()).await.body;
        assert_eq!((done["status"].as_str(), done["created_rows"].as_i64(), done["merged_rows"].as_i64(), done["failed_rows"].as_i64()),
            (Some("done"), Some(1), Some(1), Some(0)), "{done}");
        assert_eq!(admin.get("/api/v1/customers").await.body["total"], 2);
        // Finished jobs are not started again.
        assert_eq!(imports::resume_unfinished(store, pii, Arc::new(move || now)).await.unwrap(), 0);
    }
    async fn a_csv_import_registers_valid_rows_and_returns_the_rest(app) {
        let admin = app.tenant_admin("acme").await;
        member_club(&admin).await;
        let known = admin.post("/api/v1/members", &json!({"program": "club", "channel": "pos", "phone": "13700000000", "name": "Known"})).await;
        assert_eq!(known.status, 201);

        let r = admin.post_bytes("/api/v1/imports?program=club&file_name=members.csv", CSV.as_bytes().to_vec()).await;
        assert_eq!(r.status, 202, "{}", r.text);
        assert_eq!((r.body["total_rows"].as_i64(), r.body["format"].as_str()), (Some(9), Some("csv")));
        let id = r.body["id"].as_str().unwrap().to_string();
        let job = finished(&admin, &id).await.body;
        assert_eq!(job["status"], "done", "{job}");
        // New: 张三 and the newer wechat row; known: 13700000000; refused: 6.
        assert_eq!((job["created_rows"].as_i64(), job["merged_rows"].as_i64(), job["failed_rows"].as_i64(), job["processed_rows"].as_i64()),
            (Some(2), Some(1), Some(6), Some(9)));
        assert_eq!(admin.get("/api/v1/customers").await.body["total"], 3);

        // The imported member: registration time read in the tenant's zone (Asia/Shanghai).
        let found = admin.get("/api/v1/members/lookup?phone=13812345678").await.body;
        assert_eq!(found["members"][0]["registered_at"], "2021-04-14T11:02:41.000Z");
        assert_eq!(found["customer"]["birthday"], "1997-11-11");
        // Of two rows with one phone and channel, the newer one was kept, with its binding.
        let found = admin.get("/api/v1/members/lookup?channel=wechat_mini&external_id=mini-4b").await;
        assert_eq!((found.status, found.body["customer"]["name"].as_str()), (200, Some("New row")));
        assert_eq!(admin.get("/api/v1/members/lookup?channel=wechat_mini&external_id=mini-4").await.status, 404);

        let f = admin.get(&format!("/api/v1/imports/{id}/failures")).await;
        assert_eq!(f.status, 200);
        assert!(f.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
        let lines: Vec<&str> = f.text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "line,error,phone,channel,name,birthday,store,registered_at,external_id");
        let codes: Vec<(String, String)> = lines[1..].iter().map(|l| {
            let mut cells = l.splitn(3, ',');
            (cells.next().unwrap().to_string(), cells.next().unwrap().trim_start_matches('"').split(':').next().unwrap().to_string())
        }).collect();
        let expected = [("3", "invalid_phone"), ("4", "unknown_channel"), ("5", "invalid_date"), ("6", "unknown_store"), ("7", "duplicate_row"), ("10", "invalid_phone")];
        assert_eq!(codes, expected.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>());
        assert!(lines[4].ends_with("13900000003,pos,Unknown store,,NOPE,,"), "{}", lines[4]);

        // Importing the same file again duplicates nothing.
        let again = admin.post_bytes("/api/v1/imports?program=club&file_name=members.csv", CSV.as_bytes().to_vec()).await;
        let job = finished(&admin, again.body["id"].as_str().unwrap()).await.body;
        assert_eq!((job["created_rows"].as_i64(), job["merged_rows"].as_i64(), job["failed_rows"].as_i64()), (Some(0), Some(3), Some(6)));
        assert_eq!(admin.get("/api/v1/customers").await.body["total"], 3);
        let list = admin.get("/api/v1/imports").await.body;
        assert_eq!(list["total"], 2);
        assert_eq!(admin.get("/api/v1/audit?action=import.start").await.body["total"], 2);
    }

    async fn a_batch_registers_new_people_together_and_the_others_by_their_rules(app) {
        let admin = app.tenant_admin("acme").await;
        let club = member_club(&admin).await;
        // Two members registered with supplied card numbers: the first two numbers the tenant
        // would generate. A known person, on the point of sale.
        for (phone, card) in [("13700000001", "1000000001"), ("13700000002", "1000000002")] {
            let r = admin.post("/api/v1/members", &json!({"program": "club", "channel": "pos", "phone": phone, "card_no": card})).await;
            assert_eq!(r.status, 201, "{}", r.text);
        }
        // A known person with a mini program account.
        let r = admin.post("/api/v1/members", &json!({"program": "club", "channel": "wechat_mini", "phone": "13700000003", "card_no": "3000000001", "binding": {"external_id": "mini-0"}})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let csv = "phone,channel,name,card_no,external_id,registered_at\n\
13800000001,pos,New one,,,2024-01-02\n\
13800000002,pos,New two,,,\n\
13700000001,tmall,Known person,,,\n\
13800000003,pos,Same phone on pos,,,\n\
13800000003,tmall,Same phone on tmall,,,\n\
13800000004,pos,Own card,2000000004,,\n\
13800000005,pos,Taken card,1000000001,,\n\
13800000006,wechat_mini,With account,,mini-6,\n\
13800000007,wechat_mini,Same account,,mini-6,\n\
13800000008,wechat_mini,Account known before,,mini-0,\n";
        let r = admin.post_bytes("/api/v1/imports?program=club&file_name=mixed.csv", csv.as_bytes().to_vec()).await;
        assert_eq!(r.status, 202, "{}", r.text);
        let id = r.body["id"].as_str().unwrap().to_string();
        let job = finished(&admin, &id).await.body;
        // New: lines 2, 3, 5 (its phone's first row), 7 and 9. Known: line 4 (a member of the
        // program already), line 6 (the person line 5 registered), line 10 (the account line 9
        // bound) and line 11 (an account bound before). Refused: line 8.
        assert_eq!((job["status"].as_str(), job["created_rows"].as_i64(), job["merged_rows"].as_i64(), job["failed_rows"].as_i64()),
            (Some("done"), Some(5), Some(4), Some(1)), "{job}");
        assert_eq!(admin.get("/api/v1/customers").await.body["total"], 8);
        let f = admin.get(&format!("/api/v1/imports/{id}/failures")).await.text;
        let failed: Vec<&str> = f.lines().skip(1).collect();
        assert_eq!(failed.len(), 1);
        assert!(failed[0].starts_with("8,card_no_taken: "), "{f}");

        // Every new member has a card number of its own (the generated ones step over the two
        // supplied above), its base tier record and an empty account per point group.
        let mut cards = vec!["1000000001".to_string(), "1000000002".to_string()];
        for phone in ["13800000001", "13800000002", "13800000003", "13800000004", "13800000006"] {
            let found = admin.get(&format!("/api/v1/members/lookup?phone={phone}")).await;
            assert_eq!(found.status, 200, "{phone}: {}", found.text);
            let members = found.body["members"].as_array().unwrap();
            assert_eq!(members.len(), 1, "{phone}");
            cards.push(members[0]["card_no"].as_str().unwrap().to_string());
            let d = admin.get(&format!("/api/v1/members/{}", members[0]["id"].as_str().unwrap())).await.body;
            let tiers = d["tier_records"].as_array().unwrap();
            assert_eq!(tiers.len(), 1, "{phone}");
            assert_eq!((tiers[0]["tier_id"].as_str(), tiers[0]["status"].as_str()), (Some(club.base_tier_id.as_str()), Some("active")));
            let accounts = d["point_accounts"].as_array().unwrap();
            assert_eq!(accounts.len(), 2, "{phone}");
            assert!(accounts.iter().all(|a| a["available"] == 0));
        }
        assert_eq!(cards[5], "2000000004");
        let mut unique = cards.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), cards.len(), "{cards:?}");
        // The registration time of the file, in the tenant's zone.
        let one = admin.get("/api/v1/members/lookup?phone=13800000001").await.body;
        assert_eq!(one["members"][0]["registered_at"], "2024-01-01T16:00:00.000Z");
        assert_eq!(one["customer"]["name"], "New one");
        // The channel account was bound; the person of line 5 has one member account.
        let bound = admin.get("/api/v1/members/lookup?channel=wechat_mini&external_id=mini-6").await;
        assert_eq!(bound.status, 200);
        assert_eq!(bound.body["customer"]["phone"], "13800000006");
        // An account names its person: the other phones of lines 10 and 11 made nobody new.
        for phone in ["13800000007", "13800000008"] {
            assert_eq!(admin.get(&format!("/api/v1/members/lookup?phone={phone}")).await.status, 404);
        }
        let before = admin.get("/api/v1/members/lookup?channel=wechat_mini&external_id=mini-0").await;
        assert_eq!(before.body["customer"]["phone"], "13700000003");

        // The same file again creates nobody.
        let again = admin.post_bytes("/api/v1/imports?program=club&file_name=mixed.csv", csv.as_bytes().to_vec()).await;
        let job = finished(&admin, again.body["id"].as_str().unwrap()).await.body;
        assert_eq!((job["created_rows"].as_i64(), job["merged_rows"].as_i64(), job["failed_rows"].as_i64()), (Some(0), Some(9), Some(1)), "{job}");
        assert_eq!(admin.get("/api/v1/customers").await.body["total"], 8);
    }

    async fn an_xlsx_import_reads_the_first_sheet(app) {
        let admin = app.tenant_admin("acme").await;
        member_club(&admin).await;
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["手机号", "注册渠道", "姓名", "出生日期"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        // A phone typed as a number, as spreadsheets do.
        sheet.write_number(1, 0, 13812345678.0).unwrap();
        sheet.write_string(1, 1, "pos").unwrap();
        sheet.write_string(1, 2, "李四").unwrap();
        sheet.write_string(1, 3, "1990-01-02").unwrap();
        sheet.write_string(2, 0, "123").unwrap();
        sheet.write_string(2, 1, "pos").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let r = admin.post_bytes("/api/v1/imports?program=club&file_name=members.xlsx", bytes).await;
        assert_eq!(r.status, 202, "{}", r.text);
        let job = finished(&admin, r.body["id"].as_str().unwrap()).await.body;
        assert_eq!((job["created_rows"].as_i64(), job["failed_rows"].as_i64()), (Some(1), Some(1)));
        let found = admin.get("/api/v1/members/lookup?phone=13812345678").await.body;
        assert_eq!(found["customer"]["name"], "李四");

        let t = admin.get("/api/v1/imports/template?format=xlsx").await;
        assert_eq!(t.status, 200);
        assert_eq!(t.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        let t = admin.get("/api/v1/imports/template").await;
        assert!(t.text.trim_start_matches('\u{feff}').starts_with("phone,channel,name,gender,birthday"));
    }

    async fn bad_uploads_are_refused_and_nothing_is_queued(app) {
        let admin = app.tenant_admin("acme").await;
        member_club(&admin).await;
        for (path, bytes, code, field) in [
            ("/api/v1/imports?program=nope&file_name=m.csv", CSV.as_bytes().to_vec(), "unknown_program", "program"),
            ("/api/v1/imports?program=club&file_name=m.txt", CSV.as_bytes().to_vec(), "unsupported_format", "format"),
            ("/api/v1/imports?program=club&file_name=m.csv", b"name,city\nx,y\n".to_vec(), "missing_column", "file"),
            ("/api/v1/imports?program=club&file_name=m.xlsx", b"not a spreadsheet".to_vec(), "unreadable_file", "file"),
        ] {
            let r = admin.post_bytes(path, bytes).await;
            assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, code, Some(field)), "{path}: {}", r.text);
        }
        assert_eq!(admin.get("/api/v1/imports").await.body["total"], 0);
    }

    async fn imports_need_their_permission_and_stay_in_their_tenant(app) {
        let admin = app.tenant_admin("acme").await;
        member_club(&admin).await;
        let r = admin.post_bytes("/api/v1/imports?program=club&file_name=m.csv", CSV.as_bytes().to_vec()).await;
        let id = r.body["id"].as_str().unwrap().to_string();
        finished(&admin, &id).await;
        let reader = app.key_with(&admin, &["customers:read"]).await;
        let r = reader.post_bytes("/api/v1/imports?program=club&file_name=m.csv", CSV.as_bytes().to_vec()).await;
        assert_eq!((r.status, r.body["permission"].as_str()), (403, Some("customers:import")));
        assert_eq!(reader.get(&format!("/api/v1/imports/{id}/failures")).await.status, 403);
        let other = app.tenant_admin("globex").await;
        assert_eq!(other.get(&format!("/api/v1/imports/{id}")).await.status, 404);
        assert_eq!(other.get(&format!("/api/v1/imports/{id}/failures")).await.status, 404);
        assert_eq!(other.get("/api/v1/imports").await.body["total"], 0);
        // An importer without customers:register still registers through the job.
        let importer = app.key_with(&admin, &["customers:import"]).await;
        let csv = "phone,channel\n13600000000,pos\n";
        let r = importer.post_bytes("/api/v1/imports?program=club&file_name=one.csv", csv.as_bytes().to_vec()).await;
        let job = finished(&importer, r.body["id"].as_str().unwrap()).await.body;
        assert_eq!(job["created_rows"], 1);
    }

    async fn personal_data_never_rests_in_clear(app) {
        let admin = app.tenant_admin("acme").await;
        member_club(&admin).await;
        let r = admin.send(reqwest::Method::POST, "/api/v1/members", Some(&json!({
            "program": "club", "channel": "pos", "phone": "13812345678", "name": "张三丰",
            "email": "zhang.sanfeng@brand.cn", "address": "广东省深圳市南山区科技园1号", "birthday": "1997-11-11",
        })), &[("idempotency-key", "reg-1")]).await;
        assert_eq!(r.status, 201);
        let customer = r.body["customer"]["id"].as_str().unwrap().to_string();
        admin.patch(&format!("/api/v1/customers/{customer}"), &json!({"email": "zsf@brand.cn"})).await;
        // An import file (with a refused row, so there is a failure file) rests sealed too.
        let csv = "phone,channel,name\n13912345678,pos,李四光\n1391234567,pos,王五六\n";
        let r = admin.post_bytes("/api/v1/imports?program=club&file_name=pii.csv", csv.as_bytes().to_vec()).await;
        let job = finished(&admin, r.body["id"].as_str().unwrap()).await.body;
        assert_eq!((job["created_rows"].as_i64(), job["failed_rows"].as_i64()), (Some(1), Some(1)));
        let secrets = ["13812345678", "张三丰", "zhang.sanfeng@brand.cn", "zsf@brand.cn", "科技园1号", "1997-11-11", "13912345678", "李四光", "1391234567", "王五六"];
        let stored: Vec<u8> = if app.database_url.starts_with("sqlite:") {
            let path = app.database_url.trim_start_matches("sqlite://").split('?').next().unwrap().to_string();
            let mut bytes = std::fs::read(&path).unwrap();
            if let Ok(wal) = std::fs::read(format!("{path}-wal")) {
                bytes.extend(wal);
            }
            bytes
        } else {
            let out = std::process::Command::new("pg_dump").arg("--data-only").arg(&app.database_url).output().expect("pg_dump runs");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            out.stdout
        };
        assert!(stored.len() > 1000, "the database read looks empty");
        for s in secrets {
            assert!(!stored.windows(s.len()).any(|w| w == s.as_bytes()), "{s} is stored in clear");
        }
        // The clear values are still there for those allowed to read them.
        let read = admin.get(&format!("/api/v1/customers/{customer}")).await.body;
        assert_eq!(read["customer"]["phone"], "13812345678");
        assert_eq!(read["customer"]["email"], "zsf@brand.cn");
    }
}
