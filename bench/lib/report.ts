// Plain-text output helpers for benchmarks.

export const round = (value: number, decimals: number): number => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};

export interface Column<Row> {
  readonly header: string;
  readonly align: "left" | "right";
  readonly cell: (row: Row) => string;
}

/** A space-aligned table: header, dashed rule, one line per row. */
export const formatTable = <Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string => {
  const cells = rows.map((row) => columns.map((column) => column.cell(row)));
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => (line[index] ?? "").length)),
  );
  const renderLine = (values: readonly string[]): string =>
    columns
      .map((column, index) => {
        const value = values[index] ?? "";
        const width = widths[index] ?? value.length;
        return column.align === "left" ? value.padEnd(width) : value.padStart(width);
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [renderLine(columns.map((column) => column.header)), rule, ...cells.map(renderLine)].join("\n");
};
