use super::*;
use crate::channel::Channel;

fn codes(errors: Vec<ValidationError>) -> Vec<(&'static str, &'static str)> {
    errors.into_iter().map(|e| (e.field, e.code)).collect()
}

#[test]
fn master_codes_keep_case_and_allow_dots() {
    assert_eq!(master_code("code", " CS99904 ").unwrap(), "CS99904");
    assert_eq!(
        master_code("code", "newTest.Cat-1_a").unwrap(),
        "newTest.Cat-1_a"
    );
    assert_eq!(
        master_code("code", "a b").unwrap_err().code,
        "invalid_master_code"
    );
    assert_eq!(
        master_code("code", "分类").unwrap_err().code,
        "invalid_master_code"
    );
    assert_eq!(master_code("code", "").unwrap_err().code, "too_short");
    assert_eq!(
        master_code("code", &"x".repeat(65)).unwrap_err().code,
        "too_long"
    );
    assert!(master_code("code", &"x".repeat(64)).is_ok());
}

#[test]
fn category_levels_and_parents() {
    let top = CategoryInput {
        code: "C1".into(),
        name: "冰淇淋".into(),
        level: 1,
        ..Default::default()
    };
    let fields = category(&top).unwrap();
    assert_eq!(
        (fields.level, fields.parent_code, fields.source.as_str()),
        (1, None, "api")
    );

    let orphan = CategoryInput {
        level: 2,
        ..top.clone()
    };
    assert_eq!(
        codes(category(&orphan).unwrap_err()),
        [("parent_code", "invalid_parent")]
    );
    let rooted = CategoryInput {
        parent_code: Some("C0".into()),
        ..top.clone()
    };
    assert_eq!(
        codes(category(&rooted).unwrap_err()),
        [("parent_code", "invalid_parent")]
    );
    let deep = CategoryInput {
        level: 4,
        parent_code: Some("C0".into()),
        ..top.clone()
    };
    assert_eq!(
        codes(category(&deep).unwrap_err()),
        [("level", "invalid_level")]
    );

    assert!(parent_level(2, "C1", Some(1)).is_ok());
    assert_eq!(
        parent_level(3, "CS99904", Some(3)).unwrap_err().code,
        "invalid_parent"
    );
    assert_eq!(
        parent_level(2, "nope", None).unwrap_err().code,
        "unknown_parent"
    );
}

#[test]
fn every_fault_of_an_item_is_reported() {
    let bad = ProductInput {
        code: "bad code".into(),
        name: " ".into(),
        price: Some("1.234".into()),
        status: Some("gone".into()),
        ..Default::default()
    };
    assert_eq!(
        codes(product(&bad).unwrap_err()),
        [
            ("code", "invalid_master_code"),
            ("name", "too_short"),
            ("price", "too_many_decimals"),
            ("status", "invalid_status")
        ]
    );
}

#[test]
fn products_parse_prices_into_fen() {
    let p = product(&ProductInput {
        code: "SKU000123".into(),
        name: "芒果雪芭".into(),
        brand: Some(" ".into()),
        category_code: Some("C055".into()),
        price: Some("12.5".into()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        (p.price_fen, p.brand, p.status, p.category_code.as_deref()),
        (Some(1250), None, None, Some("C055"))
    );
}

#[test]
fn virtual_stores_need_an_online_channel() {
    assert_eq!(store_channel(StoreKind::Physical, None), Ok(Channel::Pos));
    assert_eq!(
        store_channel(StoreKind::Virtual, Some("tmall")),
        Ok(Channel::Tmall)
    );
    for channel in [None, Some("pos"), Some("distributor")] {
        assert_eq!(
            store_channel(StoreKind::Virtual, channel).unwrap_err().code,
            "virtual_store_needs_online_channel"
        );
    }
    assert_eq!(
        store_channel(StoreKind::Virtual, Some("fax"))
            .unwrap_err()
            .code,
        "unknown_channel"
    );
    let s = store(&StoreInput {
        code: "WEB001".into(),
        name: "官网虚拟门店".into(),
        kind: Some("virtual".into()),
        channel: Some("website".into()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        (s.kind, s.channel, s.status),
        (StoreKind::Virtual, Channel::Website, None)
    );
    let bad = store(&StoreInput {
        code: "X".into(),
        name: "x".into(),
        kind: Some("cloud".into()),
        ..Default::default()
    });
    assert_eq!(codes(bad.unwrap_err()), [("kind", "invalid_kind")]);
}

#[test]
fn payment_methods_keep_the_flag_unless_sent() {
    let m = payment_method(&PaymentMethodInput {
        code: "3035".into(),
        name: "30元赠品代金券".into(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        (m.earns_points, m.category, m.source.as_str()),
        (None, None, "api")
    );
    assert_eq!(StoreStatus::parse("closed"), Ok(StoreStatus::Closed));
    assert_eq!(
        ProductStatus::parse("x").unwrap_err().code,
        "invalid_status"
    );
}
