"""Errors a user can cause. Each carries a message fit to show a practitioner as it is."""

from __future__ import annotations


class VigError(Exception):
    """Base of every error the app reports to the user instead of crashing."""


# --- project file ---------------------------------------------------------------------


class ProjectError(VigError):
    """The project file cannot be opened, read or written."""


class NotAProjectError(ProjectError):
    """The file is not a VIG Studio project (wrong application id, not SQLite, empty)."""


class NewerProjectError(ProjectError):
    """The file was written by a newer VIG Studio; it is left untouched."""


class ProjectLockedError(ProjectError):
    """Another VIG Studio window or process has the project open for writing."""


class ReadOnlyProjectError(ProjectError):
    """An edit was attempted on a project opened read-only."""


class DiskFullError(ProjectError):
    """The disk is full; the edit was not saved but everything saved before is intact."""


class NotFoundError(VigError):
    """A referenced entity (recording, clip, reel, code, participant) does not exist."""


class UnknownCodeError(NotFoundError):
    """A moment was tagged with a code the project's codebook does not have."""


# --- edits ----------------------------------------------------------------------------


class InvalidEditError(VigError):
    """An edit that breaks the case's rules (bad value, duplicate name); nothing was changed."""


class FrameOutOfRangeError(InvalidEditError):
    """A frame or range lies outside the recording; it is refused, never silently clamped."""


class InUseError(InvalidEditError):
    """Something cannot be deleted because other parts of the case still refer to it."""


# --- media ----------------------------------------------------------------------------


class MediaError(VigError):
    """A media file cannot be used."""


class MediaMissingError(MediaError):
    """The media file does not exist at its path (offline recording)."""


class EmptyMediaError(MediaError):
    """The file has zero bytes."""


class NotMediaError(MediaError):
    """The file is not audio/video that FFmpeg can read (e.g. a text file renamed .mp4)."""


class NoVideoError(MediaError):
    """The file holds no video stream."""


class TruncatedMediaError(MediaError):
    """The file ends early (an interrupted copy or recording)."""


class DamagedMediaError(MediaError):
    """Part of the file cannot be decoded (damaged data inside it); other parts may work."""


class MediaTimeoutError(MediaError):
    """Reading the file took too long (a hanging decoder); the work was stopped."""


class DecoderCrashError(MediaError):
    """The decoder crashed on this file; the app kept running because it ran in a child process."""


class PlaybackError(MediaError):
    """The video player (libVLC) cannot play this file."""


class PlayerUnavailableError(MediaError):
    """libVLC (the VLC media player library) is not installed, so nothing can be played."""


class EncryptedFileError(MediaError):
    """An encrypted file of the case (a recording or a derived file) cannot be decrypted."""


class MediaKeyError(EncryptedFileError):
    """The file is encrypted with another key (another case), or no key is at hand."""


class DamagedEncryptedFileError(EncryptedFileError):
    """An encrypted file fails its integrity check: cut short, changed, or parts moved."""


class NotEncryptedError(EncryptedFileError):
    """A file expected in the encrypted format is not (e.g. a plaintext file put in its place)."""


class ExportError(VigError):
    """An export failed; nothing was left behind at the target path."""


class ExportCancelled(ExportError):
    """The user cancelled an export; nothing was left behind."""


class ConsentCheckError(ExportError):
    """The check at an exit failed: someone in an item lacks consent for the purpose, or the
    parent's decision about a clip does not allow it. Nothing was written. ``problems`` holds
    one line per failure (participant, item and what is missing, in plain words)."""

    def __init__(self, message: str, problems: tuple[str, ...] = (),
                 overridable: bool = True) -> None:
        super().__init__(message)
        self.problems = problems
        self.overridable = overridable


class EraseError(VigError):
    """A case could not be erased (or not completely); the message says what is left."""


# --- data safety (see docs/THREAT_MODEL.md) ---------------------------------------------


class StaleProjectError(ProjectError):
    """The project file changed underneath this window (another program wrote to it, or the
    file was replaced); the edit was refused so that the newer saved work is not overwritten."""


class DamagedProjectError(ProjectError):
    """The project file is damaged; it is not written to. What can be read can be recovered
    into a new file (``vigstudio recover``)."""


class UnsafeTargetError(ExportError):
    """An export or copy was aimed at a file the case owns (the project file, its journal or
    lock, a recording, another case project); nothing was written."""


# --- encrypted cases (see docs/ENCRYPTION.md) --------------------------------------------


class EncryptionError(VigError):
    """An encrypted case cannot be unlocked or its key file cannot be used; nothing was
    written."""


class WrongPassphraseError(EncryptionError):
    """The passphrase (or recovery key) does not unlock this case; nothing was changed."""


class KeyFileError(EncryptionError):
    """The case's key file is missing, damaged, of a newer format or belongs to another case."""


class EncryptedCaseError(ProjectError):
    """The project file is encrypted and was opened without its key (ask for the
    passphrase)."""
