"""`cloud push` and `cloud pull`: the whole dataset as one encrypted bundle on the seller's storage.

Push: a backup-format snapshot (companion/backup), labelled with the device, encrypted on this machine and
uploaded under a name derived from the sync key, replacing the copy there. Pull: downloaded, decrypted,
checked like a backup (off the writer), and merged (companion/cloud/merge.py): first only counted (the
preview), then on confirmation written by the writer from the file already downloaded.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from companion.backup import archive, restore, snapshot
from companion.cloud import crypto, merge, targets
from companion.errors import Unprocessable, coded
from companion.store import team_events
from companion.store.changes import Change
from companion.store.progress import Progress, silent, throttled
from companion.store.workers import Workers


class SyncError(Unprocessable):
    """One sentence: what went wrong with the sync and, where it helps, what to do."""


def _unusable(exc: archive.BackupError) -> SyncError:
    """The bundle's own refusal, nested (the view says it in its language), framed as the cloud copy's."""
    problem = coded(exc.code, exc.params, exc.message)
    if exc.file:
        return SyncError.of("cloud_copy_unusable_in", name=exc.file, problem=problem)
    return SyncError.of("cloud_copy_unusable", problem=problem)


def push(db, key: str, label: str, target_url: str, progress: Progress | None = None) -> dict:
    """`progress`: the snapshot's rows (stage "backup"), then the encrypted bundle's bytes (stage "upload")."""
    crypto.check_key(key)
    label = (label or "").strip()
    if not label or len(label) > 100:
        raise SyncError.of("cloud_label_missing")
    target = targets.open_target(target_url)
    report = None if progress is None else throttled(progress)
    with tempfile.TemporaryDirectory(prefix="shoptally-push-") as tmp:
        path = Path(tmp) / "bundle.shoptally-backup"
        manifest = snapshot.create(db, path, reason="cloud", extra={"device": label}, progress=report)
        blob = crypto.encrypt(key, path.read_bytes())
    target.put(crypto.object_name(key), blob, report or silent)
    return {"target": targets.redact(target_url), "device": label, "bytes": len(blob),
            "tables": manifest["tables"], "created_at": manifest["created_at"]}


def download(key: str, target_url: str, folder: Path, progress: Progress | None = None) -> Path:
    """The decrypted bundle as a backup file in `folder`; raises SyncError when there is none or it fails.
    `progress`: the bytes downloaded (stage "download")."""
    crypto.check_key(key)
    blob = targets.open_target(target_url).get(crypto.object_name(key), throttled(progress))
    if blob is None:
        raise SyncError.of("cloud_no_bundle", target=targets.redact(target_url))
    try:
        plain = crypto.decrypt(key, blob)
    except crypto.CannotDecrypt as exc:
        raise SyncError(exc.message, code=exc.code, params=exc.params) from None
    path = folder / "bundle.shoptally-backup"
    path.write_bytes(plain)
    return path


def fetch(key: str, target_url: str, folder: Path, progress: Progress | None = None) -> tuple[Path, dict]:
    """The bundle downloaded, decrypted and checked like a backup: its file in `folder` and its manifest."""
    path = download(key, target_url, folder, progress)
    try:
        return path, restore.check(path)
    except archive.BackupError as exc:
        raise _unusable(exc) from None


def merge_file(db, path: Path, manifest: dict, write: bool) -> tuple[dict, Change | None]:
    """Counts per table of what merging the fetched bundle at `path` adds, updates and skips; written when
    `write` (inside the caller's transaction), with the change recorded for the views. No network here."""
    try:
        with merge.scratch(path, manifest) as (incoming, _manifest):
            tables, change = merge.merge(incoming, db, write)
    except archive.BackupError as exc:
        raise _unusable(exc) from None
    if write:  # the other daemons' views reload too
        team_events.share(restore.replaced_events(change, "cloud"))
    return {"tables": tables, "device": manifest.get("device"), "created_at": manifest.get("created_at"),
            "merged": write}, change


async def pull_into(workers: Workers, key: str, target_url: str, write: bool,
                    progress: Progress | None = None) -> dict:
    """`shoptally cloud pull` and POST /api/cloud/pull, with or without a daemon: the preview, or the merge in one
    transaction after which open views reload. The download (and its decryption and checks) runs as a read,
    never on the writer: a storage that does not answer holds up no capture or edit; the writer merges the
    file already here. The downloaded file is removed afterwards, however the pull ends. `progress`: the
    download's bytes."""
    folder = Path(tempfile.mkdtemp(prefix="shoptally-pull-"))
    try:
        path, manifest = await workers.read(fetch, key, target_url, folder, progress)
        if not write:
            return (await workers.read(merge_file, workers.db, path, manifest, False))[0]
        res, change = await workers.write(merge_file, workers.db, path, manifest, True)
    finally:
        # a download still running in its thread after a cancellation finds its folder gone and fails
        shutil.rmtree(folder, ignore_errors=True)
    workers.announce(restore.replaced_events(change, "cloud"))
    return res
