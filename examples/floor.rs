//! The floor of the benchmark: the least work that reading an export takes.
//! `floor csv FILE`: the csv crate reading every record into one reused `ByteRecord`.
//! `floor csv-sha256 FILE`: the same, with the bytes fingerprinted (SHA-256) on the way in,
//! as `cape prepare` must for its audit trail: the floor of any run that records the input's
//! fingerprint, on one core.
//! `floor xlsx FILE`: calamine iterating every cell of the "Main Report" sheet.
//! Prints the count of records or cells, so the work cannot be optimised away.

use std::io::Read;

use calamine::DataType;
use cape::output::Fingerprinting;

/// Fields in every record of `rdr`, read into one reused record.
fn fields<R: Read>(rdr: &mut csv::Reader<R>) -> csv::Result<u64> {
    let mut rec = csv::ByteRecord::new();
    let mut n = 0;
    while rdr.read_byte_record(&mut rec)? {
        n += rec.len() as u64;
    }
    Ok(n)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, mode, path] = args.as_slice() else {
        return Err("usage: floor csv|csv-sha256|xlsx FILE".into());
    };
    let n: u64 = match mode.as_str() {
        "csv" | "csv-sha256" => {
            let mut builder = csv::ReaderBuilder::new();
            builder.has_headers(false).flexible(true);
            let file = std::fs::File::open(path)?;
            if mode == "csv" {
                fields(&mut builder.from_reader(file))?
            } else {
                // The reader `cape prepare` fingerprints its CSV inputs through.
                let mut rdr = builder.from_reader(Fingerprinting::new(file));
                let n = fields(&mut rdr)?;
                n + u64::from(rdr.into_inner().finish().sha256.as_bytes()[0])
            }
        }
        "xlsx" => {
            let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path)?;
            let mut cells = wb.worksheet_cells_reader("Main Report")?;
            let mut n = 0;
            while let Some(c) = cells.next_cell()? {
                n += u64::from(!c.get_value().is_empty());
            }
            n
        }
        _ => return Err("usage: floor csv|csv-sha256|xlsx FILE".into()),
    };
    println!("{n}");
    Ok(())
}
