//! A YAML document tree that remembers where every node came from (line and column), built from
//! yaml-rust2's event stream without recursion. Scalars stay uninterpreted strings: the validator
//! reads them according to the declared field type, so `no` in a text field is the text "no" and a
//! credit code made of digits stays a string. Hostile input is bounded: nesting depth, alias
//! expansion (in values and in bytes of text) and node count are capped, and duplicate keys are
//! errors. Anchored values are shared, not copied, by their aliases, and anchors and keys are
//! looked up by hash, so loading stays linear in the size of the file.

use crate::messages::{Shape, YamlProblem};
use std::collections::HashMap;
use std::ops::Deref;
use std::sync::Arc;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Nesting deeper than this is refused (records need three or four levels).
pub const MAX_DEPTH: usize = 64;
/// Upper bound on nodes one file may expand to, aliases included ("billion laughs").
pub const MAX_NODES: usize = 1_000_000;
/// Aliases may add this many bytes of text per byte of the file, ...
pub const ALIAS_BYTES_PER_FILE_BYTE: usize = 4;
/// ... but at least this many (small files may still share a long text) ...
pub const MIN_ALIAS_BYTES: usize = 1 << 20;
/// ... and never more than this, whatever the file-size limit: every later stage (validation,
/// pages, datasets, search) copies an aliased text once per use.
pub const MAX_ALIAS_BYTES: usize = 64 << 20;

/// How many bytes of text the aliases in a file of `file_bytes` bytes may expand to.
pub fn alias_byte_budget(file_bytes: usize) -> usize {
    file_bytes
        .saturating_mul(ALIAS_BYTES_PER_FILE_BYTE)
        .clamp(MIN_ALIAS_BYTES, MAX_ALIAS_BYTES)
}

/// Above this many keys a mapping indexes them for the duplicate check; below it a scan of the
/// keys is cheaper than hashing each one.
const KEY_SCAN_LIMIT: usize = 32;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// `plain` is false for quoted and block scalars: those are always strings.
    Scalar {
        text: ScalarText,
        plain: bool,
    },
    Seq(Shared<Node>),
    Map(Shared<(Node, Node)>),
}

/// A scalar's text: owned when written once, shared once anchored, so that every alias to a
/// long text points at the same bytes instead of copying them.
#[derive(Debug, Clone)]
pub enum ScalarText {
    Owned(String),
    Shared(Arc<str>),
}

impl Deref for ScalarText {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            ScalarText::Owned(text) => text,
            ScalarText::Shared(text) => text,
        }
    }
}

impl PartialEq for ScalarText {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl From<&str> for ScalarText {
    fn from(text: &str) -> Self {
        ScalarText::Owned(text.to_string())
    }
}

/// The items of a list or the entries of a mapping, shared between an anchored node and its
/// aliases: an alias costs a reference count, not a copy of the subtree.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared<T>(Arc<Vec<T>>);

impl<T: Clone> Shared<T> {
    /// The items, copied only if an alias still shares them.
    pub fn into_vec(self) -> Vec<T> {
        Arc::unwrap_or_clone(self.0)
    }
}

impl<T> Deref for Shared<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<'a, T> IntoIterator for &'a Shared<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl Node {
    /// True for an empty plain scalar, `~` or `null`: YAML's ways of writing "no value".
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { text, plain: true }
            if matches!(&**text, "" | "~" | "null" | "Null" | "NULL"))
    }

    pub fn as_scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The value under `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_scalar() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// What the value is, for "expected …, found …".
    pub fn shape(&self) -> Shape {
        match &self.kind {
            NodeKind::Scalar { .. } if self.is_null() => Shape::Empty,
            NodeKind::Scalar { .. } => Shape::Scalar,
            NodeKind::Seq(_) => Shape::List,
            NodeKind::Map(_) => Shape::Mapping,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub line: usize,
    pub col: usize,
    pub message: YamlProblem,
}

fn err(mark: &Marker, message: YamlProblem) -> YamlError {
    YamlError {
        line: mark.line(),
        col: mark.col() + 1,
        message,
    }
}

/// Parses one YAML document. Returns `Ok(None)` for a file with no document at all.
pub fn parse_document(source: &str) -> Result<Option<Node>, YamlError> {
    let mut parser = Parser::new_from_str(source);
    let mut tree = TreeBuilder::new(alias_byte_budget(source.len()));
    let mut documents = 0usize;
    loop {
        let (event, mark) = parser
            .next_token()
            .map_err(|e| err(e.marker(), YamlProblem::Syntax(e.info().to_string())))?;
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(err(&mark, YamlProblem::SecondDocument));
                }
            }
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            Event::SequenceStart(anchor, _) => {
                tree.open(OpenBody::Seq(Vec::new()), anchor, &mark)?
            }
            Event::MappingStart(anchor, _) => tree.open(OpenBody::new_map(), anchor, &mark)?,
            Event::SequenceEnd | Event::MappingEnd => tree.close(&mark)?,
            Event::Scalar(text, style, anchor, _) => {
                tree.scalar(text, style == TScalarStyle::Plain, anchor, &mark)?
            }
            Event::Alias(id) => tree.alias(id, &mark)?,
        }
    }
    Ok(tree.root)
}

/// A list or mapping whose end has not been read yet.
struct Open {
    body: OpenBody,
    anchor: usize,
    line: usize,
    col: usize,
    /// The tree's node and text-byte counts when it opened: at its end, the difference is what
    /// an alias to it expands to.
    nodes_before: usize,
    text_bytes_before: usize,
}

enum OpenBody {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        pending_key: Option<Node>,
        /// Each key's line, filled in once the mapping passes `KEY_SCAN_LIMIT` keys.
        key_lines: HashMap<String, usize>,
    },
}

impl OpenBody {
    fn new_map() -> Self {
        OpenBody::Map {
            entries: Vec::new(),
            pending_key: None,
            key_lines: HashMap::new(),
        }
    }
}

/// What an alias stands for, and how many nodes and bytes of text it adds to the tree.
struct Anchor {
    node: Node,
    nodes: usize,
    text_bytes: usize,
}

/// Builds the tree from parser events, charging every node and byte of text to the budgets.
struct TreeBuilder {
    /// By yaml-rust2's anchor id, which is new for every `&name`, even a reused name.
    anchors: HashMap<usize, Anchor>,
    stack: Vec<Open>,
    root: Option<Node>,
    /// Nodes and bytes of scalar text in the tree so far, each alias at its full expansion.
    nodes: usize,
    text_bytes: usize,
    /// Bytes of text added by aliases so far, and how many they may add.
    alias_bytes: usize,
    alias_byte_budget: usize,
}

impl TreeBuilder {
    fn new(alias_byte_budget: usize) -> Self {
        TreeBuilder {
            anchors: HashMap::new(),
            stack: Vec::new(),
            root: None,
            nodes: 0,
            text_bytes: 0,
            alias_bytes: 0,
            alias_byte_budget,
        }
    }

    fn open(&mut self, body: OpenBody, anchor: usize, mark: &Marker) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(err(mark, YamlProblem::TooDeep { max: MAX_DEPTH }));
        }
        self.stack.push(Open {
            body,
            anchor,
            line: mark.line(),
            col: mark.col() + 1,
            nodes_before: self.nodes,
            text_bytes_before: self.text_bytes,
        });
        Ok(())
    }

    fn close(&mut self, mark: &Marker) -> Result<(), YamlError> {
        let Some(open) = self.stack.pop() else {
            return Err(err(mark, YamlProblem::Unbalanced));
        };
        let kind = match open.body {
            OpenBody::Seq(items) => NodeKind::Seq(Shared(Arc::new(items))),
            OpenBody::Map {
                entries,
                pending_key: None,
                ..
            } => NodeKind::Map(Shared(Arc::new(entries))),
            OpenBody::Map { .. } => return Err(err(mark, YamlProblem::Unbalanced)),
        };
        self.count(1, 0, mark)?;
        let node = Node {
            kind,
            line: open.line,
            col: open.col,
        };
        if open.anchor > 0 {
            let anchor = Anchor {
                node: node.clone(),
                nodes: self.nodes - open.nodes_before,
                text_bytes: self.text_bytes - open.text_bytes_before,
            };
            self.anchors.insert(open.anchor, anchor);
        }
        self.attach(node, mark)
    }

    fn scalar(
        &mut self,
        text: String,
        plain: bool,
        anchor: usize,
        mark: &Marker,
    ) -> Result<(), YamlError> {
        let text_bytes = text.len();
        self.count(1, text_bytes, mark)?;
        // An anchored text is shared from the start, so its aliases never copy it.
        let text = if anchor > 0 {
            ScalarText::Shared(text.into())
        } else {
            ScalarText::Owned(text)
        };
        let node = Node {
            kind: NodeKind::Scalar { text, plain },
            line: mark.line(),
            col: mark.col() + 1,
        };
        if anchor > 0 {
            let shared = Anchor {
                node: node.clone(),
                nodes: 1,
                text_bytes,
            };
            self.anchors.insert(anchor, shared);
        }
        self.attach(node, mark)
    }

    /// An alias is the anchored node itself (its lists and texts shared, not copied), placed at
    /// the alias; it is charged its whole expansion before it joins the tree.
    fn alias(&mut self, id: usize, mark: &Marker) -> Result<(), YamlError> {
        let anchor = self
            .anchors
            .get(&id)
            .ok_or_else(|| err(mark, YamlProblem::UnknownAnchor))?;
        let (nodes, text_bytes) = (anchor.nodes, anchor.text_bytes);
        let node = Node {
            line: mark.line(),
            col: mark.col() + 1,
            ..anchor.node.clone()
        };
        self.alias_bytes = self.alias_bytes.saturating_add(text_bytes);
        if self.alias_bytes > self.alias_byte_budget {
            return Err(err(
                mark,
                YamlProblem::AliasBomb {
                    budget: self.alias_byte_budget,
                    per_byte: ALIAS_BYTES_PER_FILE_BYTE,
                    min_mib: MIN_ALIAS_BYTES >> 20,
                    max_mib: MAX_ALIAS_BYTES >> 20,
                },
            ));
        }
        self.count(nodes, text_bytes, mark)?;
        self.attach(node, mark)
    }

    fn count(&mut self, nodes: usize, text_bytes: usize, mark: &Marker) -> Result<(), YamlError> {
        self.nodes = self.nodes.saturating_add(nodes);
        self.text_bytes = self.text_bytes.saturating_add(text_bytes);
        if self.nodes > MAX_NODES {
            return Err(err(mark, YamlProblem::TooManyValues { max: MAX_NODES }));
        }
        Ok(())
    }

    fn attach(&mut self, node: Node, mark: &Marker) -> Result<(), YamlError> {
        let Some(open) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        match &mut open.body {
            OpenBody::Seq(items) => items.push(node),
            OpenBody::Map {
                entries,
                pending_key,
                key_lines,
            } => match pending_key.take() {
                None => {
                    let Some(key) = node.as_scalar() else {
                        return Err(err(mark, YamlProblem::KeyNotText));
                    };
                    if let Some(first) = first_line_of_key(entries, key_lines, key) {
                        return Err(err(
                            mark,
                            YamlProblem::DuplicateKey {
                                key: key.to_string(),
                                first,
                            },
                        ));
                    }
                    *pending_key = Some(node);
                }
                Some(key) => {
                    entries.push((key, node));
                    if entries.len() >= KEY_SCAN_LIMIT {
                        index_keys(entries, key_lines);
                    }
                }
            },
        }
        Ok(())
    }
}

/// The line of `key` if the mapping already has it: a scan while the mapping is small, a
/// lookup once it is indexed.
fn first_line_of_key(
    entries: &[(Node, Node)],
    key_lines: &HashMap<String, usize>,
    key: &str,
) -> Option<usize> {
    if key_lines.is_empty() {
        entries
            .iter()
            .find(|(k, _)| k.as_scalar() == Some(key))
            .map(|(k, _)| k.line)
    } else {
        key_lines.get(key).copied()
    }
}

/// Adds the newest entry's key to the index, or indexes every key on the first call.
fn index_keys(entries: &[(Node, Node)], key_lines: &mut HashMap<String, usize>) {
    let new = if key_lines.is_empty() {
        entries
    } else {
        &entries[entries.len() - 1..]
    };
    for (key, _) in new {
        if let Some(text) = key.as_scalar() {
            key_lines.insert(text.to_string(), key.line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_lines_and_scalar_styles() {
        let doc = parse_document("id: a\ncode: \"0123\"\nflag: no\nlist:\n  - x\n  - y\n")
            .unwrap()
            .unwrap();
        let code = doc.get("code").unwrap();
        assert_eq!(code.line, 2);
        assert_eq!(
            code.kind,
            NodeKind::Scalar {
                text: "0123".into(),
                plain: false
            }
        );
        assert_eq!(doc.get("flag").unwrap().as_scalar(), Some("no"));
        match &doc.get("list").unwrap().kind {
            NodeKind::Seq(items) => assert_eq!(items[1].line, 6),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = parse_document("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert!(
            e.message.to_string().contains("duplicate key \"a\""),
            "{e:?}"
        );
        assert_eq!(e.line, 3);
    }

    #[test]
    fn billion_laughs_is_bounded() {
        let mut doc = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
        let mut prev = "a";
        for n in names {
            doc.push_str(&format!(
                "{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
            prev = n;
        }
        let e = parse_document(&doc).unwrap_err();
        assert!(e.message.to_string().contains("alias expansion"), "{e:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let doc = "[".repeat(5000) + &"]".repeat(5000);
        let e = parse_document(&doc).unwrap_err();
        assert!(
            e.message.to_string().contains("nesting")
                || e.message.to_string().contains("recursion"),
            "{e:?}"
        );
    }

    #[test]
    fn second_document_is_refused_and_empty_is_none() {
        assert!(parse_document("a: 1\n---\nb: 2\n")
            .unwrap_err()
            .message
            .to_string()
            .contains("second"));
        assert_eq!(parse_document("").unwrap(), None);
        assert_eq!(parse_document("# only a comment\n").unwrap(), None);
    }

    #[test]
    fn aliases_share_texts_and_lists_instead_of_copying() {
        let doc = parse_document("a: &t some long text\nb: *t\nc: &l [x, y]\nd: *l\n")
            .unwrap()
            .unwrap();
        let text = |key: &str| match &doc.get(key).unwrap().kind {
            NodeKind::Scalar {
                text: ScalarText::Shared(text),
                ..
            } => text.clone(),
            other => panic!("{key}: {other:?}"),
        };
        assert!(Arc::ptr_eq(&text("a"), &text("b")));
        let list = |key: &str| match &doc.get(key).unwrap().kind {
            NodeKind::Seq(items) => items.0.clone(),
            other => panic!("{key}: {other:?}"),
        };
        assert!(Arc::ptr_eq(&list("c"), &list("d")));
        // The alias keeps its own position.
        assert_eq!(
            (doc.get("d").unwrap().line, doc.get("d").unwrap().col),
            (4, 4)
        );
    }

    #[test]
    fn alias_byte_budget_follows_the_file_size_within_bounds() {
        assert_eq!(alias_byte_budget(100), 1 << 20);
        assert_eq!(alias_byte_budget(1_000_000), 4_000_000);
        assert_eq!(alias_byte_budget(100 << 20), 64 << 20);
    }

    #[test]
    fn alias_bytes_are_bounded_and_the_crossing_alias_is_named() {
        // A ~100 KiB file has the 1 MiB floor: ten 102,400-byte aliases fit, the eleventh
        // (on line 12) does not.
        let mut doc = format!("- &t \"{}\"\n", "x".repeat(102_400));
        doc.push_str(&"- *t\n".repeat(20));
        let e = parse_document(&doc).unwrap_err();
        assert!(e.message.to_string().contains("bytes of text"), "{e:?}");
        assert_eq!((e.line, e.col), (12, 3));
        // An alias to a list that itself holds an alias is charged everything it expands to:
        // `*l` adds 204,800 bytes, so after the 102,400 inside `l` the fifth one crosses.
        let mut doc = format!("- &l [&t \"{}\", *t]\n", "x".repeat(102_400));
        doc.push_str(&"- *l\n".repeat(8));
        let e = parse_document(&doc).unwrap_err();
        assert!(e.message.to_string().contains("bytes of text"), "{e:?}");
        assert_eq!(e.line, 6);
    }

    #[test]
    fn duplicate_keys_are_found_in_large_mappings() {
        let mut doc: String = (0..40).map(|i| format!("k{i}: v\n")).collect();
        doc.push_str("k3: again\n");
        let e = parse_document(&doc).unwrap_err();
        assert!(
            e.message
                .to_string()
                .contains("duplicate key \"k3\" (first given on line 4)"),
            "{e:?}"
        );
        assert_eq!(e.line, 41);
        // Keys indexed when the index is built and keys added to it afterwards are found.
        for dup in ["k0", "k31", "k32", "k39"] {
            let doc = format!(
                "{}{dup}: again\n",
                (0..40).map(|i| format!("k{i}: v\n")).collect::<String>()
            );
            assert!(parse_document(&doc)
                .unwrap_err()
                .message
                .to_string()
                .contains(dup));
        }
        let distinct: String = (0..40).map(|i| format!("k{i}: v\n")).collect();
        assert!(parse_document(&distinct).is_ok());
    }
}
