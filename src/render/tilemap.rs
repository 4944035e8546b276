//! The schematic map (site.yaml `site.map`): a square per city at its grid place, shaded by how
//! many records it has and linking to the city's listing; a record page with a location shows
//! its city's square marked, with the coordinates in text beside it. Squares, never outlines:
//! a published map drawing boundaries needs official approval (审图号).

use super::Renderer;
use crate::record::{Geo, Value};
use crate::text::{facet_segment, url_segment};
use serde::Serialize;

/// SVG units per grid square, and the gap left between squares.
const TILE_W: u32 = 120;
const TILE_H: u32 = 72;
const GAP: u32 = 6;
/// Shades: 0 for no record, then four steps up to the largest count.
const SHADES: u64 = 4;

#[derive(Serialize)]
pub struct MapView {
    width: u32,
    height: u32,
    tiles: Vec<Tile>,
}

#[derive(Serialize)]
struct Tile {
    name: String,
    x: u32,
    y: u32,
    /// Text positions: the name's line and the count's.
    cx: u32,
    name_y: u32,
    count_y: u32,
    /// The second line: the count, or on a record's map "here" on its own square.
    note: String,
    href: Option<String>,
    shade: u64,
    current: bool,
}

/// The shade of a square with `count` of `most` records: 0 for none, else 1..=SHADES.
fn shade(count: u64, most: u64) -> u64 {
    if count == 0 || most == 0 {
        0
    } else {
        (count * SHADES).div_ceil(most).clamp(1, SHADES)
    }
}

/// Latitude and longitude as a person reads them: `北纬 32.70000°，东经 107.10000°`.
pub fn coordinates_text(g: Geo, template: &str) -> String {
    template
        .replace("{lat}", &format!("{:.5}", g.lat))
        .replace("{lon}", &format!("{:.5}", g.lon))
}

impl Renderer<'_> {
    /// The map's squares, counting the records of collection `ci` per value of the map's field;
    /// `current` marks one square; `None` when the site has no map or the collection no such
    /// facet.
    pub(super) fn tile_map(&self, ci: usize, root: &str, current: Option<&str>) -> Option<MapView> {
        let map = self.config.site.map.as_ref()?;
        let c = &self.config.collections[ci];
        let facet = self
            .facets(ci)
            .iter()
            .find(|f| c.fields[f.field].key == map.field)?;
        let (fi, values) = (&facet.field, &facet.values);
        let field = &c.fields[*fi].key;
        let count_of = |name: &str| {
            values
                .iter()
                .find(|v| v.value == name)
                .map_or(0, |v| v.records.len() as u64)
        };
        let most = map
            .tiles
            .keys()
            .map(|n| count_of(n.as_str()))
            .max()
            .unwrap_or(0);
        // The grid's size along an axis: one past the furthest tile.
        let extent = |axis: usize| {
            map.tiles
                .values()
                .map(|p| p[axis] as u32 + 1)
                .max()
                .unwrap_or(0)
        };
        let (cols, rows) = (extent(0), extent(1));
        let tiles = map
            .tiles
            .iter()
            .map(|(name, [col, row])| {
                let n = count_of(name.as_str());
                let (x, y) = (*col as u32 * TILE_W, *row as u32 * TILE_H);
                Tile {
                    name: name.clone(),
                    x,
                    y,
                    cx: x + (TILE_W - GAP) / 2,
                    name_y: y + TILE_H / 2 - 6,
                    count_y: y + TILE_H / 2 + 20,
                    note: match current {
                        None => n.to_string(),
                        Some(here) if here == name.as_str() => self.t("map_here").to_string(),
                        Some(_) => String::new(),
                    },
                    href: (n > 0).then(|| {
                        format!(
                            "{root}{}/{field}/{}/",
                            c.key,
                            url_segment(&facet_segment(name))
                        )
                    }),
                    shade: if current.is_some() { 0 } else { shade(n, most) },
                    current: current == Some(name.as_str()),
                }
            })
            .collect();
        Some(MapView {
            width: cols * TILE_W,
            height: rows * TILE_H,
            tiles,
        })
    }

    /// A record page's map: its city marked, when the record has both a city and a location.
    pub(super) fn place_map(
        &self,
        ci: usize,
        root: &str,
        record: &crate::record::Record,
    ) -> Option<(MapView, String)> {
        let map = self.config.site.map.as_ref()?;
        let c = &self.config.collections[ci];
        let city = c
            .field_index(&map.field)
            .and_then(|i| record.value(i))
            .map(Value::plain_text)?;
        let geo = c
            .fields
            .iter()
            .enumerate()
            .find_map(|(i, _)| match record.value(i) {
                Some(Value::Geo(g)) => Some(*g),
                _ => None,
            })?;
        let view = self.tile_map(ci, root, Some(&city))?;
        Some((view, coordinates_text(geo, self.t("coordinates"))))
    }
}

#[cfg(test)]
mod tests {
    use super::{coordinates_text, shade};
    use crate::record::Geo;

    #[test]
    fn shades_rise_with_the_count() {
        assert_eq!(shade(0, 10), 0);
        assert_eq!(shade(1, 10), 1);
        assert_eq!(shade(5, 10), 2);
        assert_eq!(shade(10, 10), 4);
        assert_eq!(shade(3, 0), 0);
    }

    #[test]
    fn coordinates_read_as_text() {
        let g = Geo {
            lat: 32.7,
            lon: 107.1,
        };
        assert_eq!(coordinates_text(g, "{lat}, {lon}"), "32.70000, 107.10000");
    }
}
