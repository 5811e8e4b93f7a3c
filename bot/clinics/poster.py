"""A printable A4 poster (PDF) and a screen image (PNG) with the clinic's QR code.

The poster is drawn once, in millimetres, by `draw_poster` onto a small
`Canvas` interface; `PdfCanvas` (fpdf2, vector) and `PngCanvas` (Pillow,
150 dpi) carry it out. One layout for both means the printed poster and the
image shown on a waiting-room screen say and look the same.

Fonts: Open Sans (Regular and Bold, from the `ttf-opensans` package) in
both files, embedded (subset) in the PDF, so that nothing depends on fonts
installed on the machine or the printer, and any accent in a clinic's name
prints as written.

Every word a client reads comes through gettext (msgids are Dutch).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

import segno
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from ttf_opensans import opensans

from locales import translations

PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
PNG_DPI = 150
MARGIN_MM = 18.0
QR_SIZE_MM = 100.0
"""Large enough to scan from a metre away, small enough to leave room for the words."""
QR_BORDER_MODULES = 4
"""The quiet zone the QR standard asks for; cameras need it to find the code."""

Color = tuple[int, int, int]
INK: Color = (33, 37, 41)
SOFT_INK: Color = (88, 96, 105)
ACCENT: Color = (23, 102, 98)
ACCENT_LIGHT: Color = (226, 241, 239)
WHITE: Color = (255, 255, 255)
PT_TO_MM = 25.4 / 72
FONT_FILES = {False: opensans(font_weight=400).path, True: opensans(font_weight=700).path}
"""Open Sans by weight: bold or not."""
BASELINE_EM = 0.8
"""Where a line's baseline sits below its top, in ems; both canvases place text by baseline."""


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"


@dataclass(frozen=True, slots=True)
class PosterContent:
    """Everything the poster says, already translated."""

    kicker: str
    headline: str
    points: tuple[str, ...]
    scan_hint: str
    link_label: str
    link: str
    clinic_line: str
    clinic_name: str
    footer: tuple[str, ...]


def poster_content(link: str, clinic_name: str, language: str) -> PosterContent:
    """The poster's words in `language` ("nl" or "en")."""
    translation = translations(language)
    _ = translation.gettext
    return PosterContent(
        kicker=_("Zelfhulp bij verslaving"),
        headline=_("Je hoeft het niet alleen te doen"),
        points=(
            _("Gratis en anoniem: we vragen nooit je naam."),
            _("Vind een groep bij jou in de buurt en zie wanneer die weer samenkomt."),
            _("Voor jezelf, of voor iemand om wie je geeft."),
        ),
        scan_hint=_("Scan de code met de camera van je telefoon"),
        link_label=_("of open deze link:"),
        link=link,
        clinic_line=_("Aangeraden door"),
        clinic_name=clinic_name,
        footer=(
            _("Zelfhulpwijzer: een gratis wegwijzer in Telegram naar zelfhulpgroepen."),
            _("Geen hulpdienst. Bij acuut gevaar: bel 112."),
        ),
    )


class Canvas(Protocol):
    """What `draw_poster` needs from a surface; all positions in millimetres from top-left."""

    def rect(self, x: float, y: float, w: float, h: float, color: Color) -> None: ...

    def text_width(self, text: str, size_pt: float, bold: bool) -> float: ...

    def text_line(
        self, x: float, y: float, text: str, size_pt: float, bold: bool, color: Color
    ) -> None: ...

    def qr(self, x: float, y: float, size: float, code: segno.QRCode) -> None: ...


@dataclass(frozen=True, slots=True)
class Style:
    """How a paragraph looks: size in points, weight, colour, alignment, line spacing."""

    size_pt: float
    bold: bool = False
    color: Color = INK
    align: Align = Align.LEFT
    leading: float = 1.3
    break_anywhere: bool = False  # for a link: it has no spaces to break at

    @property
    def line_height(self) -> float:
        return self.size_pt * PT_TO_MM * self.leading


KICKER = Style(12, bold=True, color=ACCENT_LIGHT)
HEADLINE = Style(31, bold=True, color=WHITE, leading=1.15)
POINT = Style(14)
SCAN_HINT = Style(16, bold=True, color=ACCENT, align=Align.CENTER)
SMALL_CENTERED = Style(10, color=SOFT_INK, align=Align.CENTER)
LINK = Style(10, align=Align.CENTER, break_anywhere=True)
CLINIC = Style(15, bold=True, align=Align.CENTER)
FOOTER = Style(9.5, color=SOFT_INK, align=Align.CENTER)


def draw_poster(canvas: Canvas, content: PosterContent, code: segno.QRCode) -> None:
    """Lay the poster out on `canvas`: band with headline, promises, QR code, link, clinic, footer.

    The top flows downwards (a headline may take two lines in another
    language); the footer is fixed to the bottom edge.
    """
    inner = PAGE_WIDTH_MM - 2 * MARGIN_MM

    headline_top = 30.0
    band_height = headline_top + _height(canvas, content.headline, inner, HEADLINE) + 12
    canvas.rect(0, 0, PAGE_WIDTH_MM, band_height, ACCENT)
    _paragraph(canvas, content.kicker.upper(), MARGIN_MM, 16, inner, KICKER)
    _paragraph(canvas, content.headline, MARGIN_MM, headline_top, inner, HEADLINE)

    y = band_height + 11
    bullet_mm = 3.0
    for point in content.points:
        canvas.rect(MARGIN_MM + 0.5, y + 1.2, bullet_mm, bullet_mm, ACCENT)
        y = _paragraph(canvas, point, MARGIN_MM + 8, y, inner - 8, POINT) + 2.0

    pad = 6.0
    qr_left = (PAGE_WIDTH_MM - QR_SIZE_MM) / 2
    qr_top = y + 8 + pad
    canvas.rect(
        qr_left - pad, qr_top - pad, QR_SIZE_MM + 2 * pad, QR_SIZE_MM + 2 * pad, ACCENT_LIGHT
    )
    canvas.qr(qr_left, qr_top, QR_SIZE_MM, code)
    y = qr_top + QR_SIZE_MM + pad + 5

    y = _paragraph(canvas, content.scan_hint, MARGIN_MM, y, inner, SCAN_HINT)
    y = _paragraph(canvas, content.link_label, MARGIN_MM, y + 1.5, inner, SMALL_CENTERED)
    y = _paragraph(canvas, content.link, MARGIN_MM, y, inner, LINK)
    y = _paragraph(canvas, content.clinic_line, MARGIN_MM, y + 6, inner, SMALL_CENTERED)
    _paragraph(canvas, content.clinic_name, MARGIN_MM, y, inner, CLINIC)

    footer_height = 22.0
    footer_top = PAGE_HEIGHT_MM - footer_height
    canvas.rect(0, footer_top, PAGE_WIDTH_MM, footer_height, ACCENT_LIGHT)
    y = footer_top + 6
    for line in content.footer:
        y = _paragraph(canvas, line, MARGIN_MM, y, inner, FOOTER)


def _lines(canvas: Canvas, text: str, width: float, style: Style) -> list[str]:
    measure = lambda part: canvas.text_width(part, style.size_pt, style.bold)  # noqa: E731
    return wrap(text, width, measure, style.break_anywhere)


def _height(canvas: Canvas, text: str, width: float, style: Style) -> float:
    """The height `_paragraph` will take for `text`."""
    return len(_lines(canvas, text, width, style)) * style.line_height


def _paragraph(canvas: Canvas, text: str, x: float, y: float, width: float, style: Style) -> float:
    """Draw `text` wrapped to `width`; return the y just below it."""
    for line in _lines(canvas, text, width, style):
        left = x
        if style.align is Align.CENTER:
            left += (width - canvas.text_width(line, style.size_pt, style.bold)) / 2
        canvas.text_line(left, y, line, style.size_pt, style.bold, style.color)
        y += style.line_height
    return y


def wrap(
    text: str, width: float, measure: Callable[[str], float], break_anywhere: bool = False
) -> list[str]:
    """Greedy word wrap; a word wider than the line (a URL) is cut between characters."""
    units = list(text) if break_anywhere else text.split()
    joiner = "" if break_anywhere else " "
    lines: list[str] = []
    current = ""
    for unit in units:
        candidate = f"{current}{joiner}{unit}" if current else unit
        if measure(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = unit
        while measure(current) > width and len(current) > 1:
            cut = next(i for i in range(len(current), 0, -1) if measure(current[:i]) <= width)
            lines.append(current[: max(cut, 1)])
            current = current[max(cut, 1) :]
    if current:
        lines.append(current)
    return lines


def _dark_runs(code: segno.QRCode) -> Iterator[tuple[int, int, int]]:
    """(row, first column, length) of each horizontal run of dark modules, without border."""
    for row_index, row in enumerate(code.matrix):
        start = None
        for col, value in enumerate([*row, 0]):
            if value and start is None:
                start = col
            elif not value and start is not None:
                yield row_index, start, col - start
                start = None


class PdfCanvas:
    """fpdf2 in millimetres; the QR code is drawn as vector rectangles, sharp at any print size."""

    def __init__(self, title: str, language: str) -> None:
        self.pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(0, 0, 0)
        self.pdf.set_title(title)
        self.pdf.set_lang(language)
        self.pdf.set_creator("Zelfhulpwijzer")
        for bold, path in FONT_FILES.items():
            self.pdf.add_font("opensans", "B" if bold else "", str(path))
        self.pdf.add_page()

    def _font(self, size_pt: float, bold: bool) -> None:
        self.pdf.set_font("opensans", "B" if bold else "", size_pt)

    def rect(self, x: float, y: float, w: float, h: float, color: Color) -> None:
        self.pdf.set_fill_color(*color)
        self.pdf.rect(x, y, w, h, style="F")

    def text_width(self, text: str, size_pt: float, bold: bool) -> float:
        self._font(size_pt, bold)
        return self.pdf.get_string_width(text)

    def text_line(
        self, x: float, y: float, text: str, size_pt: float, bold: bool, color: Color
    ) -> None:
        self._font(size_pt, bold)
        self.pdf.set_text_color(*color)
        self.pdf.text(x, y + size_pt * PT_TO_MM * BASELINE_EM, text)

    def qr(self, x: float, y: float, size: float, code: segno.QRCode) -> None:
        modules = code.symbol_size(border=0)[0]
        quiet = QR_BORDER_MODULES * size / (modules + 2 * QR_BORDER_MODULES)
        self.rect(x, y, size, size, WHITE)
        module = (size - 2 * quiet) / modules
        self.pdf.set_fill_color(*INK)
        for row, col, length in _dark_runs(code):
            self.pdf.rect(
                x + quiet + col * module,
                y + quiet + row * module,
                length * module,
                module,
                style="F",
            )

    def to_bytes(self) -> bytes:
        return bytes(self.pdf.output())


class PngCanvas:
    """Pillow at `PNG_DPI`; the QR code snaps to whole pixels per module so edges stay crisp."""

    def __init__(self) -> None:
        self.px_per_mm = PNG_DPI / 25.4
        size = (round(PAGE_WIDTH_MM * self.px_per_mm), round(PAGE_HEIGHT_MM * self.px_per_mm))
        self.image = Image.new("RGB", size, WHITE)
        self.draw = ImageDraw.Draw(self.image)
        self._fonts: dict[tuple[int, bool], ImageFont.FreeTypeFont] = {}

    def _px(self, mm: float) -> int:
        return round(mm * self.px_per_mm)

    def _font(self, size_pt: float, bold: bool) -> ImageFont.FreeTypeFont:
        key = (round(size_pt * PT_TO_MM * self.px_per_mm), bold)
        if key not in self._fonts:
            self._fonts[key] = ImageFont.truetype(FONT_FILES[bold], size=key[0])
        return self._fonts[key]

    def rect(self, x: float, y: float, w: float, h: float, color: Color) -> None:
        self.draw.rectangle(
            (self._px(x), self._px(y), self._px(x + w) - 1, self._px(y + h) - 1), fill=color
        )

    def text_width(self, text: str, size_pt: float, bold: bool) -> float:
        return self.draw.textlength(text, font=self._font(size_pt, bold)) / self.px_per_mm

    def text_line(
        self, x: float, y: float, text: str, size_pt: float, bold: bool, color: Color
    ) -> None:
        baseline = self._px(y + size_pt * PT_TO_MM * BASELINE_EM)
        font = self._font(size_pt, bold)
        self.draw.text((self._px(x), baseline), text, font=font, fill=color, anchor="ls")

    def qr(self, x: float, y: float, size: float, code: segno.QRCode) -> None:
        modules = code.symbol_size(border=0)[0]
        size_px = self._px(size)
        module_px = size_px // (modules + 2 * QR_BORDER_MODULES)
        left = self._px(x) + (size_px - module_px * modules) // 2
        top = self._px(y) + (size_px - module_px * modules) // 2
        self.draw.rectangle(
            (self._px(x), self._px(y), self._px(x) + size_px - 1, self._px(y) + size_px - 1),
            fill=WHITE,
        )
        for row, col, length in _dark_runs(code):
            self.draw.rectangle(
                (
                    left + col * module_px,
                    top + row * module_px,
                    left + (col + length) * module_px - 1,
                    top + (row + 1) * module_px - 1,
                ),
                fill=INK,
            )

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.image.save(buffer, format="PNG", optimize=True, dpi=(PNG_DPI, PNG_DPI))
        return buffer.getvalue()


def qr_code(link: str) -> segno.QRCode:
    """The link as a QR code; error correction raised as far as the size allows (survives wear)."""
    return segno.make(link, error="m", boost_error=True, micro=False)


def poster_pdf(link: str, clinic_name: str, language: str) -> bytes:
    """The A4 poster as PDF bytes."""
    content = poster_content(link, clinic_name, language)
    canvas = PdfCanvas(title=f"{content.headline} - {clinic_name}", language=language)
    draw_poster(canvas, content, qr_code(link))
    return canvas.to_bytes()


def poster_png(link: str, clinic_name: str, language: str) -> bytes:
    """The same poster as a PNG image (A4 at 150 dpi, 1240 x 1754 pixels)."""
    canvas = PngCanvas()
    draw_poster(canvas, poster_content(link, clinic_name, language), qr_code(link))
    return canvas.to_bytes()


def write_poster(out: Path, link: str, clinic_name: str, language: str) -> list[Path]:
    """Write the poster to `out`: its suffix (.pdf or .png) picks one; any other writes both.

    With both, `poster` or `poster.txt` become `poster.pdf` and `poster.png`.
    Returns the files written.
    """
    makers = {".pdf": poster_pdf, ".png": poster_png}
    suffix = out.suffix.lower()
    targets = [out] if suffix in makers else [out.with_suffix(".pdf"), out.with_suffix(".png")]
    for target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(makers[target.suffix.lower()](link, clinic_name, language))
    return targets
