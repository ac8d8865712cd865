"""The chunked encrypted file format: round trips at every boundary, random access, tamper
detection (a changed byte, truncation, reordered chunks, chunks and whole files swapped)."""

from __future__ import annotations

import io
import os
import random
from pathlib import Path

import pytest

from vigstudio import errors
from vigstudio.crypto import chunked
from vigstudio.crypto.chunked import CHUNK_SIZE, HEADER_SIZE, TAG_SIZE

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
SIZES = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 12345]


def _data(size: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(size)


def _encrypt(tmp_path: Path, data: bytes, name: str = "f.enc", key: bytes = KEY) -> Path:
    src = tmp_path / (name + ".plain")
    src.write_bytes(data)
    dst = tmp_path / name
    assert chunked.encrypt_file(src, dst, key)
    src.unlink()
    return dst


@pytest.mark.parametrize("size", SIZES)
def test_round_trip_at_every_boundary(tmp_path: Path, size: int) -> None:
    data = _data(size)
    dst = _encrypt(tmp_path, data)
    raw = dst.read_bytes()
    assert raw.startswith(chunked.MAGIC)
    assert len(raw) == chunked.encrypted_size(size)
    if size >= 64:
        assert data[:64] not in raw  # no plaintext run survives
    with chunked.EncryptedReader(dst, KEY) as reader:
        assert reader.length == size
        assert reader.read() == data
        assert reader.read() == b""
    # buffered, in odd pieces
    with chunked.open_encrypted(dst, KEY, buffered=True) as fh:
        parts = []
        while piece := fh.read(7777):
            parts.append(piece)
    assert b"".join(parts) == data


def test_large_file_random_access_matches_plaintext(tmp_path: Path) -> None:
    data = _data(5 * 1024 * 1024 + 17, seed=2)
    dst = _encrypt(tmp_path, data)
    rng = random.Random(3)
    with chunked.EncryptedReader(dst, KEY) as reader:
        for _ in range(300):
            start = rng.randrange(0, len(data) + 10)
            length = rng.choice([1, 15, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 200_000])
            reader.seek(start)
            assert reader.tell() == start
            assert reader.read(length) == data[start:start + length]
        assert reader.seek(-10, io.SEEK_END) == len(data) - 10
        assert reader.read() == data[-10:]
        reader.seek(100)
        assert reader.seek(5, io.SEEK_CUR) == 105
        buf = bytearray(50)
        assert reader.readinto(buf) == 50
        assert bytes(buf) == data[105:155]
        with pytest.raises(OSError):
            reader.seek(-1)


def test_writer_streams_in_any_piece_sizes(tmp_path: Path) -> None:
    data = _data(3 * CHUNK_SIZE, seed=4)
    with chunked.write_atomic(tmp_path / "w.enc", KEY, context=b"x") as writer:
        pos = 0
        for size in [1, CHUNK_SIZE, 3, CHUNK_SIZE - 4, 10 ** 6]:
            writer.write(data[pos:pos + size])
            pos += size
    assert chunked.read_all(tmp_path / "w.enc", KEY, context=b"x") == data
    # the context binds the file to its role
    with pytest.raises(errors.MediaKeyError):
        chunked.read_all(tmp_path / "w.enc", KEY, context=b"y")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_wrong_key_is_refused_clearly(tmp_path: Path) -> None:
    dst = _encrypt(tmp_path, _data(1000))
    with pytest.raises(errors.MediaKeyError, match="another case"):
        chunked.EncryptedReader(dst, OTHER_KEY)
    with pytest.raises(errors.MediaKeyError):
        chunked.EncryptedReader(dst, b"short")


def test_plain_file_is_not_taken_for_encrypted(tmp_path: Path) -> None:
    plain = tmp_path / "p.mp4"
    plain.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(100))
    assert not chunked.is_encrypted(plain)
    with pytest.raises(errors.NotEncryptedError):
        chunked.EncryptedReader(plain, KEY)


def _flip(path: Path, offset: int) -> None:
    raw = bytearray(path.read_bytes())
    raw[offset] ^= 0x01
    path.write_bytes(bytes(raw))


def test_changed_byte_in_any_chunk_or_the_header_is_detected(tmp_path: Path) -> None:
    data = _data(3 * CHUNK_SIZE + 5)
    dst = _encrypt(tmp_path, data)
    pristine = dst.read_bytes()
    stride = CHUNK_SIZE + TAG_SIZE
    for chunk in range(4):
        dst.write_bytes(pristine)
        _flip(dst, HEADER_SIZE + chunk * stride + 3)
        with chunked.EncryptedReader(dst, KEY) as reader:
            # chunks before the damaged one still read; the damaged one is refused
            reader.seek(chunk * CHUNK_SIZE)
            with pytest.raises(errors.DamagedEncryptedFileError, match=f"part {chunk + 1} of 4"):
                reader.read(1)
            if chunk:
                reader.seek(0)
                assert reader.read(10) == data[:10]
    for offset in (9, 20, 40, 50):  # version, chunk size, file id, length, tag
        dst.write_bytes(pristine)
        _flip(dst, offset)
        with pytest.raises(errors.EncryptedFileError):
            chunked.EncryptedReader(dst, KEY)


def test_truncation_and_growth_are_detected(tmp_path: Path) -> None:
    dst = _encrypt(tmp_path, _data(2 * CHUNK_SIZE + 100))
    pristine = dst.read_bytes()
    stride = CHUNK_SIZE + TAG_SIZE
    for cut in (len(pristine) - 1, HEADER_SIZE + 2 * stride, HEADER_SIZE + stride, 30):
        dst.write_bytes(pristine[:cut])
        with pytest.raises(errors.DamagedEncryptedFileError, match="cut short"):
            chunked.EncryptedReader(dst, KEY)
    dst.write_bytes(pristine + b"x")
    with pytest.raises(errors.DamagedEncryptedFileError, match="more than it should"):
        chunked.EncryptedReader(dst, KEY)


def test_truncation_at_a_chunk_boundary_with_a_forged_length_fails(tmp_path: Path) -> None:
    """Even a cut exactly at a chunk boundary whose header was rewritten to match cannot
    pass: the header's tag fails, and so would the missing last-chunk flag."""
    dst = _encrypt(tmp_path, _data(2 * CHUNK_SIZE))
    raw = bytearray(dst.read_bytes())
    raw[32:40] = (CHUNK_SIZE).to_bytes(8, "big")  # claim one chunk
    dst.write_bytes(bytes(raw[:HEADER_SIZE + CHUNK_SIZE + TAG_SIZE]))
    with pytest.raises(errors.MediaKeyError, match="header was changed"):
        chunked.EncryptedReader(dst, KEY)


def test_reordered_chunks_are_detected(tmp_path: Path) -> None:
    dst = _encrypt(tmp_path, _data(3 * CHUNK_SIZE + 1))
    raw = dst.read_bytes()
    stride = CHUNK_SIZE + TAG_SIZE
    c = [raw[HEADER_SIZE + i * stride:HEADER_SIZE + (i + 1) * stride] for i in range(3)]
    dst.write_bytes(raw[:HEADER_SIZE] + c[1] + c[0] + c[2] + raw[HEADER_SIZE + 3 * stride:])
    with chunked.EncryptedReader(dst, KEY) as reader, pytest.raises(
            errors.DamagedEncryptedFileError, match="part 1 of 4"):
        reader.read(10)


def test_chunks_swapped_between_files_are_detected(tmp_path: Path) -> None:
    a = _encrypt(tmp_path, _data(2 * CHUNK_SIZE, seed=1), "a.enc")
    b = _encrypt(tmp_path, _data(2 * CHUNK_SIZE, seed=2), "b.enc")
    stride = CHUNK_SIZE + TAG_SIZE
    raw_a, raw_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(raw_a[:HEADER_SIZE] + raw_b[HEADER_SIZE:HEADER_SIZE + stride]
                  + raw_a[HEADER_SIZE + stride:])
    with chunked.EncryptedReader(a, KEY) as reader, pytest.raises(
            errors.DamagedEncryptedFileError):
        reader.read(10)
    # the last chunk of one file cannot end another either
    a.write_bytes(raw_a[:HEADER_SIZE + stride] + raw_b[HEADER_SIZE + stride:])
    with chunked.EncryptedReader(a, KEY) as reader:
        reader.seek(CHUNK_SIZE)
        with pytest.raises(errors.DamagedEncryptedFileError):
            reader.read(10)


def test_whole_derived_file_swapped_for_another_role_is_refused(tmp_path: Path) -> None:
    chunked.encrypt_bytes(b"thumbs", tmp_path / "t", KEY, context=b"thumbs:aaa")
    chunked.encrypt_bytes(b"thumbs of another", tmp_path / "u", KEY, context=b"thumbs:bbb")
    os.replace(tmp_path / "u", tmp_path / "t")
    with pytest.raises(errors.MediaKeyError):
        chunked.read_all(tmp_path / "t", KEY, context=b"thumbs:aaa")


def test_every_file_gets_a_fresh_id(tmp_path: Path) -> None:
    data = _data(100)
    a = _encrypt(tmp_path, data, "a.enc")
    b = _encrypt(tmp_path, data, "b.enc")
    assert a.read_bytes()[HEADER_SIZE:] != b.read_bytes()[HEADER_SIZE:]


def test_cancel_leaves_nothing_and_keeps_the_old_file(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.write_bytes(_data(40 * CHUNK_SIZE))
    dst = tmp_path / "dst.enc"
    chunked.encrypt_bytes(b"old", dst, KEY)
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 2

    assert chunked.encrypt_file(src, dst, KEY, cancel=cancel) is False
    assert chunked.read_all(dst, KEY) == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dst.enc", "src"]


def test_progress_reaches_the_total(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.write_bytes(_data(3 * 1024 * 1024))
    seen: list[tuple[int, int]] = []
    chunked.encrypt_file(src, tmp_path / "d", KEY, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (3 * 1024 * 1024, 3 * 1024 * 1024)


def test_leftover_of_a_killed_writer_is_swept(tmp_path: Path) -> None:
    """A writer killed mid-file leaves only a temporary name (never a half file under the
    final name); the sweep removes it."""
    import subprocess
    import sys

    script = (
        "import sys, os, signal\n"
        "from vigstudio.crypto import chunked\n"
        "with chunked.write_atomic(sys.argv[1], bytes(32)) as w:\n"
        "    w.write(b'x' * 300000)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(chunked.__file__).resolve().parents[2])
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "final.enc")], env=env,
                   check=False)
    left = list(tmp_path.iterdir())
    assert not (tmp_path / "final.enc").exists()
    assert len(left) == 1 and left[0].name.startswith(".final.enc.vigtmp-")
    assert chunked.sweep_partial(tmp_path) == left
    assert not list(tmp_path.iterdir())
