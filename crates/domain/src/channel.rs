//! Sales and registration channels (spec loyalty-core §2.2): where a member registered, where an
//! order was placed, which platform an account belongs to. The set is closed so that reports and
//! store scopes can rely on it; every online channel also has virtual stores (master data).

use crate::ValidationError;

macro_rules! channels {
    ($($variant:ident = $code:literal, $online:literal, $account:literal, $en:literal, $zh:literal;)*) => {
        /// One channel of the closed set.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Channel {
            $($variant,)*
        }

        impl Channel {
            pub const ALL: &'static [Channel] = &[$(Channel::$variant,)*];

            /// The stable code used in the API, imports and storage.
            pub fn code(self) -> &'static str {
                match self { $(Channel::$variant => $code,)* }
            }

            /// Online channels sell through virtual stores.
            pub fn is_online(self) -> bool {
                match self { $(Channel::$variant => $online,)* }
            }

            /// The kind of platform account a binding from this channel holds (WeChat for the
            /// official account, mini program and mall alike, so one unionid links them).
            pub fn account_type(self) -> &'static str {
                match self { $(Channel::$variant => $account,)* }
            }

            /// (English, Simplified Chinese) names.
            pub fn names(self) -> (&'static str, &'static str) {
                match self { $(Channel::$variant => ($en, $zh),)* }
            }
        }
    };
}

channels! {
    Pos = "pos", false, "pos", "Store POS", "门店 POS";
    Website = "website", true, "website", "Brand website", "官网";
    App = "app", true, "app", "App", "APP";
    WechatOfficial = "wechat_official", true, "wechat", "WeChat official account", "微信公众号";
    WechatMini = "wechat_mini", true, "wechat", "WeChat mini program", "微信小程序";
    WechatMall = "wechat_mall", true, "wechat", "WeChat mall", "微信商城";
    Alipay = "alipay", true, "alipay", "Alipay", "支付宝";
    Tmall = "tmall", true, "tmall", "Tmall", "天猫";
    Jd = "jd", true, "jd", "JD", "京东";
    Meituan = "meituan", true, "meituan", "Meituan", "美团";
    Dianping = "dianping", true, "dianping", "Dianping", "大众点评";
    Eleme = "eleme", true, "eleme", "Ele.me", "饿了么";
    Line = "line", true, "line", "LINE", "LINE";
    Distributor = "distributor", false, "distributor", "Distributor", "经销商渠道";
    CoBrand = "co_brand", true, "co_brand", "Co-branded membership", "品牌联名会员";
    Import = "import", false, "import", "File import", "文件导入";
}

impl Channel {
    pub fn parse(code: &str) -> Option<Self> {
        let code = code.trim();
        Self::ALL.iter().copied().find(|c| c.code() == code)
    }

    /// Parses a channel code given for `field`.
    pub fn parse_field(field: &'static str, code: &str) -> Result<Self, ValidationError> {
        Self::parse(code).ok_or_else(|| {
            ValidationError::new(
                field,
                "unknown_channel",
                format!("'{}' is not a channel", code.trim()),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.code()), Some(*c));
        }
        assert_eq!(
            Channel::parse_field("channel", "fax").unwrap_err().code,
            "unknown_channel"
        );
    }

    #[test]
    fn wechat_channels_share_an_account_type() {
        assert_eq!(Channel::WechatMini.account_type(), "wechat");
        assert_eq!(Channel::WechatOfficial.account_type(), "wechat");
        assert!(!Channel::Pos.is_online());
        assert!(Channel::Tmall.is_online());
    }
}
