//! Complaint photos (`server::photos::clean`) on real bytes made here with
//! the `image` crate or written by hand: the kind is judged by the bytes,
//! the size and pixel limits hold before anything is decoded (checked with
//! an allocator that records the largest allocation), EXIF with a GPS
//! position and every other piece of metadata is gone from the output, and
//! no input makes `clean` panic.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{ExtendedColorType, ImageDecoder, ImageEncoder, ImageFormat, RgbImage, RgbaImage};
use proptest::prelude::*;
use server::photos::{clean, PhotoError, MAX_BYTES, MAX_SIDE};
use sha2::{Digest, Sha256};

// ---- an allocator that records this thread's largest allocation ----

struct Recording;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    let _ = LARGEST.try_with(|largest| largest.set(largest.get().max(size)));
}

unsafe impl GlobalAlloc for Recording {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Recording = Recording;

/// The largest single allocation `f` made on this thread.
fn largest_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.with(|largest| largest.set(0));
    let result = f();
    (result, LARGEST.with(Cell::get))
}

// ---- images made here ----

/// A photo-like RGB picture: gradients with some texture, so JPEG has
/// something to code.
fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let texture = ((x * 7 + y * 13) % 17) as u8 * 3;
        image::Rgb([
            (x * 255 / width.max(1)) as u8 ^ texture,
            (y * 255 / height.max(1)) as u8,
            ((x + y) % 256) as u8,
        ])
    })
}

fn png_of(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(
            image,
            image.width(),
            image.height(),
            ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

fn jpeg_of(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(
            image,
            image.width(),
            image.height(),
            ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

fn webp_of(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    WebPEncoder::new_lossless(&mut out)
        .write_image(
            image,
            image.width(),
            image.height(),
            ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

fn webp_with_alpha(width: u32, height: u32) -> Vec<u8> {
    let image = RgbaImage::from_fn(width, height, |x, y| {
        image::Rgba([x as u8, y as u8, 90, if x < width / 2 { 0 } else { 255 }])
    });
    let mut out = Vec::new();
    WebPEncoder::new_lossless(&mut out)
        .write_image(&image, width, height, ExtendedColorType::Rgba8)
        .unwrap();
    out
}

fn decoded_dimensions(bytes: &[u8], format: ImageFormat) -> (u32, u32) {
    let image = image::load_from_memory_with_format(bytes, format).expect("output decodes");
    (image.width(), image.height())
}

// ---- reading what came out ----

/// The markers of a JPEG's segments up to and including the first
/// start-of-scan, with their payloads.
fn jpeg_segments(bytes: &[u8]) -> Vec<(u8, Vec<u8>)> {
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "starts with SOI");
    let mut segments = Vec::new();
    let mut at = 2;
    loop {
        assert_eq!(bytes[at], 0xFF, "a marker at {at}");
        let marker = bytes[at + 1];
        let len = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        segments.push((marker, bytes[at + 4..at + 2 + len].to_vec()));
        at += 2 + len;
        if marker == 0xDA {
            return segments;
        }
    }
}

/// The types of a PNG's chunks, in order.
fn png_chunks(bytes: &[u8]) -> Vec<String> {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let mut chunks = Vec::new();
    let mut at = 8;
    while at + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        chunks.push(String::from_utf8_lossy(&bytes[at + 4..at + 8]).into_owned());
        at += 12 + len;
    }
    chunks
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

// ---- EXIF with a GPS position, written by hand ----

/// 39°54'27.1828" N, as three big-endian rationals: numbers unlikely to turn
/// up in an image by chance, so their absence from the output means
/// something.
const LATITUDE: [(u32, u32); 3] = [(39, 1), (54, 1), (271_828, 10_000)];

fn latitude_bytes() -> Vec<u8> {
    LATITUDE
        .iter()
        .flat_map(|(n, d)| n.to_be_bytes().into_iter().chain(d.to_be_bytes()))
        .collect()
}

/// A TIFF block (big-endian) whose IFD0 has an optional Orientation and a
/// GPSInfo pointer (tag 0x8825) to a GPS IFD with GPSLatitudeRef 'N' and
/// GPSLatitude.
fn tiff_with_gps(orientation: Option<u16>) -> Vec<u8> {
    let mut ifd0: Vec<(u16, u16, u32, [u8; 4])> = Vec::new();
    if let Some(orientation) = orientation {
        let [a, b] = orientation.to_be_bytes();
        ifd0.push((0x0112, 3, 1, [a, b, 0, 0])); // SHORT
    }
    let ifd0_len = 2 + 12 * (ifd0.len() + 1) + 4;
    let gps_ifd_at = 8 + ifd0_len as u32;
    ifd0.push((0x8825, 4, 1, gps_ifd_at.to_be_bytes())); // LONG offset
    let gps_ifd_len = 2 + 12 * 2 + 4;
    let latitude_at = gps_ifd_at + gps_ifd_len as u32;
    let gps = [
        (0x0001u16, 2u16, 2u32, *b"N\0\0\0"), // GPSLatitudeRef, ASCII
        (0x0002, 5, 3, latitude_at.to_be_bytes()), // GPSLatitude, 3 RATIONAL
    ];

    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    for ifd in [&ifd0[..], &gps[..]] {
        tiff.extend((ifd.len() as u16).to_be_bytes());
        for (tag, kind, count, value) in ifd {
            tiff.extend(tag.to_be_bytes());
            tiff.extend(kind.to_be_bytes());
            tiff.extend(count.to_be_bytes());
            tiff.extend(value);
        }
        tiff.extend(0u32.to_be_bytes()); // no next IFD
    }
    assert_eq!(tiff.len() as u32, latitude_at);
    tiff.extend(latitude_bytes());
    tiff
}

/// `jpeg` with an APP1 "Exif" segment carrying [`tiff_with_gps`] spliced in
/// right after SOI, as a camera writes it.
fn jpeg_with_gps(jpeg: &[u8], orientation: Option<u16>) -> Vec<u8> {
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(tiff_with_gps(orientation));
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend((payload.len() as u16 + 2).to_be_bytes());
    out.extend(payload);
    out.extend(&jpeg[2..]);
    out
}

// ---- PNG chunks written by hand ----

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend(kind);
    out.extend(data);
    let mut covered = kind.to_vec();
    covered.extend(data);
    out.extend(crc32(&covered).to_be_bytes());
    out
}

/// A PNG whose IHDR claims `width` × `height` RGB pixels, with a tiny IDAT.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    // A zlib stream of a few zero bytes.
    out.extend(png_chunk(
        b"IDAT",
        &[0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01],
    ));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

// ---- the kind is judged by the bytes ----

#[test]
fn a_png_is_taken_as_a_png_whatever_it_was_called() {
    // `clean` takes no name: a PNG uploaded as "photo.jpg" is the same bytes.
    let png = png_of(&picture(120, 90));
    let photo = clean(&png).expect("a PNG is accepted");
    assert_eq!(photo.mime, "image/png");
    assert_eq!((photo.width, photo.height), (120, 90));
    assert_eq!(
        decoded_dimensions(&photo.bytes, ImageFormat::Png),
        (120, 90)
    );

    let jpeg = jpeg_of(&picture(120, 90));
    let photo = clean(&jpeg).expect("a JPEG is accepted");
    assert_eq!(photo.mime, "image/jpeg");
    assert_eq!(
        decoded_dimensions(&photo.bytes, ImageFormat::Jpeg),
        (120, 90)
    );
}

#[test]
fn a_gif_or_a_text_file_called_photo_jpg_is_refused() {
    // A 1×1 GIF89a, written by hand.
    let gif: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff\
        !\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    let text = "这不是照片，只是改了名字的文本文件 photo.jpg\n".as_bytes();
    let bmp: &[u8] = b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00";
    let mut png_off_by_one = png_of(&picture(8, 8));
    png_off_by_one[1] = b'Q';
    let riff_not_webp = b"RIFF\x10\x00\x00\x00WAVEfmt ".to_vec();
    let inputs: [&[u8]; 7] = [
        gif,
        text,
        bmp,
        &png_off_by_one,
        &riff_not_webp,
        b"",
        b"\xFF\xD8",
    ];
    for input in inputs {
        let refused = clean(input).expect_err("not an accepted kind");
        assert_eq!(refused, PhotoError::NotAcceptedKind, "{input:?}");
        assert_eq!(refused.message(), "只能上传JPG、PNG或WebP格式的照片");
    }
}

// ---- size ----

#[test]
fn six_megabytes_are_refused_before_decoding() {
    // A valid JPEG padded to 6 MB: refused for its size, and the decoder
    // (which would first copy the input) never runs.
    let mut input = jpeg_of(&picture(64, 48));
    input.resize(6 * 1024 * 1024, 0);
    let (result, largest) = largest_allocation(|| clean(&input));
    let refused = result.expect_err("too large");
    assert_eq!(refused, PhotoError::TooLarge);
    assert_eq!(refused.message(), "照片不能超过5MB");
    assert!(largest < 64 * 1024, "allocated {largest} bytes");

    // The limit is exactly 5 MiB: bytes after the end-of-image marker are
    // ignored by decoders, so the same JPEG padded to the limit is fine.
    input.truncate(MAX_BYTES);
    assert_eq!(clean(&input).expect("exactly 5 MiB").width, 64);
    input.push(0);
    assert_eq!(clean(&input), Err(PhotoError::TooLarge));
}

// ---- metadata ----

#[test]
fn exif_with_a_gps_position_does_not_survive() {
    let original = jpeg_of(&picture(64, 48));
    let with_gps = jpeg_with_gps(&original, None);

    // The segment is well-formed: the image crate itself finds the EXIF.
    let mut decoder =
        image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(&with_gps)).unwrap();
    let exif = decoder.exif_metadata().unwrap().expect("EXIF is read");
    assert!(contains(&exif, &latitude_bytes()));
    assert!(contains(&with_gps, b"Exif\0\0"));
    assert!(jpeg_segments(&with_gps).iter().any(|(m, _)| *m == 0xE1));

    let photo = clean(&with_gps).expect("accepted");
    assert_eq!(photo.mime, "image/jpeg");
    assert_eq!((photo.width, photo.height), (64, 48));
    assert_eq!(
        decoded_dimensions(&photo.bytes, ImageFormat::Jpeg),
        (64, 48)
    );
    let markers: Vec<u8> = jpeg_segments(&photo.bytes)
        .iter()
        .map(|(m, _)| *m)
        .collect();
    assert!(!markers.contains(&0xE1), "no APP1 (EXIF/XMP): {markers:x?}");
    assert!(!markers.contains(&0xE2), "no APP2 (ICC): {markers:x?}");
    assert!(!markers.contains(&0xED), "no APP13 (IPTC): {markers:x?}");
    assert!(!contains(&photo.bytes, b"Exif"));
    assert!(!contains(&photo.bytes, &latitude_bytes()));
    assert!(!contains(&photo.bytes, &tiff_with_gps(None)[..8]));
}

#[test]
fn the_exif_orientation_is_applied_before_it_is_dropped() {
    // Orientation 6: the camera was turned; shown rotated 90° clockwise.
    let with_gps = jpeg_with_gps(&jpeg_of(&picture(64, 48)), Some(6));
    let photo = clean(&with_gps).expect("accepted");
    assert_eq!((photo.width, photo.height), (48, 64));
    assert_eq!(
        decoded_dimensions(&photo.bytes, ImageFormat::Jpeg),
        (48, 64)
    );
    assert!(!contains(&photo.bytes, b"Exif"));
}

#[test]
fn png_text_exif_and_icc_chunks_do_not_survive() {
    let png = png_of(&picture(40, 30));
    // Splice tEXt, eXIf (with the GPS block) and iTXt (an XMP packet) in
    // after IHDR (8 bytes of signature + 25 of IHDR).
    let mut input = png[..33].to_vec();
    input.extend(png_chunk(b"tEXt", b"Comment\0taken at home, 39.9 N"));
    input.extend(png_chunk(b"eXIf", &tiff_with_gps(None)));
    input.extend(png_chunk(
        b"iTXt",
        b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>GPSLatitude</x:xmpmeta>",
    ));
    input.extend(&png[33..]);
    assert_eq!(
        png_chunks(&input),
        ["IHDR", "tEXt", "eXIf", "iTXt", "IDAT", "IEND"]
    );

    let photo = clean(&input).expect("accepted");
    assert_eq!(photo.mime, "image/png");
    assert_eq!((photo.width, photo.height), (40, 30));
    for chunk in png_chunks(&photo.bytes) {
        assert!(
            ["IHDR", "IDAT", "IEND"].contains(&chunk.as_str()),
            "unexpected chunk {chunk}"
        );
    }
    assert!(!contains(&photo.bytes, &latitude_bytes()));
    assert!(!contains(&photo.bytes, b"GPS"));
}

// ---- broken and hostile files ----

#[test]
fn truncated_files_are_refused() {
    let picture = picture(160, 120);
    let jpeg = jpeg_of(&picture);
    let png = png_of(&picture);
    let webp = webp_of(&picture);
    // Cut in the header, half-way, and near the end of the pixel data: for
    // JPEG just the end-of-image marker (without it nothing tells the scan
    // is complete), for PNG into the last IDAT (past it only IEND would be
    // missing, and every pixel is there), for WebP its last bytes.
    for (name, whole, near_end) in [
        ("jpeg", &jpeg, jpeg.len() - 2),
        ("png", &png, png.len() - 20),
        ("webp", &webp, webp.len() - 4),
    ] {
        for keep in [40, whole.len() / 2, near_end] {
            let refused = clean(&whole[..keep]).expect_err(name);
            assert_eq!(refused, PhotoError::Undecodable, "{name} cut to {keep}");
            assert_eq!(refused.message(), "照片已损坏，无法读取，请换一张");
        }
    }
}

#[test]
fn a_huge_png_header_is_refused_without_allocating() {
    // 100000 × 100000 is past the longest side allowed; 20000 × 20000 is
    // within it but 400 megapixels. Either would need tens of GB decoded.
    for (width, height) in [(100_000, 100_000), (20_000, 20_000), (7_000, 7_000)] {
        let bomb = png_claiming(width, height);
        let (result, largest) = largest_allocation(|| clean(&bomb));
        let refused = result.expect_err("a bomb");
        assert_eq!(refused, PhotoError::TooManyPixels, "{width}×{height}");
        assert!(refused.message().contains("4000万像素"));
        assert!(largest < 1024 * 1024, "{width}×{height}: {largest} bytes");
    }
}

#[test]
fn huge_jpeg_and_webp_headers_are_refused_without_allocating() {
    // A real JPEG whose SOF0 now claims 65000 × 65000.
    let mut jpeg = jpeg_of(&picture(16, 16));
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    jpeg[sof + 5..sof + 9].copy_from_slice(&[0xFD, 0xE8, 0xFD, 0xE8]);
    // A real lossless WebP whose VP8L header now claims 16383 × 16383:
    // 14 bits of width - 1, then 14 of height - 1, little-endian, after
    // "RIFF" size "WEBP" "VP8L" size and the 0x2F signature byte.
    let mut webp = webp_of(&picture(16, 16));
    assert_eq!(&webp[12..16], b"VP8L");
    let bits = u32::from_le_bytes(webp[21..25].try_into().unwrap());
    let bits = (bits & !0x0FFF_FFFF) | 0x3FFE | (0x3FFE << 14);
    webp[21..25].copy_from_slice(&bits.to_le_bytes());

    for (name, bomb) in [("jpeg", jpeg), ("webp", webp)] {
        let (result, largest) = largest_allocation(|| clean(&bomb));
        assert_eq!(result, Err(PhotoError::TooManyPixels), "{name}");
        assert!(largest < 1024 * 1024, "{name}: {largest} bytes");
    }
}

// ---- content hash ----

#[test]
fn the_same_photo_gives_the_same_hash() {
    let jpeg = jpeg_with_gps(&jpeg_of(&picture(100, 70)), None);
    let first = clean(&jpeg).unwrap();
    let second = clean(&jpeg).unwrap();
    assert_eq!(first, second);
    assert_eq!(first.sha256_hex.len(), 64);
    assert!(first
        .sha256_hex
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    let digest: String = Sha256::digest(&first.bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(first.sha256_hex, digest);

    // A different photo, a different address.
    let other = clean(&jpeg_of(&picture(100, 71))).unwrap();
    assert_ne!(other.sha256_hex, first.sha256_hex);

    // A cleaned PNG cleans to itself, so uploading it again stores nothing new.
    let png = clean(&png_of(&picture(50, 50))).unwrap();
    assert_eq!(clean(&png.bytes).unwrap(), png);
}

// ---- WebP ----

/// Files as cameras, phones and browsers write them, made once with
/// cwebp 1.2 and ImageMagick 6.9 from a 24 × 16 gradient (orange at the
/// top, navy at the bottom), since the `image` crate writes neither lossy
/// WebP nor progressive JPEG.
mod made_elsewhere {
    /// Lossy WebP (a plain VP8 chunk).
    pub const LOSSY_WEBP: &str = "\
        UklGRk4AAABXRUJQVlA4IEIAAADwAQCdASoYABAAAsBMJagC7H8AGBRU04gA/lsqtSRcu90PxSp4//IV+zX+FFxLot\
        7DDToD/WmfhlUWSczNORzwAAA=";
    /// Lossy WebP with an alpha channel (VP8X, ALPH, VP8), opacity rising
    /// from 0 at the left edge to 255 at the right.
    pub const LOSSY_WEBP_WITH_ALPHA: &str = "\
        UklGRpAAAABXRUJQVlA4WAoAAAAQAAAAFwAADwAAQUxQSBoAAAAFFyAkSCFWIyIcyKRt9NZS7zK1ExDR/whxz1ZQOC\
        BQAAAAkAMAnQEqGAAQAD7RXKZMqCUjojAIAQAaCWoAnQAh1q+XRmoaoAD8z4NVAniq0t0fbCfyNyj9/N+xnzoDXh6r\
        ZuVh8yhRMw0k0mx23CXaAAA=";
    /// Progressive JPEG (SOF2, several scans).
    pub const PROGRESSIVE_JPEG: &str = "\
        /9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRT\
        c4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj\
        Y2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wgARCAAQABgDASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAAAAUC/8\
        QAFQEBAQAAAAAAAAAAAAAAAAAAAAP/2gAMAwEAAhADEAAAAdJSdaqUP//EABUQAQEAAAAAAAAAAAAAAAAAAAAT/9oA\
        CAEBAAEFAqKKKKKP/8QAFREBAQAAAAAAAAAAAAAAAAAAABP/2gAIAQMBAT8Boo//xAAVEQEBAAAAAAAAAAAAAAAAAA\
        AAFP/aAAgBAgEBPwGRI//EABQQAQAAAAAAAAAAAAAAAAAAACD/2gAIAQEABj8CX//EABQQAQAAAAAAAAAAAAAAAAAA\
        ACD/2gAIAQEAAT8hQH//2gAMAwEAAgADAAAAEAQf/8QAFBEBAAAAAAAAAAAAAAAAAAAAEP/aAAgBAwEBPxA//8QAFR\
        EBAQAAAAAAAAAAAAAAAAAAAHH/2gAIAQIBAT8QhD//xAAVEAEBAAAAAAAAAAAAAAAAAAAAcf/aAAgBAQABPxClKUpT\
        /9k=";

    pub fn bytes(base64: &str) -> Vec<u8> {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(base64)
            .unwrap()
    }
}

fn near(actual: image::Rgb<u8>, expected: [u8; 3], tolerance: u8) -> bool {
    actual
        .0
        .iter()
        .zip(expected)
        .all(|(a, e)| a.abs_diff(e) <= tolerance)
}

#[test]
fn webp_is_accepted_and_stored_as_jpeg() {
    // Lossless, as the image crate writes it.
    let webp = webp_of(&picture(100, 80));
    assert_eq!(&webp[..4], b"RIFF");
    assert_eq!(&webp[8..12], b"WEBP");
    let photo = clean(&webp).expect("WebP is accepted");
    assert_eq!(photo.mime, "image/jpeg");
    assert_eq!((photo.width, photo.height), (100, 80));
    assert_eq!(
        decoded_dimensions(&photo.bytes, ImageFormat::Jpeg),
        (100, 80)
    );

    // Lossy, as a phone or a browser writes it.
    let lossy = made_elsewhere::bytes(made_elsewhere::LOSSY_WEBP);
    let photo = clean(&lossy).expect("lossy WebP is accepted");
    assert_eq!(photo.mime, "image/jpeg");
    assert_eq!((photo.width, photo.height), (24, 16));
    let decoded = image::load_from_memory_with_format(&photo.bytes, ImageFormat::Jpeg)
        .unwrap()
        .to_rgb8();
    let top = *decoded.get_pixel(12, 0);
    let bottom = *decoded.get_pixel(12, 15);
    assert!(top[0] > 200 && top[2] < 90, "orange at the top: {top:?}");
    assert!(
        bottom[0] < 60 && bottom[2] > 90,
        "navy at the bottom: {bottom:?}"
    );
}

#[test]
fn transparent_parts_of_a_webp_become_white() {
    for webp in [
        webp_with_alpha(60, 40),
        made_elsewhere::bytes(made_elsewhere::LOSSY_WEBP_WITH_ALPHA),
    ] {
        let photo = clean(&webp).expect("WebP with alpha");
        assert_eq!(photo.mime, "image/jpeg");
        let decoded = image::load_from_memory_with_format(&photo.bytes, ImageFormat::Jpeg)
            .unwrap()
            .to_rgb8();
        assert!(
            near(*decoded.get_pixel(0, 0), [255, 255, 255], 24),
            "{:?}",
            decoded.get_pixel(0, 0)
        );
        let right = *decoded.get_pixel(decoded.width() - 1, 0);
        assert!(!near(right, [255, 255, 255], 24), "{right:?}");
    }
}

#[test]
fn a_progressive_jpeg_is_accepted() {
    let jpeg = made_elsewhere::bytes(made_elsewhere::PROGRESSIVE_JPEG);
    assert!(jpeg_segments(&jpeg).iter().any(|(m, _)| *m == 0xC2));
    let photo = clean(&jpeg).expect("progressive JPEG is accepted");
    assert_eq!((photo.width, photo.height), (24, 16));
    let decoded = image::load_from_memory_with_format(&photo.bytes, ImageFormat::Jpeg)
        .unwrap()
        .to_rgb8();
    let top = *decoded.get_pixel(12, 0);
    assert!(top[0] > 200 && top[2] < 90, "orange at the top: {top:?}");
    // Cut before its last scan, it is refused.
    let last_scan = jpeg.windows(2).rposition(|w| w == [0xFF, 0xDA]).unwrap();
    assert_eq!(clean(&jpeg[..last_scan]), Err(PhotoError::Undecodable));
}

// ---- size of what is stored ----

#[test]
fn large_photos_are_shrunk_to_2048_on_the_long_side() {
    let smooth = RgbImage::from_fn(2600, 1300, |x, y| {
        image::Rgb([(x / 11) as u8, (y / 6) as u8, ((x + y) / 16) as u8])
    });
    let photo = clean(&png_of(&smooth)).unwrap();
    assert_eq!((photo.width, photo.height), (MAX_SIDE, 1024));
    assert_eq!(
        decoded_dimensions(&photo.bytes, ImageFormat::Png),
        (2048, 1024)
    );

    let photo = clean(&jpeg_of(&picture(900, 2300))).unwrap();
    assert_eq!((photo.width, photo.height), (801, 2048));

    // Small ones keep their size.
    let photo = clean(&jpeg_of(&picture(2048, 10))).unwrap();
    assert_eq!((photo.width, photo.height), (2048, 10));
}

#[test]
fn every_refusal_has_a_chinese_message() {
    for error in [
        PhotoError::TooLarge,
        PhotoError::NotAcceptedKind,
        PhotoError::Undecodable,
        PhotoError::TooManyPixels,
        PhotoError::Encode,
    ] {
        let message = error.message();
        assert!(message
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
        assert!(!error.to_string().is_empty());
    }
}

// ---- never a panic ----

/// Small valid images of each accepted kind, for the mutation cases.
fn seeds() -> Vec<Vec<u8>> {
    let picture = picture(24, 16);
    vec![
        jpeg_of(&picture),
        jpeg_with_gps(&jpeg_of(&picture), Some(8)),
        png_of(&picture),
        webp_of(&picture),
        webp_with_alpha(12, 9),
        made_elsewhere::bytes(made_elsewhere::LOSSY_WEBP),
        made_elsewhere::bytes(made_elsewhere::LOSSY_WEBP_WITH_ALPHA),
        made_elsewhere::bytes(made_elsewhere::PROGRESSIVE_JPEG),
    ]
}

const MAGIC: [&[u8]; 4] = [
    b"\xFF\xD8\xFF",
    b"\x89PNG\r\n\x1a\n",
    b"RIFF\x00\x00\x00\x00WEBP",
    b"RIFF\x20\x00\x00\x00WEBPVP8 ",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = clean(&bytes);
    }

    #[test]
    fn arbitrary_bytes_behind_a_magic_prefix_never_panic(
        magic in 0..MAGIC.len(),
        body in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut input = MAGIC[magic].to_vec();
        input.extend(body);
        let result = clean(&input);
        prop_assert!(result.is_err() || result.as_ref().unwrap().width > 0);
    }

    #[test]
    fn damaged_real_images_never_panic(
        seed in 0..8usize,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
        keep in any::<prop::sample::Index>(),
        cut in any::<bool>(),
    ) {
        let mut input = seeds().swap_remove(seed);
        for (at, byte) in edits {
            let at = at.index(input.len());
            input[at] = byte;
        }
        if cut {
            input.truncate(keep.index(input.len() + 1));
        }
        if let Ok(photo) = clean(&input) {
            prop_assert!(photo.width > 0 && photo.height > 0);
            prop_assert!(photo.width.max(photo.height) <= MAX_SIDE);
        }
    }
}
