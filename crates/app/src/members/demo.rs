//! Demo customers: plausible Chinese names, valid-format mobile numbers, birthdays, cities and
//! registrations spread over stores and online channels and over the last three years. The data
//! is derived from each customer's index, so every demo tenant looks the same.

use super::profile::ProfileInput;
use super::register::{self, BindingInput, Registration};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::pii::Pii;
use crate::ports::Store;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "欧阳",
    "司马",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "子涵", "欣怡", "梓萱", "浩然", "宇轩",
    "雨桐", "思远", "嘉怡", "俊杰", "诗涵", "博文", "一鸣", "晓燕",
];
/// (province, city, physical stores there).
const PLACES: &[(&str, &str, &[&str])] = &[
    (
        "上海",
        "上海",
        &["CNSHA001", "CNSHA002", "CNSHA003", "CNSHA004"],
    ),
    ("北京", "北京", &["CNBJS001", "CNBJS002", "CNBJS003"]),
    ("广东", "深圳", &["CNSZX001", "CNSZX002", "CNSZX003"]),
    ("广东", "广州", &["CNCAN001", "CNCAN002"]),
    ("浙江", "杭州", &["CNHGH001", "CNHGH002", "CNHGH003"]),
    ("四川", "成都", &["CNCTU001", "CNCTU002"]),
];
/// (channel, virtual store) of the online registrations.
const ONLINE: &[(&str, &str)] = &[
    ("wechat_mini", "WXMINI001"),
    ("website", "WEB001"),
    ("tmall", "TMALL001"),
    ("jd", "JD001"),
    ("app", "APP001"),
    ("wechat_mall", "WXMALL001"),
];
const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "157", "158", "159", "166", "176", "177", "180", "181", "182", "185", "186", "187", "188",
    "189", "199",
];

/// A small deterministic mixer, so neighbouring indexes do not look alike.
pub(crate) fn mix(i: u64, salt: u64) -> u64 {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

fn pick<T: Copy>(items: &[T], i: u64, salt: u64) -> T {
    items[(mix(i, salt) % items.len() as u64) as usize]
}

/// The demo registration of customer `i`: unique phone, channel and store, a time in the last
/// three years before `now_ms`.
pub fn registration(program: &str, i: u64, now_ms: i64) -> Registration {
    let name = format!("{}{}", pick(SURNAMES, i, 1), pick(GIVEN, i, 2));
    // Eight digits from the index keep phones unique up to 100 million customers.
    let phone = format!(
        "{}{:08}",
        pick(MOBILE_PREFIXES, i, 3),
        (i * 7_919 + mix(i, 4) % 7) % 100_000_000
    );
    let (province, city, shops) = pick(PLACES, i, 5);
    let online = mix(i, 6) % 10 < 6;
    let (channel, store) = if online {
        pick(ONLINE, i, 7)
    } else {
        ("pos", pick(shops, i, 8))
    };
    let year = 1965 + mix(i, 9) % 42;
    let month = 1 + mix(i, 10) % 12;
    let day = 1 + mix(i, 11) % 28;
    let three_years_ms = 3 * 365 * 86_400_000;
    let registered_at_ms =
        now_ms - 3_600_000 - i64::try_from(mix(i, 12) % three_years_ms).unwrap_or(0);
    Registration {
        program: program.into(),
        channel: channel.into(),
        store: Some(store.into()),
        card_no: None,
        registered_at_ms: Some(registered_at_ms),
        profile: ProfileInput {
            name: Some(name),
            gender: Some(
                if mix(i, 13) % 100 < 58 {
                    "female"
                } else {
                    "male"
                }
                .into(),
            ),
            birthday: Some(format!("{year}-{month:02}-{day:02}")),
            phone: Some(phone),
            email: mix(i, 14)
                .is_multiple_of(3)
                .then(|| format!("member{i}@example.com")),
            province: Some(province.into()),
            city: Some(city.into()),
            address: None,
            id_number: None,
            accepts_marketing: Some(mix(i, 15) % 10 < 7),
            is_employee: Some(mix(i, 16).is_multiple_of(100)),
            is_test: Some(false),
        },
        binding: online.then(|| BindingInput {
            external_id: format!("{channel}-{i:07}"),
            openid: channel
                .starts_with("wechat")
                .then(|| format!("o{:027x}", mix(i, 17))),
            ..Default::default()
        }),
        home_store: Some(pick(shops, i, 18).into()),
        guide: None,
    }
}

/// Registers `count` demo customers into `program` in batches. Skipped when the program does not
/// exist (a tenant without the demo configuration).
pub async fn seed(
    store: &dyn Store,
    pii: &Pii,
    ctx: &Ctx,
    program: &str,
    count: u64,
) -> AppResult<()> {
    let t = ctx.principal.tenant()?;
    if store
        .reader()
        .await?
        .program_refs(t, program)
        .await?
        .is_none()
    {
        return Ok(());
    }
    let mut ctx = ctx.clone();
    ctx.principal.permissions = ctx
        .principal
        .permissions
        .with(patron_domain::rbac::Permission::CustomersRegister);
    let mut i = 0;
    while i < count {
        let end = (i + 500).min(count);
        let mut tx = store.begin().await?;
        for n in i..end {
            let prepared = register::prepare(&registration(program, n, ctx.now_ms), ctx.now_ms)?;
            register::register(&mut *tx, &ctx, pii, prepared).await?;
        }
        tx.commit().await?;
        i = end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn demo_registrations_are_valid_and_phones_unique() {
        let now = 1_795_000_000_000;
        let mut phones = HashSet::new();
        for i in 0..20_000 {
            let r = registration("club", i, now);
            let p = register::prepare(&r, now).unwrap();
            assert!(
                phones.insert(p.profile.phone.unwrap().as_str().to_string()),
                "phone of {i} repeats"
            );
        }
    }
}
