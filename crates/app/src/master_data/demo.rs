//! The demo tenant's master data: a three-level category tree of an ice-cream brand, 300
//! products, twenty shops in five provinces plus the virtual stores of its online channels, and
//! the usual payment methods. Everything is derived from indexes, so every demo is the same.

use super::model::BatchOutcome;
use super::upsert;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::ports::Store;
use patron_domain::master_data::{CategoryInput, PaymentMethodInput, ProductInput, StoreInput};

/// (level-1 name, [(level-2 name, [level-3 names])]).
type Tree = &'static [(
    &'static str,
    &'static [(&'static str, &'static [&'static str])],
)];

const TREE: Tree = &[
    (
        "冰淇淋",
        &[
            ("甜筒", &["经典甜筒", "脆皮甜筒"]),
            ("杯装冰淇淋", &["单球杯", "双球杯", "家庭装"]),
            ("雪芭", &["水果雪芭", "雪泥"]),
        ],
    ),
    (
        "饮品",
        &[
            ("奶昔", &["经典奶昔", "水果奶昔"]),
            ("咖啡", &["美式咖啡", "拿铁", "冰咖啡"]),
            ("茶饮", &["果茶", "奶茶"]),
        ],
    ),
    (
        "烘焙",
        &[
            ("蛋糕", &["冰淇淋蛋糕", "慕斯蛋糕"]),
            ("饼干", &["华夫饼", "曲奇"]),
        ],
    ),
    (
        "周边",
        &[
            ("杯具", &["保温杯", "马克杯"]),
            ("玩偶", &["毛绒玩偶", "钥匙扣", "徽章"]),
        ],
    ),
    (
        "礼盒",
        &[
            ("节日礼盒", &["中秋礼盒", "新年礼盒"]),
            ("企业定制", &["定制礼盒", "礼品卡套装"]),
        ],
    ),
];

const FLAVOURS: &[&str] = &[
    "香草",
    "巧克力",
    "草莓",
    "芒果",
    "抹茶",
    "海盐焦糖",
    "朗姆葡萄",
    "曲奇奶油",
    "榛子",
    "蓝莓",
    "柠檬",
    "椰子",
];
const SPECS: &[&str] = &["", "(大份)", "(限定)"];
const BRANDS: &[&str] = &["悦冰", "雪域", "甜心工坊"];
pub(crate) const PRODUCTS: usize = 300;

/// (code, name, province, city, region, closed).
const SHOPS: &[(&str, &str, &str, &str, &str, bool)] = &[
    ("CNSHA001", "上海南京西路店", "上海", "上海", "HDCN", false),
    ("CNSHA002", "上海淮海中路店", "上海", "上海", "HDCN", false),
    ("CNSHA003", "上海陆家嘴店", "上海", "上海", "HDCN", false),
    ("CNSHA004", "上海徐家汇店", "上海", "上海", "HDCN", false),
    ("CNSHA005", "上海五角场店", "上海", "上海", "HDCN", true),
    ("CNBJS001", "北京三里屯店", "北京", "北京", "HBCN", false),
    ("CNBJS002", "北京国贸店", "北京", "北京", "HBCN", false),
    ("CNBJS003", "北京王府井店", "北京", "北京", "HBCN", false),
    ("CNBJS004", "北京中关村店", "北京", "北京", "HBCN", true),
    ("CNSZX001", "深圳万象城店", "广东", "深圳", "HNCN", false),
    ("CNSZX002", "深圳海岸城店", "广东", "深圳", "HNCN", false),
    ("CNSZX003", "深圳福田店", "广东", "深圳", "HNCN", false),
    ("CNCAN001", "广州天河城店", "广东", "广州", "HNCN", false),
    ("CNCAN002", "广州正佳广场店", "广东", "广州", "HNCN", false),
    ("CNCAN003", "广州北京路店", "广东", "广州", "HNCN", true),
    ("CNHGH001", "杭州西湖银泰店", "浙江", "杭州", "HDCN", false),
    ("CNHGH002", "杭州湖滨店", "浙江", "杭州", "HDCN", false),
    ("CNHGH003", "杭州滨江店", "浙江", "杭州", "HDCN", false),
    ("CNCTU001", "成都太古里店", "四川", "成都", "XNCN", false),
    ("CNCTU002", "成都春熙路店", "四川", "成都", "XNCN", false),
];

/// (code, name, channel): one virtual store per online channel the demo sells through.
const VIRTUAL: &[(&str, &str, &str)] = &[
    ("WEB001", "官网虚拟门店", "website"),
    ("WXMINI001", "会员中心小程序虚拟门店", "wechat_mini"),
    ("WXMALL001", "微信商城虚拟门店", "wechat_mall"),
    ("TMALL001", "天猫旗舰店", "tmall"),
    ("JD001", "京东旗舰店", "jd"),
    ("APP001", "APP 虚拟门店", "app"),
];

/// (code, name, earns points, category).
const PAYMENTS: &[(&str, &str, bool, &str)] = &[
    ("cash", "现金支付", true, "现金"),
    ("wechat_pay", "微信支付", true, "移动支付"),
    ("alipay", "支付宝", true, "移动支付"),
    ("bank_card", "银行卡", true, "银行卡"),
    ("gift_card", "礼品卡", false, "储值"),
    ("coupon_voucher", "30元赠品代金券", false, "券"),
    ("points", "积分抵现", false, "积分"),
];

/// The categories, parents first, and the (code, name) of each leaf.
fn categories() -> (Vec<CategoryInput>, Vec<(String, &'static str)>) {
    let mut items = Vec::new();
    let mut leaves = Vec::new();
    for (i, (name1, mids)) in TREE.iter().enumerate() {
        let c1 = format!("C{:02}", i + 1);
        items.push(category(&c1, name1, 1, None));
        for (j, (name2, leaf_names)) in mids.iter().enumerate() {
            let c2 = format!("{c1}{:02}", j + 1);
            items.push(category(&c2, name2, 2, Some(&c1)));
            for (k, name3) in leaf_names.iter().enumerate() {
                let c3 = format!("{c2}{:02}", k + 1);
                items.push(category(&c3, name3, 3, Some(&c2)));
                leaves.push((c3, *name3));
            }
        }
    }
    (items, leaves)
}

fn category(code: &str, name: &str, level: i64, parent: Option<&str>) -> CategoryInput {
    CategoryInput {
        code: code.into(),
        name: name.into(),
        level,
        parent_code: parent.map(Into::into),
        source: Some("ERP".into()),
    }
}

/// The demo price of product `i` (code `SKU{i+1:06}`): 9.90 to 299.00 yuan in steps of 0.10,
/// spread by a prime stride.
pub(crate) fn price_fen(i: usize) -> usize {
    990 + (i * 7919 % 2892) * 10
}

fn products(leaves: &[(String, &'static str)]) -> Vec<ProductInput> {
    (0..PRODUCTS)
        .map(|i| {
            let (leaf_code, leaf_name) = &leaves[i % leaves.len()];
            let round = i / leaves.len();
            let flavour = FLAVOURS[round % FLAVOURS.len()];
            let spec = SPECS[(round / FLAVOURS.len()) % SPECS.len()];
            let price_fen = price_fen(i);
            ProductInput {
                code: format!("SKU{:06}", i + 1),
                name: format!("{flavour}{leaf_name}{spec}"),
                brand: Some(BRANDS[i % BRANDS.len()].into()),
                category_code: Some(leaf_code.clone()),
                price: Some(format!("{}.{:02}", price_fen / 100, price_fen % 100)),
                // Every 25th product is no longer sold.
                status: Some(if i % 25 == 24 { "inactive" } else { "active" }.into()),
                source: Some("ERP".into()),
            }
        })
        .collect()
}

fn stores() -> Vec<StoreInput> {
    let shops = SHOPS
        .iter()
        .map(|(code, name, province, city, region, closed)| StoreInput {
            code: (*code).into(),
            name: (*name).into(),
            kind: Some("physical".into()),
            channel: Some("pos".into()),
            parent_code: Some((*region).into()),
            province: Some((*province).into()),
            city: Some((*city).into()),
            status: Some(if *closed { "closed" } else { "open" }.into()),
            source: Some("POS".into()),
        });
    let online = VIRTUAL.iter().map(|(code, name, channel)| StoreInput {
        code: (*code).into(),
        name: (*name).into(),
        kind: Some("virtual".into()),
        channel: Some((*channel).into()),
        parent_code: Some("ECOM".into()),
        status: Some("open".into()),
        source: Some((*channel).into()),
        ..Default::default()
    });
    shops.chain(online).collect()
}

fn payment_methods() -> Vec<PaymentMethodInput> {
    PAYMENTS
        .iter()
        .map(|(code, name, earns, category)| PaymentMethodInput {
            code: (*code).into(),
            name: (*name).into(),
            earns_points: Some(*earns),
            category: Some((*category).into()),
            source: Some("POS".into()),
        })
        .collect()
}

/// The codes of the demo's physical shops (线下门店).
pub(crate) fn shop_codes() -> Vec<String> {
    SHOPS.iter().map(|s| s.0.to_string()).collect()
}

/// The codes of the demo's virtual stores, one per online channel (线上门店).
pub(crate) fn virtual_store_codes() -> Vec<String> {
    VIRTUAL.iter().map(|s| s.0.to_string()).collect()
}

/// The codes of the demo's products in the ice-cream categories (`C01…`).
pub(crate) fn ice_cream_skus() -> Vec<String> {
    let (_, leaves) = categories();
    products(&leaves)
        .into_iter()
        .filter(|p| {
            p.category_code
                .as_deref()
                .is_some_and(|c| c.starts_with("C01"))
        })
        .map(|p| p.code)
        .collect()
}

fn written(outcome: BatchOutcome) -> AppResult<()> {
    outcome
        .map(|_| ())
        .map_err(|errors| AppError::Store(format!("demo master data refused: {errors:?}")))
}

/// Adds the master data to the (new) demo tenant; `ctx` acts as its administrator.
pub async fn seed_demo(store: &dyn Store, ctx: &Ctx) -> AppResult<()> {
    let (category_items, leaves) = categories();
    let mut tx = store.begin().await?;
    written(upsert::upsert_categories(&mut *tx, ctx, &category_items).await?)?;
    written(upsert::upsert_products(&mut *tx, ctx, &products(&leaves)).await?)?;
    written(upsert::upsert_stores(&mut *tx, ctx, &stores()).await?)?;
    written(upsert::upsert_payment_methods(&mut *tx, ctx, &payment_methods()).await?)?;
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use patron_domain::master_data as md;

    #[test]
    fn the_demo_data_passes_the_rules() {
        let (cats, leaves) = categories();
        assert_eq!(
            (cats.iter().filter(|c| c.level == 1).count(), leaves.len()),
            (5, 27)
        );
        assert!(cats.iter().all(|c| md::category(c).is_ok()));
        let products = products(&leaves);
        assert_eq!(products.len(), 300);
        assert!(products.iter().all(|p| md::product(p).is_ok()));
        let prices: Vec<i64> = products
            .iter()
            .filter_map(|p| md::product(p).ok()?.price_fen)
            .collect();
        assert!(prices.iter().all(|p| (990..=29900).contains(p)));
        assert!(stores().iter().all(|s| md::store(s).is_ok()));
        assert!(payment_methods()
            .iter()
            .all(|m| md::payment_method(m).is_ok()));
    }
}
