//! The words and numbers of a believable Indian bank statement: merchants and payees, UPI and
//! NEFT narrations, and reference numbers in the shapes the channels use (12-digit UPI RRNs,
//! 16-character NEFT UTRs, ATM and card references).

use time::Date;

use super::rng::Rng;

/// A place where a customer spends, with the usual size of a bill there (rupees).
#[derive(Debug, Clone, Copy)]
pub struct Merchant {
    pub name: &'static str,
    pub vpa: &'static str,
    pub low: i64,
    pub high: i64,
}

const fn m(name: &'static str, vpa: &'static str, low: i64, high: i64) -> Merchant {
    Merchant {
        name,
        vpa,
        low,
        high,
    }
}

/// Everyday spending of a salaried customer.
pub const RETAIL: &[Merchant] = &[
    m("SWIGGY", "swiggy@icici", 150, 900),
    m("ZOMATO", "zomato@hdfcbank", 180, 1100),
    m("BIGBASKET", "bigbasket@axisbank", 600, 3500),
    m("BLINKIT", "blinkit.payu@hdfcbank", 150, 1500),
    m("ZEPTO", "zepto@ybl", 120, 1200),
    m("UBER INDIA", "uber@axisbank", 120, 750),
    m("OLA CABS", "olacabs@ybl", 100, 650),
    m("DMART", "dmart@ybl", 800, 4500),
    m("RELIANCE FRESH", "reliancefresh@jiopay", 200, 1800),
    m("APOLLO PHARMACY", "apollopharmacy@icici", 150, 2200),
    m("INDIAN OIL PETROL", "iocl.fuel@sbi", 500, 3000),
    m("BOOKMYSHOW", "bookmyshow@hdfcbank", 300, 1500),
    m("AMAZON PAY INDIA", "amazonpay@apl", 250, 6000),
    m("FLIPKART", "flipkart@axisbank", 300, 5500),
    m("CAFE COFFEE DAY", "ccd@ybl", 120, 600),
    m("CHAI POINT", "chaipoint@paytm", 60, 300),
    m("MYNTRA", "myntra@icici", 600, 4000),
    m("IRCTC", "irctc@sbi", 400, 3500),
];

/// Suppliers of a small business.
pub const VENDORS: &[Merchant] = &[
    m(
        "SHREE BALAJI TRADERS",
        "balajitraders@okhdfcbank",
        5000,
        60000,
    ),
    m("OM PACKAGING INDUSTRIES", "ompackaging@okaxis", 3000, 40000),
    m("KRISHNA LOGISTICS", "krishnalogistics@okicici", 2000, 25000),
    m("VISHAL OFFICE SUPPLIES", "vishaloffice@ybl", 500, 8000),
    m(
        "SRI SAI ELECTRICALS",
        "saielectricals@okhdfcbank",
        1500,
        20000,
    ),
    m("GOOGLE CLOUD INDIA", "googlecloud@icici", 2000, 15000),
    m("BHARTI AIRTEL", "airtel@icici", 1000, 5000),
    m("MAHALAXMI STEEL", "mahalaxmisteel@oksbi", 10000, 90000),
];

/// Businesses that pay a current-account holder.
pub const CLIENTS: &[&str] = &[
    "ACME RETAIL PVT LTD",
    "SUNRISE ENTERPRISES",
    "NAVKAR DISTRIBUTORS",
    "GREENLEAF FOODS LLP",
    "PATEL HARDWARE STORES",
    "KAVERI AGRO PRODUCTS",
    "METRO MART",
    "BLUE OCEAN EXPORTS",
];

/// Friends and family who send a little money back.
pub const PEOPLE: &[(&str, &str)] = &[
    ("RAHUL VERMA", "rahulv@okhdfcbank"),
    ("PRIYA NAIR", "priya.nair@okicici"),
    ("ARJUN MEHTA", "arjunm@ybl"),
    ("SNEHA IYER", "snehaiyer@okaxis"),
    ("VIKRAM SINGH", "vikram.s@oksbi"),
    ("ANJALI GUPTA", "anjali.g@paytm"),
];

/// ATM locations.
pub const ATMS: &[&str] = &[
    "KORAMANGALA BLR",
    "INDIRANAGAR BLR",
    "MG ROAD BLR",
    "ANDHERI W MUM",
    "CONNAUGHT PL DEL",
    "T NAGAR CHN",
];

/// IFSC bank codes of the counterparties' banks.
pub const BANKS: &[&str] = &["HDFC", "ICIC", "SBIN", "UTIB", "KKBK", "YESB", "PUNB"];

/// A 12-digit UPI RRN (retrieval reference number).
pub fn upi_rrn(rng: &mut Rng, date: Date) -> String {
    let year_digit = date.year().rem_euclid(10);
    format!("{year_digit}{}", rng.digits(11))
}

/// A 16-character NEFT UTR: bank code, `N`, two-digit year, day of year, six digits.
pub fn neft_utr(rng: &mut Rng, date: Date) -> String {
    let bank = rng.pick(BANKS).copied().unwrap_or("HDFC");
    format!(
        "{bank}N{:02}{:03}{}",
        date.year().rem_euclid(100),
        date.ordinal(),
        rng.digits(6)
    )
}

/// A 12-digit IMPS or card RRN.
pub fn rrn(rng: &mut Rng) -> String {
    rng.digits(12)
}

/// A bank code to show in a UPI narration.
pub fn bank(rng: &mut Rng) -> &'static str {
    rng.pick(BANKS).copied().unwrap_or("HDFC")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn references_have_the_channels_shapes() {
        let mut rng = Rng::new(3);
        let d = date!(2024 - 05 - 14);
        let rrn = upi_rrn(&mut rng, d);
        assert_eq!(rrn.len(), 12);
        assert!(rrn.starts_with('4'));
        let utr = neft_utr(&mut rng, d);
        assert_eq!(utr.len(), 16);
        assert_eq!(&utr[4..10], "N24135");
    }

    #[test]
    fn merchant_ranges_are_sane() {
        for merchant in RETAIL.iter().chain(VENDORS) {
            assert!(
                0 < merchant.low && merchant.low < merchant.high,
                "{}",
                merchant.name
            );
        }
    }
}
