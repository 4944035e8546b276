//! Files written a piece at a time (the large datasets), hashed as they go.

use super::{io_at, OutputError, Staging};
use sha2::{Digest, Sha256};
use std::io;
use std::path::PathBuf;

/// Bytes gathered before a streamed file writes: few system calls, little memory.
pub(super) const STREAM_BUFFER: usize = 256 * 1024;

/// A file being written into the staging directory by [`Staging::stream`], hashed (SHA-256)
/// as it goes.
pub struct StagedFile<'s> {
    pub(super) staging: &'s Staging,
    pub(super) rel: String,
    pub(super) path: PathBuf,
    pub(super) file: io::BufWriter<std::fs::File>,
    pub(super) sha256: Sha256,
    pub(super) len: u64,
}

/// What a [`StagedFile`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    pub len: u64,
    pub sha256: String,
}

impl StagedFile<'_> {
    /// Closes the file and counts it. A live rebuild drops it again when its bytes are the
    /// ones already published.
    pub fn finish(self) -> Result<WrittenFile, OutputError> {
        let StagedFile {
            staging,
            rel,
            path,
            file,
            sha256,
            len,
        } = self;
        file.into_inner().map_err(|e| OutputError::Io {
            path: path.clone(),
            source: e.into_error(),
        })?;
        let digest = sha256.finalize();
        let written = WrittenFile {
            len,
            sha256: hex::encode(digest),
        };
        if let Some(overlay) = &staging.overlay {
            // The file's own fingerprint, from the hash already made: streamed files are always
            // compared with an earlier streamed version of themselves.
            let mut first = [0u8; 8];
            first.copy_from_slice(&digest[..8]);
            if overlay.unchanged(&rel, u64::from_le_bytes(first)) {
                std::fs::remove_file(&path).map_err(io_at(&path))?;
                return Ok(written);
            }
        }
        staging.note_written(1, len);
        Ok(written)
    }
}

impl io::Write for StagedFile<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self
            .file
            .write(buf)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", self.path.display())))?;
        self.sha256.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file
            .flush()
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", self.path.display())))
    }
}
