"""The zip container of an audit bundle, checked byte for byte where its contents' digests cannot
see: every member's local header against its central directory entry, members lying end to end
from the first byte to the central directory, and the end record. A flipped byte in a date, a size
or an attribute changes no file's SHA-256, but it is still a bundle that is not as exported."""

from __future__ import annotations

import struct
import zipfile
from typing import BinaryIO

from api.bundle.report import broken

_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_CENTRAL = struct.Struct("<4sBBHHHHHIIIHHHHHII")
_CENTRAL_SIGNATURE = b"PK\x01\x02"
_END = struct.Struct("<4sHHHHIIH")
_END_SIGNATURE = b"PK\x05\x06"
_ZIP64_EXTRA = 0x0001
_DATA_DESCRIPTOR = 0x08
# What Python's zipfile writes for a member (`open(name, "w")` or `writestr(name, ...)`), and the
# systems it records: 3 (Unix) or 0 (Windows).
_EXTERNAL_ATTRS = {0, 0o600 << 16}
_SYSTEMS = {0, 3}


def check_container(zf: zipfile.ZipFile, fp: BinaryIO) -> None:
    """Raise `Broken` at the first byte of the container that is not as the exporter wrote it."""
    if zf.comment:
        raise broken("container", "(zip)", "the archive carries a comment the exporter never writes")
    offset = 0
    for info in zf.infolist():
        _check_entry(info)
        if info.header_offset != offset:
            raise broken("container", info.filename, f"starts at byte {info.header_offset}, not {offset}")
        offset = _check_local_header(info, fp)
    if offset != zf.start_dir:
        raise broken("container", "(zip)", f"{zf.start_dir - offset} bytes lie between the members and the directory")
    fp.seek(zf.start_dir)
    for info in zf.infolist():
        _check_directory_entry(info, fp)
    fp.seek(0, 2)
    if fp.tell() - _END.size != zf.start_dir + _directory_length(zf):
        raise broken("container", "(zip)", "the directory's length differs from its entries'")
    _check_end_record(fp, len(zf.infolist()))


def _directory_length(zf: zipfile.ZipFile) -> int:
    return sum(_CENTRAL.size + len(_name(i)) + len(i.extra) + len(i.comment) for i in zf.infolist())


def _name(info: zipfile.ZipInfo) -> bytes:
    return info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")


def _check_directory_entry(info: zipfile.ZipInfo, fp: BinaryIO) -> None:
    """The directory entry as stored, field by field, against what the zip module read from it (it
    tolerates lengths that overrun the directory and ignores reserved bytes)."""
    fields = _CENTRAL.unpack(fp.read(_CENTRAL.size))
    name, extra, comment = fp.read(fields[11]), fp.read(fields[12]), fp.read(fields[13])
    if (
        fields[0] != _CENTRAL_SIGNATURE
        or fields[4] != 0
        or (name, extra, comment) != (_name(info), info.extra, info.comment)
    ):
        raise broken("container", info.filename, "the directory entry is malformed")


def _check_entry(info: zipfile.ZipInfo) -> None:
    odd = []
    if info.create_system not in _SYSTEMS or info.create_version != info.extract_version or info.reserved:
        odd.append("version made by")
    if info.external_attr not in _EXTERNAL_ATTRS or info.internal_attr or info.volume:
        odd.append("attributes")
    if info.comment or info.flag_bits & ~_DATA_DESCRIPTOR:
        odd.append("flags or comment")
    if odd:
        raise broken("container", info.filename, f"the directory entry's {', '.join(odd)} differ from the exporter's")


def _check_local_header(info: zipfile.ZipInfo, fp: BinaryIO) -> int:
    """Compare the member's local header with its directory entry; return where the member ends."""
    fp.seek(info.header_offset)
    head = fp.read(_LOCAL.size)
    if len(head) != _LOCAL.size:
        raise broken("container", info.filename, "the local header is cut off")
    sig, version, flags, method, time, date, crc, csize, usize, name_len, extra_len = _LOCAL.unpack(head)
    name = fp.read(name_len)
    extra = fp.read(extra_len)
    dos_time = (info.date_time[3] << 11) | (info.date_time[4] << 5) | (info.date_time[5] // 2)
    dos_date = ((info.date_time[0] - 1980) << 9) | (info.date_time[1] << 5) | info.date_time[2]
    sizes = _local_sizes(crc, csize, usize, extra, flags)
    expected = (info.extract_version, info.flag_bits, info.compress_type, dos_time, dos_date)
    if sig != _LOCAL_SIGNATURE or (version, flags, method, time, date) != expected:
        raise broken("container", info.filename, "the local header differs from the directory entry")
    if name != _name(info):
        raise broken("container", info.filename, "the local header names another file")
    if sizes is not None and sizes != (info.CRC, info.compress_size, info.file_size):
        raise broken("container", info.filename, "the local header's CRC or sizes differ from the directory entry")
    end = info.header_offset + _LOCAL.size + name_len + extra_len + info.compress_size
    return end + (_descriptor_length(fp, end) if flags & _DATA_DESCRIPTOR else 0)


def _local_sizes(crc: int, csize: int, usize: int, extra: bytes, flags: int) -> tuple[int, int, int] | None:
    """(CRC, compressed, uncompressed) as the local header states them; None after a data descriptor."""
    if flags & _DATA_DESCRIPTOR:
        return None
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        body = extra[at + 4 : at + 4 + length]
        if kind == _ZIP64_EXTRA and length == 16 and (csize, usize) == (0xFFFFFFFF, 0xFFFFFFFF):
            usize, csize = struct.unpack("<QQ", body)
        at += 4 + length
    if at != len(extra):
        return (-1, -1, -1)  # a malformed extra field never matches
    return crc, csize, usize


def _descriptor_length(fp: BinaryIO, at: int) -> int:
    fp.seek(at)
    return 16 if fp.read(4) == b"PK\x07\x08" else 12


def _check_end_record(fp: BinaryIO, members: int) -> None:
    fp.seek(-_END.size, 2)
    sig, disk, cd_disk, here, total, _size, _offset, comment = _END.unpack(fp.read(_END.size))
    if sig != _END_SIGNATURE or disk or cd_disk or comment or here != total or total not in (members, 0xFFFF):
        raise broken("container", "(zip)", "the end-of-directory record differs from the members it closes")
