//! Telephone numbers both ways: cXML keeps the pieces apart (`<CountryCode>`,
//! `<AreaOrCityCode>`, `<Number>`, `<Extension>`), the model keeps one text, spelled
//! `+CC AREA NUMBER xEXT`.

use wharf_guest_sdk::xml::Element;

/// `+49 761 1234567 x12` from a `<TelephoneNumber>`; `None` when it holds no number.
pub fn read_phone(number: &Element) -> Option<String> {
    let parts: Vec<String> = [
        number.text_of("CountryCode").map(|c| format!("+{c}")),
        number.text_of("AreaOrCityCode").map(str::to_owned),
        number.text_of("Number").map(str::to_owned),
        number.text_of("Extension").map(|e| format!("x{e}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A `<TelephoneNumber>` from `+CC AREA NUMBER [xEXT]`; any other spelling goes whole into
/// `<Number>` rather than being guessed apart.
pub fn write_phone(phone: &str, iso_country: &str) -> Element {
    let mut parts: Vec<&str> = phone.split_whitespace().collect();
    let extension = match parts.last() {
        Some(last) if last.len() > 1 && last.starts_with('x') => {
            let ext = &last[1..];
            parts.pop();
            Some(ext)
        }
        _ => None,
    };
    let (country, area, local, extension) = match parts.as_slice() {
        [cc, area, rest @ ..] if cc.len() > 1 && cc.starts_with('+') && !rest.is_empty() => {
            (&cc[1..], *area, rest.join(" "), extension)
        }
        _ => ("", "", phone.to_owned(), None),
    };
    Element::new("TelephoneNumber")
        .child(
            Element::new("CountryCode")
                .attr("isoCountryCode", iso_country)
                .with_text(country),
        )
        .child(Element::new("AreaOrCityCode").with_text(area))
        .child(Element::new("Number").with_text(local))
        .text_child_opt("Extension", extension)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::xml;

    #[test]
    fn telephone_numbers_round_trip() {
        for phone in ["+49 761 1234567", "+1 800 555 1212 x12", "555-1212"] {
            let element = xml::parse(write_phone(phone, "DE").to_xml(None).as_bytes()).unwrap();
            assert_eq!(read_phone(&element).as_deref(), Some(phone));
        }
    }
}
