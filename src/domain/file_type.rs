//! Attachment types, recognised by content, never by file name.

/// The attachment types an appeal or answer may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    /// PDF document.
    Pdf,
    /// JPEG image.
    Jpeg,
    /// PNG image.
    Png,
    /// Word document (Office Open XML).
    Docx,
    /// Excel workbook (Office Open XML).
    Xlsx,
}

impl FileType {
    /// Recognises the type from the first bytes (and, for Office files, the zip entries).
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(Self::Png)
        } else if bytes.starts_with(b"PK\x03\x04") {
            // Office Open XML packages name their main part in the zip headers, uncompressed.
            if contains(bytes, b"word/document.xml") {
                Some(Self::Docx)
            } else if contains(bytes, b"xl/workbook.xml") {
                Some(Self::Xlsx)
            } else {
                None
            }
        } else {
            None
        }
    }

    /// The MIME type sent with downloads.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Makes an uploaded file name safe to store and show: no path, no control characters, at
/// most 120 characters, and the extension of the detected type.
pub fn clean_file_name(name: &str, file_type: FileType) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let base: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*'))
        .take(120)
        .collect();
    let stem = base
        .rsplit_once('.')
        .map_or(base.as_str(), |(stem, _)| stem)
        .trim()
        .trim_matches('.');
    let stem = if stem.is_empty() { "file" } else { stem };
    format!("{stem}.{}", file_type.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_recognised_by_content() {
        assert_eq!(FileType::sniff(b"%PDF-1.7\n..."), Some(FileType::Pdf));
        assert_eq!(
            FileType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]),
            Some(FileType::Jpeg)
        );
        assert_eq!(
            FileType::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(FileType::Png)
        );
        assert_eq!(
            FileType::sniff(b"PK\x03\x04....word/document.xml"),
            Some(FileType::Docx)
        );
        assert_eq!(
            FileType::sniff(b"PK\x03\x04....xl/workbook.xml"),
            Some(FileType::Xlsx)
        );
        assert_eq!(FileType::sniff(b"PK\x03\x04....other.txt"), None);
        assert_eq!(FileType::sniff(b"MZ\x90\x00 an exe named .pdf"), None);
        assert_eq!(FileType::sniff(b""), None);
    }

    #[test]
    fn file_names_lose_paths_and_get_the_real_extension() {
        assert_eq!(
            clean_file_name("../../etc/passwd", FileType::Pdf),
            "passwd.pdf"
        );
        assert_eq!(
            clean_file_name("C:\\Users\\a\\скан.jpeg", FileType::Jpeg),
            "скан.jpg"
        );
        assert_eq!(clean_file_name("report.exe", FileType::Pdf), "report.pdf");
        assert_eq!(clean_file_name("", FileType::Png), "file.png");
        assert_eq!(clean_file_name("...", FileType::Png), "file.png");
        assert_eq!(clean_file_name("a\u{0}b\nc.pdf", FileType::Pdf), "abc.pdf");
    }
}
