"""Where the project file lives: network shares, cloud folders, read-only places, full disks.

The read-only and full-disk cases use real file systems: a read-only bind mount and a tiny
tmpfs, mounted inside a private mount namespace (``unshare --mount``) of a child process, so
no mount can outlive the test (the suite runs as root, as CI does).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from vigstudio.app import CaseSession, RecordingStatus
from vigstudio.app.location import (
    Recommendation,
    assess_location,
    linux_fs_type,
    mac_fs_type,
    make_local_copy,
)
from vigstudio.storage.project_file import ProjectFile
from vigstudio.testing import synth

# A mount table with the mount points under {root} (the test's tmp_path), so the folders exist
MOUNTINFO = """\
22 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
40 22 0:35 / {root}/mnt/share rw,relatime shared:20 - nfs4 nas:/export/cases rw,vers=4.2
41 22 0:36 / {root}/media/team\\040drive rw,relatime - cifs //nas/team rw,vers=3.1.1
42 41 0:37 / {root}/media/team\\040drive/local rw,relatime - ext4 /dev/sdb1 rw
43 22 0:38 / {root}/home/pat/remote rw,nosuid - fuse.sshfs pat@host:/home/pat rw
44 22 0:39 / {root}/home/pat/gdrive rw,nosuid - fuse.rclone gdrive: rw
"""


@pytest.mark.parametrize(("path", "fs_type", "network"), [
    ("/mnt/share/family/case.vigproj", "nfs4", True),
    ("/media/team drive/case.vigproj", "cifs", True),
    ("/media/team drive/local/case.vigproj", "ext4", False),  # a local disk mounted inside
    ("/home/pat/remote/case.vigproj", "fuse.sshfs", True),
    ("/home/pat/gdrive/case.vigproj", "fuse.rclone", True),
    ("/home/pat/Documents/case.vigproj", "ext4", False),
    ("/mnt/shared/case.vigproj", "ext4", False),  # a prefix of a mount point is not inside
])
def test_network_shares_from_mountinfo(tmp_path: Path, path: str, fs_type: str,
                                       network: bool) -> None:
    mountinfo = MOUNTINFO.format(root=tmp_path)
    where = Path(f"{tmp_path}{path}")
    where.parent.mkdir(parents=True)
    assert linux_fs_type(PurePosixPath(where), mountinfo) == fs_type
    report = assess_location(where, mountinfo=mountinfo)
    assert (report.network is not None) is network and not report.read_only
    if network:
        assert report.recommendation is Recommendation.LOCAL_COPY
        assert "network" in report.message and "copy on this computer" in report.advice


def test_rclone_counts_as_cloud_as_well() -> None:
    report = assess_location("/home/pat/gdrive/case.vigproj",
                             mountinfo=MOUNTINFO.format(root=""))
    assert report.cloud == "a cloud drive (rclone)"


def test_windows_unc_paths_and_mac_mounts() -> None:
    report = assess_location(r"\\nas\cases\family.vigproj", platform="win32", mountinfo="")
    assert report.network and report.recommendation is Recommendation.LOCAL_COPY
    assert assess_location("//nas/cases/family.vigproj", platform="win32",
                           mountinfo="").network
    mac = ("/dev/disk3s1 on / (apfs, local, journaled)\n"
           "//pat@nas._smb._tcp.local/Cases on /Volumes/Cases (smbfs, nodev, nosuid, "
           "mounted by pat)\n"
           "nas:/export on /Volumes/NFS Share (nfs, asynchronous)\n")
    assert mac_fs_type(PurePosixPath("/Volumes/Cases/x.vigproj"), mac) == "smbfs"
    assert mac_fs_type(PurePosixPath("/Volumes/NFS Share/a/x.vigproj"), mac) == "nfs"
    assert mac_fs_type(PurePosixPath("/Users/pat/x.vigproj"), mac) == "apfs"


@pytest.mark.parametrize(("folder", "service"), [
    ("Dropbox/Families", "Dropbox"),
    ("Dropbox (Personal)", "Dropbox"),
    ("OneDrive - Family Service", "OneDrive"),
    ("Google Drive/My Drive", "Google Drive"),
    ("Library/CloudStorage/GoogleDrive-pat@example.org/My Drive", "Google Drive"),
    ("Library/Mobile Documents/com~apple~CloudDocs/VIG", "iCloud Drive"),
    ("iCloud Drive/VIG", "iCloud Drive"),
    ("Nextcloud/cases", "Nextcloud"),
    ("ownCloud", "ownCloud"),
    ("Box/VIG", "Box"),
    ("pCloud Drive", "pCloud"),
    ("MEGA/VIG", "MEGA"),
])
def test_cloud_synced_folders(tmp_path: Path, folder: str, service: str) -> None:
    where = tmp_path / folder
    where.mkdir(parents=True)
    report = assess_location(where / "case.vigproj")
    assert report.cloud == service
    assert report.recommendation is Recommendation.LOCAL_COPY and not report.read_only
    assert service in report.message and "conflicted copy" in report.message


def test_a_plain_local_folder_is_fine(tmp_path: Path) -> None:
    report = assess_location(tmp_path / "case.vigproj")  # this machine's real mount table
    assert report.ok and report.recommendation is Recommendation.NONE
    assert report.message == "This project is in a safe place."
    assert list(tmp_path.iterdir()) == []  # the write test left nothing behind


def test_a_missing_folder_cannot_be_written(tmp_path: Path) -> None:
    report = assess_location(tmp_path / "nowhere" / "case.vigproj")
    assert report.read_only and report.recommendation is Recommendation.OPEN_READ_ONLY


def test_local_copy_keeps_the_media_and_leaves_the_original_alone(tmp_path: Path) -> None:
    share = tmp_path / "Dropbox" / "Family"
    (share / "media").mkdir(parents=True)
    video = synth.make_barcode_video(share / "media" / "visit.mp4", width=160, height=96,
                                     frames=5, audio=False)
    project = share / "family.vigproj"
    with CaseSession.create(project, "Family") as session:
        rec = session.import_recording(video)
        assert rec.path == "media/visit.mp4"
    before = project.read_bytes()
    local = tmp_path / "Documents"
    local.mkdir()
    copy = make_local_copy(project, local)
    assert copy == local / "family.vigproj" and assess_location(copy).ok
    with CaseSession.open(copy) as session:
        only = session.recordings()[0]
        assert session.recording_status(only.id or 0) is RecordingStatus.ONLINE
        assert Path(only.path) == video and not session.can_undo
    assert project.read_bytes() == before
    assert make_local_copy(project, local) == local / "family (local copy).vigproj"
    with ProjectFile.open(local / "family (local copy).vigproj") as again:
        assert again.integrity_check() == []


def _in_mount_namespace(scenario: str, tmp_path: Path) -> dict[str, Any]:
    assert os.geteuid() == 0, "these tests mount file systems: run the suite as root (CI does)"
    script = Path(__file__).with_name("mount_scenarios.py")
    proc = subprocess.run(["unshare", "--mount", "--propagation", "private", sys.executable,
                           str(script), scenario, str(tmp_path)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_read_only_location(tmp_path: Path) -> None:
    result = _in_mount_namespace("read_only", tmp_path)
    assert result["read_only"] and result["recommendation"] == "open_read_only"
    assert "cannot write in this folder" in result["message"]
    assert result["open_for_writing"].startswith("ReadOnlyProjectError")
    assert "open it read-only" in result["open_for_writing"]
    assert result["moments_read_only"] == 1 and result["edit_read_only"] == "ReadOnlyProjectError"
    assert result["moments_in_copy"] == 2 and result["copy_report_ok"]
    assert result["unchanged"]


def test_full_disk_during_edits_loses_nothing_saved(tmp_path: Path) -> None:
    result = _in_mount_namespace("full_disk", tmp_path)
    assert result["attempts"] == ["add_moment: DiskFullError", "trim: DiskFullError",
                                  "undo: DiskFullError", "new_reel: DiskFullError"]
    assert all("full" in m and "everything before it is safe" in m
               for m in result["messages"])
    assert result["state_kept"] and result["can_undo_last_saved"] == "Add clip"
    assert result["edit_after_freeing"] == 6
    assert result["integrity"] == [] and result["moments_after_reopen"] == 6
    assert result["notes"] == ["after freeing space", "saved before the disk filled"]


def test_full_disk_during_export(tmp_path: Path) -> None:
    result = _in_mount_namespace("export_full", tmp_path)
    assert result["export"] == "ExportError"
    assert "disk" in result["message"] and "is full" in result["message"]
    assert "Errno" not in result["message"]
    assert result["left_behind"] == ["small.bin"]  # no half-written reel, no temporary file
    assert not (tmp_path / "disk" / "small.bin").exists()  # the tmpfs is gone with the child


def test_full_disk_during_still_export(tmp_path: Path) -> None:
    result = _in_mount_namespace("stills_full", tmp_path)
    assert result["export"] == "ExportError"
    assert "is full" in result["message"] and "Errno" not in result["message"]
    assert result["left_behind"] == []  # no partial PNG, no temporary file
