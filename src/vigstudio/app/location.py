"""Where a project file lives, and what that risks: network shares, cloud-synced folders,
read-only places.

A case project is one SQLite file that is written the moment each change is made. That is
safe on a local disk. On a network share, SQLite's locks are unreliable and a dropped
connection in the middle of a save can damage the file; in a folder that a sync program
(Dropbox, OneDrive, ...) watches, the program may copy the file half-written, or make
"conflicted copies" when two computers edit; in a read-only place nothing can be saved.

:func:`assess_location` looks at a project path and returns a :class:`LocationReport` with
plain-language risks and a recommendation: work on a local copy (:func:`make_local_copy`),
or open read-only. Detection:

* network share — Linux: the file system type of the mount holding the path
  (``/proc/self/mountinfo``: nfs, cifs/smb3, sshfs, 9p, WebDAV, ...); Windows: a UNC path
  (``\\\\server\\share``) or a drive letter whose ``GetDriveTypeW`` is ``DRIVE_REMOTE``;
  macOS: the type ``mount`` reports for the volume (smbfs, nfs, afpfs, webdav).
* cloud-synced folder — a path component named after a sync service (Dropbox, OneDrive,
  Google Drive, iCloud Drive / Mobile Documents, Nextcloud, ownCloud, Box, pCloud, MEGA, ...),
  or a cloud file system type (rclone, s3fs ...).
* read-only — the folder does not accept a new file (that is what the lock file and SQLite's
  journal need), or the project file itself is not writable.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePath, PureWindowsPath

from vigstudio.crypto.keys import CaseKeys, key_file_first, key_path_for, read_key_file
from vigstudio.errors import MediaError, ProjectError
from vigstudio.storage.project_file import ProjectFile

__all__ = [
    "CLOUD_FOLDERS",
    "NETWORK_FS_TYPES",
    "LocationReport",
    "Recommendation",
    "assess_location",
    "local_copy_name",
    "make_local_copy",
]

#: File system types (Linux names; macOS names where they differ) that live on another machine.
NETWORK_FS_TYPES: frozenset[str] = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "sshfs", "fuse.sshfs", "9p",
    "afs", "afpfs", "ceph", "fuse.ceph", "glusterfs", "fuse.glusterfs", "lustre", "ncpfs",
    "coda", "davfs", "fuse.davfs2", "webdav", "fuse.rclone", "fuse.s3fs", "fuse.gcsfuse",
    "fuse.onedriver", "fuse.google-drive-ocamlfuse", "v9fs", "virtiofs", "fuse.smbnetfs",
    "fuse.curlftpfs", "ftpfs",
})
#: File system types that are really a cloud service (also reported as cloud-synced).
_CLOUD_FS_TYPES = {"fuse.rclone": "a cloud drive (rclone)", "fuse.s3fs": "Amazon S3",
                   "fuse.gcsfuse": "Google Cloud Storage", "fuse.onedriver": "OneDrive",
                   "fuse.google-drive-ocamlfuse": "Google Drive"}

#: Folder names used by sync programs: exact names, and prefixes (e.g. "OneDrive - Company").
CLOUD_FOLDERS: dict[str, str] = {
    "dropbox": "Dropbox", "onedrive": "OneDrive", "google drive": "Google Drive",
    "googledrive": "Google Drive", "my drive": "Google Drive", "icloud drive": "iCloud Drive",
    "mobile documents": "iCloud Drive", "icloud~": "iCloud Drive", "nextcloud": "Nextcloud",
    "owncloud": "ownCloud", "box": "Box", "box sync": "Box", "pcloud drive": "pCloud",
    "pclouddrive": "pCloud", "pcloud": "pCloud", "mega": "MEGA", "megasync": "MEGA",
    "mega downloads": "MEGA", "tresorit": "Tresorit", "synologydrive": "Synology Drive",
    "seafile": "Seafile", "cloudstorage": "a cloud storage service",
}
_PREFIXES = ("dropbox", "onedrive", "googledrive", "google drive", "nextcloud", "owncloud",
             "box-", "icloud~")


class Recommendation(StrEnum):
    NONE = "none"  # a local, writable folder: nothing to do
    LOCAL_COPY = "local_copy"  # work on a copy on this computer (network share / cloud folder)
    OPEN_READ_ONLY = "open_read_only"  # nothing can be saved here: open it to look only


@dataclass(frozen=True)
class LocationReport:
    """What :func:`assess_location` found. ``risks`` are sentences to show as they are."""

    path: Path
    network: str | None = None  # e.g. "a network share (nfs)"
    cloud: str | None = None  # e.g. "Dropbox"
    read_only: bool = False
    risks: tuple[str, ...] = ()
    recommendation: Recommendation = Recommendation.NONE

    @property
    def ok(self) -> bool:
        return not self.risks

    @property
    def title(self) -> str:
        if self.read_only:
            return "This project cannot be saved where it is"
        if self.network or self.cloud:
            return "This project is in a risky place"
        return "This project is in a safe place"

    @property
    def advice(self) -> str:
        if self.recommendation is Recommendation.OPEN_READ_ONLY:
            return ("Open it read-only to look at it, or save a copy on this computer "
                    "(for example in Documents) and work on that copy.")
        if self.recommendation is Recommendation.LOCAL_COPY:
            return ("Work on a copy on this computer (for example in Documents): VIG Studio "
                    "can make one now. When you have finished, copy the project back. Or "
                    "open it read-only to look without changing it.")
        return ""

    @property
    def message(self) -> str:
        """Title, risks and advice as one text for a message box."""
        if self.ok:
            return self.title + "."
        return "\n\n".join([self.title + ".", *self.risks, self.advice])


def assess_location(path: Path | str, *, mountinfo: str | None = None,
                    platform: str | None = None) -> LocationReport:
    """Assess where the project file ``path`` is (it need not exist yet: its folder counts).

    ``mountinfo`` (the text of ``/proc/self/mountinfo``) and ``platform`` (``sys.platform``)
    can be given for tests; by default they are read from this machine.
    """
    path = Path(path)
    platform = platform or sys.platform
    absolute = Path(os.path.abspath(path))
    try:
        resolved = absolute.resolve()
    except OSError:
        resolved = absolute
    fs_type = _fs_type(resolved, platform, mountinfo)
    network = None
    if _is_unc(str(path), platform):
        network = "a network share (a \\\\server\\share path)"
    elif fs_type is not None and fs_type.lower() in NETWORK_FS_TYPES:
        network = f"a network share ({fs_type})"
    elif platform == "win32" and _windows_remote_drive(absolute):  # pragma: no cover
        network = "a network drive"
    cloud = _CLOUD_FS_TYPES.get(fs_type.lower()) if fs_type else None
    cloud = cloud or _cloud_service(absolute) or _cloud_service(resolved)
    read_only = not _writable(absolute)
    risks: list[str] = []
    if network:
        risks.append(
            f"It is on {network}. If the connection drops while a change is being saved, or "
            "another computer opens the same project at the same time, the file can be "
            "damaged: the safety locks VIG Studio relies on do not work reliably across a "
            "network.")
    if cloud:
        risks.append(
            f"It is in a folder that {cloud} synchronises. The sync program can copy the file "
            "while a change is being saved, keep an older version on another computer, or "
            "make a \"conflicted copy\" — and changes can seem to disappear. Check too that "
            "your organisation allows family recordings and notes in this service.")
    if read_only:
        risks.append(
            "VIG Studio cannot write in this folder (it is read-only, or you do not have "
            "permission), so no change you make could be saved.")
    if read_only:
        recommendation = Recommendation.OPEN_READ_ONLY
    elif network or cloud:
        recommendation = Recommendation.LOCAL_COPY
    else:
        recommendation = Recommendation.NONE
    return LocationReport(path, network, cloud, read_only, tuple(risks), recommendation)


# --- network ---------------------------------------------------------------------------------

def _is_unc(text: str, platform: str) -> bool:
    """``\\\\server\\share\\...`` (or ``//server/share`` on Windows)."""
    if text.startswith("\\\\?\\UNC\\"):
        return True
    if text.startswith(("\\\\?\\", "\\\\.\\")):
        return False
    return text.startswith("\\\\") or (platform == "win32" and text.startswith("//"))


def _fs_type(path: Path, platform: str, mountinfo: str | None) -> str | None:
    if mountinfo is not None or platform.startswith("linux"):
        if mountinfo is None:
            try:
                mountinfo = Path("/proc/self/mountinfo").read_text(encoding="utf-8",
                                                                   errors="replace")
            except OSError:
                return None
        return linux_fs_type(path, mountinfo)
    if platform == "darwin":  # pragma: no cover - macOS only
        try:
            out = subprocess.run(["/sbin/mount"], capture_output=True, text=True, timeout=5,
                                 check=False).stdout
        except (OSError, subprocess.TimeoutExpired):
            return None
        return mac_fs_type(path, out)
    return None


def _unescape(field: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def linux_fs_type(path: PurePath, mountinfo: str) -> str | None:
    """The file system type of the mount holding ``path`` (the longest matching mount
    point in ``/proc/self/mountinfo``'s text; later mounts hide earlier ones)."""
    best: tuple[int, str] | None = None
    target = str(path)
    for line in mountinfo.splitlines():
        left, sep, right = line.partition(" - ")
        fields = left.split()
        if not sep or len(fields) < 5 or not right.split():
            continue
        point = _unescape(fields[4])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= best[0]):
            best = (len(point), right.split()[0])
    return best[1] if best else None


def mac_fs_type(path: PurePath, mount_output: str) -> str | None:
    """The type from macOS ``mount`` output lines: ``SOURCE on POINT (TYPE, options)``."""
    best: tuple[int, str] | None = None
    target = str(path)
    for line in mount_output.splitlines():
        m = re.match(r"^.* on (.+) \(([^,)]+)", line)
        if not m:
            continue
        point, kind = m.group(1), m.group(2).strip()
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= best[0]):
            best = (len(point), kind)
    return best[1] if best else None


def _windows_remote_drive(path: Path) -> bool:  # pragma: no cover - Windows only
    import ctypes

    drive = PureWindowsPath(str(path)).drive
    if not drive or len(drive) != 2:
        return False
    drive_remote = 4
    windll = getattr(ctypes, "windll", None)
    if windll is None:
        return False
    return bool(windll.kernel32.GetDriveTypeW(f"{drive}\\") == drive_remote)


# --- cloud -------------------------------------------------------------------------------------

def _cloud_service(path: PurePath) -> str | None:
    """The sync service a path component names (the most specific one), or None."""
    parts = PureWindowsPath(str(path)).parts if "\\" in str(path) else path.parts
    generic = None
    for part in parts[1:]:
        name = part.casefold()
        service = CLOUD_FOLDERS.get(name)
        if service is None:
            prefix = next((p for p in _PREFIXES if name.startswith(p)), None)
            if prefix is not None:
                service = CLOUD_FOLDERS.get(prefix.rstrip("-~"), CLOUD_FOLDERS.get(prefix))
            elif name.startswith("com~apple~clouddocs"):
                service = "iCloud Drive"
        if service == CLOUD_FOLDERS["cloudstorage"]:
            generic = service
        elif service is not None:
            return service
    return generic


# --- read-only ---------------------------------------------------------------------------------

def _writable(path: Path) -> bool:
    """Can a new file be made beside ``path`` (lock file, journal) and ``path`` written?"""
    folder = path.parent
    if not folder.is_dir():
        return False
    if path.exists() and not os.access(path, os.W_OK):
        return False
    probe = folder / f".vigstudio-write-test-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return False
    os.close(fd)
    try:
        os.unlink(probe)
    except OSError:
        return False
    return True


# --- a local copy ------------------------------------------------------------------------------

def local_copy_name(path: Path, dest_folder: Path) -> Path:
    """A free name in ``dest_folder`` for a copy of ``path`` (``name.vigproj``, then
    ``name (local copy).vigproj``, ``name (local copy 2).vigproj``, ...)."""
    target = dest_folder / path.name
    n = 1
    while target.exists() or target.with_name(target.name + ".lock").exists():
        label = "local copy" if n == 1 else f"local copy {n}"
        target = dest_folder / f"{path.stem} ({label}){path.suffix}"
        n += 1
    return target


def make_local_copy(path: Path | str, dest_folder: Path | str, *,
                    keys: CaseKeys | None = None) -> Path:
    """Copy the project ``path`` into ``dest_folder`` (a consistent copy through SQLite's
    backup API; the original is only read) and return the copy's path. An encrypted case
    needs its ``keys``; its copy is encrypted too and gets its own key file.

    Recordings stored relative to the original project's folder are pointed at their files
    there (if those files are present and match), so the copy shows the same media.
    """
    from vigstudio.app.session import CaseSession

    path, dest_folder = Path(path), Path(dest_folder)
    if not dest_folder.is_dir():
        raise ProjectError(f"the folder {dest_folder} does not exist")
    target = local_copy_name(path, dest_folder)
    key = None if keys is None else keys.database_key
    with ProjectFile.open(path, read_only=True, key=key) as original:
        if keys is None:
            original.save_copy(target)
        else:
            case_uuid = str(uuid.uuid4())
            # the key file first, under its pending name (see crypto/keys.py): a kill
            # leaves no copy, or a copy that opens with the passphrase
            with key_file_first(target, read_key_file(key_path_for(path)).with_case_id(
                    case_uuid), replace=True):
                original.save_copy(target, case_uuid=case_uuid)
    source_folder = Path(os.path.abspath(path)).parent
    with CaseSession.open(target, keys=keys) as copy:
        for rec in copy.recordings():
            stored = PurePath(rec.path)
            if rec.id is None or stored.is_absolute() or PureWindowsPath(rec.path).drive:
                continue
            media = source_folder / stored
            if media.is_file() and not (target.parent / stored).is_file():
                with contextlib.suppress(MediaError):  # not the same file: leave it offline
                    copy.relink_recording(rec.id, media)
        copy.clear_undo()
    return target
