//! Building blocks shared by every canonical document: identifiers, quantities, money, dates,
//! parties, extensions and the envelope. Mirrors `wharf:canonical/types@0.1.0`.

use serde::{Deserialize, Serialize};

/// A decimal number as text (`"-12.5"`); see [`crate::model::validate`] for what is accepted.
pub type Decimal = String;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identifier {
    pub scheme: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    pub value: Decimal,
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub amount: Decimal,
    pub currency: Option<String>,
    pub basis: Option<Quantity>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DateKind {
    Document,
    RequestedDelivery,
    PromisedDelivery,
    RequestedShip,
    PromisedShip,
    Shipped,
    ExpectedDelivery,
    Delivered,
    Received,
    Invoice,
    Due,
    Effective,
    Expiry,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dated {
    pub kind: DateKind,
    pub value: String,
    pub qualifier: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub street: Vec<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub role: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartyRole {
    Buyer,
    Supplier,
    ShipTo,
    BillTo,
    ShipFrom,
    RemitTo,
    SoldTo,
    Carrier,
    Manufacturer,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub role: PartyRole,
    pub role_code: Option<String>,
    pub ids: Vec<Identifier>,
    pub name: Option<String>,
    pub address: Option<Address>,
    pub contacts: Vec<Contact>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExtensionValue {
    Text(String),
    Number(Decimal),
    Flag(bool),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    pub key: String,
    pub value: ExtensionValue,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub kind: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tax {
    pub kind: String,
    pub rate: Option<Decimal>,
    pub taxable: Option<Money>,
    pub amount: Money,
    pub jurisdiction: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowanceCharge {
    pub is_charge: bool,
    pub code: Option<String>,
    pub description: Option<String>,
    pub amount: Money,
}

/// Facts about the interchange a document travelled in, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub standard: String,
    pub version: String,
    pub sender: Vec<Identifier>,
    pub receiver: Vec<Identifier>,
    pub interchange_control: Option<String>,
    pub group_control: Option<String>,
    pub message_control: Option<String>,
    pub message_type: Option<String>,
    pub test: bool,
    pub created: Option<String>,
    pub raw_digest: Option<String>,
    pub adapter: Option<String>,
    pub extensions: Vec<Extension>,
}
