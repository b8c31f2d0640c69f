//! The building blocks every portal document shares, read and written: identifiers,
//! quantities, money, prices, dates, parties, notes, taxes, allowances and extensions, and the
//! code tables that spell the model's enums in `snake_case`.

use wharf_guest_sdk::canonical::{
    Address, AllowanceCharge, Contact, DateKind, Dated, Extension, ExtensionValue, Identifier,
    Money, Note, Party, PartyRole, Price, Quantity, Tax,
};
use wharf_guest_sdk::contract::AdapterError;

use crate::json::{Obj, Out, invalid};

pub const DATE_KINDS: &[(&str, DateKind)] = &[
    ("document", DateKind::Document),
    ("requested_delivery", DateKind::RequestedDelivery),
    ("promised_delivery", DateKind::PromisedDelivery),
    ("requested_ship", DateKind::RequestedShip),
    ("promised_ship", DateKind::PromisedShip),
    ("shipped", DateKind::Shipped),
    ("expected_delivery", DateKind::ExpectedDelivery),
    ("delivered", DateKind::Delivered),
    ("received", DateKind::Received),
    ("invoice", DateKind::Invoice),
    ("due", DateKind::Due),
    ("effective", DateKind::Effective),
    ("expiry", DateKind::Expiry),
    ("other", DateKind::Other),
];

pub const PARTY_ROLES: &[(&str, PartyRole)] = &[
    ("buyer", PartyRole::Buyer),
    ("supplier", PartyRole::Supplier),
    ("ship_to", PartyRole::ShipTo),
    ("bill_to", PartyRole::BillTo),
    ("ship_from", PartyRole::ShipFrom),
    ("remit_to", PartyRole::RemitTo),
    ("sold_to", PartyRole::SoldTo),
    ("carrier", PartyRole::Carrier),
    ("manufacturer", PartyRole::Manufacturer),
    ("other", PartyRole::Other),
];

type Read<T> = Result<T, AdapterError>;

pub fn read_identifier(o: &Obj) -> Read<Identifier> {
    Ok(Identifier {
        scheme: o.string("scheme")?,
        value: o.string("value")?,
    })
}

pub fn write_identifier(i: &Identifier) -> Out {
    Out::new().str("scheme", &i.scheme).str("value", &i.value)
}

pub fn read_quantity(o: &Obj) -> Read<Quantity> {
    Ok(Quantity {
        value: o.decimal("value")?,
        unit: o.string("unit")?,
    })
}

pub fn write_quantity(q: &Quantity) -> Out {
    Out::new().str("value", &q.value).str("unit", &q.unit)
}

pub fn read_money(o: &Obj) -> Read<Money> {
    Ok(Money {
        amount: o.decimal("amount")?,
        currency: o.opt_string("currency")?,
    })
}

pub fn write_money(m: &Money) -> Out {
    Out::new()
        .str("amount", &m.amount)
        .opt_str("currency", m.currency.as_ref())
}

pub fn read_price(o: &Obj) -> Read<Price> {
    Ok(Price {
        amount: o.decimal("amount")?,
        currency: o.opt_string("currency")?,
        basis: o.opt_object("basis", read_quantity)?,
    })
}

pub fn write_price(p: &Price) -> Out {
    Out::new()
        .str("amount", &p.amount)
        .opt_str("currency", p.currency.as_ref())
        .opt_obj("basis", p.basis.as_ref(), write_quantity)
}

pub fn read_dated(o: &Obj) -> Read<Dated> {
    Ok(Dated {
        kind: o.code("kind", DATE_KINDS)?,
        value: o.date("value")?,
        qualifier: o.opt_string("qualifier")?,
    })
}

pub fn write_dated(d: &Dated) -> Out {
    Out::new()
        .code("kind", &d.kind, DATE_KINDS)
        .str("value", &d.value)
        .opt_str("qualifier", d.qualifier.as_ref())
}

fn read_address(o: &Obj) -> Read<Address> {
    Ok(Address {
        street: o.strings("street")?,
        city: o.opt_string("city")?,
        region: o.opt_string("region")?,
        postal_code: o.opt_string("postal_code")?,
        country: o.opt_string("country")?,
    })
}

fn write_address(a: &Address) -> Out {
    Out::new()
        .strings("street", &a.street)
        .opt_str("city", a.city.as_ref())
        .opt_str("region", a.region.as_ref())
        .opt_str("postal_code", a.postal_code.as_ref())
        .opt_str("country", a.country.as_ref())
}

fn read_contact(o: &Obj) -> Read<Contact> {
    Ok(Contact {
        role: o.opt_string("role")?,
        name: o.opt_string("name")?,
        phone: o.opt_string("phone")?,
        email: o.opt_string("email")?,
    })
}

fn write_contact(c: &Contact) -> Out {
    Out::new()
        .opt_str("role", c.role.as_ref())
        .opt_str("name", c.name.as_ref())
        .opt_str("phone", c.phone.as_ref())
        .opt_str("email", c.email.as_ref())
}

pub fn read_party(o: &Obj) -> Read<Party> {
    Ok(Party {
        role: o.code("role", PARTY_ROLES)?,
        role_code: o.opt_string("role_code")?,
        ids: o.list("ids", read_identifier)?,
        name: o.opt_string("name")?,
        address: o.opt_object("address", read_address)?,
        contacts: o.list("contacts", read_contact)?,
    })
}

pub fn write_party(p: &Party) -> Out {
    Out::new()
        .code("role", &p.role, PARTY_ROLES)
        .opt_str("role_code", p.role_code.as_ref())
        .list("ids", &p.ids, write_identifier)
        .opt_str("name", p.name.as_ref())
        .opt_obj("address", p.address.as_ref(), write_address)
        .list("contacts", &p.contacts, write_contact)
}

pub fn read_note(o: &Obj) -> Read<Note> {
    Ok(Note {
        kind: o.opt_string("kind")?,
        text: o.string("text")?,
    })
}

pub fn write_note(n: &Note) -> Out {
    Out::new()
        .opt_str("kind", n.kind.as_ref())
        .str("text", &n.text)
}

pub fn read_tax(o: &Obj) -> Read<Tax> {
    Ok(Tax {
        kind: o.string("kind")?,
        rate: o.opt_decimal("rate")?,
        taxable: o.opt_object("taxable", read_money)?,
        amount: o.object("amount", read_money)?,
        jurisdiction: o.opt_string("jurisdiction")?,
    })
}

pub fn write_tax(t: &Tax) -> Out {
    Out::new()
        .str("kind", &t.kind)
        .opt_str("rate", t.rate.as_ref())
        .opt_obj("taxable", t.taxable.as_ref(), write_money)
        .obj("amount", write_money(&t.amount))
        .opt_str("jurisdiction", t.jurisdiction.as_ref())
}

pub fn read_allowance_charge(o: &Obj) -> Read<AllowanceCharge> {
    Ok(AllowanceCharge {
        is_charge: o.flag("is_charge")?,
        code: o.opt_string("code")?,
        description: o.opt_string("description")?,
        amount: o.object("amount", read_money)?,
    })
}

pub fn write_allowance_charge(a: &AllowanceCharge) -> Out {
    Out::new()
        .flag("is_charge", a.is_charge)
        .opt_str("code", a.code.as_ref())
        .opt_str("description", a.description.as_ref())
        .obj("amount", write_money(&a.amount))
}

/// An extension is `{"key": …}` with exactly one of `text`, `number` (a decimal string) or
/// `flag`.
pub fn read_extension(o: &Obj) -> Read<Extension> {
    let key = o.string("key")?;
    let text = o.opt_string("text")?.map(ExtensionValue::Text);
    let number = o.opt_decimal("number")?.map(ExtensionValue::Number);
    let flag_value = o.flag("flag")?;
    let flag = o.has("flag").then_some(ExtensionValue::Flag(flag_value));
    let mut values = [text, number, flag].into_iter().flatten();
    match (values.next(), values.next()) {
        (Some(value), None) => Ok(Extension { key, value }),
        (None, _) => Err(invalid(
            &o.path_of("key"),
            format!("extension {key:?} has no value; give one of text, number or flag"),
        )),
        (Some(_), Some(_)) => Err(invalid(
            &o.path_of("key"),
            format!("extension {key:?} has more than one of text, number and flag"),
        )),
    }
}

pub fn write_extension(e: &Extension) -> Out {
    let out = Out::new().str("key", &e.key);
    match &e.value {
        ExtensionValue::Text(t) => out.str("text", t),
        ExtensionValue::Number(n) => out.str("number", n),
        ExtensionValue::Flag(f) => out.bool("flag", *f),
    }
}
