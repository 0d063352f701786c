//! Who is talking and how customers are identified: the `Notifier` block of notifications,
//! customer identifier categories and types (discovery and consent requests), and the
//! FIP's link authenticator type.

use serde::{Deserialize, Serialize};

use super::wire::{wire_enum, Open};

wire_enum! {
    /// The usual `Notifier.type` values. The spec types the field as a free string (its
    /// examples are `FIP` and `AA`), so [`Notifier`] holds an [`Open`] of this.
    pub enum NotifierType {
        Aa = "AA",
        Fip = "FIP",
        Fiu = "FIU",
    }
}

/// `Notifier`: the entity sending a notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notifier {
    #[serde(rename = "type")]
    pub kind: Open<NotifierType>,
    pub id: String,
}

wire_enum! {
    /// `Identifiers[].category` in account discovery: how strongly the identifier can be
    /// verified online. At least one `STRONG` identifier is required.
    pub enum IdentifierCategory {
        Strong = "STRONG",
        Weak = "WEAK",
        Ancillary = "ANCILLARY",
    }
}

wire_enum! {
    /// `Identifiers[].type` in account discovery. The spec's enum spells `AADHAR` and
    /// `Others` while its example says `AADHAAR`; `AADHAAR` and `OTHERS` are accepted.
    pub enum IdentifierType {
        Mobile = "MOBILE",
        Aadhar = "AADHAR" | "AADHAAR",
        Email = "EMAIL",
        Pan = "PAN",
        Dob = "DOB",
        Accno = "ACCNO",
        Crn = "CRN",
        Ppan = "PPAN",
        Others = "Others" | "OTHERS",
    }
}

wire_enum! {
    /// `ConsentDetail.Customer.Identifiers[].type` in a consent request (new in 2.0.0).
    pub enum CustomerIdentifierType {
        Mobile = "MOBILE",
        Email = "EMAIL",
        Others = "OTHERS" | "Others",
    }
}

wire_enum! {
    /// `AccLinkResponse.AuthenticatorType`: `DIRECT` (the FIP confirms with the customer
    /// itself) or `TOKEN` (an OTP the customer gives the AA to forward).
    pub enum AuthenticatorType {
        Direct = "DIRECT",
        Token = "TOKEN",
    }
}
