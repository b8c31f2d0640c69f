//! The documents the benches measure, made deterministically from the golden fixtures' shape:
//! - [`orders05`]: the golden ORDERS05 (`plugins/idoc/tests/golden/orders05-standard`) with its
//!   three line shapes repeated to n lines, numbered 00010, 00020, …, and its total recomputed;
//! - [`x12_850`]: the golden 004010 850 (`plugins/x12/tests/golden/purchase-order.encode.edi`)
//!   with its header and parties kept and n PO1/PID/DTM lines, CTT hash total, AMT total and
//!   SE count recomputed, so strict readers accept it.

use wharf_host::cli::bundled;

pub const ORDERS05_GOLDEN: &str = "plugins/idoc/tests/golden/orders05-standard.decode.xml";
pub const X12_850_GOLDEN: &str = "plugins/x12/tests/golden/purchase-order.encode.edi";

/// The cXML adapter's settings for the portal every order goes to.
pub const CXML_CONFIG: [(&str, &str); 5] = [
    ("default_classification_value", "31160000"),
    ("from_domain", "NetworkID"),
    ("from_identity", "ACME"),
    ("to_domain", "NetworkID"),
    ("to_identity", "PORTAL"),
];

fn golden(relative: &str) -> String {
    let path = bundled::workspace_root().join(relative);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the golden fixture {} is readable: {e}", path.display()))
}

/// Cents of a two-decimal amount such as `1250.00`.
fn cents(amount: &str) -> i64 {
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, "0"));
    let fraction = format!("{fraction:0<2}");
    whole.parse::<i64>().expect("an amount") * 100 + fraction[..2].parse::<i64>().expect("cents")
}

fn amount(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn element<'a>(xml: &'a str, name: &str) -> &'a str {
    let open = format!("<{name}>");
    let start = xml.find(&open).expect("the element is there") + open.len();
    let end = xml[start..].find('<').expect("the element closes");
    &xml[start..start + end]
}

/// The golden ORDERS05 with `lines` lines.
pub fn orders05(lines: usize) -> String {
    let text = golden(ORDERS05_GOLDEN);
    let first_line = text
        .find("    <E1EDP01")
        .expect("the golden IDoc has lines");
    let summary = text
        .find("    <E1EDS01")
        .expect("the golden IDoc has a summary");
    let shapes: Vec<&str> = text[first_line..summary]
        .split_inclusive("    </E1EDP01>\n")
        .collect();
    let mut out = String::from(&text[..first_line]);
    let mut total = 0;
    for i in 0..lines {
        let shape = shapes[i % shapes.len()];
        total += cents(element(shape, "NETWR"));
        let posex = element(shape, "POSEX");
        out.push_str(&shape.replacen(
            &format!("<POSEX>{posex}</POSEX>"),
            &format!("<POSEX>{:05}</POSEX>", (i + 1) * 10),
            1,
        ));
    }
    let tail = &text[summary..];
    let summe = element(tail, "SUMME");
    out.push_str(&tail.replacen(
        &format!("<SUMME>{summe}</SUMME>"),
        &format!("<SUMME>{}</SUMME>", amount(total)),
        1,
    ));
    out
}

/// The golden 850 with `lines` lines.
pub fn x12_850(lines: usize) -> String {
    let text = golden(X12_850_GOLDEN);
    let segments: Vec<&str> = text
        .split('~')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let first_line = segments
        .iter()
        .position(|s| s.starts_with("PO1*"))
        .expect("the golden 850 has lines");
    let mut set: Vec<String> = segments[2..first_line]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let (mut quantities, mut total) = (0i64, 0i64);
    for i in 1..=lines {
        let quantity = 10 + (i as i64 * 7) % 90;
        let price = 125 + (i as i64 * 37) % 5_000;
        quantities += quantity;
        total += quantity * price;
        set.push(format!(
            "PO1*{i}*{quantity}*EA*{}*PE*BP*7720-{i:04}*VP*LB-{i:04}",
            amount(price)
        ));
        set.push(format!("PID*F****Precision part {i}"));
        set.push("DTM*002*20260227".to_owned());
    }
    set.push(format!("CTT*{lines}*{quantities}"));
    set.push(format!("AMT*TT*{}", amount(total)));
    let control = segments[2]
        .strip_prefix("ST*850*")
        .expect("the golden 850's set starts after ISA and GS");
    set.push(format!("SE*{}*{control}", set.len() + 1));
    let mut out = String::new();
    for segment in segments[..2].iter().copied().map(str::to_owned).chain(set) {
        out.push_str(&segment);
        out.push_str("~\n");
    }
    for segment in &segments[segments.len() - 2..] {
        out.push_str(segment);
        out.push_str("~\n");
    }
    out
}
