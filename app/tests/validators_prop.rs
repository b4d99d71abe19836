//! Property tests of the identity validators the server and the browser
//! share: on any input they answer (Ok or Err, never a panic), what they
//! accept is normalised and really valid, and what the masks show of an
//! accepted value is only the allowed head and tail.

use app::components::checked_input::Checked;
use app::identity::{
    check_char, mask_id, mask_name, mask_phone, parse_person_name, Phone, ResidentId,
};
use proptest::prelude::*;

// ---- inputs ----

/// Characters that trip up hand-written parsers.
const TRICKY: &[char] = &[
    '0', '1', '3', '8', '9', 'x', 'X', '-', '+', ' ', '\t', '\n', '\r', '\0', '\u{7}', '\u{1b}',
    '\u{7f}', '\u{a0}', '\u{3000}', '\u{200b}', '\u{feff}', '\u{fffd}', '０', '１', '９', 'Ｘ',
    '－', '＋', '·', '•', '张', '欧', 'é', '\u{301}', '😀', '👨', '\u{200d}', '*', '/', '.',
];

/// Arbitrary text: any Unicode, the tricky characters above, or a long run.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(prop::sample::select(TRICKY), 0..40)
            .prop_map(|v| v.into_iter().collect()),
        prop::collection::vec(any::<char>(), 1000..3000).prop_map(|v| v.into_iter().collect()),
    ]
}

/// `s` with one char replaced by, or one tricky char inserted at, `pos`,
/// or the char at `pos` removed.
fn mutate(s: &str, op: u8, pos: usize, c: char) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    let pos = pos % (chars.len() + 1);
    match op % 3 {
        0 if pos < chars.len() => chars[pos] = c,
        1 => chars.insert(pos, c),
        _ if pos < chars.len() => {
            chars.remove(pos);
        }
        _ => chars.push(c),
    }
    chars.into_iter().collect()
}

/// Province-level codes (GB/T 2260) that begin a resident ID.
const PROVINCES: [u32; 35] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

fn days_in_month(y: u32, m: u32) -> u32 {
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => 0,
    }
}

/// ISO 7064 MOD 11-2 computed from its definition (weight of position i is
/// 2^(17-i) mod 11; the check value c makes sum + c ≡ 1 mod 11, 10 is `X`),
/// independently of the crate's table.
fn mod11_2(first17: &str) -> char {
    let sum: u32 = first17
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * (1u32 << (17 - i)) % 11)
        .sum();
    match (12 - sum % 11) % 11 {
        10 => 'X',
        c => char::from(b'0' + c as u8),
    }
}

fn with_check(first17: &str) -> String {
    let bytes: [u8; 17] = first17.as_bytes().try_into().unwrap();
    format!("{first17}{}", check_char(&bytes))
}

/// A valid ID built from its parts: region, real birth date, sequence, check digit.
fn valid_id() -> impl Strategy<Value = String> {
    (
        prop::sample::select(PROVINCES.to_vec()),
        1u32..=9999,
        (1900u32..=2100, 1u32..=12)
            .prop_flat_map(|(y, m)| (Just(y), Just(m), 1..=days_in_month(y, m))),
        0u32..=999,
    )
        .prop_map(|(p, region, (y, m, d), seq)| {
            with_check(&format!("{p:02}{region:04}{y:04}{m:02}{d:02}{seq:03}"))
        })
}

fn valid_phone() -> impl Strategy<Value = String> {
    (3u8..=9, 0u64..1_000_000_000).prop_map(|(second, rest)| format!("1{second}{rest:09}"))
}

/// The ways people type a number: spaces or hyphens between groups, a
/// `+86`/`86` prefix, surrounding whitespace (ASCII or ideographic).
fn typed_phone() -> impl Strategy<Value = (String, String)> {
    (
        valid_phone(),
        prop::sample::select(vec!["", "+86", "86", "+86 ", "+86-", "86 "]),
        prop::sample::select(vec!["", " ", "-", "  ", " - "]),
        prop::sample::select(vec!["", " ", "\t", "\u{3000}", "\n"]),
    )
        .prop_map(|(p, prefix, sep, pad)| {
            let typed = format!(
                "{pad}{prefix}{}{sep}{}{sep}{}{pad}",
                &p[..3],
                &p[3..7],
                &p[7..]
            );
            (p, typed)
        })
}

// ---- what an accepted value must be ----

fn assert_valid_id(id: &str) -> Result<(), TestCaseError> {
    let b = id.as_bytes();
    prop_assert_eq!(b.len(), 18);
    prop_assert!(b[..17].iter().all(u8::is_ascii_digit), "{}", id);
    prop_assert_eq!(
        char::from(b[17]),
        mod11_2(&id[..17]),
        "check digit of {}",
        id
    );
    let num = |r: std::ops::Range<usize>| id[r].parse::<u32>().unwrap();
    prop_assert!(PROVINCES.contains(&num(0..2)), "province of {}", id);
    prop_assert_ne!(&id[2..6], "0000");
    let (y, m, d) = (num(6..10), num(10..12), num(12..14));
    prop_assert!((1900..=2100).contains(&y), "year of {}", id);
    prop_assert!(d >= 1 && d <= days_in_month(y, m), "birth date of {}", id);
    Ok(())
}

fn assert_valid_phone(p: &Phone) -> Result<(), TestCaseError> {
    let s = p.as_str();
    prop_assert_eq!(s.len(), 11);
    prop_assert!(s.bytes().all(|b| b.is_ascii_digit()), "{:?}", p);
    prop_assert!(s.starts_with('1') && (b'3'..=b'9').contains(&s.as_bytes()[1]));
    // The mask shows the first 3 and last 4 digits and nothing else.
    prop_assert_eq!(p.masked(), format!("{}****{}", &s[..3], &s[7..]));
    prop_assert_eq!(mask_phone(s), p.masked());
    let debug = format!("{p:?}");
    prop_assert!(!debug.contains(s));
    Ok(())
}

proptest! {
    // ---- Phone ----

    #[test]
    fn phone_answers_any_text_and_accepts_only_real_numbers(
        s in prop_oneof![
            any_text(),
            (valid_phone(), any::<u8>(), any::<usize>(), prop::sample::select(TRICKY))
                .prop_map(|(p, op, pos, c)| mutate(&p, op, pos, c)),
        ]
    ) {
        if let Ok(p) = Phone::parse(&s) {
            assert_valid_phone(&p)?;
            // Only spaces, hyphens and a +86/86 prefix were dropped.
            let compact: String = s.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
            let rest = compact.strip_prefix("+86").or_else(|| compact.strip_prefix("86"));
            prop_assert!(compact == p.as_str() || rest == Some(p.as_str()), "{:?} -> {:?}", s, p);
            prop_assert_eq!(Phone::parse(p.as_str()), Ok(p.clone()));
        }
    }

    #[test]
    fn phone_typed_any_usual_way_is_the_same_number((p, typed) in typed_phone()) {
        let parsed = Phone::parse(&typed);
        prop_assert_eq!(parsed.as_ref().map(Phone::as_str), Ok(p.as_str()), "{:?}", typed);
        assert_valid_phone(&parsed.unwrap())?;
    }

    #[test]
    fn phone_with_a_digit_too_many_or_few_or_a_bad_prefix_is_refused(
        p in valid_phone(),
        pos in 0usize..11,
        digit in 0u8..=9,
        second in 0u8..=2,
    ) {
        let mut longer = p.clone();
        longer.insert(pos, char::from(b'0' + digit));
        prop_assert!(Phone::parse(&longer).is_err(), "{}", longer);
        let mut shorter = p.clone();
        shorter.remove(pos);
        prop_assert!(Phone::parse(&shorter).is_err(), "{}", shorter);
        let bad_second = format!("1{second}{}", &p[2..]);
        prop_assert!(Phone::parse(&bad_second).is_err(), "{}", bad_second);
        let fullwidth: String = p.chars().map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap()).collect();
        prop_assert!(Phone::parse(&fullwidth).is_err(), "{}", fullwidth);
    }

    // ---- ResidentId ----

    #[test]
    fn id_answers_any_text_and_accepts_only_valid_numbers(
        s in prop_oneof![
            any_text(),
            (valid_id(), any::<u8>(), any::<usize>(), prop::sample::select(TRICKY))
                .prop_map(|(id, op, pos, c)| mutate(&id, op, pos, c)),
            // 17 random digits with the right check digit: only region and date can fail.
            "[0-9]{17}".prop_map(|s| with_check(&s)),
        ]
    ) {
        if let Ok(id) = ResidentId::parse(&s) {
            prop_assert_eq!(id.as_str(), s.trim().to_ascii_uppercase());
            assert_valid_id(id.as_str())?;
            prop_assert_eq!(ResidentId::parse(id.as_str()), Ok(id.clone()));
            // The mask keeps 4 + 4 and hides the birth date.
            let masked = id.masked();
            prop_assert_eq!(&masked, &format!("{}**********{}", &id.as_str()[..4], &id.as_str()[14..]));
            prop_assert_eq!(mask_id(id.as_str()), masked);
            let debug = format!("{id:?}");
            prop_assert!(!debug.contains(&id.as_str()[6..14]));
        }
    }

    #[test]
    fn every_valid_id_is_accepted_and_any_other_check_digit_refused(
        id in valid_id(),
        other in prop::sample::select("0123456789X".chars().collect::<Vec<_>>()),
        pad in prop::sample::select(vec!["", " ", "\t", "\u{3000}"]),
    ) {
        assert_valid_id(&id)?;
        let parsed = ResidentId::parse(&format!("{pad}{}{pad}", id.to_ascii_lowercase()));
        prop_assert_eq!(parsed.as_ref().map(ResidentId::as_str), Ok(id.as_str()));
        let check = char::from(id.as_bytes()[17]);
        if other != check {
            let wrong = format!("{}{other}", &id[..17]);
            prop_assert_eq!(ResidentId::parse(&wrong), Err("身份证号码校验位不正确，请核对"));
        }
    }

    #[test]
    fn swapping_two_adjacent_different_digits_is_caught(id in valid_id(), pos in 0usize..16) {
        let mut b = id.clone().into_bytes();
        prop_assume!(b[pos] != b[pos + 1]);
        b.swap(pos, pos + 1);
        let swapped = String::from_utf8(b).unwrap();
        prop_assert!(ResidentId::parse(&swapped).is_err(), "{} accepted", swapped);
    }

    #[test]
    fn a_correct_check_digit_does_not_excuse_an_impossible_birth_date(
        id in valid_id(),
        (m, d) in prop_oneof![
            (Just(0u32), 1u32..=28),
            (13u32..=99, 1u32..=28),
            (1u32..=12, Just(0u32)),
            (1u32..=12, 29u32..=99),
        ],
    ) {
        let y: u32 = id[6..10].parse().unwrap();
        prop_assume!(d == 0 || d > days_in_month(y, m));
        let bad = with_check(&format!("{}{y:04}{m:02}{d:02}{}", &id[..6], &id[14..17]));
        prop_assert_eq!(ResidentId::parse(&bad), Err("身份证号码中的出生日期不正确"));
    }

    // ---- names and the browser-side check ----

    #[test]
    fn person_name_answers_any_text_and_returns_a_clean_name(s in any_text()) {
        if let Ok(name) = parse_person_name(&s) {
            prop_assert_eq!(name.as_str(), s.trim());
            let n = name.chars().count();
            prop_assert!((2..=30).contains(&n));
            prop_assert!(name.chars().all(|c| c.is_alphabetic() || c == '·' || c == ' '), "{:?}", name);
            prop_assert!(name.chars().next().unwrap().is_alphabetic());
            prop_assert!(name.chars().last().unwrap().is_alphabetic());
            prop_assert_eq!(parse_person_name(&name), Ok(name.clone()));
            // The mask shows the first char only.
            let masked = mask_name(&name);
            prop_assert_eq!(masked.chars().count(), n);
            prop_assert_eq!(masked.chars().next(), name.chars().next());
            prop_assert!(masked.chars().skip(1).all(|c| c == '*'));
        }
    }

    #[test]
    fn the_browser_check_agrees_with_the_server_parsers(s in any_text(), required: bool) {
        let blank = s.trim().is_empty();
        for (kind, server) in [
            (Checked::Phone, Phone::parse(&s).err()),
            (Checked::ResidentId, ResidentId::parse(&s).err()),
            (Checked::PersonName, parse_person_name(&s).err()),
        ] {
            let browser = kind.check(&s, required);
            if blank {
                prop_assert_eq!(browser.is_some(), required);
            } else {
                prop_assert_eq!(browser, server, "{:?} on {:?}", kind, s);
            }
        }
    }
}
