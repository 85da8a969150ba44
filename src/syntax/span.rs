//! Byte spans and the source map.
//!
//! Every file gets a base position in one global byte space (as rustc's `BytePos`), so a
//! [`Span`] is two `u32`s and still says which file it is in: included files and snippets
//! keep exact positions after assembly. The [`SourceMap`] turns a span back into a file,
//! a local byte range and 1-based line/column numbers.

use std::ops::Range;

/// A half-open byte range in the global position space of a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn len(self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// An empty span at the end of this one.
    pub fn end_point(self) -> Span {
        Span::new(self.end, self.end)
    }
}

/// Identifies a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// One source text. Invalid UTF-8 in the original bytes is replaced byte for byte by
/// U+001A (SUBSTITUTE), so offsets stay exact; the replaced ranges are kept so the lexer
/// can report them.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    /// Global position of the first byte.
    pub base: u32,
    /// Byte ranges (local) that held invalid UTF-8.
    pub invalid_utf8: Vec<Range<u32>>,
    line_starts: Vec<u32>,
}

/// The byte that stands in for each byte of invalid UTF-8.
pub const SUBSTITUTE: char = '\u{1a}';

impl SourceFile {
    fn new(name: String, bytes: &[u8], base: u32) -> SourceFile {
        let mut text = String::with_capacity(bytes.len());
        let mut invalid_utf8: Vec<Range<u32>> = Vec::new();
        for chunk in bytes.utf8_chunks() {
            text.push_str(chunk.valid());
            let bad = chunk.invalid();
            if !bad.is_empty() {
                let start = text.len() as u32;
                for _ in bad {
                    text.push(SUBSTITUTE);
                }
                let end = text.len() as u32;
                match invalid_utf8.last_mut() {
                    Some(last) if last.end == start => last.end = end,
                    _ => invalid_utf8.push(start..end),
                }
            }
        }
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i as u32 + 1)).collect();
        SourceFile { name, text, base, invalid_utf8, line_starts }
    }

    /// The global span of the whole file.
    pub fn span(&self) -> Span {
        Span::new(self.base, self.base + self.text.len() as u32)
    }

    /// 1-based line and column (in characters) of a local byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let offset = offset.min(self.text.len() as u32);
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line] as usize;
        let mut end = offset as usize;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let col = self.text[start..end].chars().count() as u32 + 1;
        (line as u32 + 1, col)
    }

    /// The text of a global span inside this file.
    pub fn slice(&self, span: Span) -> &str {
        let start = (span.start - self.base) as usize;
        let end = (span.end - self.base) as usize;
        self.text.get(start..end).unwrap_or("")
    }
}

/// All the files of one compilation.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns its id. Files are separated by one unused position so a
    /// span at the end of one file is never mistaken for the start of the next.
    pub fn add(&mut self, name: impl Into<String>, bytes: &[u8]) -> FileId {
        let base = self.files.last().map_or(0, |f| f.base + f.text.len() as u32 + 1);
        self.files.push(SourceFile::new(name.into(), bytes, base));
        FileId(self.files.len() as u32 - 1)
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f))
    }

    /// The file a global position falls in.
    pub fn lookup(&self, pos: u32) -> Option<FileId> {
        let idx = self.files.partition_point(|f| f.base <= pos);
        if idx == 0 {
            return None;
        }
        let f = &self.files[idx - 1];
        (pos <= f.base + f.text.len() as u32).then_some(FileId(idx as u32 - 1))
    }

    /// The source text of a span (empty when it is not in one file).
    pub fn slice(&self, span: Span) -> &str {
        match self.lookup(span.start) {
            Some(id) => self.file(id).slice(span),
            None => "",
        }
    }

    /// File, local byte range, and 1-based start and end line/column of a span.
    pub fn resolve(&self, span: Span) -> Option<Resolved<'_>> {
        let id = self.lookup(span.start)?;
        let file = self.file(id);
        let start = span.start - file.base;
        let end = (span.end.max(span.start) - file.base).min(file.text.len() as u32);
        Some(Resolved {
            file: id,
            name: &file.name,
            range: start..end,
            start: file.line_col(start),
            end: file.line_col(end),
        })
    }
}

/// A span resolved to its file.
#[derive(Debug, Clone)]
pub struct Resolved<'a> {
    pub file: FileId,
    pub name: &'a str,
    pub range: Range<u32>,
    pub start: (u32, u32),
    pub end: (u32, u32),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_global_and_resolve_back() {
        let mut map = SourceMap::new();
        let a = map.add("a.vcl", b"ab\ncd");
        let b = map.add("b.vcl", "é\nx".as_bytes());
        assert_eq!(map.file(a).base, 0);
        assert_eq!(map.file(b).base, 6);
        let r = map.resolve(Span::new(9, 10)).unwrap();
        assert_eq!(r.name, "b.vcl");
        assert_eq!(r.start, (2, 1));
        let r = map.resolve(Span::new(4, 5)).unwrap();
        assert_eq!((r.start, r.end), ((2, 2), (2, 3)));
        assert_eq!(map.file(b).line_col(2), (1, 2), "columns count characters");
    }

    #[test]
    fn invalid_utf8_keeps_offsets() {
        let mut map = SourceMap::new();
        let id = map.add("x", b"a\xff\xfeb");
        let f = map.file(id);
        assert_eq!(f.text.len(), 4);
        assert_eq!(f.invalid_utf8, vec![1..3]);
    }
}
