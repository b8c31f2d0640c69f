//! Checks written cXML against the DTDs cXML publishes (`../shared/schemas/cxml`), with
//! `xmllint --dtdvalid`: the document must name, in its DOCTYPE, the DTD file that defines its
//! request, under the version its `cXML@version` states, and be valid against that file.
//!
//! Which file defines which request is read from the DTDs themselves (the first of cXML.dtd,
//! Fulfill.dtd, InvoiceDetail.dtd that declares it), not from the adapter. We hold
//! each file in one version (cXML.dtd and Fulfill.dtd 1.2.063, InvoiceDetail.dtd 1.2.037):
//! a document declaring another 1.2 version is checked against the one we hold, which for an
//! older DTD is the stricter check, since cXML 1.2 releases only add to their predecessors.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The DTD files, in the order a request's defining file is looked for.
const FILES: [&str; 3] = ["cXML.dtd", "Fulfill.dtd", "InvoiceDetail.dtd"];

fn schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/schemas/cxml")
}

/// The one copy of DTD `file` we hold, preferring version `version`.
fn dtd_path(file: &str, version: &str) -> PathBuf {
    let preferred = schemas().join(version).join(file);
    if preferred.is_file() {
        return preferred;
    }
    let versions = fs::read_dir(schemas())
        .unwrap_or_else(|e| panic!("{}: {e}", schemas().display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path().join(file)))
        .find(|path| path.is_file());
    versions.unwrap_or_else(|| panic!("no {file} under {}", schemas().display()))
}

/// The DTD file that defines `request` (a `Response` belongs to cXML.dtd): the first that
/// declares the element.
fn defining_file(request: &str) -> &'static str {
    if request == "Response" {
        return "cXML.dtd";
    }
    let declaration = format!("<!ELEMENT {request}");
    FILES
        .into_iter()
        .find(|file| {
            let dtd = fs::read_to_string(dtd_path(file, "")).expect("a readable DTD");
            dtd.match_indices(&declaration).any(|(at, _)| {
                dtd[at + declaration.len()..].starts_with(|c: char| c.is_ascii_whitespace())
            })
        })
        .unwrap_or_else(|| panic!("no cXML DTD we hold defines <{request}>"))
}

/// The element that says what a document is: the one inside `<Request>`, or `Response`.
fn request_name(xml: &str) -> String {
    if let Some(at) = xml.find("<Request") {
        let inside = xml[at..].find('>').expect("a closed <Request>") + at + 1;
        return xml[inside..]
            .trim_start()
            .trim_start_matches('<')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
    }
    assert!(
        xml.contains("<Response"),
        "neither request nor response:\n{xml}"
    );
    "Response".to_owned()
}

fn quoted_after<'a>(xml: &'a str, marker: &str) -> Option<&'a str> {
    let at = xml.find(marker)? + marker.len();
    let rest = &xml[at..];
    Some(&rest[..rest.find('"')?])
}

/// Every way the documents (name, XML) fail: a DOCTYPE that names the wrong DTD or version,
/// or what xmllint reports against the DTD. Panics when xmllint cannot be run.
pub fn failures(documents: &[(String, String)]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut by_dtd: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut failed = Vec::new();
    for (n, (name, xml)) in documents.iter().enumerate() {
        let request = request_name(xml);
        let file = defining_file(&request);
        let root = &xml[xml.find("<cXML ").unwrap_or_default()..];
        let version = quoted_after(root, " version=\"").unwrap_or_default();
        let expected = format!("SYSTEM \"http://xml.cxml.org/schemas/cXML/{version}/{file}\"");
        if !xml.contains(&format!("<!DOCTYPE cXML {expected}>")) {
            failed.push(format!(
                "{name}: <{request}> of version {version} must declare {expected}"
            ));
        }
        let path = dir
            .path()
            .join(format!("{n:04}-{}.xml", name.replace('/', "_")));
        fs::write(&path, xml).expect("a writable temporary file");
        by_dtd
            .entry(dtd_path(file, version))
            .or_default()
            .push(path);
    }
    for (dtd, files) in by_dtd {
        let output = Command::new("xmllint")
            .args(["--noout", "--nonet", "--dtdvalid"])
            .arg(&dtd)
            .args(&files)
            .output()
            .unwrap_or_else(|e| {
                panic!("xmllint cannot run ({e}): install it with apt-get install libxml2-utils")
            });
        if !output.status.success() {
            // The DOCTYPE's own URL cannot be fetched (--nonet); that warning is not a fault.
            let report: Vec<String> = String::from_utf8_lossy(&output.stderr)
                .lines()
                .filter(|line| line.contains("error") && !line.contains("network entity"))
                .map(str::to_owned)
                .collect();
            failed.push(format!(
                "against {} ({}):\n{}",
                dtd.display(),
                output.status,
                report.join("\n")
            ));
        }
    }
    failed
}
