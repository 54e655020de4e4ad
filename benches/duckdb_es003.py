"""The DuckDB side of the benchmark: what `cape prepare` does at its least, in SQL.

Reads an ES-003 export (CSV, every column as text), groups its rows by entry number, adds
up the IEEPA duty (HTS 9903.01.xx and 9903.02.xx, amounts with `$` and `,` stripped, as
exact decimals; an amount that is none counts as nothing), keeps the entry's header
values, and writes one row per entry, in number order, to a CSV file. Two threads, as
`cape` has on the bench machine. Prints the query's own time (without starting Python and
loading DuckDB) on standard error.

    python3 benches/duckdb_es003.py EXPORT.csv OUT.csv
"""

import sys
import time

import duckdb


def money(column):
    stripped = f"replace(replace(\"{column}\", '$', ''), ',', '')"
    return f"TRY_CAST(NULLIF({stripped}, '') AS DECIMAL(18,2))"


def main(src, out):
    start = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    ieepa = "\"HTS Number - Full\" LIKE '990301%' OR \"HTS Number - Full\" LIKE '990302%'"
    con.execute(
        f"""
        COPY (
          SELECT "Entry Summary Number" AS entry_number,
                 any_value("Entry Type Code") AS entry_type,
                 any_value("Importer Number") AS importer_number,
                 any_value("Importer Name") AS importer_name,
                 any_value("Entry Summary Status") AS summary_status,
                 any_value("Control Status") AS control_status,
                 any_value("Reconciliation Indicator") AS reconciliation,
                 any_value("Entry Summary Date") AS summary_date,
                 any_value("Liquidation Status") AS liquidation_status,
                 any_value("Liquidation Date") AS liquidation_date,
                 any_value("Protest Status") AS protest_status,
                 count(*) AS rows,
                 sum(CASE WHEN {ieepa} THEN {money('Line Tariff Duty Amount')} ELSE 0 END)
                   AS ieepa_duty
          FROM read_csv('{src}', all_varchar = true, header = true)
          GROUP BY "Entry Summary Number"
          ORDER BY "Entry Summary Number"
        ) TO '{out}' (HEADER, DELIMITER ',')
        """
    )
    # The query's own time, without starting Python and loading DuckDB.
    print(f"{time.perf_counter() - start:.3f}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
