//! The chain's head, anchored apart from the table: after the commits that append entries, the
//! store replaces a small file with the newest entry's sequence number and hash (written to a
//! temporary file, synced, renamed over the old one), from a thread of its own that takes the
//! newest head each time (the store's anchorer). The table can be trimmed by anyone who can
//! write the database; the anchor then names an entry that is gone, or one whose hash differs,
//! and verification says so.
//!
//! The anchor is a lower bound: it trails the table by the replacement under way, and a crash
//! between a commit and the anchor's replacement leaves it that far behind, which verification
//! accepts (the entries after it still have to chain).
//!
//! Several replicas may anchor one chain in one shared file. [`advance`] replaces it only with
//! a higher sequence number, deciding under an exclusive lock on a sidecar `<anchor>.lock` (the
//! anchor itself is renamed over, so it cannot carry the lock), so a replica that commits
//! first and anchors last never moves the anchor backwards. Replicas may instead keep one file
//! each; `wharf audit verify` checks every file it is given.

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

/// Replaces the anchor with `anchor` if it names a later entry than the one there (or there is
/// none), atomically and under the anchor's lock, so that writers racing each other leave the
/// highest. True when it was replaced. A damaged anchor is left as it is, for verification to
/// report.
pub fn advance(path: &Path, anchor: &Anchor) -> Result<bool, AnchorError> {
    let failed = |source| AnchorError::Write {
        path: path.to_owned(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(failed)?;
    let mut lock_name = path.file_name().unwrap_or_default().to_owned();
    lock_name.push(".lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(lock_name))
        .map_err(failed)?;
    // Released when `lock` is closed, also on an early return.
    lock.lock().map_err(failed)?;
    if read(path)?.is_some_and(|current| current.seq >= anchor.seq) {
        return Ok(false);
    }
    write(path, anchor)?;
    Ok(true)
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

    fn at(seq: i64) -> Anchor {
        Anchor {
            seq,
            hash: format!("{seq:064}"),
        }
    }

    #[test]
    fn an_anchor_only_moves_forward() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("anchor.json");
        assert!(advance(&path, &at(5)).unwrap());
        assert!(
            !advance(&path, &at(3)).unwrap(),
            "an older head is not anchored"
        );
        assert!(!advance(&path, &at(5)).unwrap());
        assert_eq!(read(&path).unwrap(), Some(at(5)));
        assert!(advance(&path, &at(6)).unwrap());
        assert_eq!(read(&path).unwrap(), Some(at(6)));
    }

    /// Writers racing on one shared anchor, each anchoring heads in its own order, leave the
    /// highest head anchored, and no reader ever sees it go back.
    #[test]
    fn writers_sharing_an_anchor_never_move_it_backwards() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("anchor.json");
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let path = path.clone();
                std::thread::spawn(move || {
                    // Each writer anchors every fourth head, newest first half the time.
                    let mut seqs: Vec<i64> = (1..=50).map(|n| n * 4 + w).collect();
                    if w % 2 == 1 {
                        seqs.reverse();
                    }
                    for seq in seqs {
                        advance(&path, &at(seq)).unwrap();
                    }
                })
            })
            .collect();
        let mut seen = 0;
        while writers.iter().any(|w| !w.is_finished()) {
            if let Some(anchor) = read(&path).unwrap() {
                assert!(anchor.seq >= seen, "{} after {seen}", anchor.seq);
                assert_eq!(anchor, at(anchor.seq));
                seen = anchor.seq;
            }
        }
        for writer in writers {
            writer.join().unwrap();
        }
        assert_eq!(read(&path).unwrap(), Some(at(203)));
    }

    #[test]
    fn a_damaged_anchor_is_left_for_verification_to_report() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("anchor.json");
        std::fs::write(&path, b"not an anchor").unwrap();
        assert!(matches!(
            advance(&path, &at(9)),
            Err(AnchorError::Damaged { .. })
        ));
        assert_eq!(std::fs::read(&path).unwrap(), b"not an anchor");
    }
}
