//! Coupon codes (§11.6): 16 digits, the first 15 random and the last a check digit, so that a
//! code is not guessable from another (codes are not sequential) and a mistyped code is refused
//! before any lookup. The check digit is Damm's: it catches every single-digit error and every
//! swap of two adjacent digits, the two mistakes people make typing a code from a phone screen.

/// The digits of a code.
pub const CODE_LEN: usize = 16;

/// Damm's totally anti-symmetric quasigroup of order 10.
const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

fn damm(digits: impl Iterator<Item = u8>) -> u8 {
    digits.fold(0, |interim, d| DAMM[usize::from(interim)][usize::from(d)])
}

/// The code made from `random` (any 64 bits; its value modulo 10^15 is used). The first digit
/// is never 0, so a code never loses a digit in a spreadsheet.
pub fn from_random(random: u64) -> String {
    const SPAN: u64 = 900_000_000_000_000;
    let body = 100_000_000_000_000 + random % SPAN;
    let mut code = body.to_string();
    let check = damm(code.bytes().map(|b| b - b'0'));
    code.push(char::from(b'0' + check));
    code
}

/// A code as typed, without the spaces and dashes people add, if it has the right length and
/// its check digit holds; else `None`.
pub fn normalise(raw: &str) -> Option<String> {
    let code: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let valid = code.len() == CODE_LEN
        && code.bytes().all(|b| b.is_ascii_digit())
        && damm(code.bytes().map(|b| b - b'0')) == 0;
    valid.then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_check_digit() {
        // Damm's worked example: 572 → check digit 4.
        assert_eq!(damm([5, 7, 2].into_iter()), 4);
        assert_eq!(damm([5, 7, 2, 4].into_iter()), 0);
    }

    #[test]
    fn codes_have_sixteen_digits_and_pass_their_check() {
        for r in [0, 1, u64::MAX, 123_456_789] {
            let code = from_random(r);
            assert_eq!(code.len(), 16);
            assert!(!code.starts_with('0'));
            assert_eq!(normalise(&code).as_deref(), Some(code.as_str()));
        }
        assert_eq!(normalise("1234"), None);
        assert_eq!(normalise("abcdefghijklmnop"), None);
    }

    #[test]
    fn spaces_and_dashes_are_ignored() {
        let code = from_random(42);
        let typed = format!("{} {}-{}", &code[..4], &code[4..8], &code[8..]);
        assert_eq!(normalise(&typed), Some(code));
    }

    proptest! {
        #[test]
        fn every_single_digit_error_is_caught(r in any::<u64>(), pos in 0usize..16, delta in 1u8..10) {
            let code = from_random(r);
            let mut bytes = code.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let typo = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(normalise(&typo), None);
        }

        #[test]
        fn every_adjacent_swap_is_caught(r in any::<u64>(), pos in 0usize..15) {
            let code = from_random(r);
            let mut bytes = code.clone().into_bytes();
            prop_assume!(bytes[pos] != bytes[pos + 1]);
            bytes.swap(pos, pos + 1);
            let typo = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(normalise(&typo), None);
        }
    }
}
