package io.gproxy.tests.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one result table of a run, rendered as Markdown (it goes into docs/benchmarks.md unchanged). Each row may
 * carry a headline figure under a stable key; the next run compares its headline with this one's (the
 * "previous" column) when the previous run's figures are given.
 */
public final class Table {
    /** The figure a row is compared on across runs; {@code lowerIsBetter} decides the sign of "better". */
    public record Headline(double value, String text, boolean lowerIsBetter) {}

    private record Row(String key, Headline headline, List<String> cells) {}

    private final List<String> header;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> footnotes = new ArrayList<>();

    public Table(String... header) {
        this.header = List.of(header);
    }

    public int columns() {
        return header.size();
    }

    /** A row; missing trailing cells render empty, extra cells are an error. */
    public void row(String key, Headline headline, String... cells) {
        if (cells.length > header.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + header.size());
        }
        List<String> padded = new ArrayList<>(List.of(cells));
        while (padded.size() < header.size()) {
            padded.add("");
        }
        rows.add(new Row(key, headline, padded));
    }

    public void footnote(String text) {
        footnotes.add(text);
    }

    /** Headline figures by key, for the next run's comparison. */
    public Map<String, Double> headlines() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.key != null && r.headline != null) {
                out.put(r.key, r.headline.value());
            }
        }
        return out;
    }

    public String render() {
        return render(null, null);
    }

    /**
     * Markdown with padded columns. With {@code previous} figures, a last column shows each row's previous headline
     * and the change in percent.
     */
    public String render(Map<String, Double> previous, String previousLabel) {
        List<String> head = new ArrayList<>(header);
        boolean compare = previous != null && !previous.isEmpty();
        if (compare) {
            head.add(previousLabel == null ? "previous" : previousLabel);
        }
        List<List<String>> body = new ArrayList<>();
        for (Row r : rows) {
            List<String> cells = new ArrayList<>(r.cells);
            if (compare) {
                cells.add(compareCell(r, previous));
            }
            body.add(cells);
        }
        int[] width = new int[head.size()];
        for (int i = 0; i < head.size(); i++) {
            width[i] = Math.max(3, head.get(i).length());
            for (List<String> cells : body) {
                width[i] = Math.max(width[i], escape(cells.get(i)).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, head, width);
        sb.append('|');
        for (int w : width) {
            sb.append('-').append("-".repeat(w)).append("-|");
        }
        sb.append('\n');
        for (List<String> cells : body) {
            line(sb, cells, width);
        }
        if (!footnotes.isEmpty()) {
            sb.append('\n');
            for (String f : footnotes) {
                sb.append(f).append('\n');
            }
        }
        return sb.toString();
    }

    private static String compareCell(Row r, Map<String, Double> previous) {
        if (r.key == null || r.headline == null || !previous.containsKey(r.key)) {
            return "";
        }
        double before = previous.get(r.key);
        if (before == 0 || Double.isNaN(before)) {
            return fmt(before);
        }
        double change = (r.headline.value() - before) / Math.abs(before) * 100;
        return fmt(before) + String.format(Locale.ROOT, " (%+.0f%%)", change);
    }

    private static String fmt(double v) {
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 0.01 || a == 0) {
            return String.format(Locale.ROOT, "%.3f", v);
        }
        return String.format(Locale.ROOT, "%.2g", v);
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width) {
        sb.append('|');
        for (int i = 0; i < cells.size(); i++) {
            String c = escape(cells.get(i));
            sb.append(' ').append(c).append(" ".repeat(width[i] - c.length())).append(" |");
        }
        sb.append('\n');
    }

    private static String escape(String cell) {
        return cell == null ? "" : cell.replace("|", "\\|").replace("\n", " ");
    }
}
