//! A deterministic generator of realistic ES-003 exports in ACE's layout, for benchmarks
//! and tests: several summary lines per entry, each a commodity row and Chapter 99 rows
//! (IEEPA and Section 301), and every rule represented among the entries.
//!
//!     cargo run --release --example gen_es003 -- --entries 320000 big.csv
//!     cargo run --release --example gen_es003 -- --entries 40000 --format xlsx big.xlsx
//!
//! Options: `--entries N` (default 1000), `--lines-per-entry K` (summary lines per entry,
//! default 2; about 2.5 rows a line), `--seed S`, `--format csv|xlsx` (default by name).
//! The same options always give the same bytes (CSV) and the same cells (XLSX).

use std::io::{BufWriter, Write};

use cape::entry::EntryNumber;

const HEADER: [&str; 19] = [
    "Entry Summary Number",
    "Entry Type Code",
    "Entry Summary Status",
    "Control Status",
    "Reconciliation Indicator",
    "Importer Number",
    "Importer Name",
    "Port of Entry Code",
    "Entry Date",
    "Entry Summary Date",
    "Entry Summary Line Number",
    "Country of Origin Code",
    "Tariff Ordinal Number",
    "HTS Number - Full",
    "Line Tariff Goods Value Amount",
    "Line Tariff Duty Amount",
    "Liquidation Status",
    "Liquidation Date",
    "Protest Status",
];

const FILERS: [&str; 4] = ["M2K", "002", "BII", "MYK"];
const IMPORTERS: [(&str, &str); 3] = [
    ("12-3456789-00", "ACME TOOLS INC"),
    ("98-7654321-00", "GLOBEX TRADING LLC"),
    ("55-1234567-00", "NORTE IMPORTS CORP"),
];
const COMMODITIES: [&str; 6] = [
    "8471300100",
    "8501520000",
    "6109100012",
    "9403608081",
    "8504409550",
    "3926909990",
];
const IEEPA: [&str; 4] = ["99030125", "99030236", "99030101", "99030241"];

/// A small, fast, deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// MM/DD/YYYY of the day `n` days after 2025-02-04.
fn date(n: u64) -> String {
    let d = chrono::NaiveDate::from_ymd_opt(2025, 2, 4).unwrap() + chrono::Days::new(n);
    d.format("%m/%d/%Y").to_string()
}

fn cents(c: u64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

/// Every row of the export, in order.
fn rows(entries: u64, lines: u64, seed: u64, mut emit: impl FnMut(&[String])) {
    let mut rng = Rng(seed.max(1));
    for i in 0..entries {
        let filer = FILERS[(i % 4) as usize];
        let number = EntryNumber::parse(&format!("{filer}{:07}0", 1_000_000 + i))
            .expect("11 characters")
            .with_check_digit()
            .dashed();
        // Mostly eligible entries; one in ten fails a rule, in turn.
        let variant = if rng.below(10) == 0 { rng.below(9) } else { 99 };
        let (importer, name) = IMPORTERS[rng.below(3) as usize];
        let entered = rng.below(384);
        let typ = match variant {
            0 => "47",
            1 => "23",
            _ => "01",
        };
        let recon = if variant == 2 { "Y" } else { "N" };
        let status = if variant == 3 { "REJECTED" } else { "ACCEPTED" };
        let control = if variant == 4 { "TRADE" } else { "CBP" };
        let protest = if variant == 5 { "OPEN" } else { "" };
        // Liquidation: most unliquidated, some within 80 days, some past it.
        let (liq_status, liq_date) = match (variant, rng.below(4)) {
            (6, _) => ("LIQUIDATED", date(300 + rng.below(100))),
            (_, 0) => ("LIQUIDATED", date(420 + rng.below(60))),
            _ => ("UNLIQUIDATED", String::new()),
        };
        for line in 1..=lines {
            let goods = 1_000 + rng.below(5_000_000);
            let commodity = COMMODITIES[rng.below(6) as usize];
            let mut tariffs: Vec<(&str, u64, u64)> = vec![(commodity, goods, goods / 40)];
            match variant {
                7 => tariffs.push(("99038803", 0, goods / 4)),
                8 => tariffs.push(("99030102", 0, 0)),
                _ => {
                    tariffs.push((IEEPA[rng.below(4) as usize], 0, goods / 10));
                    if rng.below(2) == 0 {
                        tariffs.push(("99038803", 0, goods / 4));
                    }
                }
            }
            for (ordinal, (hts, value, duty)) in tariffs.into_iter().enumerate() {
                emit(&[
                    number.clone(),
                    typ.into(),
                    status.into(),
                    control.into(),
                    recon.into(),
                    importer.into(),
                    name.into(),
                    "2704".into(),
                    date(entered),
                    date(entered + 3),
                    line.to_string(),
                    "CN".into(),
                    (ordinal + 1).to_string(),
                    hts.into(),
                    cents(value),
                    cents(duty),
                    liq_status.into(),
                    liq_date.clone(),
                    protest.into(),
                ]);
            }
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    const USAGE: &str =
        "usage: gen_es003 [--entries N] [--lines-per-entry K] [--seed S] [--format csv|xlsx] OUT";
    let mut args = std::env::args().skip(1);
    let (mut entries, mut lines, mut seed, mut format, mut out) =
        (1000u64, 2u64, 42u64, None, None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--entries" => entries = args.next().ok_or("--entries N")?.parse()?,
            "--lines-per-entry" => lines = args.next().ok_or("--lines-per-entry K")?.parse()?,
            "--seed" => seed = args.next().ok_or("--seed S")?.parse()?,
            "--format" => format = args.next(),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            // Anything else that looks like an option is one: it is not taken as a file name.
            o if o.starts_with('-') => {
                eprintln!("gen_es003: unknown option {o}\n{USAGE}");
                std::process::exit(2);
            }
            _ => out = Some(a),
        }
    }
    let out = out.ok_or(USAGE)?;
    let xlsx = format
        .as_deref()
        .map_or(out.ends_with(".xlsx"), |f| f == "xlsx");
    if xlsx {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let sheet = wb
            .add_worksheet_with_constant_memory()?
            .set_name("Main Report")?;
        sheet.write_string(0, 0, "ES-003 Entry Summary Line Tariff Details")?;
        for (c, h) in HEADER.iter().enumerate() {
            sheet.write_string(2, c as u16, *h)?;
        }
        let mut row = 3u32;
        let mut result = Ok(());
        rows(entries, lines, seed, |r| {
            for (c, v) in r.iter().enumerate() {
                let numeric = matches!(c, 10 | 12 | 14 | 15);
                let written = match v.parse::<f64>() {
                    Ok(n) if numeric => sheet.write_number(row, c as u16, n).map(|_| ()),
                    _ if v.is_empty() => Ok(()),
                    _ => sheet.write_string(row, c as u16, v).map(|_| ()),
                };
                if let Err(e) = written {
                    result = Err(e);
                }
            }
            row += 1;
        });
        result?;
        wb.save(&out)?;
    } else {
        let mut w = BufWriter::new(std::fs::File::create(&out)?);
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut w);
        csv.write_record(HEADER)?;
        let mut result = Ok(());
        rows(entries, lines, seed, |r| {
            if let Err(e) = csv.write_record(r) {
                result = Err(e);
            }
        });
        result?;
        csv.flush()?;
        drop(csv);
        w.flush()?;
    }
    Ok(())
}
