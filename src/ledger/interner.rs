//! Text values stored once: statuses, importer numbers and names, which repeat across many
//! entries of an export (or, from a broker, may be new on every entry).

use std::num::NonZeroU32;

/// Text values that repeat across many entries (statuses, importers), stored once: one after
/// another in one string, found again through a table of their ids. A broker's export
/// can name a new importer on every entry, so a value costs its bytes and about 20 more,
/// not two allocations of its own and a map's entry.
#[derive(Default)]
pub struct Interner {
    /// Every value, one after another.
    text: String,
    /// The end of each value in `text`, in the order of their ids.
    ends: Vec<usize>,
    /// The ids with 32 bits of their value's hash, placed by that hash: growing the table
    /// and most failed probes need not read the value (a random read in `text`).
    ids: hashbrown::HashTable<(u32, Sym)>,
    /// Set once every input is read, when `ids` is dropped.
    ended: bool,
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries((0..self.ends.len()).map(|i| self.value(i)))
            .finish()
    }
}

/// 32 bits of the hash of `s`, as kept in the table.
fn hash_text(s: &str) -> u32 {
    use std::hash::BuildHasher;
    let h = rustc_hash::FxBuildHasher.hash_one(s);
    (h ^ h >> 32) as u32
}

/// The table's hash of a value from its 32 bits: the table places a value by the low bits
/// and tags it with the top seven, so both come from them.
fn spread(h: u32) -> u64 {
    u64::from(h) << 32 | u64::from(h)
}

/// A text value stored in an [`Interner`]. Never zero, so that an `Option<Sym>` takes four
/// bytes: an entry holds six of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sym(NonZeroU32);

impl Interner {
    pub fn intern(&mut self, s: &str) -> Sym {
        assert!(!self.ended, "a value interned after the end of the input");
        let (text, ends) = (&self.text, &self.ends);
        let value = |id: Sym| value_in(text, ends, id.index());
        let hash = hash_text(s);
        match self.ids.entry(
            spread(hash),
            |&(h, id)| h == hash && value(id) == s,
            |&(h, _)| spread(h),
        ) {
            hashbrown::hash_table::Entry::Occupied(seen) => seen.get().1,
            hashbrown::hash_table::Entry::Vacant(room) => {
                self.text.push_str(s);
                self.ends.push(self.text.len());
                let n = u32::try_from(self.ends.len()).expect("fewer than 2^32 values");
                let id = Sym(NonZeroU32::new(n).expect("at least one value"));
                room.insert((hash, id));
                id
            }
        }
    }

    pub fn get(&self, id: Sym) -> &str {
        self.value(id.index())
    }

    fn value(&self, i: usize) -> &str {
        value_in(&self.text, &self.ends, i)
    }

    /// Every input is read: the table that finds a value again is dropped; no value may be
    /// interned after.
    pub fn end_of_input(&mut self) {
        self.ids = hashbrown::HashTable::new();
        self.ended = true;
    }

    /// Whether [`Interner::end_of_input`] was called.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// How many distinct values are stored.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// Value `i` of an [`Interner`]'s `text` and `ends`.
fn value_in<'a>(text: &'a str, ends: &[usize], i: usize) -> &'a str {
    let start = if i == 0 { 0 } else { ends[i - 1] };
    &text[start..ends[i]]
}

impl Sym {
    /// The value's place in its interner, from 0.
    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustc_hash::FxHashMap as HashMap;

    #[test]
    fn values_whose_kept_hash_bits_collide_stay_apart() {
        // Importer numbers as ACE writes them, until two share the 32 bits the table keeps
        // (a few hundred thousand, as the birthday bound says).
        let mut seen = HashMap::default();
        let (a, b) = (0u64..)
            .map(|i| format!("{:02}-{:07}-{:02}", i % 100, i / 100 % 10_000_000, i % 89))
            .find_map(|v| {
                let h = hash_text(&v);
                seen.insert(h, v.clone()).map(|earlier| (earlier, v))
            })
            .expect("a collision");
        assert_ne!(a, b);
        let mut strings = Interner::default();
        let (ia, ib) = (strings.intern(&a), strings.intern(&b));
        assert_ne!(ia, ib);
        assert_eq!((strings.get(ia), strings.get(ib)), (a.as_str(), b.as_str()));
        assert_eq!((strings.intern(&a), strings.intern(&b)), (ia, ib));
        assert_eq!(strings.len(), 2);
    }

    #[test]
    fn interned_values_come_back_as_they_went_in_whatever_their_number() {
        let mut strings = Interner::default();
        let values: Vec<String> = (0..50_000)
            .map(|i| format!("{:02}-{i:07}-00", i % 97))
            .chain(["".into(), "ACCEPTED".into(), "é ü".into()])
            .collect();
        let ids: Vec<Sym> = values.iter().map(|v| strings.intern(v)).collect();
        assert_eq!(strings.len(), values.len());
        // The same value twice is the same id; every id gives its value back.
        for (v, &id) in values.iter().zip(&ids) {
            assert_eq!(strings.intern(v), id);
            assert_eq!(strings.get(id), v);
        }
        assert_eq!(strings.len(), values.len());
        let distinct: std::collections::HashSet<Sym> = ids.iter().copied().collect();
        assert_eq!(distinct.len(), values.len());
    }

    #[test]
    #[should_panic(expected = "a value interned after the end of the input")]
    fn no_value_is_interned_after_the_end_of_the_input() {
        let mut strings = Interner::default();
        strings.intern("ACCEPTED");
        strings.end_of_input();
        strings.intern("ACCEPTED");
    }
}
