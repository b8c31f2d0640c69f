//! The chain's head, anchored apart from the table: after every commit that appended entries,
//! the writer replaces a small file with the newest entry's sequence number and hash (written
//! to a temporary file, synced, renamed over the old one). The table can be trimmed by anyone
//! who can write the database; the anchor then names an entry that is gone, or one whose hash
//! differs, and verification says so.
//!
//! The anchor is a lower bound: a crash between a commit and the anchor's replacement leaves it
//! one batch behind, which verification accepts (the entries after it still have to chain).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The newest entry as last anchored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AnchorError {
    #[error("cannot read the audit anchor {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the audit anchor {path} is damaged: {reason}")]
    Damaged { path: PathBuf, reason: String },
    #[error("cannot write the audit anchor {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Reads the anchor; `None` when there is no file.
pub fn read(path: &Path) -> Result<Option<Anchor>, AnchorError> {
    let text = match std::fs::read(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(AnchorError::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    serde_json::from_slice(&text)
        .map(Some)
        .map_err(|e| AnchorError::Damaged {
            path: path.to_owned(),
            reason: e.to_string(),
        })
}

/// Replaces the anchor atomically: readers see the old one or the new one, never a part.
pub fn write(path: &Path, anchor: &Anchor) -> Result<(), AnchorError> {
    let failed = |source| AnchorError::Write {
        path: path.to_owned(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(failed)?;
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
    let text = serde_json::to_vec(anchor).unwrap_or_default();
    file.write_all(&text).map_err(failed)?;
    file.as_file().sync_all().map_err(failed)?;
    file.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_anchor_is_replaced_whole_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("anchor.json");
        assert_eq!(read(&path).unwrap(), None);
        let first = Anchor {
            seq: 1,
            hash: "a".repeat(64),
        };
        write(&path, &first).unwrap();
        let second = Anchor {
            seq: 2,
            hash: "b".repeat(64),
        };
        write(&path, &second).unwrap();
        assert_eq!(read(&path).unwrap(), Some(second));
        std::fs::write(&path, b"{\"seq\": 3").unwrap();
        assert!(matches!(read(&path), Err(AnchorError::Damaged { .. })));
    }
}
