//! Writing laid-out pages as a PDF/A-2b file with `pdf-writer`.
//!
//! Fonts are embedded as subset TrueType CID fonts (`subsetter`), with the advance
//! widths of the font in `/W` and a ToUnicode map per font so that copying and
//! `pdftotext` give back the text. Kerning goes into `TJ` adjustments. The file
//! carries XMP metadata that repeats the document information dictionary, an sRGB
//! output intent with the embedded ICC profile, a trailer ID, and no encryption.
//! Nothing depends on the clock or on hash-map order, so the same input gives the
//! same bytes.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Timelike, Utc};
use pdf_writer::types::{CidFontType, FontFlags, OutputIntentSubtype, SystemInfo, UnicodeCmap};
use pdf_writer::{Chunk, Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::{Digest, Sha256};

use crate::LetterError;
use crate::font::{FontFace, FontFamily, Style};
use crate::geometry::{PAGE_HEIGHT, PAGE_WIDTH};
use crate::layout::Item;
use crate::letterhead::{Logo, LogoImage};

static SRGB_ICC: &[u8] = include_bytes!("../assets/sRGB.icc");

/// Document metadata, written to both the info dictionary and XMP.
#[derive(Debug, Clone)]
pub struct DocumentMeta {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub created: DateTime<Utc>,
}

const PRODUCER: &str = "Casedesk casedesk-letters";
const CREATOR: &str = "Casedesk";

struct Refs {
    next: i32,
}

impl Refs {
    fn next(&mut self) -> Ref {
        let r = Ref::new(self.next);
        self.next += 1;
        r
    }
}

fn font_resource_name(style: Style) -> Name<'static> {
    match style {
        Style::Regular => Name(b"F0"),
        Style::Bold => Name(b"F1"),
        Style::Italic => Name(b"F2"),
        Style::BoldItalic => Name(b"F3"),
    }
}

/// Glyphs a font is used with and the characters they stand for.
#[derive(Default)]
struct FontUse {
    /// Old glyph id → character, ordered for a deterministic subset.
    glyphs: BTreeMap<u16, char>,
}

/// The sRGB profile, compressed once per process.
fn srgb_profile_deflated() -> &'static [u8] {
    static ICC: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    ICC.get_or_init(|| compress(SRGB_ICC, 9))
}

/// Per-letter streams use miniz level 1: about four times faster than the default
/// level 6 and only a few per cent larger for fonts and content streams, which
/// decides whether a letter takes 1 or 3 ms.
const LEVEL: u8 = 1;

fn compress(data: &[u8], level: u8) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, level)
}

fn pdf_date(t: DateTime<Utc>) -> pdf_writer::Date {
    pdf_writer::Date::new(t.year() as u16)
        .month(t.month() as u8)
        .day(t.day() as u8)
        .hour(t.hour() as u8)
        .minute(t.minute() as u8)
        .second(t.second() as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

fn xmp_date(t: DateTime<Utc>) -> xmp_writer::DateTime {
    xmp_writer::DateTime {
        year: t.year() as u16,
        month: Some(t.month() as u8),
        day: Some(t.day() as u8),
        hour: Some(t.hour() as u8),
        minute: Some(t.minute() as u8),
        second: Some(t.second() as u8),
        timezone: Some(xmp_writer::Timezone::Utc),
    }
}

/// Six capital letters from the glyph set, as PDF subset tags are formed.
fn subset_tag(name: &str, glyphs: &[u16]) -> String {
    let mut hash = Sha256::new();
    hash.update(name.as_bytes());
    for g in glyphs {
        hash.update(g.to_be_bytes());
    }
    hash.finalize()[..6]
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

/// Writes the pages. `logo` is drawn where an [`Item::Logo`] asks for it.
pub fn write_pdf(
    pages: &[Vec<Item>],
    fonts: &FontFamily,
    logo: Option<&Logo>,
    meta: &DocumentMeta,
    subsets: crate::FontSubsets,
) -> Result<Vec<u8>, LetterError> {
    let embedded = embed_fonts(pages, fonts, subsets)?;
    let remappers: Vec<Option<&subsetter::GlyphRemapper>> = embedded
        .iter()
        .map(|e| e.as_ref().map(|f| &f.remapper))
        .collect();
    // The steps run in the order the objects appear in the file. Object numbers are
    // all handed out first, except those of the fonts' parts, which `write_font`
    // takes as it goes; both orders are part of the output, so keep them.
    let mut refs = Refs { next: 1 };
    let ids = ObjectIds::allocate(&mut refs, pages.len(), &embedded, logo);

    let mut pdf = Pdf::new();
    pdf.set_version(1, 7);
    write_pages(&mut pdf, &ids, pages, fonts, &remappers, logo);
    write_fonts(&mut pdf, &mut refs, &ids, fonts, &embedded);
    write_logo(&mut pdf, &ids, logo);
    write_output_profile(&mut pdf, ids.icc);
    let id = document_id(pages, meta);
    write_document_info(&mut pdf, ids.info, meta);
    write_xmp(&mut pdf, ids.metadata, meta, &id);
    write_catalog(&mut pdf, &ids);
    pdf.set_file_id((id.to_vec(), id.to_vec()));
    Ok(pdf.finish())
}

/// The font to embed per style (by [`Style::index`]), none for a style the pages do
/// not use.
fn embed_fonts<'f>(
    pages: &[Vec<Item>],
    fonts: &'f FontFamily,
    subsets: crate::FontSubsets,
) -> Result<Vec<Option<Cow<'f, EmbeddedFont>>>, LetterError> {
    // Which glyphs each style needs.
    let mut uses: [FontUse; 4] = Default::default();
    for page in pages {
        for item in page {
            if let Item::Text(run) = item {
                let face = fonts.face(run.style);
                let usage = &mut uses[run.style.index()];
                for c in run.text.chars() {
                    let gid = face.glyph(c);
                    usage.glyphs.entry(gid).or_insert_with(|| {
                        // A character the font lacks is shown (and extracted) as `?`.
                        if face.covers(c) { c } else { '?' }
                    });
                }
            }
        }
    }
    let mut embedded = Vec::with_capacity(4);
    for style in Style::ALL {
        let usage = &uses[style.index()];
        embedded.push(if usage.glyphs.is_empty() {
            None
        } else {
            Some(embedded_font(fonts.face(style), usage, subsets)?)
        });
    }
    Ok(embedded)
}

/// The object numbers of a letter's objects.
struct ObjectIds {
    catalog: Ref,
    page_tree: Ref,
    info: Ref,
    metadata: Ref,
    icc: Ref,
    /// Per page: the page object and its content stream.
    pages: Vec<(Ref, Ref)>,
    /// Per style (by [`Style::index`]): the Type0 font, if the style is embedded.
    fonts: Vec<Option<Ref>>,
    /// The logo's XObject: a raster image or the SVG's form.
    logo: Option<Ref>,
    /// The alpha mask of a raster logo that has one.
    logo_mask: Option<Ref>,
    /// An SVG logo's fragment, numbered into this file.
    logo_vector: Option<Chunk>,
}

impl ObjectIds {
    /// Numbers the objects in the order they have always been numbered: the
    /// document's own objects, the pages, the fonts, then the logo.
    fn allocate(
        refs: &mut Refs,
        pages: usize,
        embedded: &[Option<Cow<'_, EmbeddedFont>>],
        logo: Option<&Logo>,
    ) -> ObjectIds {
        let catalog = refs.next();
        let page_tree = refs.next();
        let info = refs.next();
        let metadata = refs.next();
        let icc = refs.next();
        let page_ids: Vec<(Ref, Ref)> = (0..pages).map(|_| (refs.next(), refs.next())).collect();
        let fonts: Vec<Option<Ref>> = embedded
            .iter()
            .map(|e| e.as_ref().map(|_| refs.next()))
            .collect();
        let mut logo_mask = None;
        let mut logo_vector = None;
        let logo = logo.map(|logo| match &logo.image {
            LogoImage::Raster { alpha_deflated, .. } => {
                let image = refs.next();
                logo_mask = alpha_deflated.as_ref().map(|_| refs.next());
                image
            }
            LogoImage::Vector(vector) => {
                let mut numbers = HashMap::new();
                let chunk = vector
                    .chunk
                    .renumber(|old| *numbers.entry(old).or_insert_with(|| refs.next()));
                let form = numbers[&vector.form];
                logo_vector = Some(chunk);
                form
            }
        });
        ObjectIds {
            catalog,
            page_tree,
            info,
            metadata,
            icc,
            pages: page_ids,
            fonts,
            logo,
            logo_mask,
            logo_vector,
        }
    }
}

/// The page tree, and each page with its compressed content stream and resources.
fn write_pages(
    pdf: &mut Pdf,
    ids: &ObjectIds,
    pages: &[Vec<Item>],
    fonts: &FontFamily,
    remappers: &[Option<&subsetter::GlyphRemapper>],
    logo: Option<&Logo>,
) {
    pdf.pages(ids.page_tree)
        .kids(ids.pages.iter().map(|(p, _)| *p))
        .count(pages.len() as i32);
    for (page, (page_id, content_id)) in pages.iter().zip(&ids.pages) {
        let content = page_content(page, fonts, remappers, logo);
        let compressed = compress(&content, LEVEL);
        pdf.stream(*content_id, &compressed)
            .filter(Filter::FlateDecode);
        let mut p = pdf.page(*page_id);
        p.parent(ids.page_tree)
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .contents(*content_id);
        let mut resources = p.resources();
        {
            let mut font_dict = resources.fonts();
            for style in Style::ALL {
                if let Some(id) = ids.fonts[style.index()] {
                    font_dict.pair(font_resource_name(style), id);
                }
            }
        }
        if let Some(logo_id) = ids.logo {
            if page.iter().any(|it| matches!(it, Item::Logo { .. })) {
                resources.x_objects().pair(Name(b"Im0"), logo_id);
            }
        }
    }
}

/// Every embedded font, in style order.
fn write_fonts(
    pdf: &mut Pdf,
    refs: &mut Refs,
    ids: &ObjectIds,
    fonts: &FontFamily,
    embedded: &[Option<Cow<'_, EmbeddedFont>>],
) {
    for style in Style::ALL {
        let (Some(type0_id), Some(font)) = (ids.fonts[style.index()], &embedded[style.index()])
        else {
            continue;
        };
        write_font(pdf, refs, type0_id, fonts.face(style), font);
    }
}

/// The logo's objects: the SVG's fragment, or the raster image and its alpha mask.
fn write_logo(pdf: &mut Pdf, ids: &ObjectIds, logo: Option<&Logo>) {
    if let Some(chunk) = &ids.logo_vector {
        pdf.extend(chunk);
    }
    if let (
        Some(Logo {
            image:
                LogoImage::Raster {
                    width,
                    height,
                    rgb_deflated,
                    alpha_deflated,
                },
        }),
        Some(image_id),
    ) = (logo, ids.logo)
    {
        let mut image = pdf.image_xobject(image_id, rgb_deflated);
        image
            .width(*width as i32)
            .height(*height as i32)
            .bits_per_component(8)
            .filter(Filter::FlateDecode);
        image.color_space().device_rgb();
        if let Some(mask_id) = ids.logo_mask {
            image.s_mask(mask_id);
        }
        image.finish();
        if let (Some(mask_id), Some(alpha)) = (ids.logo_mask, alpha_deflated) {
            let mut mask = pdf.image_xobject(mask_id, alpha);
            mask.width(*width as i32)
                .height(*height as i32)
                .bits_per_component(8)
                .filter(Filter::FlateDecode);
            mask.color_space().device_gray();
        }
    }
}

/// The sRGB ICC profile the PDF/A output intent points to.
fn write_output_profile(pdf: &mut Pdf, icc_id: Ref) {
    pdf.icc_profile(icc_id, srgb_profile_deflated())
        .n(3)
        .range([0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
        .filter(Filter::FlateDecode);
}

/// The document information dictionary; [`write_xmp`] repeats it, as PDF/A asks.
fn write_document_info(pdf: &mut Pdf, info_id: Ref, meta: &DocumentMeta) {
    let created = pdf_date(meta.created);
    pdf.document_info(info_id)
        .title(TextStr(&meta.title))
        .author(TextStr(&meta.author))
        .subject(TextStr(&meta.subject))
        .creator(TextStr(CREATOR))
        .producer(TextStr(PRODUCER))
        .creation_date(created)
        .modified_date(created);
}

/// The XMP metadata stream: the document information again, the document and
/// instance ID (from `id`, the file ID) and the PDF/A-2b identification.
fn write_xmp(pdf: &mut Pdf, metadata_id: Ref, meta: &DocumentMeta, id: &[u8; 16]) {
    let id_hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
    let uuid = format!(
        "uuid:{}-{}-{}-{}-{}",
        &id_hex[0..8],
        &id_hex[8..12],
        &id_hex[12..16],
        &id_hex[16..20],
        &id_hex[20..32]
    );
    let mut xmp = xmp_writer::XmpWriter::new();
    xmp.title([(None, meta.title.as_str())]);
    xmp.creator([meta.author.as_str()]);
    xmp.description([(None, meta.subject.as_str())]);
    xmp.format("application/pdf");
    xmp.language([xmp_writer::LangId("de-DE")]);
    xmp.creator_tool(CREATOR);
    xmp.producer(PRODUCER);
    xmp.create_date(xmp_date(meta.created));
    xmp.modify_date(xmp_date(meta.created));
    xmp.document_id(&uuid);
    xmp.instance_id(&uuid);
    xmp.pdfa_part(2);
    xmp.pdfa_conformance("B");
    let xmp = xmp.finish(None);
    pdf.metadata(metadata_id, xmp.as_bytes());
}

/// The catalog: page tree, metadata, language and the sRGB PDF/A output intent.
fn write_catalog(pdf: &mut Pdf, ids: &ObjectIds) {
    let mut catalog = pdf.catalog(ids.catalog);
    catalog
        .pages(ids.page_tree)
        .metadata(ids.metadata)
        .lang(TextStr("de-DE"));
    catalog
        .output_intents()
        .push()
        .subtype(OutputIntentSubtype::PDFA)
        .output_condition_identifier(TextStr("sRGB IEC61966-2.1"))
        .info(TextStr("sRGB IEC61966-2.1"))
        .dest_output_profile(ids.icc);
    catalog.finish();
}

/// A document ID from the content, so that it is stable for the same letter.
fn document_id(pages: &[Vec<Item>], meta: &DocumentMeta) -> [u8; 16] {
    let mut hash = Sha256::new();
    hash.update(meta.title.as_bytes());
    hash.update(meta.author.as_bytes());
    hash.update(meta.created.to_rfc3339().as_bytes());
    for page in pages {
        hash.update(b"\x0cpage");
        for item in page {
            if let Item::Text(run) = item {
                hash.update(run.text.as_bytes());
                hash.update(run.x.to_le_bytes());
                hash.update(run.y.to_le_bytes());
            }
        }
    }
    let digest = hash.finalize();
    let mut id = [0u8; 16];
    id.copy_from_slice(&digest[..16]);
    id
}

fn page_content(
    page: &[Item],
    fonts: &FontFamily,
    remappers: &[Option<&subsetter::GlyphRemapper>],
    logo: Option<&Logo>,
) -> Vec<u8> {
    let mut content = Content::new();
    content.set_fill_rgb(0.0, 0.0, 0.0);
    content.set_stroke_rgb(0.0, 0.0, 0.0);
    let mut glyph_bytes: Vec<u8> = Vec::with_capacity(256);
    for item in page {
        match item {
            Item::Text(run) => {
                let face = fonts.face(run.style);
                let Some(remapper) = remappers[run.style.index()] else {
                    continue;
                };
                content.begin_text();
                content.set_font(font_resource_name(run.style), run.size);
                content.next_line(run.x, PAGE_HEIGHT - run.y);
                let mut shown = content.show_positioned();
                let mut items = shown.items();
                let mut prev: Option<u16> = None;
                glyph_bytes.clear();
                for c in run.text.chars() {
                    let gid = face.glyph(c);
                    if let Some(p) = prev {
                        let kern = face.kerning(p, gid);
                        if kern != 0 {
                            items.show(Str(&glyph_bytes));
                            glyph_bytes.clear();
                            items.adjust(-f32::from(kern) * 1000.0 / face.units_per_em);
                        }
                    }
                    let new = remapper.get(gid).unwrap_or(0);
                    glyph_bytes.extend_from_slice(&new.to_be_bytes());
                    prev = Some(gid);
                }
                if !glyph_bytes.is_empty() {
                    items.show(Str(&glyph_bytes));
                }
                items.finish();
                shown.finish();
                content.end_text();
            }
            Item::Rule {
                x1,
                y1,
                x2,
                y2,
                width,
            } => {
                content.set_line_width(*width);
                content.move_to(*x1, PAGE_HEIGHT - y1);
                content.line_to(*x2, PAGE_HEIGHT - y2);
                content.stroke();
            }
            Item::Logo { x, y, w, h } => {
                if logo.is_some() {
                    content.save_state();
                    content.transform([*w, 0.0, 0.0, *h, *x, PAGE_HEIGHT - y - h]);
                    content.x_object(Name(b"Im0"));
                    content.restore_state();
                }
            }
        }
    }
    content.finish()
}

/// A font program ready to embed: the subset, its glyph mapping and ToUnicode map.
#[derive(Clone)]
pub(crate) struct EmbeddedFont {
    remapper: subsetter::GlyphRemapper,
    /// Old glyph ids in new-id order.
    old_gids: Vec<u16>,
    base_font: String,
    file_deflated: Vec<u8>,
    file_len: usize,
    to_unicode: Vec<u8>,
}

fn system_info() -> SystemInfo<'static> {
    SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    }
}

impl EmbeddedFont {
    /// Subsets `face` to exactly `glyphs` (old id → character).
    fn new(
        face: &FontFace,
        glyphs: &BTreeMap<u16, char>,
        level: u8,
    ) -> Result<EmbeddedFont, LetterError> {
        let gids: Vec<u16> = glyphs.keys().copied().collect();
        let remapper = subsetter::GlyphRemapper::new_from_glyphs(&gids);
        let old_gids: Vec<u16> = remapper.remapped_gids().collect();
        let tag = subset_tag(&face.postscript_name, &old_gids);
        let subset = subsetter::subset(face.data, 0, &remapper)
            .map_err(|e| LetterError::Font(format!("{}: {e}", face.postscript_name)))?;
        let mut cmap = UnicodeCmap::new(Name(b"Custom"), system_info());
        let mut seen = BTreeSet::new();
        for (old, c) in glyphs {
            if let Some(new) = remapper.get(*old) {
                if seen.insert(new) {
                    cmap.pair(new, *c);
                }
            }
        }
        Ok(EmbeddedFont {
            base_font: format!("{tag}+{}", face.postscript_name),
            file_len: subset.len(),
            file_deflated: compress(&subset, level),
            to_unicode: compress(&cmap.finish(), level),
            old_gids,
            remapper,
        })
    }

    fn covers(&self, glyphs: &BTreeMap<u16, char>) -> bool {
        glyphs.keys().all(|g| self.remapper.get(*g).is_some())
    }
}

/// The characters of the cached common subset: Latin-1, Latin Extended-A (names
/// like Öztürk, Łukasz, Dvořák) and the typographic punctuation of German letters.
fn common_characters() -> impl Iterator<Item = char> {
    (0x20u32..=0x7e)
        .chain(0xa0..=0x17f)
        .chain([
            0x2013, 0x2014, 0x2018, 0x2019, 0x201a, 0x201c, 0x201d, 0x201e, 0x2022, 0x2026, 0x2030,
            0x2039, 0x203a, 0x20ac, 0x2116, 0x2212, 0x202f,
        ])
        .filter_map(char::from_u32)
}

/// The font to embed for these glyphs: the common subset, built once per face and
/// process, when it covers them (nearly every letter), otherwise an exact subset.
/// The common subset spares each letter the subsetting and compression of three
/// fonts (about 1 ms) at the price of about 40 KB more per letter.
fn embedded_font<'f>(
    face: &'f FontFace,
    usage: &FontUse,
    subsets: crate::FontSubsets,
) -> Result<Cow<'f, EmbeddedFont>, LetterError> {
    if subsets == crate::FontSubsets::Exact {
        return Ok(Cow::Owned(EmbeddedFont::new(face, &usage.glyphs, LEVEL)?));
    }
    let common = face.common_subset.get_or_init(|| {
        let mut glyphs = BTreeMap::new();
        for c in common_characters() {
            if face.covers(c) {
                glyphs.entry(face.glyph(c)).or_insert(c);
            }
        }
        EmbeddedFont::new(face, &glyphs, 9).ok()
    });
    match common {
        Some(common) if common.covers(&usage.glyphs) => Ok(Cow::Borrowed(common)),
        _ => Ok(Cow::Owned(EmbeddedFont::new(face, &usage.glyphs, LEVEL)?)),
    }
}

fn write_font(pdf: &mut Pdf, refs: &mut Refs, type0_id: Ref, face: &FontFace, font: &EmbeddedFont) {
    let cid_id = refs.next();
    let descriptor_id = refs.next();
    let file_id = refs.next();
    let cmap_id = refs.next();
    let base_font = Name(font.base_font.as_bytes());

    let scale = 1000.0 / face.units_per_em;
    pdf.type0_font(type0_id)
        .base_font(base_font)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);

    let mut cid = pdf.cid_font(cid_id);
    cid.subtype(CidFontType::Type2)
        .base_font(base_font)
        .system_info(system_info())
        .font_descriptor(descriptor_id)
        .cid_to_gid_map_predefined(Name(b"Identity"))
        .default_width(0.0);
    cid.widths().consecutive(
        0,
        font.old_gids
            .iter()
            .map(|g| f32::from(face.advance(*g)) * scale),
    );
    cid.finish();

    let mut flags = FontFlags::NON_SYMBOLIC;
    if face.italic_angle != 0.0 {
        flags |= FontFlags::ITALIC;
    }
    let b = face.bbox;
    pdf.font_descriptor(descriptor_id)
        .name(base_font)
        .flags(flags)
        .bbox(Rect::new(
            f32::from(b.x_min) * scale,
            f32::from(b.y_min) * scale,
            f32::from(b.x_max) * scale,
            f32::from(b.y_max) * scale,
        ))
        .italic_angle(face.italic_angle)
        .ascent(f32::from(face.ascender) * scale)
        .descent(f32::from(face.descender) * scale)
        .cap_height(f32::from(face.cap_height) * scale)
        .stem_v(if face.postscript_name.contains("Bold") {
            140.0
        } else {
            80.0
        })
        .font_file2(file_id);

    pdf.stream(file_id, &font.file_deflated)
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), font.file_len as i32);
    pdf.cmap(cmap_id, &font.to_unicode)
        .filter(Filter::FlateDecode);
}
