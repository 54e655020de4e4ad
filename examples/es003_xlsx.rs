//! Writes an ES-003 CSV as ACE writes the XLSX export: a "Report Parameters" sheet first,
//! then "Main Report" with title rows above the header, dates as date cells, amounts and
//! line numbers as numbers, everything else as text.
//!
//!     cargo run --example es003_xlsx -- fixtures/es003/sample.csv fixtures/es003/sample.xlsx

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = args.as_slice() else {
        return Err("usage: es003_xlsx IN.csv OUT.xlsx".into());
    };
    let mut rdr = csv::ReaderBuilder::new().from_path(input)?;
    let headers: Vec<String> = rdr.headers()?.iter().map(str::to_string).collect();

    let mut wb = Workbook::new();
    let params = wb.add_worksheet().set_name("Report Parameters")?;
    params.write_string(0, 0, "Report Name")?;
    params.write_string(0, 1, "ES-003 Entry Summary Line Tariff Details")?;
    params.write_string(1, 0, "Entry Summary Date Range")?;
    params.write_string(1, 1, "02/01/2025 - 05/31/2026")?;

    let sheet = wb.add_worksheet().set_name("Main Report")?;
    let date_fmt = Format::new().set_num_format("mm/dd/yyyy");
    let money_fmt = Format::new().set_num_format("$#,##0.00");
    sheet.write_string(0, 0, "ES-003 Entry Summary Line Tariff Details")?;
    sheet.write_string(1, 0, "Run Date: 06/01/2026")?;
    let top = 3u32;
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(top, c as u16, h)?;
    }
    for (r, rec) in rdr.records().enumerate() {
        let rec = rec?;
        let row = top + 1 + r as u32;
        for (c, value) in rec.iter().enumerate() {
            let col = c as u16;
            let h = headers[c].to_ascii_lowercase();
            if value.is_empty() {
                continue;
            }
            if h.contains("date") {
                let p: Vec<u16> = value.split('/').filter_map(|x| x.parse().ok()).collect();
                if let [m, d, y] = p.as_slice() {
                    let dt = ExcelDateTime::from_ymd(*y, *m as u8, *d as u8)?;
                    sheet.write_datetime_with_format(row, col, &dt, &date_fmt)?;
                    continue;
                }
            }
            if (h.contains("amount") || h.contains("value"))
                && let Ok(v) = value.replace(['$', ','], "").parse::<f64>()
            {
                sheet.write_number_with_format(row, col, v, &money_fmt)?;
                continue;
            }
            if (h.contains("line number") || h.contains("ordinal"))
                && let Ok(v) = value.parse::<f64>()
            {
                sheet.write_number(row, col, v)?;
                continue;
            }
            sheet.write_string(row, col, value)?;
        }
    }
    wb.save(output)?;
    Ok(())
}
