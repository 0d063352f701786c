//! The statement of a savings or current account over its last year: the seed's regular
//! credits and debits (salary, rent, bills, SIPs), receipts from customers, everyday UPI, card
//! and ATM spending, small UPI credits from friends, and quarterly interest on the daily
//! balance. Events are applied in time order; a debit the balance (plus any overdraft limit)
//! does not cover is skipped, as a bank would refuse it, so the running balance never breaks
//! its floor and every balance equals the previous one plus or minus the amount.

use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, OffsetDateTime};

use aa_core::rebit::AccType;

use super::dates::{self, at_ist};
use super::ledger::{AccountHistory, DepositSummary, Posting, Summary};
use super::money::Paise;
use super::narration::{self, Merchant};
use super::rng::Rng;
use super::seed::{DepositTerms, SeedAccount, Standing};
use super::vocabulary::DepositMode;

/// Something that happens to the account, before it is applied.
#[derive(Debug, Clone)]
struct Event {
    at: OffsetDateTime,
    credit: bool,
    amount: Paise,
    mode: DepositMode,
    narration: String,
    reference: String,
}

/// The days history covers: the last twelve months up to `until`, or since opening.
fn window(opened: Date, until: Date) -> (Date, Date) {
    let year_ago = dates::add_months(until, -12) + Duration::days(1);
    (year_ago.max(opened), until)
}

pub fn generate(
    rng: &mut Rng,
    account: &SeedAccount,
    terms: &DepositTerms,
    opened: Date,
    until: Date,
) -> AccountHistory {
    let (from, to) = window(opened, until);
    let savings = account.acc_type() != AccType::Current;
    let card = format!("XXXXXXXXXXXX{}", rng.digits(4));
    let mut events = Vec::new();
    let mut month = dates::day_of_month(from.year(), from.month(), 1);
    let mut index = 0u32;
    while month <= to {
        let in_window = |d: Date| d >= from && d <= to;
        for (list, credit) in [(&terms.credits, true), (&terms.debits, false)] {
            for standing in list.iter() {
                if index % u32::from(standing.every_months.max(1)) == 0 {
                    let day = dates::day_of_month(month.year(), month.month(), standing.day);
                    if in_window(day) {
                        events.push(standing_event(rng, standing, credit, day, &card));
                    }
                }
            }
        }
        let days_in_month: Vec<Date> = dates::days(month, dates::month_end(month))
            .filter(|d| in_window(*d))
            .collect();
        if !days_in_month.is_empty() {
            if let Some(receipts) = &terms.receipts {
                receipts_events(
                    rng,
                    receipts.monthly,
                    receipts.per_month,
                    &days_in_month,
                    &mut events,
                );
            }
            if terms.monthly_spend.is_positive() {
                // A part month gets a part of the month's spending.
                let share = days_in_month.len() as f64 / 30.0;
                let spend = terms.monthly_spend.scale(share.min(1.0));
                spending(rng, spend, savings, &card, &days_in_month, &mut events);
            }
            if savings {
                friends(rng, &days_in_month, &mut events);
            }
        }
        month = dates::add_months(month, 1);
        index += 1;
    }
    events.sort_by_key(|e| e.at);

    let floor = Paise::ZERO - terms.od_limit.unwrap_or_default();
    let mut balance = terms.opening_balance;
    let mut postings = Vec::with_capacity(events.len() + 4);
    let mut accrued = 0f64;
    let mut accrual_from = from;
    let mut pending = events.into_iter().peekable();
    for day in dates::days(from, to) {
        while let Some(event) = pending.next_if(|e| e.at.date() <= day) {
            if !event.credit && balance - event.amount < floor {
                continue;
            }
            if event.credit {
                balance += event.amount;
            } else {
                balance -= event.amount;
            }
            postings.push(Posting {
                txn_id: String::new(),
                kind: if event.credit { "CREDIT" } else { "DEBIT" },
                mode: event.mode.as_str(),
                amount: event.amount,
                balance,
                at: event.at,
                value_date: event.at.date(),
                narration: event.narration,
                reference: event.reference,
            });
        }
        // Interest on the day's closing balance, credited at the quarter end.
        accrued += balance.0.max(0) as f64 * terms.interest_rate / 36500.0;
        if dates::is_quarter_end(day) {
            let interest = Paise(accrued.round() as i64);
            if interest.is_positive() {
                balance += interest;
                postings.push(Posting {
                    txn_id: String::new(),
                    kind: "CREDIT",
                    mode: DepositMode::Others.as_str(),
                    amount: interest,
                    balance,
                    at: at_ist(day, 23, 59, 0),
                    value_date: day,
                    narration: format!(
                        "CREDIT INTEREST {} TO {}",
                        dates::format_date(accrual_from),
                        dates::format_date(day)
                    ),
                    reference: format!("INT{}{:02}", day.year(), u8::from(day.month())),
                });
            }
            accrued = 0.0;
            accrual_from = day + Duration::days(1);
        }
    }

    let od_limit = terms.od_limit.filter(|l| l.is_positive());
    let available = balance + od_limit.unwrap_or_default();
    AccountHistory {
        opened,
        postings,
        summary: Summary::Deposit(DepositSummary {
            kind: account.acc_type().as_str().to_owned(),
            current_balance: balance,
            balance_date_time: at_ist(to, 23, 59, 59).format(&Rfc3339).unwrap_or_default(),
            facility: od_limit.map(|_| "OD".to_owned()),
            current_od_limit: od_limit,
            drawing_limit: available.max(Paise::ZERO),
            opening_balance: terms.opening_balance,
        }),
    }
}

fn random_time(rng: &mut Rng, day: Date, from_hour: u8, to_hour: u8) -> OffsetDateTime {
    let hour = rng.between(i64::from(from_hour), i64::from(to_hour)) as u8;
    let minute = rng.between(0, 59) as u8;
    let second = rng.between(0, 59) as u8;
    at_ist(day, hour, minute, second)
}

/// An amount that looks like a real bill: whole rupees most of the time.
fn bill_amount(rng: &mut Rng, rupees: f64) -> Paise {
    let amount = Paise::from_rupees_f64(rupees.max(10.0)).unwrap_or(Paise::from_rupees(10));
    if rng.chance(0.7) {
        amount.whole_rupees()
    } else {
        amount
    }
}

fn standing_event(
    rng: &mut Rng,
    standing: &Standing,
    credit: bool,
    day: Date,
    card: &str,
) -> Event {
    let variation = 1.0 + standing.vary * (2.0 * rng.unit() - 1.0);
    let mut amount = standing.amount.scale(variation);
    if standing.amount.0 % 100 == 0 {
        amount = amount.whole_rupees();
    }
    let at = if credit {
        random_time(rng, day, 9, 11)
    } else {
        random_time(rng, day, 6, 8)
    };
    let direction = if credit { "CR" } else { "DR" };
    let text = standing.narration.trim();
    let (narration, reference) = match standing.mode {
        DepositMode::Ft => {
            let utr = narration::neft_utr(rng, day);
            (format!("NEFT/{direction}/{utr}/{text}"), utr)
        }
        DepositMode::Upi => {
            let rrn = narration::upi_rrn(rng, day);
            let bank = narration::bank(rng);
            (format!("UPI/{direction}/{rrn}/{text}/{bank}"), rrn)
        }
        DepositMode::Card => {
            let rrn = narration::rrn(rng);
            (format!("POS {card} {text}"), rrn)
        }
        DepositMode::Atm => {
            let reference = rng.digits(6);
            (format!("ATM WDL/{text}/{reference}"), reference)
        }
        DepositMode::Cash => {
            let reference = format!("CSH{}", rng.digits(8));
            let what = if credit { "CASH DEPOSIT" } else { "CASH WDL" };
            (format!("{what}/{text}"), reference)
        }
        DepositMode::Others => (text.to_owned(), format!("ACH{}", rng.digits(10))),
    };
    Event {
        at,
        credit,
        amount,
        mode: standing.mode,
        narration,
        reference,
    }
}

/// `count` receipts from business customers adding up to about `monthly`.
fn receipts_events(
    rng: &mut Rng,
    monthly: Paise,
    count: u32,
    days: &[Date],
    events: &mut Vec<Event>,
) {
    let share = (days.len() as f64 / 30.0).min(1.0);
    let count = ((f64::from(count) * share).round() as u32).max(1);
    let weights: Vec<f64> = (0..count).map(|_| 0.3 + 1.4 * rng.unit()).collect();
    let total: f64 = weights.iter().sum();
    for weight in weights {
        let Some(&day) = rng.pick(days) else { return };
        let amount = monthly.scale(share * weight / total).whole_rupees();
        if !amount.is_positive() {
            continue;
        }
        let client = rng.pick(narration::CLIENTS).copied().unwrap_or("CUSTOMER");
        let at = random_time(rng, day, 10, 18);
        let (mode, narration, reference) = if rng.chance(0.6) {
            let utr = narration::neft_utr(rng, day);
            (DepositMode::Ft, format!("NEFT/CR/{utr}/{client}"), utr)
        } else {
            let rrn = narration::upi_rrn(rng, day);
            let bank = narration::bank(rng);
            (
                DepositMode::Upi,
                format!("UPI/CR/{rrn}/{client}/{bank}"),
                rrn,
            )
        };
        events.push(Event {
            at,
            credit: true,
            amount,
            mode,
            narration,
            reference,
        });
    }
}

/// About `spend` of everyday spending: ATM withdrawals, then UPI and card payments (a savings
/// account) or supplier payments (a current account).
fn spending(
    rng: &mut Rng,
    spend: Paise,
    savings: bool,
    card: &str,
    days: &[Date],
    events: &mut Vec<Event>,
) {
    let mut left = spend;
    let withdrawals = if savings {
        rng.between(0, 2)
    } else {
        rng.between(0, 1)
    };
    for _ in 0..withdrawals {
        let amount = Paise::from_rupees(*rng.pick(&[2000, 3000, 5000, 10000]).unwrap_or(&2000));
        if amount.0 * 10 > spend.0 * 3 {
            continue;
        }
        let Some(&day) = rng.pick(days) else { return };
        let place = rng.pick(narration::ATMS).copied().unwrap_or("ATM");
        let reference = rng.digits(6);
        events.push(Event {
            at: random_time(rng, day, 8, 21),
            credit: false,
            amount,
            mode: DepositMode::Atm,
            narration: format!("ATM WDL/{place}/{reference}"),
            reference,
        });
        left -= amount;
    }
    if !left.is_positive() {
        return;
    }
    let merchants: &[Merchant] = if savings {
        narration::RETAIL
    } else {
        narration::VENDORS
    };
    let ticket = if savings { 650 } else { 8000 };
    let count = (left.0 / 100 / ticket).clamp(3, 45);
    let picks: Vec<(Merchant, f64)> = (0..count)
        .filter_map(|_| {
            let merchant = *rng.pick(merchants)?;
            let raw = rng.between(merchant.low, merchant.high) as f64 + rng.unit();
            Some((merchant, raw))
        })
        .collect();
    let total: f64 = picks.iter().map(|(_, raw)| raw).sum();
    if total <= 0.0 {
        return;
    }
    let factor = (left.0 as f64 / 100.0 / total).clamp(0.3, 3.0);
    for (merchant, raw) in picks {
        let Some(&day) = rng.pick(days) else { return };
        let amount = bill_amount(rng, raw * factor);
        let at = random_time(rng, day, 8, 22);
        let channel = rng.unit();
        let (mode, narration, reference) = if channel < 0.7 {
            let rrn = narration::upi_rrn(rng, day);
            let bank = narration::bank(rng);
            (
                DepositMode::Upi,
                format!("UPI/DR/{rrn}/{}/{bank}/{}", merchant.name, merchant.vpa),
                rrn,
            )
        } else if channel < 0.9 || savings {
            let rrn = narration::rrn(rng);
            (
                DepositMode::Card,
                format!("POS {card} {}", merchant.name),
                rrn,
            )
        } else {
            let utr = narration::neft_utr(rng, day);
            (
                DepositMode::Ft,
                format!("NEFT/DR/{utr}/{}", merchant.name),
                utr,
            )
        };
        events.push(Event {
            at,
            credit: false,
            amount,
            mode,
            narration,
            reference,
        });
    }
}

/// A few small UPI credits from friends and family.
fn friends(rng: &mut Rng, days: &[Date], events: &mut Vec<Event>) {
    for _ in 0..rng.between(0, 2) {
        let Some(&day) = rng.pick(days) else { return };
        let Some(&(name, vpa)) = rng.pick(narration::PEOPLE) else {
            return;
        };
        let rupees = rng.between(100, 2500) as f64;
        let amount = bill_amount(rng, rupees);
        let rrn = narration::upi_rrn(rng, day);
        let bank = narration::bank(rng);
        events.push(Event {
            at: random_time(rng, day, 9, 22),
            credit: true,
            amount,
            mode: DepositMode::Upi,
            narration: format!("UPI/CR/{rrn}/{name}/{bank}/{vpa}"),
            reference: rrn,
        });
    }
}
