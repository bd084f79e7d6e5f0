"""Where the encrypted bundle lives: storage the seller already has.

- `file:///DIR`: a folder (a Dropbox / OneDrive / 坚果云 synced folder works: their own client uploads it);
- `webdav://user:password@host/path/` or `webdavs://…` (HTTPS): Nextcloud, 坚果云 (dav.jianguoyun.com);
- `s3://BUCKET/PREFIX?endpoint=https://…&region=…`: AWS S3, Cloudflare R2, Aliyun OSS, MinIO, through boto3;
  credentials from the URL's user:password or the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.

Each stores one object per sync key, overwritten by every upload. Every network call has a connect timeout
and a read timeout (SHOPTALLY_CLOUD_CONNECT_TIMEOUT, SHOPTALLY_CLOUD_READ_TIMEOUT, in seconds), and a
download larger than the largest bundle a push makes is refused before it is read.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import io
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from companion.cloud import crypto
from companion.errors import Unprocessable
from companion.store.progress import Progress, silent

CONNECT_TIMEOUT = 10.0  # seconds to reach the storage (SHOPTALLY_CLOUD_CONNECT_TIMEOUT)
READ_TIMEOUT = 60.0  # seconds the storage may stay silent in a request or a download (SHOPTALLY_CLOUD_READ_TIMEOUT)
MAX_DOWNLOAD = crypto.MAX_BUNDLE + crypto.OVERHEAD  # the largest bundle a push makes, encrypted
CHUNK = 1 << 20
SINGLE_PUT = 5 << 30  # S3's largest single PUT: a bundle (MAX_DOWNLOAD at most) always goes in one request


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    return float(raw) if raw.replace(".", "", 1).isdigit() and float(raw) > 0 else default


def connect_timeout() -> float:
    return _seconds("SHOPTALLY_CLOUD_CONNECT_TIMEOUT", CONNECT_TIMEOUT)


def read_timeout() -> float:
    return _seconds("SHOPTALLY_CLOUD_READ_TIMEOUT", READ_TIMEOUT)


def _too_large(shown: str) -> TargetError:
    limit = f"{MAX_DOWNLOAD >> 30} GiB" if MAX_DOWNLOAD >= 1 << 30 else f"{MAX_DOWNLOAD} bytes"
    return TargetError.of("cloud_download_too_large", target=shown, limit=limit)


def _read_capped(stream, size: int | None, shown: str, progress: Progress = silent) -> bytes:
    """At most MAX_DOWNLOAD bytes of `stream` (whose announced `size` may be None); refused beyond that.
    `progress`: the bytes read (stage "download")."""
    if size is not None and size > MAX_DOWNLOAD:
        raise _too_large(shown)
    chunks, total = [], 0
    progress(0, size, "bytes", "download")
    while chunk := stream.read(CHUNK):
        total += len(chunk)
        if total > MAX_DOWNLOAD:
            raise _too_large(shown)
        chunks.append(chunk)
        progress(total, max(size, total + 1) if size is not None else None, "bytes", "download")
    progress(total, total, "bytes", "download")
    return b"".join(chunks)


def _sent(data: bytes, progress: Progress) -> Iterator[memoryview]:
    """`data` in CHUNK pieces for an upload, each reported once handed to the connection (stage "upload")."""
    view = memoryview(data)
    progress(0, len(data), "bytes", "upload")
    for start in range(0, len(data), CHUNK):
        yield view[start:start + CHUNK]
        progress(min(len(data), start + CHUNK), len(data), "bytes", "upload")


class TargetError(Unprocessable):
    """A target that cannot be used, in one sentence (never with its password)."""


def redact(url: str) -> str:
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]).geturl()


class FileTarget:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(self, name: str, data: bytes, progress: Progress = silent) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / (name + ".part")
        with tmp.open("wb") as f:
            for piece in _sent(data, progress):
                f.write(piece)
        os.replace(tmp, self.folder / name)  # a reader never sees half a bundle

    def get(self, name: str, progress: Progress = silent) -> bytes | None:
        path = self.folder / name
        if not path.is_file():
            return None
        with path.open("rb") as f:
            return _read_capped(f, os.fstat(f.fileno()).st_size, str(self.folder), progress)


class _HTTPConnection(http.client.HTTPConnection):
    """Connects within the connect timeout, then waits at most the read timeout for each answer."""

    def connect(self) -> None:
        super().connect()
        self.sock.settimeout(read_timeout())


class _HTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()  # the TLS handshake included
        self.sock.settimeout(read_timeout())


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_HTTPSConnection, req, context=self._context)


_opener = urllib.request.build_opener(_HTTPHandler, _HTTPSHandler)


class WebDavTarget:
    def __init__(self, base: str, user: str | None, password: str | None, shown: str) -> None:
        self.base = base.rstrip("/") + "/"
        self.shown = shown
        self.headers = {}
        if user is not None:
            token = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
            self.headers["Authorization"] = f"Basic {token}"

    def _request(self, method: str, url: str, data: bytes | None = None, progress: Progress = silent):
        """`data` goes in pieces, reported to `progress` (urllib needs the length of a body sent so)."""
        headers = self.headers if data is None else {**self.headers, "Content-Length": str(len(data))}
        body = None if data is None else _sent(data, progress)
        req = urllib.request.Request(url, data=body, method=method, headers=headers)
        return _opener.open(req, timeout=connect_timeout())  # the user's own WebDAV server

    def _collections(self) -> None:
        """MKCOL each folder of the path (a new folder on the server); existing ones answer 405."""
        parts = urlsplit(self.base)
        path = ""
        for segment in [s for s in parts.path.split("/") if s]:
            path += "/" + segment
            try:
                self._request("MKCOL", parts._replace(path=path + "/").geturl()).close()
            except urllib.error.HTTPError as exc:
                if exc.code not in (301, 405, 409):
                    raise

    def put(self, name: str, data: bytes, progress: Progress = silent) -> None:
        try:
            try:
                self._request("PUT", self.base + quote(name), data, progress).close()
            except urllib.error.HTTPError as exc:
                if exc.code != 409:  # 409: the folder does not exist yet
                    raise
                self._collections()
                self._request("PUT", self.base + quote(name), data, progress).close()
        except urllib.error.HTTPError as exc:
            raise TargetError.of("cloud_webdav_upload_refused", target=self.shown, answer=exc.code,
                                 reason=exc.reason) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise self._unreachable(exc) from None

    def get(self, name: str, progress: Progress = silent) -> bytes | None:
        try:
            with self._request("GET", self.base + quote(name)) as resp:
                size = resp.headers.get("Content-Length")
                return _read_capped(resp, int(size) if size and size.isdigit() else None, self.shown, progress)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise TargetError.of("cloud_webdav_download_refused", target=self.shown, answer=exc.code,
                                 reason=exc.reason) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise self._unreachable(exc) from None

    def _unreachable(self, exc: Exception) -> TargetError:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            return TargetError.of("cloud_webdav_timeout", target=self.shown, connect=f"{connect_timeout():g}",
                                  read=f"{read_timeout():g}")
        return TargetError.of("cloud_webdav_unreachable", target=self.shown, reason=_reason(exc))


class S3Target:
    def __init__(self, bucket: str, prefix: str, options: dict, user: str | None, password: str | None,
                 shown: str) -> None:
        import boto3
        from botocore.config import Config

        self.bucket, self.prefix, self.shown = bucket, prefix.strip("/"), shown
        self.client = boto3.client(
            "s3", endpoint_url=options.get("endpoint"), region_name=options.get("region") or "us-east-1",
            aws_access_key_id=user or None, aws_secret_access_key=password or None,
            config=Config(connect_timeout=connect_timeout(), read_timeout=read_timeout(),
                          retries={"total_max_attempts": 2},  # two tries in all, each within the timeouts
                          s3={"addressing_style": options.get("addressing", "path")}))

    def _key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def put(self, name: str, data: bytes, progress: Progress = silent) -> None:
        """One PUT request, through boto3's transfer layer because it reports the bytes as they are sent (and
        not while it reads the body for its checksum); one thread, so the client's timeouts and tries hold."""
        from boto3.s3.transfer import TransferConfig
        from botocore.exceptions import BotoCoreError, ClientError

        size, sent = len(data), 0

        def moved(n: int) -> None:  # each piece sent; negative when a failed try is taken back
            nonlocal sent
            sent = max(0, sent + n)
            progress(min(sent, size), size, "bytes", "upload")

        try:
            progress(0, size, "bytes", "upload")
            self.client.upload_fileobj(io.BytesIO(data), self.bucket, self._key(name), Callback=moved,
                                       Config=TransferConfig(use_threads=False, multipart_threshold=SINGLE_PUT))
            progress(size, size, "bytes", "upload")
        except ClientError as exc:
            raise TargetError.of("cloud_storage_upload_refused", target=self.shown,
                                 answer=exc.response.get("Error", {}).get("Code", "error")) from None
        except BotoCoreError as exc:
            raise TargetError.of("cloud_storage_unreachable", target=self.shown, reason=str(exc)) from None

    def get(self, name: str, progress: Progress = silent) -> bytes | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=self._key(name))
            with contextlib.closing(obj["Body"]) as body:
                return _read_capped(body, obj.get("ContentLength"), self.shown, progress)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "error")
            if code in ("NoSuchKey", "404"):
                return None
            raise TargetError.of("cloud_storage_download_refused", target=self.shown, answer=code) from None
        except BotoCoreError as exc:
            raise TargetError.of("cloud_storage_unreachable", target=self.shown, reason=str(exc)) from None


def _reason(exc: Exception) -> str:
    return str(getattr(exc, "reason", "") or exc)


def open_target(url: str):
    """The target a URL names; raises TargetError saying which forms exist."""
    shown = redact(url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    if scheme == "file":
        if not parts.path:
            raise TargetError.of("cloud_target_file_form", target=shown)
        return FileTarget(Path(unquote(parts.path)))
    if scheme in ("webdav", "webdavs"):
        host = parts.hostname or ""
        if not host:
            raise TargetError.of("cloud_target_webdav_form", target=shown)
        port = f":{parts.port}" if parts.port else ""
        base = f"{'https' if scheme == 'webdavs' else 'http'}://{host}{port}{parts.path or '/'}"
        return WebDavTarget(base, user, password, shown)
    if scheme == "s3":
        if not parts.hostname:
            raise TargetError.of("cloud_target_s3_form", target=shown)
        return S3Target(parts.hostname, parts.path, dict(parse_qsl(parts.query)), user, password, shown)
    raise TargetError.of("cloud_target_unknown", target=shown)
