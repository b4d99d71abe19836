//! Complaint photos: checked by their bytes, decoded under limits, stripped
//! of every piece of metadata, re-encoded and addressed by a content hash.
//!
//! A citizen may attach up to [`MAX_PER_COMPLAINT`] photos to a complaint.
//! Each one goes through [`clean`]:
//!
//! 1. at most [`MAX_BYTES`] (5 MiB), checked before anything else;
//! 2. JPEG, PNG or WebP judged by the magic numbers at the start of the
//!    bytes; a file name or a declared content type is never consulted (and
//!    [`clean`] does not take one);
//! 3. the header dimensions are checked against [`MAX_PIXELS`] before a
//!    single pixel is decoded, and the decoder runs under [`image::Limits`],
//!    so a small file claiming a huge image cannot make the server allocate
//!    gigabytes (a decompression bomb);
//! 4. the pixels are decoded, turned upright by the EXIF orientation (read
//!    before the metadata is thrown away), and shrunk so that the long side
//!    is at most [`MAX_SIDE`] pixels;
//! 5. the pixels alone are encoded anew: JPEG stays JPEG (quality
//!    [`JPEG_QUALITY`]), PNG stays PNG, and WebP becomes JPEG (see [`clean`]
//!    for why). The encoders are given no
//!    metadata, so EXIF (with any GPS position), XMP, IPTC, ICC profiles and
//!    text chunks are all gone;
//! 6. the result is addressed by the SHA-256 of the bytes written.
//!
//! Decoding and encoding are CPU work (about half a second for a
//! 12-megapixel JPEG in a release build, a second for 40 megapixels) and
//! transiently take memory in proportion to the pixel count (about 50 MB
//! for 12 megapixels, up to 250 MB for a 40-megapixel progressive JPEG), so
//! an async caller runs [`clean`] inside `tokio::task::spawn_blocking` and
//! should bound how many run at once (e.g. with a semaphore).

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::metadata::Orientation;
use image::{
    ColorType, DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder, ImageError,
    ImageFormat, ImageReader, Limits, Rgb, RgbImage,
};
use sha2::{Digest, Sha256};

/// How many photos one complaint may carry.
pub const MAX_PER_COMPLAINT: usize = 3;
/// The largest photo accepted, in bytes (5 MiB).
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// The most pixels (width × height, from the header) a photo may have.
pub const MAX_PIXELS: u64 = 40_000_000;
/// The longest side a photo may have, even when its pixel count is small
/// (a 1 × 40,000,000 "photo" is not one).
pub const MAX_DIMENSION: u32 = 30_000;
/// The long side of a stored photo is at most this many pixels.
pub const MAX_SIDE: u32 = 2048;
/// The quality JPEG output is written with.
pub const JPEG_QUALITY: u8 = 85;
/// The most a decoder may allocate for one photo (the decoded pixels and its
/// own buffers); `image` enforces it for PNG and WebP, and the decoded size
/// of every format is checked against it before decoding.
const MAX_DECODE_ALLOC: u64 = 256 * 1024 * 1024;

/// Why a photo was refused. [`PhotoError::message`] is the text to show the
/// citizen; `Display` is for logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    /// More than [`MAX_BYTES`].
    #[error("photo is larger than 5 MiB")]
    TooLarge,
    /// The bytes do not start like a JPEG, PNG or WebP file.
    #[error("not a JPEG, PNG or WebP image")]
    NotAcceptedKind,
    /// It starts like an accepted kind but cannot be decoded: corrupt,
    /// truncated, or using a feature the decoder does not have.
    #[error("photo cannot be decoded (corrupt or truncated)")]
    Undecodable,
    /// More than [`MAX_PIXELS`] pixels, a side longer than
    /// [`MAX_DIMENSION`], or more decoder memory than allowed.
    #[error("photo has too many pixels")]
    TooManyPixels,
    /// The decoded pixels could not be written out again (not expected to
    /// happen for any input).
    #[error("photo could not be re-encoded")]
    Encode,
}

impl PhotoError {
    /// A message for the citizen, in Simplified Chinese.
    pub fn message(&self) -> &'static str {
        match self {
            PhotoError::TooLarge => "照片不能超过5MB",
            PhotoError::NotAcceptedKind => "只能上传JPG、PNG或WebP格式的照片",
            PhotoError::Undecodable => "照片已损坏，无法读取，请换一张",
            PhotoError::TooManyPixels => "照片尺寸过大（不能超过4000万像素），请缩小后再上传",
            PhotoError::Encode => "照片处理失败，请换一张再试",
        }
    }
}

/// A photo ready to store: re-encoded, without metadata, and addressed by
/// the SHA-256 of [`CleanPhoto::bytes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanPhoto {
    /// Lower-case hex SHA-256 of `bytes` (64 characters).
    pub sha256_hex: String,
    /// `image/jpeg` (from JPEG or WebP) or `image/png` (from PNG).
    pub mime: &'static str,
    /// The encoded photo.
    pub bytes: Vec<u8>,
    /// Width in pixels, after orientation and downscaling.
    pub width: u32,
    /// Height in pixels, after orientation and downscaling.
    pub height: u32,
}

/// What the magic numbers say the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Jpeg,
    Png,
    WebP,
}

impl Kind {
    fn format(self) -> ImageFormat {
        match self {
            Kind::Jpeg => ImageFormat::Jpeg,
            Kind::Png => ImageFormat::Png,
            Kind::WebP => ImageFormat::WebP,
        }
    }
}

/// The kind of image the first bytes announce, if it is one we accept.
fn sniff(bytes: &[u8]) -> Option<Kind> {
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else if bytes.starts_with(PNG) {
        Some(Kind::Png)
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(Kind::WebP)
    } else {
        None
    }
}

/// Checks, decodes, strips and re-encodes one uploaded photo.
///
/// Output formats: JPEG in → JPEG out (quality [`JPEG_QUALITY`]); PNG in →
/// PNG out (8 bits per channel, transparency kept); WebP in → JPEG out,
/// any transparency laid over white. WebP is not written back as WebP
/// because the only pure-Rust WebP encoder (`image-webp`, the one `image`
/// uses) writes lossless WebP only, which for a photo is many times the
/// size of a quality-85 JPEG (and PNG, the other lossless choice, is as
/// large); lossy WebP would need libwebp, a C library. WebP uploads are
/// almost always lossy photos, so JPEG loses nothing they had, and every
/// browser shows it. A complaint photo has no use for transparency.
///
/// CPU-bound and blocking: from async code call it in
/// `tokio::task::spawn_blocking`.
pub fn clean(input: &[u8]) -> Result<CleanPhoto, PhotoError> {
    if input.len() > MAX_BYTES {
        return Err(PhotoError::TooLarge);
    }
    let kind = sniff(input).ok_or(PhotoError::NotAcceptedKind)?;
    let image = decode(input, kind)?;
    let image = shrink(image);
    let (bytes, mime) = match kind {
        Kind::Jpeg => (encode_jpeg(&image)?, "image/jpeg"),
        Kind::Png => (encode_png(&image)?, "image/png"),
        Kind::WebP => (encode_jpeg(&image)?, "image/jpeg"),
    };
    Ok(CleanPhoto {
        sha256_hex: hex(&Sha256::digest(&bytes)),
        mime,
        bytes,
        width: image.width(),
        height: image.height(),
    })
}

/// Decodes under limits and turns the image upright.
fn decode(input: &[u8], kind: Kind) -> Result<DynamicImage, PhotoError> {
    if kind == Kind::Jpeg && !jpeg_is_complete(input) {
        return Err(PhotoError::Undecodable);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    // The format comes from the sniff, never from a name or a guess.
    let mut reader = ImageReader::with_format(Cursor::new(input), kind.format());
    reader.limits(limits);
    // Building the decoder reads the header only.
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(PhotoError::Undecodable);
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS || decoder.total_bytes() > MAX_DECODE_ALLOC
    {
        return Err(PhotoError::TooManyPixels);
    }
    // Read from the EXIF before it is thrown away with the rest of the
    // metadata; a broken EXIF block only costs the rotation.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    image.apply_orientation(orientation);
    Ok(image)
}

fn decode_error(error: ImageError) -> PhotoError {
    match error {
        ImageError::Limits(_) => PhotoError::TooManyPixels,
        _ => PhotoError::Undecodable,
    }
}

/// Whether a JPEG runs from its start to an end-of-image marker. The JPEG
/// decoder is lenient and paints a truncated photo's missing part grey;
/// such a photo is refused instead. Walks the marker segments (skipping
/// APPn payloads, which may hold whole thumbnails with markers of their
/// own) and the entropy-coded data after each start-of-scan.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut at = 2; // after FF D8
    loop {
        // Stray bytes before a marker are skipped, as libjpeg does, and a
        // marker may be padded with any number of FF bytes.
        while bytes.get(at).is_some_and(|&b| b != 0xFF) {
            at += 1;
        }
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        if bytes.get(at) != Some(&0xFF) {
            return false;
        }
        let Some(&marker) = bytes.get(at + 1) else {
            return false;
        };
        at += 2;
        match marker {
            0xD9 => return true,
            // Stand-alone markers without a length.
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let Some(len) = bytes
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
        else {
            return false;
        };
        if len < 2 {
            return false;
        }
        at += len;
        if at > bytes.len() {
            return false;
        }
        if marker == 0xDA {
            // Entropy-coded data: runs until a marker other than a stuffed
            // zero (FF 00) or a restart marker (FF D0..D7).
            loop {
                match bytes.get(at..at + 2) {
                    None => return false,
                    Some([0xFF, next]) if *next == 0x00 || (0xD0..=0xD7).contains(next) => at += 2,
                    Some([0xFF, next]) if *next != 0xFF => break,
                    _ => at += 1,
                }
            }
        }
    }
}

/// Shrinks the image so that its long side is at most [`MAX_SIDE`]; a
/// smaller image is left as it is. Uses `thumbnail`, an area average over
/// integers, which needs no floating-point copy of the full-size image.
fn shrink(image: DynamicImage) -> DynamicImage {
    if image.width().max(image.height()) <= MAX_SIDE {
        image
    } else {
        image.thumbnail(MAX_SIDE, MAX_SIDE)
    }
}

/// The image laid over a white background, without its alpha channel.
fn over_white(image: &DynamicImage) -> RgbImage {
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let a = u16::from(a);
        let blend = |c: u8| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
        Rgb([blend(r), blend(g), blend(b)])
    })
}

fn encode_jpeg(image: &DynamicImage) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    let encoder = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
    let color = image.color();
    let result = if matches!(color, ColorType::L8 | ColorType::L16) {
        let grey = image.to_luma8();
        encoder.write_image(&grey, grey.width(), grey.height(), ExtendedColorType::L8)
    } else {
        let rgb = if color.has_alpha() {
            over_white(image)
        } else {
            image.to_rgb8()
        };
        encoder.write_image(&rgb, rgb.width(), rgb.height(), ExtendedColorType::Rgb8)
    };
    result.map_err(|_| PhotoError::Encode)?;
    Ok(out)
}

fn encode_png(image: &DynamicImage) -> Result<Vec<u8>, PhotoError> {
    // Eight bits per channel: a complaint photo needs no more, and the
    // result is half the size of a 16-bit one.
    let converted;
    let image = match image.color() {
        ColorType::L8 | ColorType::La8 | ColorType::Rgb8 | ColorType::Rgba8 => image,
        ColorType::L16 => {
            converted = DynamicImage::ImageLuma8(image.to_luma8());
            &converted
        }
        ColorType::La16 => {
            converted = DynamicImage::ImageLumaA8(image.to_luma_alpha8());
            &converted
        }
        color if color.has_alpha() => {
            converted = DynamicImage::ImageRgba8(image.to_rgba8());
            &converted
        }
        _ => {
            converted = DynamicImage::ImageRgb8(image.to_rgb8());
            &converted
        }
    };
    let mut out = Vec::new();
    let encoder =
        PngEncoder::new_with_quality(&mut out, CompressionType::Default, FilterType::Adaptive);
    encoder
        .write_image(
            image.as_bytes(),
            image.width(),
            image.height(),
            image.color().into(),
        )
        .map_err(|_| PhotoError::Encode)?;
    Ok(out)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0F)]));
    }
    out
}
