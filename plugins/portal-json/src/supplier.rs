//! Supplier master data (`"type": "supplier"`): identifiers, addresses (as parties), tax ids,
//! certifications with their expiry, bank accounts and compliance attributes.

use wharf_guest_sdk::canonical::{BankAccount, Certification, ComplianceAttribute, Supplier};
use wharf_guest_sdk::contract::AdapterError;

use crate::common::*;
use crate::json::{Obj, Out};

pub fn read(o: &Obj) -> Result<Supplier, AdapterError> {
    Ok(Supplier {
        ids: o.list("ids", read_identifier)?,
        name: o.string("name")?,
        status: o.opt_string("status")?,
        tax_ids: o.list("tax_ids", read_identifier)?,
        parties: o.list("parties", read_party)?,
        certifications: o.list("certifications", read_certification)?,
        bank_accounts: o.list("bank_accounts", read_bank_account)?,
        compliance: o.list("compliance", read_compliance)?,
        extensions: o.list("extensions", read_extension)?,
    })
}

pub fn write(s: &Supplier, out: Out) -> Out {
    out.list("ids", &s.ids, write_identifier)
        .str("name", &s.name)
        .opt_str("status", s.status.as_ref())
        .list("tax_ids", &s.tax_ids, write_identifier)
        .list("parties", &s.parties, write_party)
        .list("certifications", &s.certifications, write_certification)
        .list("bank_accounts", &s.bank_accounts, write_bank_account)
        .list("compliance", &s.compliance, write_compliance)
        .list("extensions", &s.extensions, write_extension)
}

fn read_certification(o: &Obj) -> Result<Certification, AdapterError> {
    Ok(Certification {
        name: o.string("name")?,
        number: o.opt_string("number")?,
        issuer: o.opt_string("issuer")?,
        valid_until: o.opt_date("valid_until")?,
    })
}

fn write_certification(c: &Certification) -> Out {
    Out::new()
        .str("name", &c.name)
        .opt_str("number", c.number.as_ref())
        .opt_str("issuer", c.issuer.as_ref())
        .opt_str("valid_until", c.valid_until.as_ref())
}

fn read_bank_account(o: &Obj) -> Result<BankAccount, AdapterError> {
    Ok(BankAccount {
        holder: o.opt_string("holder")?,
        iban: o.opt_string("iban")?,
        bic: o.opt_string("bic")?,
        account_number: o.opt_string("account_number")?,
        bank_code: o.opt_string("bank_code")?,
        bank_name: o.opt_string("bank_name")?,
        currency: o.opt_string("currency")?,
    })
}

fn write_bank_account(b: &BankAccount) -> Out {
    Out::new()
        .opt_str("holder", b.holder.as_ref())
        .opt_str("iban", b.iban.as_ref())
        .opt_str("bic", b.bic.as_ref())
        .opt_str("account_number", b.account_number.as_ref())
        .opt_str("bank_code", b.bank_code.as_ref())
        .opt_str("bank_name", b.bank_name.as_ref())
        .opt_str("currency", b.currency.as_ref())
}

fn read_compliance(o: &Obj) -> Result<ComplianceAttribute, AdapterError> {
    Ok(ComplianceAttribute {
        name: o.string("name")?,
        value: o.string("value")?,
    })
}

fn write_compliance(c: &ComplianceAttribute) -> Out {
    Out::new().str("name", &c.name).str("value", &c.value)
}
