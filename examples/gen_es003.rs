//! A deterministic generator of realistic ES-003 exports in ACE's layout, for benchmarks
//! and tests: several summary lines per entry, each a commodity row and Chapter 99 rows
//! (IEEPA and Section 301), and every rule represented among the entries.
//!
//!     cargo run --release --example gen_es003 -- --entries 320000 big.csv
//!     cargo run --release --example gen_es003 -- --entries 40000 --format xlsx big.xlsx
//!
//! Options: `--entries N` (default 1000), `--lines-per-entry K` (summary lines per entry,
//! default 2; about 2.5 rows a line), `--seed S`, `--format csv|xlsx` (default by name),
//! `--style plain|ace`, `--importers N|per-entry`, `--damaged`.
//!
//! `--style plain` (the default) writes amounts as `773.21`, entries in number order, three
//! importers. `--style ace` writes what ACE's export looks like: a UTF-8 byte-order mark,
//! amounts as `"$12,599.50"`, entries in entry-date order with each filer code's numbers
//! rising with the date (so not in number order), and a broker's mix of 500 importers, a
//! few of them with most of the entries; in XLSX, dates as date cells. `--importers` sets the
//! number of importers, or one per entry (the worst case for memory). `--damaged` breaks the
//! HTS number, duty and goods value of every row.
//! The same options always give the same bytes (CSV) and the same cells (XLSX).
//!
//!     cargo run --release --example gen_es003 -- --entries 300000 --style ace ace.csv
//!     cargo run --release --example gen_es003 -- --entries 300000 --style ace \
//!         --importers per-entry ace-per-entry.csv

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

/// `$12,599.50`, as ACE writes amounts.
fn dollars(c: u64) -> String {
    let whole = (c / 100).to_string();
    let mut grouped = String::new();
    for (k, ch) in whole.chars().enumerate() {
        if k > 0 && (whole.len() - k).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("${grouped}.{:02}", c % 100)
}

/// How the export is written.
#[derive(Clone, Copy)]
struct Style {
    ace: bool,
    /// `None`: one importer per entry.
    importers: Option<u64>,
    damaged: bool,
}

/// A hash of `i`, for values that must not depend on the order entries are written in.
fn mix(i: u64, salt: u64) -> u64 {
    let mut r = Rng((i + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt);
    r.next()
}

/// The entries in the order they are written, with the filer code and serial of each.
fn entry_order(entries: u64, style: Style) -> Vec<(u64, &'static str, u64)> {
    if !style.ace {
        return (0..entries)
            .map(|i| (i, FILERS[(i % 4) as usize], 1_000_000 + i))
            .collect();
    }
    // Entry-date order; each filer's serials rise with the date.
    let mut by_date: Vec<(u64, u64)> = (0..entries).map(|i| (mix(i, 1) % 384, i)).collect();
    by_date.sort_unstable();
    let mut next = [1_000_000u64; 4];
    by_date
        .into_iter()
        .map(|(_, i)| {
            let f = (mix(i, 2) % 4) as usize;
            next[f] += 1 + mix(i, 3) % 3;
            (i, FILERS[f], next[f])
        })
        .collect()
}

/// Every row of the export, in order.
fn rows(entries: u64, lines: u64, seed: u64, style: Style, mut emit: impl FnMut(&[String])) {
    let mut rng = Rng(seed.max(1));
    let money = |c: u64| if style.ace { dollars(c) } else { cents(c) };
    for (i, filer, serial) in entry_order(entries, style) {
        let number = EntryNumber::parse(&format!("{filer}{:07}0", serial % 10_000_000))
            .expect("11 characters")
            .with_check_digit()
            .dashed();
        // Mostly eligible entries; one in ten fails a rule, in turn.
        let variant = if rng.below(10) == 0 { rng.below(9) } else { 99 };
        let pick = rng.below(3);
        let (importer, name) = match style.importers {
            None => (
                format!("{:02}-{:07}-00", 10 + i / 10_000_000, i % 10_000_000),
                format!("IMPORTER {i} LLC"),
            ),
            Some(n) if style.ace || n != 3 => {
                // A broker's mix: a few importers have most of the entries.
                let k = (rng.below(n) * rng.below(n)) / n.max(1);
                (
                    format!("{:02}-{:07}-00", 20 + k % 80, 1_000_000 + k),
                    format!("IMPORTER {k:04} CORP"),
                )
            }
            Some(_) => {
                let (a, b) = IMPORTERS[pick as usize];
                (a.to_string(), b.to_string())
            }
        };
        let entered = if style.ace {
            mix(i, 1) % 384
        } else {
            rng.below(384)
        };
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
                let (hts, value, duty) = if style.damaged {
                    (
                        format!("{hts}X"),
                        "N/A".to_string(),
                        format!("{}O", money(duty)),
                    )
                } else {
                    (hts.to_string(), money(value), money(duty))
                };
                emit(&[
                    number.clone(),
                    typ.into(),
                    status.into(),
                    control.into(),
                    recon.into(),
                    importer.clone(),
                    name.clone(),
                    "2704".into(),
                    date(entered),
                    date(entered + 3),
                    line.to_string(),
                    "CN".into(),
                    (ordinal + 1).to_string(),
                    hts,
                    value,
                    duty,
                    liq_status.into(),
                    liq_date.clone(),
                    protest.into(),
                ]);
            }
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    const USAGE: &str = "usage: gen_es003 [--entries N] [--lines-per-entry K] [--seed S] \
[--format csv|xlsx] [--style plain|ace] [--importers N|per-entry] [--damaged] OUT

  plain (the default): amounts as 773.21, entries in number order, 3 importers
  ace: a byte-order mark, amounts as \"$12,599.50\", entries in entry-date order
       across filer codes, 500 importers in a broker's mix; in XLSX, date cells
  --importers per-entry: one importer per entry, the worst case for memory
  --damaged: the HTS number, duty and goods value of every row unreadable

  gen_es003 --entries 320000 big.csv
  gen_es003 --entries 320000 --style ace ace.csv
  gen_es003 --entries 320000 --style ace --importers per-entry ace-per-entry.csv
  gen_es003 --entries 320000 --style ace --damaged ace-damaged.csv
  gen_es003 --entries 40000 --style ace ace.xlsx";
    let mut args = std::env::args().skip(1);
    let (mut entries, mut lines, mut seed, mut format, mut out) =
        (1000u64, 2u64, 42u64, None, None);
    let (mut ace, mut importers, mut damaged) = (false, None, false);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--entries" => entries = args.next().ok_or("--entries N")?.parse()?,
            "--lines-per-entry" => lines = args.next().ok_or("--lines-per-entry K")?.parse()?,
            "--seed" => seed = args.next().ok_or("--seed S")?.parse()?,
            "--format" => format = args.next(),
            "--style" => match args.next().as_deref() {
                Some("plain") => ace = false,
                Some("ace") => ace = true,
                _ => return Err("--style plain|ace".into()),
            },
            "--importers" => match args.next().as_deref() {
                Some("per-entry") => importers = Some(None),
                Some(n) => importers = Some(Some(n.parse::<u64>()?.max(1))),
                None => return Err("--importers N|per-entry".into()),
            },
            "--damaged" => damaged = true,
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
    let style = Style {
        ace,
        importers: importers.unwrap_or(Some(if ace { 500 } else { 3 })),
        damaged,
    };
    let out = out.ok_or(USAGE)?;
    let xlsx = format
        .as_deref()
        .map_or(out.ends_with(".xlsx"), |f| f == "xlsx");
    if xlsx {
        write_xlsx(&out, entries, lines, seed, style)?;
    } else {
        let mut w = BufWriter::new(std::fs::File::create(&out)?);
        if style.ace {
            w.write_all(b"\xEF\xBB\xBF")?;
        }
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut w);
        csv.write_record(HEADER)?;
        let mut result = Ok(());
        rows(entries, lines, seed, style, |r| {
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

/// The amount in `v` (`773.21` or `$12,599.50`), for a number cell.
fn amount(v: &str) -> Option<f64> {
    v.strip_prefix('$')
        .unwrap_or(v)
        .replace(',', "")
        .parse()
        .ok()
}

/// An XLSX workbook with the export on a "Main Report" sheet under a title row, as ACE
/// saves it. In the ACE style, dates are date cells (ACE's own workbooks hold them so).
fn write_xlsx(
    out: &str,
    entries: u64,
    lines: u64,
    seed: u64,
    style: Style,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("mm/dd/yyyy");
    let money_format = rust_xlsxwriter::Format::new().set_num_format("$#,##0.00");
    let sheet = wb
        .add_worksheet_with_constant_memory()?
        .set_name("Main Report")?;
    sheet.write_string(0, 0, "ES-003 Entry Summary Line Tariff Details")?;
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(2, c as u16, *h)?;
    }
    let mut row = 3u32;
    let mut result = Ok(());
    rows(entries, lines, seed, style, |r| {
        for (c, v) in r.iter().enumerate() {
            let col = c as u16;
            let written = if v.is_empty() {
                Ok(())
            } else if style.ace && matches!(c, 8 | 9 | 17) {
                match rust_xlsxwriter::ExcelDateTime::parse_from_str(&iso(v)) {
                    Ok(d) => sheet
                        .write_datetime_with_format(row, col, d, &date_format)
                        .map(|_| ()),
                    Err(e) => Err(e),
                }
            } else {
                match (c, amount(v)) {
                    (14 | 15, Some(n)) if style.ace => sheet
                        .write_number_with_format(row, col, n, &money_format)
                        .map(|_| ()),
                    (10 | 12 | 14 | 15, Some(n)) => sheet.write_number(row, col, n).map(|_| ()),
                    _ => sheet.write_string(row, col, v).map(|_| ()),
                }
            };
            if let Err(e) = written {
                result = Err(e);
            }
        }
        row += 1;
    });
    result?;
    wb.save(out)?;
    Ok(())
}

/// `YYYY-MM-DD` of an `MM/DD/YYYY` date.
fn iso(d: &str) -> String {
    format!("{}-{}-{}", &d[6..10], &d[0..2], &d[3..5])
}
