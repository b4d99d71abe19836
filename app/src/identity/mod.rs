//! Identity input rules shared by server and browser: mainland mobile numbers,
//! 18-character resident ID numbers, passwords, real names, and the masks used
//! whenever such values are shown. Pure functions only (no clock, no regex), so
//! the same checks run in the wasm form and on the server.

pub mod account;
pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod port;

use std::fmt;

/// A normalised mainland China mobile number (11 ASCII digits, `1[3-9]…`).
///
/// Debug prints only the masked form and there is no Display or Serialize,
/// so the full number cannot leak through logs or the wire by accident.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Accepts what people type: spaces, hyphens and a `+86`/`86` prefix.
    pub fn parse(input: &str) -> Result<Phone, &'static str> {
        let compact: String = input
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let digits = if let Some(rest) = compact.strip_prefix("+86") {
            rest
        } else {
            match compact.strip_prefix("86") {
                Some(rest) if rest.len() == 11 && rest.bytes().all(|b| b.is_ascii_digit()) => rest,
                _ => compact.as_str(),
            }
        };
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("手机号码格式不正确");
        }
        if digits.len() != 11 {
            return Err("请输入11位手机号码");
        }
        let b = digits.as_bytes();
        if b[0] != b'1' || !(b'3'..=b'9').contains(&b[1]) {
            return Err("手机号码格式不正确");
        }
        Ok(Phone(digits.to_string()))
    }

    /// The full number: only for storage and for sending the SMS code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****1234`: what pages and logs may show.
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Phone").field(&self.masked()).finish()
    }
}

/// A GB 11643-1999 resident ID number (17 digits + check digit or `X`).
///
/// Like [`Phone`], Debug prints only the masked form; there is no Display or
/// Serialize of the full number.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ResidentId(String);

/// Province-level codes (first two digits) that appear on resident IDs.
const PROVINCES: [u8; 35] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

/// ISO 7064 MOD 11-2 weights for the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Check character for each `sum % 11`.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The MOD 11-2 check character for the first 17 characters of an ID.
///
/// The bytes should be ASCII digits; anything else gives a meaningless (but
/// non-panicking) result.
pub fn check_char(first17: &[u8; 17]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b.wrapping_sub(b'0')) * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

fn is_leap_year(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Parses ASCII digits (the caller has checked them) into a number.
fn digits_value(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0, |acc, b| acc * 10 + u32::from(b - b'0'))
}

impl ResidentId {
    /// Checks length, region, birth date and check character; stores upper-case `X`.
    pub fn parse(input: &str) -> Result<ResidentId, &'static str> {
        let s = input.trim();
        if s.chars().count() != 18 {
            return Err("身份证号码应为18位");
        }
        let b = s.as_bytes();
        let body_ok = b.len() == 18 && b[..17].iter().all(u8::is_ascii_digit);
        if !body_ok || !(b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'x') {
            return Err("身份证号码只能由数字和末位的X组成");
        }
        let province = digits_value(&b[0..2]);
        if !PROVINCES.iter().any(|p| u32::from(*p) == province) || &b[2..6] == b"0000" {
            return Err("身份证号码的地区码不正确");
        }
        let year = digits_value(&b[6..10]);
        let month = digits_value(&b[10..12]);
        let day = digits_value(&b[12..14]);
        if !(1900..=2100).contains(&year) || day == 0 || day > days_in_month(year, month) {
            return Err("身份证号码中的出生日期不正确");
        }
        let mut first17 = [0u8; 17];
        first17.copy_from_slice(&b[..17]);
        if check_char(&first17) != char::from(b[17].to_ascii_uppercase()) {
            return Err("身份证号码校验位不正确，请核对");
        }
        Ok(ResidentId(s.to_ascii_uppercase()))
    }

    /// The full number: only for storage and verification.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `4101**********1234`: what pages and logs may show.
    pub fn masked(&self) -> String {
        mask_id(&self.0)
    }
}

impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ResidentId").field(&self.masked()).finish()
    }
}

/// Keeps `head` leading and `tail` trailing chars and stars the rest; inputs
/// shorter than `min_len` chars become all stars. Length is preserved.
fn mask_middle(s: &str, head: usize, tail: usize, min_len: usize) -> String {
    let n = s.chars().count();
    if n < min_len {
        return "*".repeat(n);
    }
    s.chars()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { c } else { '*' })
        .collect()
}

/// Masks a stored phone number for display: `13812341234` → `138****1234`.
/// Anything shorter than 11 chars becomes all stars.
pub fn mask_phone(s: &str) -> String {
    mask_middle(s, 3, 4, 11)
}

/// Masks a stored ID number for display: first 4 and last 4 chars kept, so the
/// birth date (chars 7-14) is always hidden. Shorter than 15 chars: all stars.
pub fn mask_id(s: &str) -> String {
    mask_middle(s, 4, 4, 15)
}

/// Masks a stored name for display: `张三` → `张*`, `欧阳娜娜` → `欧***`.
pub fn mask_name(name: &str) -> String {
    let keep_first = name.chars().nth(1).is_some();
    name.chars()
        .enumerate()
        .map(|(i, c)| if i == 0 && keep_first { c } else { '*' })
        .collect()
}

/// Password policy: 8–128 chars from at least three of lower, upper, digit, other.
pub fn check_password(pw: &str) -> Result<(), &'static str> {
    let n = pw.chars().count();
    if n < 8 {
        return Err("密码至少8位");
    }
    if n > 128 {
        return Err("密码过长");
    }
    let (mut lower, mut upper, mut digit, mut other) = (false, false, false, false);
    for c in pw.chars() {
        match c {
            'a'..='z' => lower = true,
            'A'..='Z' => upper = true,
            '0'..='9' => digit = true,
            _ => other = true,
        }
    }
    let classes = [lower, upper, digit, other].iter().filter(|x| **x).count();
    if classes < 3 {
        return Err("密码须包含大写字母、小写字母、数字、符号中的至少三类");
    }
    Ok(())
}

/// A real name as written on an ID: letters of any script (CJK included),
/// `·` for minority/foreign names and spaces; 2–30 chars after trimming.
pub fn parse_person_name(s: &str) -> Result<String, &'static str> {
    const MSG: &str = "请填写真实姓名（2-30个字）";
    let name = s.trim();
    let n = name.chars().count();
    if !(2..=30).contains(&n) {
        return Err(MSG);
    }
    let allowed = name
        .chars()
        .all(|c| c.is_alphabetic() || c == '·' || c == ' ');
    // A name starts and ends with a letter, which also rules out "··".
    let edges_ok = name.chars().next().is_some_and(char::is_alphabetic)
        && name.chars().last().is_some_and(char::is_alphabetic);
    if !allowed || !edges_ok {
        return Err(MSG);
    }
    Ok(name.to_string())
}

/// Where a sign-in goes back to: `next` when it is a path on this site
/// (starts with `/`, not `//` or `/\`, visible ASCII only so it fits a
/// `Location` header as it is, at most 300 characters), else "/my".
pub fn safe_next(next: Option<&str>) -> String {
    const HOME: &str = "/my";
    let Some(next) = next.map(str::trim).filter(|n| !n.is_empty()) else {
        return HOME.to_string();
    };
    let ok = next.len() <= 300
        && next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && next.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        next.to_string()
    } else {
        HOME.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Builds a full ID from its first 17 digits by appending the check char.
    fn with_check(first17: &str) -> String {
        let bytes: [u8; 17] = first17.as_bytes().try_into().expect("17 bytes");
        format!("{first17}{}", check_char(&bytes))
    }

    #[test]
    fn sign_in_returns_only_to_paths_on_this_site() {
        assert_eq!(safe_next(None), "/my");
        assert_eq!(safe_next(Some("")), "/my");
        assert_eq!(
            safe_next(Some("/complain?category=center&center=jishui")),
            "/complain?category=center&center=jishui"
        );
        assert_eq!(
            safe_next(Some("/track/SX-7K4Q-P2M9")),
            "/track/SX-7K4Q-P2M9"
        );
        for bad in [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "complain",
            "/complain\r\nSet-Cookie: x=1",
            "/my\u{0}",
            "/投诉",
        ] {
            assert_eq!(safe_next(Some(bad)), "/my", "{bad:?}");
        }
        let long = format!("/{}", "a".repeat(299));
        assert_eq!(safe_next(Some(&long)), long);
        assert_eq!(safe_next(Some(&format!("{long}a"))), "/my");
    }

    // ---- Phone ----

    #[test]
    fn phone_accepts_common_forms() {
        for input in [
            "13812341234",
            " 138 1234 1234 ",
            "138-1234-1234",
            "+8613812341234",
            "+86 138 1234 1234",
            "8613812341234",
            "86-138-1234-1234",
        ] {
            let p = Phone::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(p.as_str(), "13812341234", "{input}");
        }
        assert_eq!(Phone::parse("19912345678").unwrap().as_str(), "19912345678");
    }

    #[test]
    fn phone_rejects_bad_input() {
        assert_eq!(Phone::parse(""), Err("请输入11位手机号码"));
        assert_eq!(Phone::parse("1381234123"), Err("请输入11位手机号码"));
        assert_eq!(Phone::parse("138123412345"), Err("请输入11位手机号码"));
        assert_eq!(Phone::parse("+861381234123"), Err("请输入11位手机号码"));
        assert_eq!(Phone::parse("12812341234"), Err("手机号码格式不正确"));
        assert_eq!(Phone::parse("23812341234"), Err("手机号码格式不正确"));
        assert_eq!(Phone::parse("138a2341234"), Err("手机号码格式不正确"));
        assert_eq!(
            Phone::parse("１３８１２３４１２３４"),
            Err("手机号码格式不正确")
        );
        // "86" is only a prefix when 11 digits follow; 8612341234 is 10 digits.
        assert_eq!(Phone::parse("8612341234"), Err("请输入11位手机号码"));
    }

    #[test]
    fn phone_mask_and_debug_hide_the_middle() {
        let p = Phone::parse("13856781234").unwrap();
        assert_eq!(p.masked(), "138****1234");
        assert_eq!(format!("{p:?}"), r#"Phone("138****1234")"#);
        assert!(!format!("{p:#?}").contains("5678"));
    }

    // ---- ResidentId ----

    #[test]
    fn id_built_with_check_char_is_valid() {
        let id = with_check("41010219900307123");
        let parsed = ResidentId::parse(&id).unwrap();
        assert_eq!(parsed.as_str(), id);
        assert_eq!(parsed.masked(), format!("4101**********{}", &id[14..]));
        assert_eq!(
            format!("{parsed:?}"),
            format!("ResidentId({:?})", parsed.masked())
        );
        assert!(!format!("{parsed:?}").contains("19900307"));
        // Surrounding whitespace is trimmed.
        assert_eq!(
            ResidentId::parse(&format!("  {id}\n")).unwrap().as_str(),
            id
        );
    }

    #[test]
    fn known_check_chars() {
        // The worked example from GB 11643-1999 (check char X).
        assert_eq!(check_char(b"11010519491231002"), 'X');
        assert_eq!(check_char(b"44052418800101001"), '4');
    }

    #[test]
    fn lower_case_x_is_accepted_and_stored_upper() {
        let parsed = ResidentId::parse("11010519491231002x").unwrap();
        assert_eq!(parsed.as_str(), "11010519491231002X");
        assert!(ResidentId::parse("11010519491231002X").is_ok());
    }

    #[test]
    fn wrong_check_char_is_rejected() {
        let id = with_check("41010219900307123");
        let good = id.chars().last().unwrap();
        for c in "0123456789X".chars().filter(|c| *c != good) {
            let bad = format!("{}{c}", &id[..17]);
            assert_eq!(
                ResidentId::parse(&bad),
                Err("身份证号码校验位不正确，请核对")
            );
        }
    }

    #[test]
    fn leap_days() {
        assert!(ResidentId::parse(&with_check("41010220000229123")).is_ok());
        assert!(ResidentId::parse(&with_check("41010219960229123")).is_ok());
        for bad in [
            "41010219000229123",
            "41010220230230123",
            "41010221000229123",
        ] {
            assert_eq!(
                ResidentId::parse(&with_check(bad)),
                Err("身份证号码中的出生日期不正确"),
                "{bad}"
            );
        }
    }

    #[test]
    fn birth_date_bounds() {
        assert!(ResidentId::parse(&with_check("41010219000101123")).is_ok());
        assert!(ResidentId::parse(&with_check("41010221001231123")).is_ok());
        for bad in [
            "41010218991231123",
            "41010221010101123",
            "41010219901301123",
            "41010219900001123",
            "41010219900100123",
            "41010219900431123",
        ] {
            assert_eq!(
                ResidentId::parse(&with_check(bad)),
                Err("身份证号码中的出生日期不正确"),
                "{bad}"
            );
        }
    }

    #[test]
    fn region_is_checked() {
        for bad in [
            "10010219900307123",
            "99010219900307123",
            "41000019900307123",
        ] {
            assert_eq!(
                ResidentId::parse(&with_check(bad)),
                Err("身份证号码的地区码不正确"),
                "{bad}"
            );
        }
        assert!(ResidentId::parse(&with_check("65010219900307123")).is_ok());
        assert!(ResidentId::parse(&with_check("81000119900307123")).is_ok());
    }

    #[test]
    fn id_length_and_characters() {
        assert_eq!(ResidentId::parse(""), Err("身份证号码应为18位"));
        assert_eq!(
            ResidentId::parse("41010219900307123"),
            Err("身份证号码应为18位")
        );
        assert_eq!(
            ResidentId::parse("4101021990030712345"),
            Err("身份证号码应为18位")
        );
        // 15-digit first-generation numbers are not accepted.
        assert_eq!(
            ResidentId::parse("410102900307123"),
            Err("身份证号码应为18位")
        );
        assert_eq!(
            ResidentId::parse("4101021990030712XX"),
            Err("身份证号码只能由数字和末位的X组成")
        );
        assert_eq!(
            ResidentId::parse("41010219900307123Y"),
            Err("身份证号码只能由数字和末位的X组成")
        );
        assert_eq!(
            ResidentId::parse("4101021990030712３4"),
            Err("身份证号码只能由数字和末位的X组成")
        );
    }

    // ---- masks ----

    #[test]
    fn mask_examples() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("1381234"), "*******");
        assert_eq!(mask_phone(""), "");
        assert_eq!(mask_id("410102199003071234"), "4101**********1234");
        assert_eq!(mask_id("41010219900307123X"), "4101**********123X");
        assert_eq!(mask_id("410102900307123"), "4101*******7123");
        assert_eq!(mask_id("12345"), "*****");
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("买买提·艾力"), "买*****");
        assert_eq!(mask_name("张"), "*");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn masks_are_idempotent() {
        // Already-masked stored values come back unchanged (and stay masked).
        assert_eq!(mask_phone("138****1234"), "138****1234");
        assert_eq!(mask_id("4101**********1234"), "4101**********1234");
        assert_eq!(mask_name("张*"), "张*");
    }

    // ---- passwords ----

    #[test]
    fn password_policy() {
        assert_eq!(check_password("Abc12345"), Ok(()));
        assert_eq!(check_password("abc12345!"), Ok(()));
        assert_eq!(check_password("ABC12345!"), Ok(()));
        assert_eq!(check_password("abcdefG!"), Ok(()));
        assert_eq!(check_password("密码abc12345"), Ok(()));
        assert_eq!(check_password("Ab1!Ab1"), Err("密码至少8位"));
        // Counted in chars: 7 CJK chars are 21 bytes but still too short.
        assert_eq!(check_password("密码密码密A1"), Err("密码至少8位"));
        let long = "Ab1!".repeat(33);
        assert_eq!(check_password(&long), Err("密码过长"));
        assert_eq!(check_password(&long[..128]), Ok(()));
        let weak = "密码须包含大写字母、小写字母、数字、符号中的至少三类";
        assert_eq!(check_password("abcdefgh"), Err(weak));
        assert_eq!(check_password("12345678"), Err(weak));
        assert_eq!(check_password("abcd1234"), Err(weak));
        assert_eq!(check_password("ABCDabcd"), Err(weak));
        assert_eq!(check_password("密码密码1234"), Err(weak));
    }

    // ---- names ----

    #[test]
    fn person_names() {
        assert_eq!(parse_person_name("张三"), Ok("张三".to_string()));
        assert_eq!(parse_person_name("  欧阳娜娜 "), Ok("欧阳娜娜".to_string()));
        assert_eq!(
            parse_person_name("买买提·艾力"),
            Ok("买买提·艾力".to_string())
        );
        assert_eq!(
            parse_person_name("John Smith"),
            Ok("John Smith".to_string())
        );
        let msg = Err("请填写真实姓名（2-30个字）");
        assert_eq!(parse_person_name("张"), msg);
        assert_eq!(parse_person_name("   "), msg);
        assert_eq!(parse_person_name("张3"), msg);
        assert_eq!(parse_person_name("张\t三"), msg);
        assert_eq!(parse_person_name("张三!"), msg);
        assert_eq!(parse_person_name("··"), msg);
        assert_eq!(parse_person_name("·张三"), msg);
        assert_eq!(parse_person_name(&"张".repeat(31)), msg);
        assert!(parse_person_name(&"张".repeat(30)).is_ok());
    }

    // ---- properties ----

    /// (year, month, day) with a real calendar day in 1900..=2100.
    fn birth_date() -> impl Strategy<Value = (u32, u32, u32)> {
        (1900u32..=2100, 1u32..=12)
            .prop_flat_map(|(y, m)| (Just(y), Just(m), 1..=days_in_month(y, m)))
    }

    /// A valid 18-char ID.
    fn valid_id() -> impl Strategy<Value = String> {
        (
            prop::sample::select(PROVINCES.to_vec()),
            1u32..=9999,
            birth_date(),
            0u32..=999,
        )
            .prop_map(|(p, region, (y, m, d), seq)| {
                with_check(&format!("{p:02}{region:04}{y:04}{m:02}{d:02}{seq:03}"))
            })
    }

    /// A valid normalised phone number.
    fn valid_phone() -> impl Strategy<Value = String> {
        (3u8..=9, 0u64..1_000_000_000).prop_map(|(second, rest)| format!("1{second}{rest:09}"))
    }

    proptest! {
        #[test]
        fn valid_ids_parse_and_single_digit_changes_fail(
            id in valid_id(),
            pos in 0usize..17,
            delta in 1u8..=9,
        ) {
            let parsed = ResidentId::parse(&id);
            prop_assert!(parsed.is_ok(), "{} rejected: {:?}", id, parsed);
            let parsed = parsed.unwrap();
            prop_assert_eq!(parsed.as_str(), id.as_str());

            let mut bytes = id.clone().into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let first17: [u8; 17] = bytes[..17].try_into().unwrap();
            // The check char alone catches every single-digit substitution...
            prop_assert_ne!(check_char(&first17), char::from(bytes[17]));
            // ...so the altered number never parses.
            let altered = String::from_utf8(bytes).unwrap();
            prop_assert!(ResidentId::parse(&altered).is_err(), "{} accepted", altered);
        }

        #[test]
        fn id_mask_hides_birth_date(id in valid_id()) {
            let parsed = ResidentId::parse(&id).unwrap();
            let masked = parsed.masked();
            prop_assert_eq!(masked.chars().count(), 18);
            prop_assert!(!masked.contains(&id[6..14]));
            prop_assert!(!masked.contains(id.as_str()));
            prop_assert_eq!(&masked[..4], &id[..4]);
            prop_assert_eq!(&masked[14..], &id[14..]);
            prop_assert_eq!(&masked[4..14], "**********");
            let debug = format!("{parsed:?}");
            prop_assert_eq!(debug, format!("ResidentId({masked:?})"));
        }

        #[test]
        fn phone_mask_and_debug_hide_the_number(phone in valid_phone()) {
            let parsed = Phone::parse(&phone).unwrap();
            prop_assert_eq!(parsed.as_str(), phone.as_str());
            let masked = parsed.masked();
            prop_assert_eq!(&masked[..3], &phone[..3]);
            prop_assert_eq!(&masked[3..7], "****");
            prop_assert_eq!(&masked[7..], &phone[7..]);
            prop_assert!(!masked.contains(phone.as_str()));
            // The middle digits only "appear" if they equal the visible last four.
            if phone[3..7] != phone[7..] {
                prop_assert!(!masked.contains(&phone[3..7]));
            }
            let debug = format!("{parsed:?}");
            prop_assert_eq!(&debug, &format!("Phone({masked:?})"));
            prop_assert!(!debug.contains(phone.as_str()));
            let pretty = format!("{parsed:#?}");
            prop_assert!(!pretty.contains(phone.as_str()));
        }

        #[test]
        fn masks_never_panic_and_hide_something(s in any::<String>()) {
            let n = s.chars().count();
            let no_stars = !s.contains('*');
            for (masked, head, tail, min_len) in [
                (mask_phone(&s), 3, 4, 11),
                (mask_id(&s), 4, 4, 15),
                (mask_name(&s), 1, 0, 2),
            ] {
                prop_assert_eq!(masked.chars().count(), n);
                let keep = |i: usize| n >= min_len && (i < head || i >= n - tail);
                for (i, (a, b)) in s.chars().zip(masked.chars()).enumerate() {
                    if keep(i) {
                        prop_assert_eq!(a, b);
                    } else {
                        prop_assert_eq!(b, '*');
                    }
                }
                // Anything of 2+ chars with no '*' of its own always changes.
                if n >= 2 && no_stars {
                    prop_assert_ne!(&masked, &s);
                }
            }
        }

        #[test]
        fn masks_change_real_values(id in valid_id(), phone in valid_phone()) {
            prop_assert_ne!(mask_id(&id), id.clone());
            prop_assert_ne!(mask_phone(&phone), phone.clone());
            prop_assert_ne!(mask_phone(&id), id);
        }

        #[test]
        fn check_password_never_panics(pw in any::<String>()) {
            let n = pw.chars().count();
            let r = check_password(&pw);
            if n < 8 {
                prop_assert_eq!(r, Err("密码至少8位"));
            } else if n > 128 {
                prop_assert_eq!(r, Err("密码过长"));
            }
        }
    }
}
