//! The floor of the benchmark: the least work that reading an export takes.
//! `floor csv FILE`: the csv crate reading every record into one reused `ByteRecord`.
//! `floor xlsx FILE`: calamine iterating every cell of the "Main Report" sheet.
//! Prints the count of records or cells, so the work cannot be optimised away.

use calamine::DataType;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, mode, path] = args.as_slice() else {
        return Err("usage: floor csv|xlsx FILE".into());
    };
    let n: u64 = match mode.as_str() {
        "csv" => {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_path(path)?;
            let mut rec = csv::ByteRecord::new();
            let mut n = 0;
            while rdr.read_byte_record(&mut rec)? {
                n += rec.len() as u64;
            }
            n
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
        _ => return Err("usage: floor csv|xlsx FILE".into()),
    };
    println!("{n}");
    Ok(())
}
