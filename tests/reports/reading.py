"""Reading the rendered files back as a person's software would: tables out of the HTML, the
Word file and the workbook, text out of the PDF. The PDF reader is a small one of our own
(no poppler on the machines): it follows the page tree, decompresses the content streams and
maps each glyph back to its character through the fonts' ToUnicode tables."""

import io
import re
import zlib

import lxml.html
from docx import Document as WordDocument
from docx.oxml.ns import qn
from openpyxl import load_workbook

from reports.document import display


def normal(text: str) -> str:
    """Whitespace (no-break spaces included) collapsed; no space after a hyphen at a line end."""
    return re.sub(r"-\s+", "-", " ".join(str(text).split()))


# HTML -------------------------------------------------------------------------------------


def html_tables(html: str) -> dict[str, list[list[str]]]:
    """Tables by key (id "t-<key>"): the heading row, then each body row, as cell texts."""
    tree = lxml.html.fromstring(html)
    tables = {}
    for table in tree.iter("table"):
        key = (table.get("id") or "").removeprefix("t-")
        rows = [
            [normal(cell.text_content()) for cell in row.iter("th", "td")]
            for row in table.iter("tr")
        ]
        tables[key] = rows
    return tables


# Word -------------------------------------------------------------------------------------


def docx_tables(content: bytes) -> list[tuple[str, list[list[str]]]]:
    """(caption, rows) for every table, in order; the caption is the paragraph before it."""
    word = WordDocument(io.BytesIO(content))
    found, caption = [], ""
    for element in word.element.body.iterchildren():
        if element.tag == qn("w:p"):
            text = "".join(t.text or "" for t in element.iter(qn("w:t")))
            if text.strip():
                caption = text
        elif element.tag == qn("w:tbl"):
            rows = []
            for row in element.iter(qn("w:tr")):
                rows.append(
                    [
                        normal("".join(t.text or "" for t in cell.iter(qn("w:t"))))
                        for cell in row.iter(qn("w:tc"))
                    ]
                )
            found.append((normal(caption), rows))
    return found


def docx_headings(content: bytes) -> list[tuple[str, str]]:
    word = WordDocument(io.BytesIO(content))
    return [
        (p.style.name, p.text)
        for p in word.paragraphs
        if p.style.name.startswith(("Heading", "Title"))
    ]


# Excel ------------------------------------------------------------------------------------


def xlsx_tables(content: bytes, language: str = "sv") -> dict[str, list[list[str]]]:
    """Every sheet with a table, by the caption in A1: the heading row (row 3) and the rows
    under it, numbers written as the other formats write them."""
    workbook = load_workbook(io.BytesIO(content), data_only=False)
    tables = {}
    for sheet in workbook.worksheets[1:]:
        caption = sheet.cell(1, 1).value
        rows = []
        for row in sheet.iter_rows(min_row=3):
            if all(cell.value is None for cell in row):
                break
            rows.append([_cell_text(cell, language) for cell in row])
        tables[normal(caption or "")] = rows
    return tables


def _cell_text(cell, language: str) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, int | float) and cell.number_format == "0.0":
        value = float(value)  # a decimal number is stored as 38 when it is 38.0
    return normal(display(value, language))


def xlsx_formulas(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content), data_only=False)
    return [
        cell.coordinate
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


# PDF --------------------------------------------------------------------------------------

OBJECT = re.compile(rb"(\d+)\s+0\s+obj\b")


def pdf_objects(content: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number -> (dictionary, decoded stream or None), object streams unpacked."""
    objects: dict[int, tuple[bytes, bytes | None]] = {}
    position = 0
    while match := OBJECT.search(content, position):
        start = match.end()
        stream_at = content.find(b"stream", start)
        end_at = content.find(b"endobj", start)
        if stream_at != -1 and stream_at < end_at:
            dictionary = content[start:stream_at]
            length = int(re.search(rb"/Length\s+(\d+)", dictionary)[1])
            data_start = stream_at + len(b"stream")
            data_start += 2 if content[data_start : data_start + 2] == b"\r\n" else 1
            data = content[data_start : data_start + length]
            if b"/FlateDecode" in dictionary:
                data = zlib.decompress(data)
            objects[int(match[1])] = (dictionary, data)
            position = content.find(b"endobj", data_start + length) + 6
        else:
            objects[int(match[1])] = (content[start:end_at], None)
            position = end_at + 6
    for dictionary, data in list(objects.values()):
        if data is not None and b"/ObjStm" in dictionary:
            count = int(re.search(rb"/N\s+(\d+)", dictionary)[1])
            first = int(re.search(rb"/First\s+(\d+)", dictionary)[1])
            header = [int(n) for n in data[:first].split()]
            pairs = list(zip(header[0::2], header[1::2], strict=True))[:count]
            for index, (number, offset) in enumerate(pairs):
                end = pairs[index + 1][1] if index + 1 < len(pairs) else len(data) - first
                objects[number] = (data[first + offset : first + end], None)
    return objects


def pdf_catalog(content: bytes) -> bytes:
    for dictionary, _data in pdf_objects(content).values():
        if re.search(rb"/Type\s*/Catalog", dictionary):
            return dictionary
    raise AssertionError("The PDF has no catalog.")


def _cmap(data: bytes) -> dict[int, str]:
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for source, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(source, 16)] = bytes.fromhex(target.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, target in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            base = int(target, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(base + offset)
    return mapping


def _reference(dictionary: bytes, key: bytes) -> list[int]:
    match = re.search(rb"/" + key + rb"\s*(\[[^\]]*\]|\d+\s+0\s+R)", dictionary)
    return [int(n) for n in re.findall(rb"(\d+)\s+0\s+R", match[1])] if match else []


TEXT = re.compile(
    rb"/(?P<font>[A-Za-z0-9+_.-]+)\s+[-\d.]+\s+Tf"
    rb"|\[(?P<array>[^\]]*)\]\s*TJ"
    rb"|<(?P<hex>[0-9A-Fa-f]*)>\s*Tj"
)


def pdf_text_runs(content: bytes) -> list[str]:
    """The text of every text-showing operation, page by page in drawing order."""
    return [run for page in pdf_page_runs(content) for run in page]


def pdf_page_texts(content: bytes) -> list[str]:
    """The text of each page, in page order."""
    return [normal(" ".join(runs)) for runs in pdf_page_runs(content)]


def pdf_page_runs(content: bytes) -> list[list[str]]:
    """The text of every text-showing operation, for each page in drawing order."""
    objects = pdf_objects(content)
    fonts: dict[bytes, dict[int, str]] = {}
    blocks = []
    for dictionary, _data in objects.values():
        blocks += re.findall(rb"/Font\s*<<(.*?)>>", dictionary, re.S)
        blocks += [objects[int(n)][0] for n in re.findall(rb"/Font\s+(\d+)\s+0\s+R", dictionary)]
    for block in blocks:
        if True:
            for name, number in re.findall(rb"/([A-Za-z0-9+_.-]+)\s+(\d+)\s+0\s+R", block):
                font = objects.get(int(number), (b"", None))[0]
                cmap = _reference(font, b"ToUnicode")
                if cmap:
                    fonts[name] = _cmap(objects[cmap[0]][1])
    catalog = pdf_catalog(content)
    pages, pending = [], _reference(catalog, b"Pages")
    while pending:
        number = pending.pop(0)
        dictionary = objects[number][0]
        if re.search(rb"/Type\s*/Pages", dictionary):
            pending = _reference(dictionary, b"Kids") + pending
        else:
            pages.append(dictionary)
    by_page = []
    for page in pages:
        runs: list[str] = []
        by_page.append(runs)
        data = b"".join(objects[n][1] or b"" for n in _reference(page, b"Contents"))
        cmap: dict[int, str] = {}
        for token in TEXT.finditer(data):
            if token["font"]:
                cmap = fonts.get(token["font"], {})
                continue
            hexes = (
                re.findall(rb"<([0-9A-Fa-f]*)>", token["array"])
                if token["array"]
                else [token["hex"]]
            )
            text = ""
            for chunk in hexes:
                codes = bytes.fromhex(chunk.decode())
                for i in range(0, len(codes) - 1, 2):
                    text += cmap.get(int.from_bytes(codes[i : i + 2], "big"), "")
            runs.append(text)
    return by_page


def pdf_text(content: bytes) -> str:
    return normal(" ".join(pdf_text_runs(content)))
