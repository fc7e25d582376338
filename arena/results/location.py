"""Where a results folder lives: a local path, or a URI on any filesystem pyarrow knows (s3://, gs://, ...).

On a cluster only the driver writes, but the driver of a resubmitted job may run on another node,
and readers run anywhere: object storage (or a shared mount) is the place every node can reach.
"""

from __future__ import annotations

import posixpath
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.fs as pafs


def is_uri(where: str | Path) -> bool:
    return "://" in str(where)


def shown(uri: str) -> str:
    """The URI without its query (endpoint, options) or user:password part: safe to print and store."""
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.hostname or ''}{parts.path}"


class ResultsDir:
    """One folder, the filesystem it is on, and the writes that must be atomic there."""

    def __init__(self, where: str | Path, _fs: pafs.FileSystem | None = None, _path: str | None = None):
        if _fs is not None:
            if _path is None:
                raise TypeError("ResultsDir: _path goes with _fs")
            self.fs, self.path = _fs, _path
            self.uri = str(where)
        elif is_uri(where):
            try:
                self.fs, self.path = pafs.FileSystem.from_uri(str(where))
            except (ValueError, OSError) as e:  # ArrowInvalid is a ValueError
                raise ValueError(f"output_dir {where}: {str(e).splitlines()[0]}") from None
            self.uri = shown(str(where))
        else:
            self.fs, self.path = pafs.LocalFileSystem(), str(Path(where).absolute())
            self.uri = self.path
        self.local = isinstance(self.fs, pafs.LocalFileSystem)

    def child(self, name: str) -> ResultsDir:
        return ResultsDir(posixpath.join(self.uri, name), self.fs, posixpath.join(self.path, name))

    def file(self, name: str) -> str:
        return posixpath.join(self.path, name)

    @property
    def local_path(self) -> Path | None:
        return Path(self.path) if self.local else None

    def exists(self) -> bool:
        return self.fs.get_file_info(self.path).type == pafs.FileType.Directory

    def list(self, prefix: str = "", suffix: str = "") -> list[str]:
        """Paths of the files directly in this folder whose names match; none when it does not exist."""
        infos = self.fs.get_file_info(pafs.FileSelector(self.path, allow_not_found=True))
        names = [i.path for i in infos if i.type == pafs.FileType.File]
        return sorted(p for p in names if posixpath.basename(p).startswith(prefix) and p.endswith(suffix))

    def read_text(self, name: str) -> str | None:
        path = self.file(name)
        if self.fs.get_file_info(path).type != pafs.FileType.File:
            return None
        with self.fs.open_input_stream(path) as f:
            return f.read().decode()

    def publish(self, name: str, write) -> None:
        """Make `name` appear whole or not at all. `write(stream)` writes the content.

        Locally: a dot-named temporary file renamed into place. On an object store an object
        becomes visible only when its upload completes, so it is written under its final name,
        from a finished buffer: an error while the content is being made uploads nothing.
        """
        self.fs.create_dir(self.path, recursive=True)
        final = self.file(name)
        if not self.local:
            buffer = pa.BufferOutputStream()
            write(buffer)
            with self.fs.open_output_stream(final) as stream:
                stream.write(buffer.getvalue())
            return
        temporary = self.file(f".{name}.tmp")
        with self.fs.open_output_stream(temporary) as stream:
            write(stream)
        self.fs.move(temporary, final)

    def check_writable(self) -> None:
        """ValueError (one line) unless files can be written here: the folder is created if missing,
        and a probe file is written and removed. Called before Ray starts, so a bad output_dir never
        costs a cluster start or a deployment."""
        probe = self.file(f".write-probe-{uuid.uuid4().hex[:8]}")
        try:
            if self.fs.get_file_info(self.path).type == pafs.FileType.File:
                raise OSError("it is a file, not a folder")
            self.fs.create_dir(self.path, recursive=True)
            with self.fs.open_output_stream(probe) as stream:
                stream.write(b"")
            self.fs.delete_file(probe)
        except OSError as e:  # PermissionError, a file in the way, an unreachable bucket
            reason = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise ValueError(f"output_dir: cannot write results to {self}: {reason}; "
                             f"choose a folder you can write to (output_dir=...)") from None

    def remove_stale_temporaries(self, older_than_s: float = 3600.0) -> int:
        """Delete the dot-named temporary files a killed writer left here (readers never look at
        them); only old ones, so another driver's write in progress is left alone. Returns how many."""
        if not self.local:
            return 0
        infos = self.fs.get_file_info(pafs.FileSelector(self.path, allow_not_found=True))
        cutoff = time.time() - older_than_s
        stale = [i.path for i in infos if i.type == pafs.FileType.File and posixpath.basename(i.path).startswith(".")
                 and i.path.endswith(".tmp") and i.mtime is not None and i.mtime.timestamp() < cutoff]
        for path in stale:
            self.fs.delete_file(path)
        return len(stale)

    def __str__(self) -> str:
        return self.uri


def as_dir(root: str | Path | ResultsDir) -> ResultsDir:
    return root if isinstance(root, ResultsDir) else ResultsDir(root)
