//! Supplier master-data batches: one row per certification, the supplier's own fields
//! (identifier, name, tax id, address, contact, bank account) repeated on each row or given on
//! its first. A supplier without certifications is one row.

use wharf_guest_sdk::canonical::{
    Address, BankAccount, Certification, Contact, Party, PartyRole, Supplier,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::id;

use crate::batch::{document_text, keep};
use crate::common::Cells;
use crate::layout::SUPPLIER;
use crate::rows::Row;
use crate::settings::Settings;

pub fn read(rows: &[Row], errors: &mut Vec<AdapterError>) -> Option<Supplier> {
    let settings = rows[0].settings;
    let text = |field: &str, errors: &mut Vec<AdapterError>| document_text(rows, field, errors);
    let supplier_id = text("supplier_id", errors)?;
    let Some(name) = text("name", errors) else {
        // No row names the supplier; the first row's error says where the name belongs.
        if let Err(e) = rows[0].required("name") {
            errors.push(e);
        }
        return None;
    };
    let status = text("status", errors);
    let tax_ids = text("tax_id", errors)
        .map(|value| id(settings.scheme_of(&SUPPLIER[3]), value))
        .into_iter()
        .collect();
    let street = text("street", errors);
    let address = Address {
        street: street.into_iter().collect(),
        city: text("city", errors),
        region: None,
        postal_code: text("postal_code", errors),
        country: text("country", errors),
    };
    let contact = Contact {
        role: None,
        name: None,
        phone: text("phone", errors),
        email: text("email", errors),
    };
    let has_address = !address.street.is_empty()
        || address.city.is_some()
        || address.postal_code.is_some()
        || address.country.is_some();
    let has_contact = contact.phone.is_some() || contact.email.is_some();
    let parties = (has_address || has_contact)
        .then(|| Party {
            role: PartyRole::Supplier,
            role_code: None,
            ids: Vec::new(),
            name: None,
            address: has_address.then_some(address),
            contacts: if has_contact {
                vec![contact]
            } else {
                Vec::new()
            },
        })
        .into_iter()
        .collect();
    let account = BankAccount {
        holder: None,
        iban: text("iban", errors),
        bic: text("bic", errors),
        account_number: None,
        bank_code: None,
        bank_name: text("bank_name", errors),
        currency: None,
    };
    let has_account =
        account.iban.is_some() || account.bic.is_some() || account.bank_name.is_some();
    let certifications = rows
        .iter()
        .filter_map(|row| keep(read_certification(row), errors).flatten())
        .collect();
    Some(Supplier {
        ids: vec![id(settings.scheme_of(&SUPPLIER[0]), supplier_id)],
        name,
        status,
        tax_ids,
        parties,
        certifications,
        bank_accounts: if has_account {
            vec![account]
        } else {
            Vec::new()
        },
        compliance: Vec::new(),
        extensions: Vec::new(),
    })
}

/// The row's certification; a row with no certification name gives none, and its other
/// certification cells must then be empty too, or they would be lost.
fn read_certification(row: &Row) -> Result<Option<Certification>, AdapterError> {
    let number = row.text("certification_number");
    let issuer = row.text("certification_issuer");
    let valid_until = row.date("certification_valid_until")?;
    let Some(name) = row.text("certification") else {
        if number.is_some() || issuer.is_some() || valid_until.is_some() {
            return Err(row.error_at(
                "certification",
                wharf_guest_sdk::error::validation(
                    "certification is empty, but the row gives its number, issuer or validity",
                ),
            ));
        }
        return Ok(None);
    };
    Ok(Some(Certification {
        name,
        number,
        issuer,
        valid_until,
    }))
}

/// One row per certification, or one row for a supplier without any. Of each list the model
/// allows, the columns hold the first: identifier, tax id, the supplier party's address and
/// contact, bank account.
pub fn write(supplier: &Supplier, settings: &Settings) -> Vec<Cells> {
    let mut head = Cells::default();
    let pick = |ids: &[wharf_guest_sdk::canonical::Identifier], scheme: String| {
        ids.iter()
            .find(|i| i.scheme == scheme)
            .or_else(|| ids.first())
            .map(|i| i.value.clone())
    };
    head.text(
        "supplier_id",
        pick(&supplier.ids, settings.scheme_of(&SUPPLIER[0])).as_deref(),
    );
    head.text("name", Some(&supplier.name));
    head.text("status", supplier.status.as_deref());
    head.text(
        "tax_id",
        pick(&supplier.tax_ids, settings.scheme_of(&SUPPLIER[3])).as_deref(),
    );
    let party = supplier
        .parties
        .iter()
        .find(|p| p.role == PartyRole::Supplier);
    if let Some(address) = party.and_then(|p| p.address.as_ref()) {
        head.text("street", address.street.first().map(String::as_str));
        head.text("city", address.city.as_deref());
        head.text("postal_code", address.postal_code.as_deref());
        head.text("country", address.country.as_deref());
    }
    if let Some(contact) = party.and_then(|p| p.contacts.first()) {
        head.text("email", contact.email.as_deref());
        head.text("phone", contact.phone.as_deref());
    }
    if let Some(account) = supplier.bank_accounts.first() {
        head.text("iban", account.iban.as_deref());
        head.text("bic", account.bic.as_deref());
        head.text("bank_name", account.bank_name.as_deref());
    }
    if supplier.certifications.is_empty() {
        return vec![head];
    }
    supplier
        .certifications
        .iter()
        .map(|c| {
            let mut cells = head.clone();
            cells.text("certification", Some(&c.name));
            cells.text("certification_number", c.number.as_deref());
            cells.text("certification_issuer", c.issuer.as_deref());
            let valid = c.valid_until.as_deref();
            cells.date("certification_valid_until", valid, settings);
            cells
        })
        .collect()
}
