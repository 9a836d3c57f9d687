//! Carrier tracking numbers in real formats, with their check digits.
//!
//! - UPS: `1Z`, a 6-character shipper number, a 2-digit service code, a 7-digit package
//!   number and a check digit (18 characters). Letters count as `(position in the
//!   alphabet + 2) mod 10`; the check digit completes the sum of the odd positions plus
//!   twice the even positions to a multiple of 10.
//! - FedEx Express: 12 digits. The first 11 are weighted 1, 3, 7, 1, 3, 7, ... from the
//!   right; the check digit is that sum mod 11, then mod 10.
//! - USPS (Intelligent Mail package barcode): 22 digits starting with 92, 93 or 94. The
//!   first 21 are weighted 3, 1, 3, 1, ... from the right; the check digit completes the
//!   sum to a multiple of 10.

use rand::Rng;
use serde::{Deserialize, Serialize};

/// A parcel carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Carrier {
    #[serde(rename = "UPS")]
    Ups,
    #[serde(rename = "FedEx")]
    FedEx,
    #[serde(rename = "USPS")]
    Usps,
}

impl Carrier {
    pub const ALL: [Carrier; 3] = [Carrier::Ups, Carrier::FedEx, Carrier::Usps];

    /// Returns the carrier's name as shipments carry it.
    pub fn name(self) -> &'static str {
        match self {
            Carrier::Ups => "UPS",
            Carrier::FedEx => "FedEx",
            Carrier::Usps => "USPS",
        }
    }
}

/// Builds a UPS tracking number. `service_code` is two digits (`03` Ground, `02` 2nd Day
/// Air, `01` Next Day Air). `serial` becomes the 7-digit package number, so distinct
/// serials below 10,000,000 give distinct numbers for one shipper.
pub fn ups(rng: &mut impl Rng, service_code: &str, serial: u64) -> String {
    const SHIPPER_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPRSTUVWXY";
    let shipper: String = (0..6)
        .map(|_| char::from(SHIPPER_CHARS[rng.random_range(0..SHIPPER_CHARS.len())]))
        .collect();

    let body = format!("{shipper}{service_code:0>2.2}{:07}", serial % 10_000_000);
    let check = ups_check_digit(&body).unwrap_or(0);
    format!("1Z{body}{check}")
}

/// Builds a 12-digit FedEx Express tracking number whose last 7 digits before the check
/// digit come from `serial`.
pub fn fedex(rng: &mut impl Rng, serial: u64) -> String {
    let body = format!(
        "{:04}{:07}",
        rng.random_range(1000..10_000u32),
        serial % 10_000_000
    );
    let check = fedex_check_digit(&body).unwrap_or(0);
    format!("{body}{check}")
}

/// Builds a 22-digit USPS tracking number: channel `92`, `93` or `94`, a 3-digit service
/// type code, a 9-digit mailer id, a 7-digit serial from `serial` and the check digit.
pub fn usps(rng: &mut impl Rng, service_type: &str, serial: u64) -> String {
    let channel = ["92", "93", "94"][rng.random_range(0..3)];
    let mailer_id = rng.random_range(100_000_000..1_000_000_000u64);
    let body = format!(
        "{channel}{service_type:0>3.3}{mailer_id}{:07}",
        serial % 10_000_000
    );
    let check = usps_check_digit(&body).unwrap_or(0);
    format!("{body}{check}")
}

/// Computes the UPS check digit of the 15 characters after `1Z`, or `None` when they are not 15
/// ASCII letters or digits.
pub fn ups_check_digit(body: &str) -> Option<u32> {
    if body.len() != 15 {
        return None;
    }

    let mut sum = 0;
    for (index, c) in body.chars().enumerate() {
        let value = match c {
            '0'..='9' => c.to_digit(10)?,
            'A'..='Z' => (u32::from(c) - u32::from('A') + 2) % 10,
            _ => return None,
        };
        // Positions count from 1, so index 0 is an odd position.
        sum += if index % 2 == 1 { value * 2 } else { value };
    }
    Some((10 - sum % 10) % 10)
}

/// Computes the FedEx Express check digit of 11 digits, or `None` when the input is not 11 digits.
pub fn fedex_check_digit(body: &str) -> Option<u32> {
    if body.len() != 11 {
        return None;
    }

    let weights = [1, 3, 7].into_iter().cycle();
    let mut sum = 0;
    for (c, weight) in body.chars().rev().zip(weights) {
        sum += c.to_digit(10)? * weight;
    }
    Some(sum % 11 % 10)
}

/// Computes the USPS mod-10 check digit of 21 digits, or `None` when the input is not 21 digits.
pub fn usps_check_digit(body: &str) -> Option<u32> {
    if body.len() != 21 {
        return None;
    }

    let weights = [3, 1].into_iter().cycle();
    let mut sum = 0;
    for (c, weight) in body.chars().rev().zip(weights) {
        sum += c.to_digit(10)? * weight;
    }
    Some((10 - sum % 10) % 10)
}

/// True when `number` is a UPS `1Z` number with a valid check digit.
pub fn is_valid_ups(number: &str) -> bool {
    let Some(rest) = number.strip_prefix("1Z") else {
        return false;
    };
    check_last_digit(rest, 15, ups_check_digit)
}

/// True when `number` is 12 digits with a valid FedEx Express check digit.
pub fn is_valid_fedex(number: &str) -> bool {
    check_last_digit(number, 11, fedex_check_digit)
}

/// True when `number` is 22 digits, starts with 92, 93 or 94 and has a valid check digit.
pub fn is_valid_usps(number: &str) -> bool {
    let channel_ok = ["92", "93", "94"].iter().any(|c| number.starts_with(c));
    channel_ok && check_last_digit(number, 21, usps_check_digit)
}

fn check_last_digit(number: &str, body_len: usize, check: fn(&str) -> Option<u32>) -> bool {
    if number.len() != body_len + 1 || !number.is_ascii() {
        return false;
    }

    let (body, last) = number.split_at(body_len);
    let expected = check(body);
    let actual = last.chars().next().and_then(|c| c.to_digit(10));
    expected.is_some() && expected == actual
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn ups_check_digit_known_number() {
        // The example number of docs/petra-api.md, whose check digit was worked out by hand.
        assert!(is_valid_ups("1Z999AA10123456784"));
    }

    #[test]
    fn ups_rejects_wrong_check_digit() {
        assert!(!is_valid_ups("1Z999AA10123456785"));
    }

    #[test]
    fn ups_rejects_wrong_length() {
        assert!(!is_valid_ups("1Z999AA1012345678"));
    }

    #[test]
    fn fedex_check_digit_by_hand() {
        // From the right, 0,0,...,0,1 weighted 1,3,7,...: only the leading 1 counts, at
        // the 11th position from the right, whose weight is 3. So the check digit is 3 mod 11 mod 10 = 3.
        assert_eq!(fedex_check_digit("10000000000"), Some(3));
        assert!(is_valid_fedex("100000000003"));
    }

    #[test]
    fn fedex_rejects_letters() {
        assert!(!is_valid_fedex("10000000000A"));
    }

    #[test]
    fn usps_check_digit_by_hand() {
        // 94 followed by zeros: 9 sits 21st from the right (weight 3) and 4 sits 20th
        // (weight 1), so the sum is 31 and the check digit 9.
        assert_eq!(usps_check_digit("940000000000000000000"), Some(9));
        assert!(is_valid_usps("9400000000000000000009"));
    }

    #[test]
    fn usps_rejects_other_channel() {
        // 95 is not a package channel, even with a matching check digit.
        let body = "950000000000000000000";
        let check = usps_check_digit(body).unwrap();
        assert!(!is_valid_usps(&format!("{body}{check}")));
    }

    #[test]
    fn generated_numbers_are_valid() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);

        for serial in 0..500 {
            let ups = ups(&mut rng, "03", serial);
            let fedex = fedex(&mut rng, serial);
            let usps = usps(&mut rng, "001", serial);

            assert!(is_valid_ups(&ups), "invalid UPS {ups}");
            assert_eq!(ups.len(), 18, "UPS length of {ups}");
            assert!(is_valid_fedex(&fedex), "invalid FedEx {fedex}");
            assert!(is_valid_usps(&usps), "invalid USPS {usps}");
            assert_eq!(usps.len(), 22, "USPS length of {usps}");
        }
    }
}
