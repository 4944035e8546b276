//! A YAML document tree that remembers where every node came from (line and column), built from
//! yaml-rust2's event stream without recursion. Scalars stay uninterpreted strings: the validator
//! reads them according to the declared field type, so `no` in a text field is the text "no" and a
//! credit code made of digits stays a string. Hostile input is bounded: nesting depth, alias
//! expansion and node count are capped, and duplicate keys are errors.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Nesting deeper than this is refused (records need three or four levels).
pub const MAX_DEPTH: usize = 64;
/// Upper bound on nodes one file may expand to, aliases included ("billion laughs").
pub const MAX_NODES: usize = 1_000_000;

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
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// True for an empty plain scalar, `~` or `null`: YAML's ways of writing "no value".
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { text, plain: true }
            if text.is_empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
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

    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar { .. } if self.is_null() => "an empty value",
            NodeKind::Scalar { .. } => "a scalar",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

fn err(mark: &Marker, message: impl Into<String>) -> YamlError {
    YamlError {
        line: mark.line(),
        col: mark.col() + 1,
        message: message.into(),
    }
}

enum Open {
    Seq(Node),
    Map(Node, Option<Node>),
}

/// Parses one YAML document. Returns `Ok(None)` for a file with no document at all.
pub fn parse_document(source: &str) -> Result<Option<Node>, YamlError> {
    let mut parser = Parser::new_from_str(source);
    // Each anchor keeps its subtree and that subtree's node count, so an alias is charged its
    // full expansion before it is cloned.
    let mut anchors: Vec<(usize, Node, usize)> = Vec::new();
    let mut stack: Vec<(Open, usize)> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0usize;
    let mut nodes = 0usize;
    loop {
        let (event, mark) = parser
            .next_token()
            .map_err(|e| err(e.marker(), e.info().to_string()))?;
        let (node, anchor) = match event {
            Event::StreamEnd => break,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(err(
                        &mark,
                        "a data file holds one YAML document; found a second one (`---`): put one record, or a list of records, in each file",
                    ));
                }
                continue;
            }
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => continue,
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(
                        &mark,
                        format!("nesting is deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let node = Node {
                    kind: if matches!(event, Event::SequenceStart(..)) {
                        NodeKind::Seq(Vec::new())
                    } else {
                        NodeKind::Map(Vec::new())
                    },
                    line: mark.line(),
                    col: mark.col() + 1,
                };
                let open = match node.kind {
                    NodeKind::Seq(_) => Open::Seq(node),
                    _ => Open::Map(node, None),
                };
                stack.push((open, anchor));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some((Open::Seq(node), anchor)) | Some((Open::Map(node, None), anchor)) => {
                    (node, anchor)
                }
                _ => return Err(err(&mark, "unbalanced YAML structure")),
            },
            Event::Scalar(text, style, anchor, _) => {
                let node = Node {
                    kind: NodeKind::Scalar {
                        text,
                        plain: style == TScalarStyle::Plain,
                    },
                    line: mark.line(),
                    col: mark.col() + 1,
                };
                (node, anchor)
            }
            Event::Alias(id) => {
                let (target, size) = anchors
                    .iter()
                    .rev()
                    .find(|(a, _, _)| *a == id)
                    .map(|(_, n, size)| (n, *size))
                    .ok_or_else(|| err(&mark, "alias to an unknown anchor"))?;
                nodes += size;
                if nodes > MAX_NODES {
                    return Err(bomb(&mark));
                }
                let target = target.clone();
                (
                    Node {
                        line: mark.line(),
                        col: mark.col() + 1,
                        ..target
                    },
                    0,
                )
            }
        };
        nodes += 1;
        if nodes > MAX_NODES {
            return Err(bomb(&mark));
        }
        if anchor > 0 {
            anchors.push((anchor, node.clone(), count_nodes(&node, MAX_NODES)));
        }
        attach(&mut stack, &mut root, node, &mark)?;
    }
    Ok(root)
}

/// Counts nodes, stopping early once `limit` is passed so that counting itself stays bounded.
fn count_nodes(node: &Node, limit: usize) -> usize {
    let mut count = 0usize;
    let mut pending = vec![node];
    while let Some(n) = pending.pop() {
        count += 1;
        if count > limit {
            return count;
        }
        match &n.kind {
            NodeKind::Scalar { .. } => {}
            NodeKind::Seq(items) => pending.extend(items.iter()),
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    pending.push(k);
                    pending.push(v);
                }
            }
        }
    }
    count
}

fn bomb(mark: &Marker) -> YamlError {
    err(
        mark,
        format!("the file expands to more than {MAX_NODES} values (alias expansion bomb?)"),
    )
}

fn attach(
    stack: &mut [(Open, usize)],
    root: &mut Option<Node>,
    node: Node,
    mark: &Marker,
) -> Result<(), YamlError> {
    match stack.last_mut() {
        None => *root = Some(node),
        Some((Open::Seq(seq), _)) => {
            if let NodeKind::Seq(items) = &mut seq.kind {
                items.push(node);
            }
        }
        Some((Open::Map(map, pending_key), _)) => match pending_key.take() {
            None => {
                if !matches!(node.kind, NodeKind::Scalar { .. }) {
                    return Err(err(mark, "mapping keys must be plain text"));
                }
                if let (NodeKind::Map(entries), Some(key)) = (&map.kind, node.as_scalar()) {
                    if let Some((first, _)) =
                        entries.iter().find(|(k, _)| k.as_scalar() == Some(key))
                    {
                        return Err(err(
                            mark,
                            format!(
                                "duplicate key \"{key}\" (first given on line {})",
                                first.line
                            ),
                        ));
                    }
                }
                *pending_key = Some(node);
            }
            Some(key) => {
                if let NodeKind::Map(entries) = &mut map.kind {
                    entries.push((key, node));
                }
            }
        },
    }
    Ok(())
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
        assert!(e.message.contains("duplicate key \"a\""), "{e:?}");
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
        assert!(e.message.contains("alias expansion"), "{e:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let doc = "[".repeat(5000) + &"]".repeat(5000);
        let e = parse_document(&doc).unwrap_err();
        assert!(
            e.message.contains("nesting") || e.message.contains("recursion"),
            "{e:?}"
        );
    }

    #[test]
    fn second_document_is_refused_and_empty_is_none() {
        assert!(parse_document("a: 1\n---\nb: 2\n")
            .unwrap_err()
            .message
            .contains("second"));
        assert_eq!(parse_document("").unwrap(), None);
        assert_eq!(parse_document("# only a comment\n").unwrap(), None);
    }
}
