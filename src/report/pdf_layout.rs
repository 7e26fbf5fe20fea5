//! A small page-layout engine over `printpdf`: measured text, wrapping, filled boxes, lines and
//! page breaks on A4, with `DejaVu Sans` (every Kazakh letter) embedded.
//!
//! Positions are in points from the top-left corner of the page; the engine turns them into
//! PDF's bottom-left coordinates when it emits operations.

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rgb, TextItem, WindingOrder,
};

use super::Error;

/// A4 width in points.
pub const PAGE_W: f32 = 595.28;
/// A4 height in points.
pub const PAGE_H: f32 = 841.89;
/// Left margin (20 mm).
pub const LEFT: f32 = 56.7;
/// Right margin (15 mm).
pub const RIGHT: f32 = 42.5;
/// Top margin.
pub const TOP: f32 = 51.0;
/// Bottom margin (page numbers sit below it).
pub const BOTTOM: f32 = 56.0;
/// The width text may take.
pub const CONTENT_W: f32 = PAGE_W - LEFT - RIGHT;

/// A loaded font with its widths.
struct Face {
    id: FontId,
    parsed: ParsedFont,
}

impl Face {
    fn width(&self, text: &str, size: f32) -> f32 {
        let units = f32::from(self.parsed.units_per_em.max(1));
        let total: u32 = text
            .chars()
            .map(|c| {
                self.parsed
                    .lookup_glyph_index(u32::from(c))
                    .and_then(|g| self.parsed.get_glyph_width(g))
                    .map_or(u32::from(self.parsed.units_per_em) / 2, u32::from)
            })
            .sum();
        #[allow(clippy::cast_precision_loss)] // widths of a line of text
        let total = total as f32;
        total / units * size
    }
}

/// Horizontal alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Flush left.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

/// An RGB colour, 0.0–1.0.
pub type Rgb3 = (f32, f32, f32);

/// Black.
pub const BLACK: Rgb3 = (0.0, 0.0, 0.0);

/// `#rrggbb` as a colour (black when malformed).
pub fn hex(colour: &str) -> Rgb3 {
    let channel = |i: usize| {
        colour
            .get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .map_or(0.0, |v| f32::from(v) / 255.0)
    };
    (channel(1), channel(3), channel(5))
}

fn colour((r, g, b): Rgb3) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

fn point(x: f32, y_from_top: f32) -> Point {
    Point {
        x: Pt(x),
        y: Pt(PAGE_H - y_from_top),
    }
}

/// The document being laid out.
pub struct Layout {
    doc: PdfDocument,
    regular: Face,
    bold: Face,
    pages: Vec<Vec<Op>>,
    /// The next free line, in points from the top.
    pub y: f32,
}

impl Layout {
    /// A document with one empty page.
    pub fn new(title: &str) -> Result<Self, Error> {
        let mut doc = PdfDocument::new(title);
        let mut warnings = Vec::new();
        let mut load = |bytes: &[u8]| -> Result<Face, Error> {
            let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings)
                .ok_or_else(|| Error::writer("pdf", "DejaVu Sans could not be parsed"))?;
            let id = doc.add_font(&parsed);
            Ok(Face { id, parsed })
        };
        let regular = load(dejavu::sans::regular())?;
        let bold = load(dejavu::sans::bold())?;
        Ok(Self {
            doc,
            regular,
            bold,
            pages: vec![Vec::new()],
            y: TOP,
        })
    }

    fn face(&self, bold: bool) -> &Face {
        if bold { &self.bold } else { &self.regular }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// The width of `text` at `size`.
    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.face(bold).width(text, size)
    }

    /// Starts a new page.
    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `height` more points fit on this one.
    pub fn ensure(&mut self, height: f32) -> bool {
        if self.y + height > PAGE_H - BOTTOM {
            self.new_page();
            true
        } else {
            false
        }
    }

    /// Draws one line of text with its baseline at `baseline` (from the top).
    pub fn text(&mut self, x: f32, baseline: f32, text: &str, size: f32, bold: bool, fill: Rgb3) {
        if text.is_empty() {
            return;
        }
        let font = PdfFontHandle::External(self.face(bold).id.clone());
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFillColor { col: colour(fill) },
            Op::SetFont {
                font,
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: point(x, baseline),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    /// Draws `text` aligned inside `[x, x + width]`.
    #[allow(clippy::too_many_arguments)] // a text box is all of these
    pub fn aligned(
        &mut self,
        x: f32,
        width: f32,
        baseline: f32,
        text: &str,
        size: f32,
        bold: bool,
        align: Align,
    ) {
        let w = self.width(text, size, bold);
        let left = match align {
            Align::Left => x,
            Align::Center => x + (width - w) / 2.0,
            Align::Right => x + width - w,
        };
        self.text(left, baseline, text, size, bold, BLACK);
    }

    /// Splits `text` into lines no wider than `width`.
    pub fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, size, bold) <= width || line.is_empty() {
                line = candidate;
            } else {
                lines.push(std::mem::take(&mut line));
                word.clone_into(&mut line);
            }
            // A single word wider than the box is cut where it overflows.
            while self.width(&line, size, bold) > width && line.chars().count() > 1 {
                let mut cut = String::new();
                for c in line.chars() {
                    if self.width(&format!("{cut}{c}"), size, bold) > width && !cut.is_empty() {
                        break;
                    }
                    cut.push(c);
                }
                let rest: String = line.chars().skip(cut.chars().count()).collect();
                lines.push(cut);
                line = rest;
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// A wrapped paragraph at the current line; moves down past it.
    pub fn paragraph(&mut self, text: &str, size: f32, bold: bool, align: Align, indent: f32) {
        let leading = size * 1.35;
        let first_width = CONTENT_W - indent;
        let lines = self.wrap(text, size, bold, first_width);
        for (i, line) in lines.iter().enumerate() {
            self.ensure(leading);
            let (x, width) = if i == 0 {
                (LEFT + indent, first_width)
            } else {
                (LEFT, CONTENT_W)
            };
            self.y += leading;
            self.aligned(x, width, self.y - size * 0.3, line, size, bold, align);
        }
    }

    /// A filled rectangle; `top` from the top of the page.
    pub fn fill(&mut self, x: f32, top: f32, width: f32, height: f32, fill: Rgb3) {
        let corners = [
            point(x, top),
            point(x + width, top),
            point(x + width, top + height),
            point(x, top + height),
        ];
        self.ops().extend([
            Op::SetFillColor { col: colour(fill) },
            Op::DrawPolygon {
                polygon: Polygon {
                    rings: vec![PolygonRing {
                        points: corners
                            .into_iter()
                            .map(|p| LinePoint { p, bezier: false })
                            .collect(),
                    }],
                    mode: PaintMode::Fill,
                    winding_order: WindingOrder::NonZero,
                },
            },
        ]);
    }

    /// A thin straight line.
    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), thickness: f32, stroke: Rgb3) {
        self.ops().extend([
            Op::SetOutlineColor {
                col: colour(stroke),
            },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: point(from.0, from.1),
                            bezier: false,
                        },
                        LinePoint {
                            p: point(to.0, to.1),
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            },
        ]);
    }

    /// Numbers the pages ("3 / 7") and returns the PDF bytes.
    pub fn finish(mut self) -> Vec<u8> {
        let count = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let mut numbered = Vec::with_capacity(count);
        for (i, ops) in pages.into_iter().enumerate() {
            self.pages = vec![ops];
            let label = format!("{} / {count}", i + 1);
            self.aligned(
                LEFT,
                CONTENT_W,
                PAGE_H - BOTTOM / 2.0,
                &label,
                8.0,
                false,
                Align::Center,
            );
            numbered.push(PdfPage::new(
                Mm(210.0),
                Mm(297.0),
                std::mem::take(&mut self.pages[0]),
            ));
        }
        self.doc
            .with_pages(numbered)
            .save(&PdfSaveOptions::default(), &mut Vec::new())
    }
}
