//! The compiled-code cache: compiled adapters kept in `<data_dir>/compiled` so a restart does
//! not compile every adapter again.
//!
//! Loading compiled code runs it without validation, so nothing is loaded that this host did
//! not write for exactly this component and this engine:
//! - an entry is named by the component's SHA-256 and the engine's fingerprint (wasmtime
//!   version, target and compilation settings), so other bytes or another engine miss;
//! - beside the code (`.cwasm`, exactly as wasmtime serialized it) a `.tag` file holds an
//!   HMAC-SHA256 over the digest, the fingerprint and the code, keyed by a random per-cache key
//!   in `cache.key` (created `0600`; a key readable by others turns the cache off); an entry
//!   whose tag does not verify is deleted and the component recompiled;
//! - both files are written to a temporary file and renamed into place, the code first, so a
//!   crash never leaves half an entry under a real name, nor a tag for other code.
//!
//! The code is verified through an open file, and that same open file is what gets loaded
//! ([`VerifiedEntry::path`]): wasmtime maps it instead of copying it, so a loaded adapter's
//! code stays in the page cache and is resident only where it runs, and a file renamed into
//! place after the check cannot be the one loaded.
//!
//! Beside the code, an `.info` file keeps what the component said of itself when it was
//! installed (its descriptor, as JSON), under an HMAC of its own: a host restarting with many
//! adapters registers each from it and loads the code only when the adapter is first called.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

const MAGIC: &[u8] = b"wharf-compiled-tag-v2\n";
const INFO_MAGIC: &[u8] = b"wharf-compiled-info-v1\n";
const TAG_BYTES: usize = 32;
const KEY_FILE: &str = "cache.key";

/// An open cache directory with its key.
pub struct CompiledCache {
    dir: PathBuf,
    key: [u8; 32],
    fingerprint: String,
}

impl std::fmt::Debug for CompiledCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledCache")
            .field("dir", &self.dir)
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

/// Why the cache cannot be used (the host then compiles every time).
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("{0} is readable by other users; delete it or make it 0600")]
    KeyExposed(PathBuf),
    #[error("{0} is not a cache key")]
    KeyMalformed(PathBuf),
}

impl CompiledCache {
    /// Opens (creating if needed) the cache in `dir` for an engine with `fingerprint`.
    pub fn open(dir: &Path, fingerprint: &str) -> Result<Self, CacheError> {
        std::fs::create_dir_all(dir).map_err(|e| CacheError::Io(dir.to_owned(), e))?;
        Ok(CompiledCache {
            dir: dir.to_owned(),
            key: load_or_create_key(&dir.join(KEY_FILE))?,
            fingerprint: fingerprint.to_owned(),
        })
    }

    /// Where the compiled code for `digest` lives.
    pub fn entry_path(&self, digest: &str) -> PathBuf {
        self.dir
            .join(format!("{digest}-{}.cwasm", self.fingerprint))
    }

    /// Where the tag of the code for `digest` lives.
    fn tag_path(&self, digest: &str) -> PathBuf {
        self.dir.join(format!("{digest}-{}.tag", self.fingerprint))
    }

    /// The compiled code for `digest`, opened, if an entry exists and its tag verifies. An entry
    /// that does not verify is removed.
    pub fn load(&self, digest: &str) -> Option<VerifiedEntry> {
        let path = self.entry_path(digest);
        let tag = std::fs::read(self.tag_path(digest)).ok()?;
        let mut file = std::fs::File::open(&path).ok()?;
        let verified = tag.len() == MAGIC.len() + TAG_BYTES
            && tag.starts_with(MAGIC)
            && self
                .code_mac(digest, &mut file)
                .is_some_and(|mac| mac.verify_slice(&tag[MAGIC.len()..]).is_ok());
        if !verified {
            tracing::warn!(path = %path.display(), "compiled cache entry failed authentication; it is removed and the component recompiled");
            let _ = std::fs::remove_file(&path);
            let _ = std::fs::remove_file(self.tag_path(digest));
            return None;
        }
        Some(VerifiedEntry { file })
    }

    /// Where what `digest`'s component said of itself lives.
    fn info_path(&self, digest: &str) -> PathBuf {
        self.dir.join(format!("{digest}-{}.info", self.fingerprint))
    }

    /// Keeps `info` (JSON) as what `digest`'s component said of itself, authenticated.
    pub fn store_info(&self, digest: &str, info: &[u8]) -> Result<(), CacheError> {
        let tag = self
            .info_mac(digest)
            .chain_update(info)
            .finalize()
            .into_bytes();
        self.write_atomically(&self.info_path(digest), &[INFO_MAGIC, &tag, info])
    }

    /// What `digest`'s component said of itself, if kept here and authentic; an `.info` that
    /// does not verify is removed.
    pub fn load_info(&self, digest: &str) -> Option<Vec<u8>> {
        let path = self.info_path(digest);
        let stored = std::fs::read(&path).ok()?;
        let info = stored
            .strip_prefix(INFO_MAGIC)
            .filter(|rest| rest.len() >= TAG_BYTES)
            .filter(|rest| {
                let (tag, info) = rest.split_at(TAG_BYTES);
                self.info_mac(digest)
                    .chain_update(info)
                    .verify_slice(tag)
                    .is_ok()
            })
            .map(|rest| rest[TAG_BYTES..].to_vec());
        if info.is_none() {
            tracing::warn!(path = %path.display(), "cached adapter description failed authentication; it is removed");
            let _ = std::fs::remove_file(&path);
        }
        info
    }

    fn info_mac(&self, digest: &str) -> Hmac<Sha256> {
        let mut mac = self.mac(digest);
        mac.update(b"info\0");
        mac
    }

    /// The MAC of `digest`'s code read from `file`, a block at a time.
    fn code_mac(&self, digest: &str, file: &mut std::fs::File) -> Option<Hmac<Sha256>> {
        let mut mac = self.mac(digest);
        let mut block = vec![0; 64 * 1024];
        loop {
            match file.read(&mut block) {
                Ok(0) => return Some(mac),
                Ok(n) => mac.update(&block[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
    }

    /// Keeps `code` as the compiled form of `digest`: the code, then its tag, each atomically.
    pub fn store(&self, digest: &str, code: &[u8]) -> Result<(), CacheError> {
        let tag = self.mac(digest).chain_update(code).finalize().into_bytes();
        self.write_atomically(&self.entry_path(digest), &[code])?;
        self.write_atomically(&self.tag_path(digest), &[MAGIC, &tag])
    }

    fn write_atomically(&self, path: &Path, parts: &[&[u8]]) -> Result<(), CacheError> {
        let io = |e| CacheError::Io(path.to_owned(), e);
        let mut file = tempfile::NamedTempFile::new_in(&self.dir).map_err(io)?;
        for part in parts {
            file.write_all(part).map_err(io)?;
        }
        file.as_file().sync_all().map_err(io)?;
        file.persist(path).map_err(|e| io(e.error))?;
        Ok(())
    }

    fn mac(&self, digest: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key size");
        mac.update(digest.as_bytes());
        mac.update(b"\0");
        mac.update(self.fingerprint.as_bytes());
        mac.update(b"\0");
        mac
    }
}

/// Compiled code whose tag verified, held open.
#[derive(Debug)]
pub struct VerifiedEntry {
    file: std::fs::File,
}

impl VerifiedEntry {
    /// A path naming the very file that was verified (its open descriptor), for wasmtime to
    /// map: renaming another file into the entry's place since cannot change what it names.
    pub fn path(&self) -> PathBuf {
        PathBuf::from(format!("/dev/fd/{}", self.file.as_raw_fd()))
    }

    /// The code, read back (for tests).
    #[cfg(test)]
    fn bytes(&self) -> Vec<u8> {
        std::fs::read(self.path()).unwrap()
    }
}

fn load_or_create_key(path: &Path) -> Result<[u8; 32], CacheError> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let io = |e| CacheError::Io(path.to_owned(), e);
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(mut file) => {
            let key: [u8; 32] = rand::random();
            file.write_all(hex::encode(key).as_bytes()).map_err(io)?;
            file.sync_all().map_err(io)?;
            return Ok(key);
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(io(e)),
    }
    let mode = std::fs::metadata(path).map_err(io)?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(CacheError::KeyExposed(path.to_owned()));
    }
    let text = std::fs::read_to_string(path).map_err(io)?;
    hex::decode(text.trim())
        .ok()
        .and_then(|k| <[u8; 32]>::try_from(k).ok())
        .ok_or_else(|| CacheError::KeyMalformed(path.to_owned()))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn entries_round_trip_and_the_key_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let cache = CompiledCache::open(dir.path(), "f1").unwrap();
        cache.store("abc", b"compiled code").unwrap();
        assert_eq!(cache.load("abc").unwrap().bytes(), b"compiled code");
        let mode = std::fs::metadata(dir.path().join(KEY_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        // The same directory opened again uses the same key.
        let again = CompiledCache::open(dir.path(), "f1").unwrap();
        assert_eq!(again.load("abc").unwrap().bytes(), b"compiled code");
    }

    #[test]
    fn tampered_entries_are_refused_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let cache = CompiledCache::open(dir.path(), "f1").unwrap();
        cache.store("abc", b"compiled code").unwrap();
        let path = cache.entry_path("abc");
        let mut bytes = std::fs::read(&path).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert!(cache.load("abc").is_none());
        assert!(!path.exists());
        assert!(!cache.tag_path("abc").exists());
    }

    #[test]
    fn an_entry_moved_to_another_digest_or_written_with_another_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let cache = CompiledCache::open(dir.path(), "f1").unwrap();
        cache.store("abc", b"compiled code").unwrap();
        std::fs::copy(cache.entry_path("abc"), cache.entry_path("def")).unwrap();
        std::fs::copy(cache.tag_path("abc"), cache.tag_path("def")).unwrap();
        assert!(cache.load("def").is_none());

        let elsewhere = tempfile::tempdir().unwrap();
        let forger = CompiledCache::open(elsewhere.path(), "f1").unwrap();
        forger.store("abc", b"forged code").unwrap();
        std::fs::copy(forger.entry_path("abc"), cache.entry_path("abc")).unwrap();
        std::fs::copy(forger.tag_path("abc"), cache.tag_path("abc")).unwrap();
        assert!(cache.load("abc").is_none());
    }

    #[test]
    fn descriptions_round_trip_and_a_tampered_or_moved_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let cache = CompiledCache::open(dir.path(), "f1").unwrap();
        assert_eq!(cache.load_info("abc"), None);
        cache.store_info("abc", br#"{"id":"x12"}"#).unwrap();
        assert_eq!(cache.load_info("abc").unwrap(), br#"{"id":"x12"}"#);

        // Under another digest, or as code's tag, it does not verify.
        std::fs::copy(cache.info_path("abc"), cache.info_path("def")).unwrap();
        assert_eq!(cache.load_info("def"), None);
        assert!(!cache.info_path("def").exists());

        let mut bytes = std::fs::read(cache.info_path("abc")).unwrap();
        *bytes.last_mut().unwrap() = b']';
        std::fs::write(cache.info_path("abc"), &bytes).unwrap();
        assert_eq!(cache.load_info("abc"), None);
        assert!(!cache.info_path("abc").exists());
    }

    #[test]
    fn another_engine_misses() {
        let dir = tempfile::tempdir().unwrap();
        CompiledCache::open(dir.path(), "f1")
            .unwrap()
            .store("abc", b"code")
            .unwrap();
        let other = CompiledCache::open(dir.path(), "f2").unwrap();
        assert!(other.load("abc").is_none());
    }

    #[test]
    fn a_key_others_can_read_turns_the_cache_off() {
        let dir = tempfile::tempdir().unwrap();
        CompiledCache::open(dir.path(), "f1").unwrap();
        let key = dir.path().join(KEY_FILE);
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            CompiledCache::open(dir.path(), "f1"),
            Err(CacheError::KeyExposed(_))
        ));
    }
}
