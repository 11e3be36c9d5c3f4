/**
 * Turning results into things people read: console and Markdown tables, a Markdown report, CSV, JSON and PNG
 * charts. Every file is written atomically (content built in memory, then a temp file beside the target and a
 * rename, through {@link dev.memscope.io.AtomicFiles}), so a failure never leaves a half-written file or
 * clobbers the previous one. NaN and Infinity are refused where a reader could mistake them for data (CSV, JSON,
 * chart inputs), with the row/column, field path or series at fault in the message; tables show them as "NaN"/"inf".
 *
 * <h2>What a command such as {@code memscope compare} calls</h2>
 * <pre>{@code
 * // 1. the paper-style table, on the console and in Markdown
 * Table table = Table.builder()
 *         .column("detector")                                     // left-aligned text
 *         .column("steps", Align.RIGHT, CellFormat.integer())
 *         .column("AUC", Align.RIGHT, CellFormat.fixed(3))
 *         .column("TPR@1%FPR", Align.RIGHT, CellFormat.percent(1))
 *         .column("ms/prompt", Align.RIGHT, CellFormat.fixed(1))
 *         .column("speed-up", Align.RIGHT, CellFormat.times(1))
 *         .row("anisotropy", 2, 0.982, 0.81, 3.2, 48.0)           // one value per column; null = empty cell
 *         .build();
 * System.out.print(table.toConsole());
 *
 * // 2. machine-readable outputs
 * Json.write(out.resolve("results.json"), resultsRecord);         // any record/map/list; NaN -> error with path
 * Csv.write(out.resolve("scores.csv"), List.of("prompt", "label", "anisotropy"), rows);   // RFC 4180, CRLF
 * Csv.write(out.resolve("table.csv"), table);                     // raw values at full precision
 *
 * // 3. charts (PNG, 1600 x 1040 px at 144 DPI by default; ChartSize for others)
 * RocChart.titled("Memorized vs unmemorized").curve("anisotropy", fpr, tpr, auc).logFpr()
 *         .writePng(out.resolve("roc.png"));
 * BarChart.titled("Speed-up over Wen (50 steps)").valueAxis("x").bar("anisotropy", 48.0)
 *         .referenceLine("Wen full", 1).writePng(out.resolve("speedup.png"));
 * GroupedBarChart.titled("Kernel throughput").axes("kernel", "GB/s").value("cuda", "norms", 2450)
 *         .referenceLine("measured bandwidth", 3350).writePng(out.resolve("throughput.png"));
 * ScatterChart.titled("Copying vs utility").axes("SSCD", "CLIP").point("AMG", "g=2", 0.31, 0.29)
 *         .writePng(out.resolve("tradeoff.png"));
 *
 * // 4. the report, linking the charts by paths relative to it
 * MarkdownReport.titled("MemScope compare")
 *         .paragraph("Lab world, quick mode.")
 *         .table(table)
 *         .image("ROC curves", "roc.png")
 *         .code("bash", "memscope compare --quick --out " + out)
 *         .write(out.resolve("report.md"));
 * }</pre>
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>One plotting library, XChart, rendered headless ({@code java.awt.headless} is set to true unless the caller
 *       chose otherwise before the first chart).</li>
 *   <li>Colours: each series name keeps one colour per {@link dev.memscope.report.Palette} (charts share
 *       {@link dev.memscope.report.Palette#shared()} by default), so a detector has the same colour in every chart of a
 *       run. Colours are handed out in first-asked order; pass {@link dev.memscope.report.Palette#fresh()} for a
 *       chart that must not depend on earlier ones.</li>
 *   <li>The AUC shown in ROC legends is the one passed in (from {@code dev.memscope.eval}), never recomputed here.</li>
 *   <li>Numbers in tables use {@link java.util.Locale#ROOT}, whatever the machine's locale.</li>
 * </ul>
 */
package dev.memscope.report;
