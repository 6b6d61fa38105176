//! A person's contact data: phone numbers, names, birthdays, gender, and how each is masked
//! for people who may not see it in clear (ARCHITECTURE §5, cdp-canvas-guide §4).
//!
//! Phones are the identity key of a customer within a tenant, so they are normalised before they
//! are compared: mainland mobile numbers to their 11 digits, every other number to E.164.

use crate::ValidationError;
use chrono::{Datelike, NaiveDate};

/// A normalised phone number: 11 digits for a mainland mobile, `+<digits>` otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Normalises a phone as typed: spaces, dashes, dots and brackets are ignored; `+86`, `0086`
    /// or `86` before an 11-digit mobile is dropped. Anything else must be international
    /// (`+` or `00` then 8–15 digits). Mainland mobiles start with 1 and a second digit 3–9.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let invalid = || {
            ValidationError::new(
                "phone",
                "invalid_phone",
                "must be an 11-digit mainland mobile number or an international number starting with +",
            )
        };
        let trimmed = raw.trim();
        let plus = trimmed.starts_with('+');
        let mut digits = String::with_capacity(trimmed.len());
        for (i, c) in trimmed.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => {}
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(invalid()),
            }
        }
        let international = if plus {
            Some(digits.as_str())
        } else {
            digits.strip_prefix("00")
        };
        let national = match international {
            Some(rest) => match rest.strip_prefix("86") {
                Some(cn) if cn.len() == 11 => cn,
                _ => {
                    return if (8..=15).contains(&rest.len()) && !rest.starts_with('0') {
                        Ok(Self(format!("+{rest}")))
                    } else {
                        Err(invalid())
                    }
                }
            },
            None if digits.len() == 13 && digits.starts_with("86") => &digits[2..],
            None => digits.as_str(),
        };
        if is_mainland_mobile(national) {
            Ok(Self(national.to_string()))
        } else {
            Err(invalid())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_mainland(&self) -> bool {
        !self.0.starts_with('+')
    }

    /// `138****5678`; international numbers keep the country part and the last four digits.
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

fn is_mainland_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && d.bytes().all(|c| c.is_ascii_digit())
}

/// Masks a stored (normalised) phone.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head = if phone.starts_with('+') { 4 } else { 3 };
    let tail = 4;
    let head: String = chars[..head].iter().collect();
    let tail: String = chars[chars.len() - tail..].iter().collect();
    format!("{head}****{tail}")
}

/// `张*`, `欧阳**`-style: the first character stays, the rest becomes `*` (at most two).
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        None => String::new(),
        Some(first) => {
            let rest = chars.count().clamp(1, 2);
            format!("{first}{}", "*".repeat(rest))
        }
    }
}

/// `z***@brand.cn`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first = local.chars().next().map(String::from).unwrap_or_default();
            format!("{first}***@{domain}")
        }
        None => "***".to_string(),
    }
}

/// `****-11-**`: the month is kept, as it drives birthday-month services anyway.
pub fn mask_birthday(date: NaiveDate) -> String {
    format!("****-{:02}-**", date.month())
}

/// Everything after the first six characters becomes `*` (province and city are kept apart).
pub fn mask_address(address: &str) -> String {
    let kept: String = address.chars().take(6).collect();
    if address.chars().count() > 6 {
        format!("{kept}****")
    } else {
        "****".to_string()
    }
}

/// A person's name: 1–64 characters, no control characters.
pub fn parse_name(raw: &str) -> Result<Option<String>, ValidationError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    crate::text::bounded("name", raw, 1, 64).map(Some)
}

/// A birthday written `YYYY-MM-DD`, between 1900-01-01 and `today`.
pub fn parse_birthday(raw: &str, today: NaiveDate) -> Result<Option<NaiveDate>, ValidationError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let well_formed = raw.len() == 10 && raw.as_bytes()[4] == b'-' && raw.as_bytes()[7] == b'-';
    let date = well_formed
        .then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| {
            ValidationError::new(
                "birthday",
                "invalid_date",
                "must be a date written YYYY-MM-DD",
            )
        })?;
    if date.year() < 1900 || date > today {
        return Err(ValidationError::new(
            "birthday",
            "birthday_out_of_range",
            "must be between 1900-01-01 and today",
        ));
    }
    Ok(Some(date))
}

/// Gender as recorded (spec: 男 / 女 / 未知).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Gender {
    Male,
    Female,
    #[default]
    Unknown,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
            Self::Unknown => "unknown",
        }
    }

    /// Accepts the codes and the Chinese words imports carry; empty is unknown.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw.trim().to_lowercase().as_str() {
            "male" | "m" | "男" => Ok(Self::Male),
            "female" | "f" | "女" => Ok(Self::Female),
            "" | "unknown" | "u" | "未知" => Ok(Self::Unknown),
            _ => Err(ValidationError::new(
                "gender",
                "invalid_gender",
                "must be male, female or unknown",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str) -> String {
        Phone::parse(raw).unwrap().as_str().to_string()
    }

    #[test]
    fn mainland_mobiles_normalise_to_eleven_digits() {
        for raw in [
            "13812345678",
            " 138 1234 5678 ",
            "138-1234-5678",
            "+86 138 1234 5678",
            "+8613812345678",
            "008613812345678",
            "8613812345678",
        ] {
            assert_eq!(ok(raw), "13812345678", "{raw}");
        }
    }

    #[test]
    fn other_numbers_normalise_to_e164() {
        assert_eq!(ok("+852 9123 4567"), "+85291234567");
        assert_eq!(ok("0085291234567"), "+85291234567");
        assert_eq!(ok("+1 (415) 555-0100"), "+14155550100");
    }

    #[test]
    fn invalid_phones_are_refused() {
        for raw in [
            "",
            "1385678",
            "1381234567",
            "138123456789",
            "12812345678",
            "23812345678",
            "+86 12812345678",
            "+1234",
            "abc13812345678",
            "+0123456789",
        ] {
            assert_eq!(
                Phone::parse(raw).unwrap_err().code,
                "invalid_phone",
                "{raw}"
            );
        }
    }

    #[test]
    fn masks_keep_what_people_recognise() {
        assert_eq!(Phone::parse("13812345678").unwrap().masked(), "138****5678");
        assert_eq!(mask_phone("+85291234567"), "+852****4567");
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧**");
        assert_eq!(mask_name("Z"), "Z*");
        assert_eq!(mask_email("zhang.san@brand.cn"), "z***@brand.cn");
        assert_eq!(
            mask_birthday(NaiveDate::from_ymd_opt(1997, 11, 11).unwrap()),
            "****-11-**"
        );
        assert_eq!(
            mask_address("广东省深圳市南山区科技园1号"),
            "广东省深圳市****"
        );
    }

    #[test]
    fn birthdays_are_strict_dates_in_the_past() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(
            parse_birthday("1997-11-11", today).unwrap(),
            NaiveDate::from_ymd_opt(1997, 11, 11)
        );
        assert_eq!(parse_birthday("", today).unwrap(), None);
        for bad in [
            "1997/11/11",
            "97-11-11",
            "1997-13-01",
            "1997-02-30",
            "1997-1-1",
        ] {
            assert_eq!(
                parse_birthday(bad, today).unwrap_err().code,
                "invalid_date",
                "{bad}"
            );
        }
        assert_eq!(
            parse_birthday("2026-11-24", today).unwrap_err().code,
            "birthday_out_of_range"
        );
        assert_eq!(
            parse_birthday("1899-12-31", today).unwrap_err().code,
            "birthday_out_of_range"
        );
    }

    #[test]
    fn genders_accept_codes_and_chinese() {
        assert_eq!(Gender::parse("男").unwrap(), Gender::Male);
        assert_eq!(Gender::parse("Female").unwrap(), Gender::Female);
        assert_eq!(Gender::parse("").unwrap(), Gender::Unknown);
        assert_eq!(Gender::parse("x").unwrap_err().code, "invalid_gender");
    }
}
