"""Bad notes files in the corpus folder: binary, empty, blank, of another type, and notes saved in
GBK or UTF-16 with or without a byte-order mark. ``egov-qa ingest`` skips the unreadable ones
with a line naming each (Chinese and English) and builds from the rest, every encoding read right."""

from __future__ import annotations

import codecs
import random

import pytest

from egov_qa.ingest.loading import UnreadableFile, decode_bytes
from helpers import JIE_NOTES, LECTURE_NOTES

pytestmark = pytest.mark.slow

# Notes with line breaks and digits (ASCII: the NUL bytes of UTF-16), and notes with almost none,
# whose only NUL bytes are those of characters such as 一 (U+4E00).
DENSE = "第一章电子政务概述一、电子政务的含义电子政务是政府机构运用现代网络通信与计算机技术进行管理和服务。" * 40
SAMPLES = {"lines": JIE_NOTES, "dense": DENSE}
ENCODINGS = {
    "gbk": ("gbk", b""),
    "gb18030": ("gb18030", b""),
    "utf-16-le-bom": ("utf-16-le", codecs.BOM_UTF16_LE),
    "utf-16-be-bom": ("utf-16-be", codecs.BOM_UTF16_BE),
    "utf-16-le": ("utf-16-le", b""),
    "utf-16-be": ("utf-16-be", b""),
    "utf-8-bom": ("utf-8", codecs.BOM_UTF8),
}


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("saved_as", ENCODINGS)
def test_notes_in_any_common_encoding_are_read_as_written(sample, saved_as):
    encoding, bom = ENCODINGS[saved_as]
    text = SAMPLES[sample]
    decoded, _ = decode_bytes(bom + text.encode(encoding), "notes.txt")
    assert decoded.lstrip("\ufeff") == text


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + random.Random(1).randbytes(4000),
        bytes(2000),
        b"\x00\x00" + random.Random(2).randbytes(4094),  # even length, NUL-led: a UTF-16 look-alike
    ],
    ids=["png", "pdf", "zeros", "random"],
)
def test_binary_bytes_are_not_taken_for_text(data):
    with pytest.raises(UnreadableFile, match="notes.txt：看起来是二进制文件，不是文本 / looks like a binary file"):
        decode_bytes(data, "notes.txt")


def test_ingest_skips_bad_files_by_name_and_builds_from_the_rest(tmp_path, cli):
    from egov_qa.config import Settings
    from egov_qa.index.store import open_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "jie-gbk.txt").write_bytes(JIE_NOTES.encode("gbk"))
    (corpus / "lecture-utf16.txt").write_bytes(LECTURE_NOTES.encode("utf-16-le"))  # no BOM
    (corpus / "dense-utf16be.md").write_bytes(DENSE[: len(DENSE) // 40].encode("utf-16-be"))  # no BOM
    (corpus / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(3).randbytes(3000))
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blank.md").write_text(" \n\n\t\n", encoding="utf-8")
    (corpus / "slides.pdf").write_bytes(b"%PDF-1.7\n")

    done = cli("ingest")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    for line in [
        "已跳过 / skipped scan.txt：看起来是二进制文件，不是文本 / looks like a binary file, not text",
        "已跳过 / skipped empty.txt：文件是空的 / the file is empty",
        "已跳过 / skipped blank.md：文件是空的 / the file is empty",
        "已跳过 / skipped slides.pdf：不支持的文件类型 / unsupported file type '.pdf'",
    ]:
        assert line in done.stderr, done.stderr
    assert "已建立索引 / index built" in done.stdout

    notes = open_index(Settings(auto_ingest=False), progress=False).notes
    assert sorted(o.source for o in notes.outlines) == ["dense-utf16be.md", "jie-gbk.txt", "lecture-utf16.txt"]

    def text_of(source: str) -> str:
        return "".join(c.text for c in notes.chunks if c.source == source)

    assert "行政是国家行政机关依法管理国家事务的活动" in text_of("jie-gbk.txt")
    assert "公共政策是政府的行动方案" in text_of("lecture-utf16.txt")
    assert "电子政务是政府机构运用现代网络通信" in text_of("dense-utf16be.md")
