//! The thread that keeps the audit chain's anchor ([`crate::audit::anchor`]) up with the
//! writer's commits.
//!
//! Replacing the anchor costs a file sync. Done on the writer's thread, it made every batch
//! wait for a second sync before anyone heard of its commit, and the next batch wait behind
//! it. Here the writer hands each new head over and goes on. While one replacement is being
//! written, newer heads queue, and the next replacement takes only the newest of them, so
//! under load the anchor costs one sync per replacement rather than one per batch.
//!
//! The anchor trails the log by the replacement under way at most: the lower bound it already
//! was for a crash between a commit and its anchor, which verification accepts. Closing the
//! store waits until the newest head handed over is anchored.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::mpsc;

use tokio::sync::watch;

use super::StoreError;
use super::writer::ChainHead;
use crate::audit::anchor::{self, Anchor};

/// How far anchoring has come, shared by the writer's handles (which wait on it when the
/// store closes) and the thread.
#[derive(Debug)]
pub(crate) struct Progress {
    /// The sequence number of the newest head handed to the thread.
    handed: AtomicI64,
    /// The newest one the thread is done with, anchored or (on a write error) given up on.
    done: watch::Sender<i64>,
}

impl Progress {
    /// Returns once every head handed over so far is done with.
    pub(crate) async fn settled(&self) {
        let target = self.handed.load(Ordering::Acquire);
        let mut done = self.done.subscribe();
        // Fails only when the thread is gone, and then nothing more will be anchored anyway.
        let _ = done.wait_for(|seq| *seq >= target).await;
    }
}

/// The writer's end: hands heads to the thread.
pub(crate) struct Anchorer {
    heads: mpsc::Sender<ChainHead>,
    progress: Arc<Progress>,
}

impl Anchorer {
    /// Starts the thread that anchors in `path`.
    pub(crate) fn start(path: PathBuf) -> Result<Anchorer, StoreError> {
        let progress = Arc::new(Progress {
            handed: AtomicI64::new(0),
            done: watch::Sender::new(0),
        });
        let (heads, incoming) = mpsc::channel::<ChainHead>();
        let shared = progress.clone();
        std::thread::Builder::new()
            .name("wharf-audit-anchor".into())
            .spawn(move || {
                while let Ok(mut head) = incoming.recv() {
                    // Only the newest of what queued meanwhile is worth a replacement.
                    while let Ok(newer) = incoming.try_recv() {
                        head = newer;
                    }
                    let seq = head.seq;
                    replace(&path, head);
                    shared.done.send_replace(seq);
                }
            })
            .map_err(|e| StoreError::Unavailable(format!("cannot start the audit anchor: {e}")))?;
        Ok(Anchorer { heads, progress })
    }

    /// What the writer's handles wait on when the store closes.
    pub(crate) fn progress(&self) -> Arc<Progress> {
        self.progress.clone()
    }

    /// Hands `head`, just committed, to the thread.
    pub(crate) fn hand_over(&self, head: ChainHead) {
        self.progress.handed.store(head.seq, Ordering::Release);
        if self.heads.send(head).is_err() {
            tracing::error!("the audit anchor's thread is gone; the anchor is not updated");
            // Nothing will be done with it: let a closing store stop waiting.
            self.progress.done.send_replace(i64::MAX);
        }
    }
}

fn replace(path: &std::path::Path, head: ChainHead) {
    let anchor = Anchor {
        seq: head.seq,
        hash: head.hash,
    };
    // Another replica sharing the anchor may have anchored a later head already.
    if let Err(e) = anchor::advance(path, &anchor) {
        // The anchor stays behind: verification still holds the log to it.
        tracing::error!(error = %e, "audit anchor not updated");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(seq: i64) -> ChainHead {
        ChainHead {
            hash: format!("{seq:064x}"),
            seq,
        }
    }

    #[tokio::test]
    async fn the_newest_head_handed_over_is_anchored_once_settled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("anchor.json");
        let anchorer = Anchorer::start(path.clone()).unwrap();
        for seq in 1..=50 {
            anchorer.hand_over(head(seq));
        }
        anchorer.progress().settled().await;
        let anchored = anchor::read(&path).unwrap().expect("an anchor");
        assert_eq!(anchored.seq, 50);
        assert_eq!(anchored.hash, head(50).hash);
    }

    #[tokio::test]
    async fn an_anchor_that_cannot_be_written_does_not_hold_up_closing() {
        let dir = tempfile::tempdir().unwrap();
        // A file where the anchor's folder should be: every replacement fails.
        let blocked = dir.path().join("not-a-folder");
        std::fs::write(&blocked, b"").unwrap();
        let anchorer = Anchorer::start(blocked.join("anchor.json")).unwrap();
        anchorer.hand_over(head(7));
        anchorer.progress().settled().await;
        assert!(!blocked.join("anchor.json").exists());
    }
}
