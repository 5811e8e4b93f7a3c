"""The clinic poster, checked the way a person uses it: a camera reads the QR code.

The PNG is always decoded. The PDF is rendered to an image with poppler's
`pdftoppm` (as a printer would rasterise it) when that tool is installed.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from bot.clinics.cli import main
from bot.clinics.poster import poster_content, poster_pdf, poster_png, write_poster
from locales import translations

LINK = "https://t.me/ZelfhulpwijzerBot?start=voorbeeldkliniek-utrecht_sn_ro_pk_g2745912"
LONGEST_LINK = "https://t.me/" + "Z" * 32 + "?start=" + "k" * 64
CLINIC_NAME = "Voorbeeldkliniek Utrecht"


def qr_texts(image: Image.Image) -> list[str]:
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_png_poster_qr_code_reads_back_as_the_link(language: str, tmp_path: Path) -> None:
    out = tmp_path / "poster.png"
    assert write_poster(out, LINK, CLINIC_NAME, language) == [out]
    image = Image.open(out)
    assert image.size == (1240, 1754)  # A4 at 150 dpi
    assert qr_texts(image) == [LINK]


def test_longest_possible_link_still_reads_back_from_a_small_image() -> None:
    """A phone photographing a poster across the room sees it at a fraction of its size."""
    image = Image.open(io.BytesIO(poster_png(LONGEST_LINK, CLINIC_NAME, "nl")))
    small = image.resize((image.width // 3, image.height // 3), Image.Resampling.LANCZOS)
    assert qr_texts(small) == [LONGEST_LINK]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
@pytest.mark.parametrize("language", ["nl", "en"])
def test_pdf_poster_printed_is_a4_and_its_qr_code_reads_back(language: str, tmp_path: Path) -> None:
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(poster_pdf(LINK, CLINIC_NAME, language))
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=60
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1
    page = Image.open(pages[0])
    width, height = page.size  # 210 x 297 mm at 100 dpi, give or take a rounded pixel
    assert (abs(width - 827), abs(height - 1169)) <= (1, 1)
    assert qr_texts(page) == [LINK]


def test_pdf_poster_embeds_its_fonts_and_speaks_the_language() -> None:
    pdf = poster_pdf(LINK, "Café ’t Hoekje – Zorg", "nl")
    assert pdf.startswith(b"%PDF-")
    assert b"/FontFile2" in pdf  # embedded, so every printer prints the same letters
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
        ).stdout.decode()
        assert "Je hoeft het niet alleen te doen" in text
        assert "Café ’t Hoekje – Zorg" in text
        assert LINK in text.replace("\n", "")


def test_english_poster_says_it_in_english() -> None:
    nl, en = poster_content(LINK, CLINIC_NAME, "nl"), poster_content(LINK, CLINIC_NAME, "en")
    assert nl.headline == "Je hoeft het niet alleen te doen"
    assert en.headline != nl.headline and en.headline.isascii()
    for dutch, english in zip(
        (nl.kicker, nl.headline, *nl.points, nl.scan_hint, nl.link_label, nl.clinic_line,
         *nl.footer),
        (en.kicker, en.headline, *en.points, en.scan_hint, en.link_label, en.clinic_line,
         *en.footer),
        strict=True,
    ):  # fmt: skip
        assert translations("en").gettext(dutch) == english != dutch
    assert "112" in " ".join(en.footer) and "112" in " ".join(nl.footer)


def test_poster_cli_writes_pdf_and_png_in_the_clinics_language(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["poster", "sample-clinic-amsterdam-english", "--problem", "alcohol",
         "--bot-username", "ZelfhulpwijzerBot", "--out", str(tmp_path / "poster"),
         "--data-dir", str(tmp_path)],
        environ={}, stdout=out, stderr=err,
    )  # fmt: skip
    assert code == 0, err.getvalue()
    pdf, png = tmp_path / "poster.pdf", tmp_path / "poster.png"
    assert f"wrote {pdf}" in out.getvalue() and f"wrote {png}" in out.getvalue()
    link = "https://t.me/ZelfhulpwijzerBot?start=sample-clinic-amsterdam-english_pa"
    assert f"link: {link}" in out.getvalue()
    assert qr_texts(Image.open(png)) == [link]
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_poster_cli_refuses_an_unknown_clinic_without_writing(tmp_path: Path) -> None:
    err = io.StringIO()
    code = main(
        ["poster", "geen-kliniek", "--bot-username", "ZelfhulpwijzerBot",
         "--out", str(tmp_path / "poster.pdf"), "--data-dir", str(tmp_path)],
        environ={}, stdout=io.StringIO(), stderr=err,
    )  # fmt: skip
    assert code == 1 and "geen-kliniek" in err.getvalue()
    assert not list(tmp_path.glob("poster*"))
