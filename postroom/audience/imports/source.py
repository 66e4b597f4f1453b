"""Reading an uploaded CSV: encoding and delimiter detection, rows with their line numbers."""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from charset_normalizer import from_bytes
from django.utils.translation import gettext as _

SAMPLE_BYTES = 256 * 1024
# The header: at most this many columns, on a first line at most this long.
MAX_COLUMNS = 1000
MAX_HEADER_BYTES = 64 * 1024
# Cells longer than this are parser errors, reported per row (not a failed import).
csv.field_size_limit(1_000_000)
DELIMITERS = ",;\t"
# Encodings a spreadsheet or CRM export is likely to be in, besides UTF-8.
LEGACY_ENCODINGS = ["cp1251", "cp1252", "koi8_r", "latin_1"]


class CsvError(Exception):
    """The file as a whole cannot be read as CSV (the message says why)."""


@dataclass(frozen=True)
class CsvShape:
    encoding: str
    delimiter: str
    header: list[str]


def _detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise CsvError(_("This is not a text file."))
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        best = from_bytes(sample, cp_isolation=LEGACY_ENCODINGS).best()
        return best.encoding if best is not None else "cp1251"
    return "utf-8"


def _detect_delimiter(text: str) -> str:
    lines = text.splitlines()[:50]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _first_line_end(text: str) -> int:
    ends = [i for i in (text.find("\n"), text.find("\r")) if i >= 0]
    return min(ends) if ends else len(text)


def csv_shape_of(sample: bytes, *, whole: bool) -> CsvShape:
    """Encoding, delimiter and header from the first SAMPLE_BYTES of a file; CsvError if unreadable.

    `whole` says the sample is the entire file (else its last, cut line is dropped).
    The header is checked before anything slow runs on it: a line of tens of
    thousands of columns would hold the web thread for seconds (delimiter
    sniffing, mapping) and make a mapping page nobody can use.
    """
    if not sample.strip():
        raise CsvError(_("The file is empty."))
    encoding = _detect_encoding(sample)
    text = sample.decode(encoding, errors="replace")
    if _first_line_end(text) > MAX_HEADER_BYTES:
        raise CsvError(
            _("The first line is longer than %(kb)d KB: it must name the columns.")
            % {"kb": MAX_HEADER_BYTES // 1024}
        )
    if not whole:  # drop a line cut by the sample's end
        text = text[: max(text.rfind("\n"), text.rfind("\r"), 0)] or text
    delimiter = _detect_delimiter(text)
    try:
        # newline="": lines may end in CR alone (old Mac exports), as the rows are read.
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error as exc:
        raise CsvError(_("The first line cannot be read as CSV: %(e)s") % {"e": exc}) from exc
    if len(header) > MAX_COLUMNS:
        raise CsvError(
            _("The file has more than %(n)d columns (%(count)d).")
            % {"n": MAX_COLUMNS, "count": len(header)}
        )
    header = [h.strip() for h in header]
    if not any(header):
        raise CsvError(_("The first line must name the columns."))
    return CsvShape(encoding=encoding, delimiter=delimiter, header=header)


def csv_shape(path: Path) -> CsvShape:
    """Encoding, delimiter and header of the CSV at `path`; CsvError when unreadable."""
    with path.open("rb") as raw:
        sample = raw.read(SAMPLE_BYTES)
    return csv_shape_of(sample, whole=len(sample) < SAMPLE_BYTES)


class CsvRows:
    """Iterate `(line_number, cells)` after the header; `position` is the bytes read so far."""

    def __init__(self, path: Path, shape: CsvShape) -> None:
        self._raw: IO[bytes] = path.open("rb")
        self._text = io.TextIOWrapper(
            self._raw, encoding=shape.encoding, errors="replace", newline=""
        )
        self._reader = csv.reader(self._text, delimiter=shape.delimiter)
        self.errors: list[tuple[int, str]] = []
        next(self._reader, None)

    @property
    def position(self) -> int:
        return self._raw.tell()

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        """Rows with their line numbers; a row the CSV parser refuses is kept in `errors`."""
        reader = self._reader
        while True:
            try:
                # A row is blank when no cell has anything but whitespace; the
                # first cell usually answers without joining the others.
                for cells in reader:
                    if cells and (cells[0].strip() or "".join(cells).strip()):
                        yield reader.line_num, cells
                return
            except csv.Error as exc:  # the reader goes on with the next row
                self.errors.append((reader.line_num, str(exc)))

    def close(self) -> None:
        self._text.close()

    def __enter__(self) -> "CsvRows":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def csv_preview(path: Path, shape: CsvShape, *, rows: int = 5) -> list[list[str]]:
    with CsvRows(path, shape) as reader:
        return [cells for _, (_line, cells) in zip(range(rows), reader, strict=False)]
