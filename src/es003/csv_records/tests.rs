use super::*;
use proptest::prelude::*;

/// A source that hands out at most `chunk` bytes per read.
struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.1.min(out.len()).min(self.0.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// The csv crate's records of `data`, each with the line of its first byte.
fn reference(data: &[u8], delimiter: u8) -> Vec<(u64, Vec<Vec<u8>>)> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(data);
    let mut rec = csv::ByteRecord::new();
    let mut out = Vec::new();
    loop {
        let mut at = rdr.position().byte() as usize;
        if at == 0 && data.starts_with(b"\xEF\xBB\xBF") {
            at = 3;
        }
        if !rdr.read_byte_record(&mut rec).unwrap() {
            break;
        }
        let start = at
            + data[at..]
                .iter()
                .position(|&b| b != b'\r' && b != b'\n')
                .unwrap_or(0);
        let line = 1 + memchr::memchr_iter(b'\n', &data[..start]).count() as u64;
        out.push((line, rec.iter().map(<[u8]>::to_vec).collect()));
    }
    out
}

/// How records are taken from the reader.
#[derive(Clone, Copy, Debug)]
enum Way {
    /// `next_record` and `field`.
    One,
    /// `next_into`.
    Into,
    /// `next_batch`, as the reading thread does, with batches of this many bytes.
    Batch(usize),
}

const WAYS: [Way; 4] = [Way::One, Way::Into, Way::Batch(1), Way::Batch(64)];

/// Our records of `data`, taken the `way` given.
fn ours(
    data: &[u8],
    delimiter: u8,
    (chunk, size): (usize, usize),
    limit: usize,
    way: Way,
) -> Vec<(u64, Vec<Vec<u8>>)> {
    let mut r = RecordReader::with_buffer(Trickle(data, chunk), delimiter, size);
    r.set_limit(limit);
    let batch = match way {
        Way::One => false,
        Way::Into => true,
        Way::Batch(want) => return batched(r, limit, want),
    };
    let (mut bytes, mut bounds, mut out) = (Vec::new(), Vec::new(), Vec::new());
    loop {
        let line = if batch {
            r.next_into(&mut bytes, &mut bounds)
        } else {
            r.next_record()
        };
        let Some(line) = line.unwrap() else {
            return out;
        };
        let fields: Vec<Vec<u8>> = if batch {
            let cells = bounds.drain(..).take(limit);
            cells
                .map(|(s, e)| bytes[s as usize..e as usize].to_vec())
                .collect()
        } else {
            let cells = (0..limit).map_while(|i| r.field(i));
            cells.map(<[u8]>::to_vec).collect()
        };
        out.push((line, fields));
    }
}

fn batched<R: Read>(mut r: RecordReader<R>, limit: usize, want: usize) -> Vec<(u64, Vec<Vec<u8>>)> {
    let mut out = Vec::new();
    loop {
        let (mut bytes, mut bounds, mut rows) = (Vec::new(), Vec::new(), Vec::new());
        let more = r
            .next_batch(&mut bytes, &mut bounds, &mut rows, want)
            .unwrap();
        let mut start = 0;
        for (line, end) in rows {
            let cells = bounds[start as usize..end as usize].iter().take(limit);
            let fields = cells.map(|&(s, e)| bytes[s as usize..e as usize].to_vec());
            out.push((line, fields.collect()));
            start = end;
        }
        if !more {
            return out;
        }
    }
}

fn cut(records: Vec<(u64, Vec<Vec<u8>>)>, limit: usize) -> Vec<(u64, Vec<Vec<u8>>)> {
    records
        .into_iter()
        .map(|(l, mut f)| {
            f.truncate(limit);
            (l, f)
        })
        .collect()
}

fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        4 => prop::sample::select(b"a1 ,\t\"\r\n".to_vec()),
        1 => any::<u8>(),
    ];
    let body = prop::collection::vec(byte, 0..200);
    (any::<bool>(), body).prop_map(|(bom, b)| {
        let mut v = if bom {
            b"\xEF\xBB\xBF".to_vec()
        } else {
            vec![]
        };
        v.extend(b);
        v
    })
}

proptest! {
    #[test]
    fn reads_as_the_csv_crate_does(
        data in csvish(),
        tab in any::<bool>(),
        chunk in 1usize..64,
        size in 1usize..32,
        limit in 1usize..6,
    ) {
        let d = if tab { b'\t' } else { b',' };
        let want = reference(&data, d);
        let cut_want = cut(want.clone(), limit);
        for way in WAYS {
            prop_assert_eq!(&ours(&data, d, (chunk, size), usize::MAX, way), &want);
            prop_assert_eq!(&ours(&data, d, (1 << 16, 1 << 20), limit, way), &cut_want);
            prop_assert_eq!(&ours(&data, d, (chunk, size), limit, way), &cut_want);
        }
    }
}

/// Text shaped like an export: lines of short fields, CRLF or LF, quoted amounts
/// (`"$1,234.56"`), and now and then another quoted field, a carriage return alone, a blank line or a line without its end.
fn exportish() -> impl Strategy<Value = Vec<u8>> {
    let field = prop_oneof![
        12 => "[a-z0-9 .-]{0,14}",
        3 => "\"\\$[0-9]{1,3},[0-9]{3}\\.[0-9]{2}\"",
        1 => "\"[a-z,\t]{0,4}\"",
        1 => "\"[a-z,\r\n\"]{0,6}\"",
        1 => "[a-z]{0,3}[\r\"][a-z]{0,3}",
    ];
    let line = (
        prop::collection::vec(field, 1..30),
        prop::sample::select(vec!["\r\n", "\n", "\r\n\r\n", "\n\n", ""]),
    );
    prop::collection::vec(line, 0..12).prop_map(|lines| {
        let mut v = Vec::new();
        for (fields, end) in lines {
            v.extend_from_slice(fields.join(",").as_bytes());
            v.extend_from_slice(end.as_bytes());
        }
        v
    })
}

proptest! {
    #[test]
    fn exports_read_as_the_csv_crate_reads_them(
        data in exportish(),
        chunk in prop::sample::select(vec![1usize, 7, 16, 100, 4096]),
        size in prop::sample::select(vec![1usize, 17, 64, 1 << 16]),
        limit in prop::sample::select(vec![1usize, 3, 19, usize::MAX]),
        want in prop::sample::select(vec![1usize, 50, 1 << 20]),
    ) {
        let reference = cut(reference(&data, b','), limit);
        let mut r = RecordReader::with_buffer(Trickle(&data, chunk), b',', size);
        r.set_limit(limit);
        prop_assert_eq!(batched(r, limit, want), reference);
    }
}

/// Fields split one byte at a time, as `split` promises them.
fn naive_split(line: &[u8], d: u8, limit: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in line.iter().enumerate() {
        if b == d && out.len() < limit {
            out.push((start, i));
            start = i + 1;
        }
    }
    out.push((start, line.len()));
    out
}

proptest! {
    #[test]
    fn split_finds_every_delimiter_in_long_lines(
        line in prop::collection::vec(prop::sample::select(b",,a\xAC\x2C\x00\xFF".to_vec()), 0..300),
        limit in 0usize..80,
    ) {
        let mut got = Vec::new();
        split(&line, b',', limit, |s, e| got.push((s, e)));
        prop_assert_eq!(got, naive_split(&line, b',', limit));
    }
}

#[test]
fn edge_cases() {
    for data in [
        &b""[..],
        b"\xEF\xBB\xBF",
        b"\xEF\xBB\xBFa,b\r\n\xEF\xBB\xBFc",
        b"\r\r\n\n",
        b"a\rb\nc\r\n",
        b"\"a\r\nb\",c\r\nd,\"e\"\"f\"\n",
        b"a,\"b",
        b"x\"y\",z\n",
        b"\"q\"x,y\r",
        b",\n,,\r\n",
        b"\"$1,234.56\",b\r\n\"\",\"\"\n\"a,b\"\n",
        b"a,\"b\"c,d\n\"e\"\"\",f\n",
        b"\"a\"\r\"b\"\n\"c\n\"\n",
        b"x,\"y\"",
        b"\"x\",\"y\"\r\n\r\n\"z\"",
    ] {
        let want = reference(data, b',');
        for way in WAYS {
            assert_eq!(
                ours(data, b',', (1, 1), usize::MAX, way),
                want,
                "{data:?} {way:?}"
            );
            assert_eq!(
                ours(data, b',', (7, 1 << 20), usize::MAX, way),
                want,
                "{data:?} {way:?}"
            );
        }
    }
}

#[test]
fn a_row_past_the_limit_is_refused_with_its_line() {
    let mut data = b"h\nok\n\"".to_vec();
    data.resize(MAX_ROW_BYTES + 10, b'x');
    let mut r = RecordReader::new(&data[..], b',');
    assert_eq!(r.next_record().unwrap(), Some(1));
    assert_eq!(r.next_record().unwrap(), Some(2));
    let e = r.next_record().unwrap_err();
    assert_eq!(e.line, 3);
    assert!(e.source.to_string().contains("longer than 64 MiB"));
}
