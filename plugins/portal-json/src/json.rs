//! Reading JSON objects field by field with the JSON path of every value, and writing them
//! back in a fixed key order.
//!
//! [`Obj`] is one object being read: each accessor names the field, checks its JSON type and
//! (for decimals, dates and codes) its content, and fails with the field's path
//! (`$.lines[3].quantity.value`). Fields nobody asked for are refused by [`Obj::finish`], so a
//! misspelt optional field is an error rather than a value silently lost. [`Out`] builds an
//! object whose keys keep the order they were added in and leaves out absent values and empty
//! lists.

use std::cell::RefCell;
use std::collections::BTreeSet;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::{date, decimal, error};

/// A validation error at a JSON path. The contract has no JSON-path location, so the path
/// travels in the XPath-like `xml-path` one (rendered `validation error at $.po_number: …`).
pub fn invalid(path: &str, message: impl Into<String>) -> AdapterError {
    error::validation(message).at_xml(path)
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// One JSON object being read, with the path it stands at.
pub struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
    used: RefCell<BTreeSet<&'a str>>,
}

impl<'a> Obj<'a> {
    /// `value` as the object at `path`, or an error saying what it is instead.
    pub fn new(value: &'a Value, path: String) -> Result<Self, AdapterError> {
        match value {
            Value::Object(map) => Ok(Obj {
                map,
                path,
                used: RefCell::new(BTreeSet::new()),
            }),
            other => Err(invalid(
                &path,
                format!("expected an object, found {}", kind_of(other)),
            )),
        }
    }

    /// The path of field `key` of this object.
    pub fn path_of(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    /// The field's value; absent and `null` are both `None`.
    fn take(&self, key: &str) -> Option<(&'a str, &'a Value)> {
        let (name, value) = self.map.get_key_value(key)?;
        self.used.borrow_mut().insert(name.as_str());
        (!value.is_null()).then_some((name.as_str(), value))
    }

    /// Whether the field is given (and not `null`).
    pub fn has(&self, key: &str) -> bool {
        self.map.get(key).is_some_and(|v| !v.is_null())
    }

    /// Refuses every field no accessor asked for.
    pub fn finish(self) -> Result<(), AdapterError> {
        let used = self.used.borrow();
        match self.map.keys().find(|k| !used.contains(k.as_str())) {
            Some(unknown) => Err(invalid(
                &self.path_of(unknown),
                "unknown field; wharf.portal/1 has no such field here (see the adapter's README)",
            )),
            None => Ok(()),
        }
    }

    pub fn opt_string(&self, key: &str) -> Result<Option<String>, AdapterError> {
        match self.take(key) {
            None => Ok(None),
            Some((_, Value::String(s))) => Ok(Some(s.clone())),
            Some((_, other)) => Err(invalid(
                &self.path_of(key),
                format!("expected a string, found {}", kind_of(other)),
            )),
        }
    }

    /// A required string that is not blank.
    pub fn string(&self, key: &str) -> Result<String, AdapterError> {
        match self.opt_string(key)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            Some(_) => Err(invalid(&self.path_of(key), "must not be blank")),
            None => Err(invalid(&self.path_of(key), "is required")),
        }
    }

    pub fn flag(&self, key: &str) -> Result<bool, AdapterError> {
        match self.take(key) {
            None => Ok(false),
            Some((_, Value::Bool(b))) => Ok(*b),
            Some((_, other)) => Err(invalid(
                &self.path_of(key),
                format!("expected true or false, found {}", kind_of(other)),
            )),
        }
    }

    /// A decimal, given as a string and returned in its canonical spelling. JSON numbers are
    /// refused: a parser may read them as binary floating point and lose digits.
    pub fn opt_decimal(&self, key: &str) -> Result<Option<String>, AdapterError> {
        if let Some((_, Value::Number(n))) = self.take(key) {
            return Err(invalid(
                &self.path_of(key),
                format!(
                    "{n} is a JSON number; write decimals as strings (\"{n}\") so no digit is lost"
                ),
            ));
        }
        self.opt_string(key)?
            .map(|text| {
                decimal::normalize(&text)
                    .map_err(|_| invalid(&self.path_of(key), format!("{text:?} is not a decimal")))
            })
            .transpose()
    }

    pub fn decimal(&self, key: &str) -> Result<String, AdapterError> {
        self.opt_decimal(key)?
            .ok_or_else(|| invalid(&self.path_of(key), "is required"))
    }

    /// An ISO 8601 date or date-time, kept as written.
    pub fn opt_date(&self, key: &str) -> Result<Option<String>, AdapterError> {
        let text = self.opt_string(key)?;
        if let Some(text) = &text {
            date::check_iso(text).map_err(|e| {
                invalid(
                    &self.path_of(key),
                    format!("{text:?} is not an ISO 8601 date: {}", e.reason),
                )
            })?;
        }
        Ok(text)
    }

    pub fn date(&self, key: &str) -> Result<String, AdapterError> {
        self.opt_date(key)?
            .ok_or_else(|| invalid(&self.path_of(key), "is required"))
    }

    /// One of the codes in `table`.
    pub fn opt_code<T: Copy>(
        &self,
        key: &str,
        table: &[(&str, T)],
    ) -> Result<Option<T>, AdapterError> {
        let Some(text) = self.opt_string(key)? else {
            return Ok(None);
        };
        match table.iter().find(|(name, _)| *name == text) {
            Some((_, value)) => Ok(Some(*value)),
            None => {
                let names: Vec<&str> = table.iter().map(|(name, _)| *name).collect();
                Err(invalid(
                    &self.path_of(key),
                    format!("{text:?} is not one of {}", names.join(", ")),
                ))
            }
        }
    }

    pub fn code<T: Copy>(&self, key: &str, table: &[(&str, T)]) -> Result<T, AdapterError> {
        self.opt_code(key, table)?
            .ok_or_else(|| invalid(&self.path_of(key), "is required"))
    }

    /// A nested object, read by `read`; absent is `None`.
    pub fn opt_object<T>(
        &self,
        key: &str,
        read: impl FnOnce(&Obj<'a>) -> Result<T, AdapterError>,
    ) -> Result<Option<T>, AdapterError> {
        let Some((_, value)) = self.take(key) else {
            return Ok(None);
        };
        let child = Obj::new(value, self.path_of(key))?;
        let out = read(&child)?;
        child.finish()?;
        Ok(Some(out))
    }

    pub fn object<T>(
        &self,
        key: &str,
        read: impl FnOnce(&Obj<'a>) -> Result<T, AdapterError>,
    ) -> Result<T, AdapterError> {
        self.opt_object(key, read)?
            .ok_or_else(|| invalid(&self.path_of(key), "is required"))
    }

    /// A list of objects, each read by `read`; absent is empty.
    pub fn list<T>(
        &self,
        key: &str,
        mut read: impl FnMut(&Obj<'a>) -> Result<T, AdapterError>,
    ) -> Result<Vec<T>, AdapterError> {
        let mut out = Vec::new();
        for (index, item) in self.array(key)?.iter().enumerate() {
            let child = Obj::new(item, format!("{}[{index}]", self.path_of(key)))?;
            out.push(read(&child)?);
            child.finish()?;
        }
        Ok(out)
    }

    /// A list of strings; absent is empty.
    pub fn strings(&self, key: &str) -> Result<Vec<String>, AdapterError> {
        let items = self.array(key)?;
        items
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(invalid(
                    &format!("{}[{index}]", self.path_of(key)),
                    format!("expected a string, found {}", kind_of(other)),
                )),
            })
            .collect()
    }

    fn array(&self, key: &str) -> Result<&'a [Value], AdapterError> {
        match self.take(key) {
            None => Ok(&[]),
            Some((_, Value::Array(items))) => Ok(items),
            Some((_, other)) => Err(invalid(
                &self.path_of(key),
                format!("expected a list, found {}", kind_of(other)),
            )),
        }
    }
}

/// A JSON value being written; objects keep their keys in the order they were added.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Bool(bool),
    Str(String),
    List(Vec<Json>),
    Obj(Out),
}

/// A JSON object being written. Absent values and empty lists are left out, so a document
/// carries only what it says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Out(Vec<(&'static str, Json)>);

impl Out {
    pub fn new() -> Self {
        Out::default()
    }

    pub fn str(mut self, key: &'static str, value: &str) -> Self {
        self.0.push((key, Json::Str(value.to_owned())));
        self
    }

    pub fn opt_str(self, key: &'static str, value: Option<&String>) -> Self {
        match value {
            Some(value) => self.str(key, value),
            None => self,
        }
    }

    /// `true` only; false is the default and left out.
    pub fn flag(mut self, key: &'static str, value: bool) -> Self {
        if value {
            self.0.push((key, Json::Bool(true)));
        }
        self
    }

    /// A boolean written whatever its value.
    pub fn bool(mut self, key: &'static str, value: bool) -> Self {
        self.0.push((key, Json::Bool(value)));
        self
    }

    pub fn obj(mut self, key: &'static str, value: Out) -> Self {
        self.0.push((key, Json::Obj(value)));
        self
    }

    pub fn opt_obj<T>(
        self,
        key: &'static str,
        value: Option<&T>,
        write: impl Fn(&T) -> Out,
    ) -> Self {
        match value {
            Some(value) => self.obj(key, write(value)),
            None => self,
        }
    }

    pub fn list<T>(mut self, key: &'static str, items: &[T], write: impl Fn(&T) -> Out) -> Self {
        if !items.is_empty() {
            let items = items.iter().map(|i| Json::Obj(write(i))).collect();
            self.0.push((key, Json::List(items)));
        }
        self
    }

    pub fn strings(mut self, key: &'static str, items: &[String]) -> Self {
        if !items.is_empty() {
            let items = items.iter().map(|s| Json::Str(s.clone())).collect();
            self.0.push((key, Json::List(items)));
        }
        self
    }

    /// The code `table` gives `value`.
    pub fn code<T: PartialEq>(
        self,
        key: &'static str,
        value: &T,
        table: &[(&'static str, T)],
    ) -> Self {
        let name = table
            .iter()
            .find(|(_, v)| v == value)
            .map(|(name, _)| *name)
            .expect("every value of the enum has a code in its table");
        self.str(key, name)
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Bool(b) => serializer.serialize_bool(*b),
            Json::Str(s) => serializer.serialize_str(s),
            Json::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Obj(out) => out.serialize(serializer),
        }
    }
}

impl Serialize for Out {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}
