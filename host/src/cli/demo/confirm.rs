//! What the demo's stand-in portal does with an order: reads the cXML OrderRequest Wharf
//! delivered and answers with a ConfirmationRequest, the way a supplier clicking "confirm" in
//! a portal would. Every line is accepted except the last, which the supplier can only part
//! fill.

/// An order line as the portal saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalLine {
    pub line_number: String,
    pub quantity: String,
    pub unit: String,
}

/// Values of `name="…"` attributes in one start tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let mut rest = tag;
    while let Some(at) = rest.find(name) {
        let before_ok = at == 0 || rest.as_bytes()[at - 1].is_ascii_whitespace();
        let after = &rest[at + name.len()..];
        let after_trim = after.trim_start();
        if before_ok && let Some(value) = after_trim.strip_prefix('=') {
            let value = value.trim_start();
            let quote = value.chars().next()?;
            if quote == '"' || quote == '\'' {
                let end = value[1..].find(quote)?;
                return Some(value[1..1 + end].to_owned());
            }
        }
        rest = after;
    }
    None
}

/// The order number and lines of a cXML OrderRequest.
pub fn read_order(xml: &str) -> Option<(String, Vec<PortalLine>)> {
    let header_at = xml.find("<OrderRequestHeader")?;
    let header = &xml[header_at..header_at + xml[header_at..].find('>')?];
    let order_id = attribute(header, "orderID")?;
    let mut lines = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find("<ItemOut") {
        let item = &rest[at..];
        let tag = &item[..item.find('>')?];
        let end = item.find("</ItemOut>").unwrap_or(item.len());
        let body = &item[..end];
        let unit = body
            .find("<UnitOfMeasure>")
            .and_then(|u| {
                let from = u + "<UnitOfMeasure>".len();
                body[from..]
                    .find("</UnitOfMeasure>")
                    .map(|e| body[from..from + e].trim().to_owned())
            })
            .unwrap_or_else(|| "EA".into());
        lines.push(PortalLine {
            line_number: attribute(tag, "lineNumber")?,
            quantity: attribute(tag, "quantity")?,
            unit,
        });
        rest = &item[end..];
    }
    Some((order_id, lines))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

/// A ConfirmationRequest for the order: every line accepted but the last, confirmed at half
/// its quantity with a later delivery date.
pub fn confirmation(order_id: &str, lines: &[PortalLine], timestamp: &str) -> String {
    let mut items = String::new();
    for (i, line) in lines.iter().enumerate() {
        let last = i + 1 == lines.len() && lines.len() > 1;
        let quantity = if last {
            half(&line.quantity)
        } else {
            line.quantity.clone()
        };
        let (kind, date) = if last {
            ("detail", " deliveryDate=\"2026-12-18\"")
        } else {
            ("accept", "")
        };
        items.push_str(&format!(
            "      <ConfirmationItem lineNumber=\"{ln}\" quantity=\"{q}\">\n        <UnitOfMeasure>{u}</UnitOfMeasure>\n        <ConfirmationStatus type=\"{kind}\" quantity=\"{cq}\"{date}>\n          <UnitOfMeasure>{u}</UnitOfMeasure>\n        </ConfirmationStatus>\n      </ConfirmationItem>\n",
            ln = escape(&line.line_number),
            q = escape(&line.quantity),
            u = escape(&line.unit),
            cq = escape(&quantity),
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<!DOCTYPE cXML SYSTEM \"http://xml.cxml.org/schemas/cXML/1.2.014/Fulfill.dtd\">\n\
<cXML payloadID=\"confirm-{id}@portal.example\" timestamp=\"{ts}\" version=\"1.2.014\" xml:lang=\"en-US\">\n\
  <Header>\n\
    <From><Credential domain=\"NetworkID\"><Identity>SUPPLIER-PORTAL</Identity></Credential></From>\n\
    <To><Credential domain=\"NetworkID\"><Identity>WHARF</Identity></Credential></To>\n\
    <Sender><Credential domain=\"NetworkID\"><Identity>SUPPLIER-PORTAL</Identity></Credential><UserAgent>Portal stand-in</UserAgent></Sender>\n\
  </Header>\n\
  <Request deploymentMode=\"production\">\n\
    <ConfirmationRequest>\n\
      <ConfirmationHeader type=\"detail\" noticeDate=\"{ts}\" confirmID=\"CONF-{id}\" operation=\"new\"/>\n\
      <OrderReference orderID=\"{id}\"><DocumentReference payloadID=\"order-{id}\"/></OrderReference>\n\
{items}    </ConfirmationRequest>\n\
  </Request>\n\
</cXML>\n",
        id = escape(order_id),
        ts = escape(timestamp),
    )
}

/// Half a decimal quantity, for the part-filled line.
fn half(quantity: &str) -> String {
    match quantity.parse::<rust_decimal::Decimal>() {
        Ok(q) => (q / rust_decimal::Decimal::TWO).normalize().to_string(),
        Err(_) => quantity.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_order_request_and_answers_it() {
        let xml = r#"<cXML><Request><OrderRequest><OrderRequestHeader orderID="4500012345" type="new">
            </OrderRequestHeader><ItemOut quantity="100" lineNumber="00010"><ItemDetail><UnitOfMeasure>PCE</UnitOfMeasure></ItemDetail></ItemOut>
            <ItemOut lineNumber='00020' quantity='12'><ItemDetail><UnitOfMeasure>EA</UnitOfMeasure></ItemDetail></ItemOut></OrderRequest></Request></cXML>"#;
        let (id, lines) = read_order(xml).unwrap();
        assert_eq!(id, "4500012345");
        assert_eq!(
            lines[1],
            PortalLine {
                line_number: "00020".into(),
                quantity: "12".into(),
                unit: "EA".into()
            }
        );
        let answer = confirmation(&id, &lines, "2026-11-27T10:00:00+00:00");
        assert!(answer.contains(r#"<OrderReference orderID="4500012345">"#));
        assert!(answer.contains(r#"<ConfirmationStatus type="accept" quantity="100">"#));
        assert!(answer.contains(
            r#"<ConfirmationStatus type="detail" quantity="6" deliveryDate="2026-12-18">"#
        ));
    }
}
