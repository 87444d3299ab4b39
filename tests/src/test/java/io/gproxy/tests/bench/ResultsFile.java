package io.gproxy.tests.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/benchmarks.md as a log of runs: each recorded run is appended as a section ending in an HTML comment that
 * holds its headline figures as JSON, which the next run reads back to fill its "previous" column.
 */
final class ResultsFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DATA = Pattern.compile("<!-- bench-results (\\{.*?\\}) -->");

    /** A previous run's figures. */
    record Previous(String date, String mode, Map<String, Double> values) {}

    private ResultsFile() {}

    /** The last recorded run of this mode, or null. */
    static Previous previous(Path docs, String mode) throws IOException {
        if (!Files.exists(docs)) {
            return null;
        }
        Matcher m = DATA.matcher(Files.readString(docs));
        Previous last = null;
        while (m.find()) {
            JsonNode j = JSON.readTree(m.group(1));
            if (!mode.equals(j.path("mode").asText())) {
                continue;
            }
            Map<String, Double> values = new LinkedHashMap<>();
            j.path("values").fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asDouble()));
            last = new Previous(j.path("date").asText(), mode, values);
        }
        return last;
    }

    static String dataComment(String date, String mode, Map<String, Double> values) {
        ObjectNode j = JSON.createObjectNode();
        j.put("date", date).put("mode", mode);
        ObjectNode v = j.putObject("values");
        values.forEach((k, x) -> {
            if (!Double.isNaN(x) && !Double.isInfinite(x)) {
                v.put(k, new java.math.BigDecimal(x).round(new java.math.MathContext(6)).doubleValue());
            }
        });
        return "<!-- bench-results " + j + " -->";
    }

    static void append(Path docs, String section) throws IOException {
        if (!Files.exists(docs)) {
            Files.createDirectories(docs.getParent());
            Files.writeString(docs, "# Benchmarks\n\n## Results\n");
        }
        String existing = Files.readString(docs);
        String prefix = existing.endsWith("\n\n") ? "" : existing.endsWith("\n") ? "\n" : "\n\n";
        Files.writeString(docs, prefix + section, StandardOpenOption.APPEND);
    }
}
