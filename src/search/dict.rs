//! The term dictionary's files (`search/t/<k>.bin`; the format is in [`super::shards`]):
//! entries gathered in term order, written into hash buckets, each bucket a fixed slot of a pack
//! file, with a tail after the slots for the rare bucket that outgrows its slot.

use super::shards::{fnv1a, varint, DICT_PACK_BITS, DICT_SLOT};
use super::SearchError;
use crate::output::Staging;

/// Bits of the dictionary's bucket number: enough buckets that one fills at most 40% of a slot
/// on average, so that a bucket outgrowing its slot is rare: its tail is a second, sequential
/// request, a fourth round before the first results (at 60%, 0.5-0.8% of buckets had one).
pub(super) fn dict_shard_bits(total_entry_bytes: usize) -> u32 {
    (total_entry_bytes * 5)
        .div_ceil(2 * DICT_SLOT)
        .max(1)
        .next_power_of_two()
        .trailing_zeros()
}

fn varint_len(v: u64) -> usize {
    (64 - (v | 1).leading_zeros() as usize).div_ceil(7)
}

/// One dictionary pack file from the entries `(slot, entry)` of its buckets, sorted by slot.
pub fn dict_pack(entries: &[(usize, &[u8])]) -> Vec<u8> {
    let slots = 1usize << DICT_PACK_BITS;
    let mut out = vec![0u8; slots * DICT_SLOT];
    let mut tails = Vec::new();
    let mut rest = entries;
    for slot in 0..slots {
        let count = rest.partition_point(|e| e.0 <= slot);
        let (mine, after) = rest.split_at(count);
        rest = after;
        let total: usize = mine.iter().map(|e| e.1.len()).sum();
        let split = if varint_len(total as u64) + total < DICT_SLOT {
            mine.len()
        } else {
            // Room for the three varints: head length < 2^14, tail length and offset < 2^35.
            let (mut used, mut k) = (0, 0);
            while k < mine.len() && used + mine[k].1.len() + 12 <= DICT_SLOT {
                used += mine[k].1.len();
                k += 1;
            }
            k
        };
        let mut bytes = Vec::with_capacity(DICT_SLOT);
        varint(
            &mut bytes,
            mine[..split].iter().map(|e| e.1.len() as u64).sum(),
        );
        for e in &mine[..split] {
            bytes.extend_from_slice(e.1);
        }
        let tail_len: usize = mine[split..].iter().map(|e| e.1.len()).sum();
        varint(&mut bytes, tail_len as u64);
        if tail_len > 0 {
            varint(&mut bytes, (out.len() + tails.len()) as u64);
            for e in &mine[split..] {
                tails.extend_from_slice(e.1);
            }
        }
        out[slot * DICT_SLOT..slot * DICT_SLOT + bytes.len()].copy_from_slice(&bytes);
    }
    out.extend_from_slice(&tails);
    out
}

/// Dictionary entries in term order, in one buffer (there is one per term: hundreds of
/// thousands at 100,000 records).
#[derive(Default)]
pub(super) struct DictEntries {
    pub(super) bytes: Vec<u8>,
    /// (term hash, byte range in `bytes`).
    pub(super) entries: Vec<(u32, std::ops::Range<usize>)>,
}

impl DictEntries {
    /// Adds a term's entry: its bytes, document frequency and whether its list is external,
    /// then what `rest` writes.
    pub(super) fn push(
        &mut self,
        term: &[u8],
        df: usize,
        external: bool,
        rest: impl FnOnce(&mut Vec<u8>),
    ) {
        let start = self.bytes.len();
        varint(&mut self.bytes, term.len() as u64);
        self.bytes.extend_from_slice(term);
        varint(&mut self.bytes, ((df as u64) << 1) | u64::from(external));
        rest(&mut self.bytes);
        self.entries.push((fnv1a(term), start..self.bytes.len()));
    }

    /// Writes the entries into `2^shard_bits` buckets. Returns the number of files.
    pub(super) fn write(&self, shard_bits: u32, staging: &Staging) -> Result<u64, SearchError> {
        let mask = (1u32 << shard_bits) - 1;
        let buckets = mask as usize + 1;
        // Entries by bucket, each bucket's in term order (a counting sort, which is stable), so
        // output is deterministic; `starts[b]` is where bucket b's entries begin.
        let mut starts = vec![0usize; buckets + 1];
        for (hash, _) in &self.entries {
            starts[(hash & mask) as usize + 1] += 1;
        }
        for b in 0..buckets {
            starts[b + 1] += starts[b];
        }
        let slot_mask = (1usize << DICT_PACK_BITS) - 1;
        let mut next = starts.clone();
        let mut by_bucket: Vec<(usize, &[u8])> = vec![(0, &[]); self.entries.len()];
        for (hash, range) in &self.entries {
            let bucket = (hash & mask) as usize;
            by_bucket[next[bucket]] = (bucket & slot_mask, &self.bytes[range.clone()]);
            next[bucket] += 1;
        }
        let packs = buckets.div_ceil(1 << DICT_PACK_BITS);
        for k in 0..packs {
            let first = starts[k << DICT_PACK_BITS];
            let end = starts[((k + 1) << DICT_PACK_BITS).min(buckets)];
            let pack = dict_pack(&by_bucket[first..end]);
            staging.write(&format!("search/t/{k:x}.bin"), &pack)?;
        }
        Ok(packs as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_varint(bytes: &[u8], at: &mut usize) -> u64 {
        let (mut v, mut shift) = (0u64, 0);
        loop {
            let b = bytes[*at];
            *at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return v;
            }
            shift += 7;
        }
    }

    /// The entries of slot `slot` of a dictionary pack, as the client reads them: the slot,
    /// then its tail when it names one.
    fn slot_entries(pack: &[u8], slot: usize) -> Vec<u8> {
        let bytes = &pack[slot * DICT_SLOT..(slot + 1) * DICT_SLOT];
        let mut at = 0;
        let head = read_varint(bytes, &mut at) as usize;
        let mut entries = bytes[at..at + head].to_vec();
        at += head;
        let tail = read_varint(bytes, &mut at) as usize;
        if tail > 0 {
            let tail_at = read_varint(bytes, &mut at) as usize;
            entries.extend_from_slice(&pack[tail_at..tail_at + tail]);
        }
        entries
    }

    #[test]
    fn dictionary_slots_hold_their_buckets_and_tails() {
        let entry = |slot: usize, i: usize| (slot, format!("<{slot}:{i}:{}>", "x".repeat(i % 50)));
        // Slot 3 overflows (about 3 slots' worth), slots 0 and 63 fit, the others are empty.
        let mut entries: Vec<(usize, String)> = (0..5).map(|i| entry(0, i)).collect();
        entries.extend((0..80).map(|i| entry(3, i)));
        entries.extend((0..7).map(|i| entry(63, i)));
        let raw: Vec<(usize, &[u8])> = entries.iter().map(|(s, e)| (*s, e.as_bytes())).collect();
        let pack = dict_pack(&raw);
        assert!(pack.len() > 64 * DICT_SLOT, "slot 3 has a tail");
        for slot in 0..64 {
            let want: String = entries
                .iter()
                .filter(|e| e.0 == slot)
                .map(|e| e.1.as_str())
                .collect();
            assert_eq!(
                String::from_utf8(slot_entries(&pack, slot)).unwrap(),
                want,
                "slot {slot}"
            );
        }
        assert!(
            pack[DICT_SLOT..2 * DICT_SLOT].iter().all(|&b| b == 0),
            "empty slot is zeros"
        );
    }

    #[test]
    fn shard_bits_leave_slots_room() {
        assert_eq!(dict_shard_bits(0), 0);
        for total in [10_000usize, 1_000_000, 15_000_000] {
            let mean = total as f64 / f64::from(1u32 << dict_shard_bits(total));
            assert!(
                mean <= 0.4 * DICT_SLOT as f64 && mean > 0.2 * DICT_SLOT as f64,
                "{mean}"
            );
        }
    }
}
