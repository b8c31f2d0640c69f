//! Customer segments (`Z1…`, `Y1…`) in flat files. Their fields are the customer's own
//! definition (WE31), which no public table holds, so the agreement lays them out in
//! `flat_segments`: `Z1KESQM=ZPRUEFPLAN:20,ZZEUGNIS:10; Z1NOTE=LINE:132`, each field with its
//! width in characters, in definition order. The parsed settings are [`CustomSegments`].

use std::rc::Rc;

use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::{config, error};

use super::widths::{self, Layout, SDATA_LENGTH};

/// The agreement key that lays out customer segments.
pub const CONFIG_KEY: &str = "flat_segments";

/// Customer segment types and their layouts, as the agreement gives them.
#[derive(Debug, Default)]
pub struct CustomSegments {
    segments: Vec<(String, Layout)>,
}

impl CustomSegments {
    /// The layouts the agreement's `flat_segments` gives, none when it is not set.
    pub fn from_config() -> Result<Self, AdapterError> {
        config::get(CONFIG_KEY).map_or_else(|| Ok(Self::default()), |text| Self::parse(&text))
    }

    pub fn parse(text: &str) -> Result<Self, AdapterError> {
        let mut segments: Vec<(String, Layout)> = Vec::new();
        for entry in text.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let (name, fields) = entry
                .split_once('=')
                .ok_or_else(|| bad(format!("\"{entry}\" is not SEGMENT=FIELD:WIDTH,…")))?;
            let name = name.trim();
            if name.is_empty() || name.contains(char::is_whitespace) {
                return Err(bad(format!("\"{name}\" is not a segment name")));
            }
            if widths::segment(name).is_some() {
                return Err(bad(format!(
                    "{name} is a standard segment; its layout is SAP's and cannot be changed"
                )));
            }
            if segments.iter().any(|(known, _)| known == name) {
                return Err(bad(format!("{name} is laid out twice")));
            }
            let mut layout: Vec<(String, usize)> = Vec::new();
            for field in fields.split(',').map(str::trim) {
                let (field, width) = field
                    .split_once(':')
                    .map(|(f, w)| (f.trim(), w.trim()))
                    .ok_or_else(|| bad(format!("{name}: \"{field}\" is not FIELD:WIDTH")))?;
                let width: usize =
                    width.parse().ok().filter(|w| *w > 0).ok_or_else(|| {
                        bad(format!("{name}.{field}: \"{width}\" is not a width"))
                    })?;
                if field.is_empty() || layout.iter().any(|(f, _)| f == field) {
                    return Err(bad(format!(
                        "{name}: field \"{field}\" is empty or repeated"
                    )));
                }
                layout.push((field.to_owned(), width));
            }
            let layout = Layout::Custom(Rc::from(layout));
            if layout.length() > SDATA_LENGTH {
                return Err(bad(format!(
                    "{name} is {} characters long; a segment holds at most {SDATA_LENGTH}",
                    layout.length()
                )));
            }
            segments.push((name.to_owned(), layout));
        }
        Ok(CustomSegments { segments })
    }

    /// The layout of customer segment type `name`.
    pub fn get(&self, name: &str) -> Option<&Layout> {
        self.segments
            .iter()
            .find(|(known, _)| known == name)
            .map(|(_, layout)| layout)
    }

    /// The segment types laid out, for error messages.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().map(|(name, _)| name.as_str())
    }
}

fn bad(message: String) -> AdapterError {
    error::configuration(format!("{CONFIG_KEY}: {message}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_are_read_in_definition_order() {
        let custom =
            CustomSegments::parse(" Z1KESQM = ZPRUEFPLAN:20, ZZEUGNIS:10 ;Z1NOTE=LINE:132;")
                .unwrap();
        let layout = custom.get("Z1KESQM").unwrap();
        assert_eq!(layout.fields(), [("ZPRUEFPLAN", 20), ("ZZEUGNIS", 10)]);
        assert_eq!(layout.position("ZZEUGNIS"), Some((20, 10)));
        assert_eq!(custom.get("Z1NOTE").unwrap().length(), 132);
        assert!(custom.get("Z1OTHER").is_none());
        assert_eq!(custom.names().collect::<Vec<_>>(), ["Z1KESQM", "Z1NOTE"]);
    }

    #[test]
    fn faulty_layouts_are_configuration_errors_naming_the_key() {
        for (text, expected) in [
            ("Z1A", "\"Z1A\" is not SEGMENT=FIELD:WIDTH,…"),
            ("Z1A=F", "Z1A: \"F\" is not FIELD:WIDTH"),
            ("Z1A=F:0", "Z1A.F: \"0\" is not a width"),
            ("Z1A=F:x", "Z1A.F: \"x\" is not a width"),
            ("Z1A=F:1,F:2", "Z1A: field \"F\" is empty or repeated"),
            ("Z1A=F:1;Z1A=G:1", "Z1A is laid out twice"),
            ("E1EDP01=F:1", "E1EDP01 is a standard segment"),
            ("Z1A=F:600,G:401", "Z1A is 1001 characters long"),
        ] {
            let rendered = error::render(&CustomSegments::parse(text).unwrap_err());
            assert!(
                rendered.starts_with(&format!("configuration error: flat_segments: {expected}")),
                "{text}: {rendered}"
            );
        }
    }
}
