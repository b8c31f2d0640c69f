//! `<ShipNoticeRequest>` against the canonical
//! [`ShipNotice`](wharf_guest_sdk::canonical::ShipNotice), with [`decode`] and [`encode`]
//! inverse to each other and [`packs`] for the handling units both share.
//!
//! | cXML | ship notice |
//! | --- | --- |
//! | `ShipNoticeHeader@shipmentID` | `shipment_id` |
//! | `@operation` (new, update, delete) | `purpose` |
//! | `@noticeDate` | date Document, qualifier `noticeDate` |
//! | `@shipmentDate` | date Shipped, qualifier `shipmentDate` |
//! | `@deliveryDate` | date ExpectedDelivery, qualifier `deliveryDate` |
//! | `ShipNoticeHeader/Contact@role` | parties (see [`crate::address`]) |
//! | `ShipNoticeHeader/Comments` | notes |
//! | `ShipControl/CarrierIdentifier@domain` | carrier ids, scheme = domain lower-cased (`scac`) |
//! | `CarrierIdentifier domain="companyName"` | carrier `name` |
//! | `ShipControl/ShipmentIdentifier` | carrier `tracking_numbers` |
//! | `ShipControl/Route@method` | carrier `mode` (written from other standards' codes, see [`route`]) |
//! | `ShipControl/PackageIdentification` `rangeBegin`..`rangeEnd` | `package_count`, written as 1..count |
//! | `ShipNoticeHeader/Packaging/Dimension type="grossWeight"` | `gross_weight` |
//! | `ShipNoticePortion/OrderReference` | a shipped order (see [`crate::order_reference`]) |
//! | `ShipNoticeItem@lineNumber` | item `order_line` |
//! | `@shipNoticeLineNumber` (else `@lineNumber`) | item `line_number` |
//! | `@quantity` + `UnitOfMeasure` | item `quantity` |
//! | `ItemID`, `ShipNoticeItemDetail/ManufacturerPartID` | item ids (see [`crate::item`]) |
//! | `ShipNoticeItemDetail/Description` | item `description` |
//! | `OrderedQuantity@quantity` + `UnitOfMeasure` | item `ordered` |
//! | `Batch/SupplierBatchID`, `SupplierBatchID` | item `lots` |
//! | `AssetInfo@serialNumber` | item `serials` |
//! | `Packaging` with `ShippingContainerSerialCode` | the pack holding the item (see [`packs`]) |
//!
//! A second ShipControl has no place in the model and is kept as `cxml.ShipControl[N].*`.

pub mod decode;
pub mod encode;
pub mod packs;
pub mod route;

/// The header element whose Dimension gives the shipment's gross weight.
pub const PACKAGING: &str = "Packaging";
/// `Dimension@type` of a gross weight.
pub const GROSS_WEIGHT: &str = "grossWeight";
/// The ShipControl element numbering the shipment's packages.
pub const PACKAGE_IDENTIFICATION: &str = "PackageIdentification";

/// `CarrierIdentifier@domain` values written in upper case, as cXML spells them; any other
/// scheme is written as it stands.
pub const CARRIER_DOMAINS: &[&str] = &["SCAC", "IATA", "AAR", "UIC", "EAN", "DUNS"];

/// The `CarrierIdentifier@domain` that names the carrier rather than identifying it.
pub const COMPANY_NAME: &str = "companyName";

/// `ShipNoticeHeader@operation` values, kept as the ship notice's `purpose`.
pub const OPERATIONS: &[&str] = &["new", "update", "delete"];
