//! Ready-made configuration for tests that need a program, tiers, point groups and stores:
//! the spec's example program (loyalty-core §5), built through the API as an administrator would.

use crate::Client;
use serde_json::json;

/// Ids of what [`member_club`] created.
pub struct MemberClub {
    pub program_id: String,
    pub base_tier_id: String,
    pub points_group_id: String,
    pub growth_group_id: String,
}

fn created(r: &crate::Reply, what: &str) -> String {
    assert_eq!(r.status, 201, "creating {what}: {}", r.text);
    r.body["id"].as_str().unwrap().to_string()
}

/// Program `club` with point groups `points` and `growth`, tiers base/silver/gold, and the
/// stores `POS001` (physical) and `WXMINI001` (the mini program's virtual store).
pub async fn member_club(admin: &Client) -> MemberClub {
    let r = admin
        .post(
            "/api/v1/programs",
            &json!({"code": "club", "name": "品牌会员计划"}),
        )
        .await;
    let program_id = created(&r, "program");
    let p = format!("/api/v1/programs/{program_id}");
    let points_group_id = created(
        &admin
            .post(
                &format!("{p}/point-groups"),
                &json!({"code": "points", "name": "积分"}),
            )
            .await,
        "points group",
    );
    let growth_group_id = created(
        &admin
            .post(
                &format!("{p}/point-groups"),
                &json!({"code": "growth", "name": "成长值"}),
            )
            .await,
        "growth group",
    );
    let base_tier_id = created(
        &admin
            .post(
                &format!("{p}/tiers"),
                &json!({"code": "base", "name": "普通会员", "rank": 1, "is_base": true}),
            )
            .await,
        "base tier",
    );
    created(
        &admin
            .post(
                &format!("{p}/tiers"),
                &json!({"code": "silver", "name": "银卡会员", "rank": 2, "is_base": false,
                        "validity_type": "fixed_period", "validity_days": 365}),
            )
            .await,
        "silver tier",
    );
    let r = admin
        .put(
            "/api/v1/stores",
            &json!({"items": [
                {"code": "POS001", "name": "上海南京西路店", "kind": "physical", "province": "上海", "city": "上海"},
                {"code": "WXMINI001", "name": "会员中心小程序虚拟门店", "kind": "virtual", "channel": "wechat_mini"},
            ]}),
        )
        .await;
    assert_eq!(r.status, 200, "creating stores: {}", r.text);
    MemberClub {
        program_id,
        base_tier_id,
        points_group_id,
        growth_group_id,
    }
}
