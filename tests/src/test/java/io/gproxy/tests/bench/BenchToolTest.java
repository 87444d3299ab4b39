package io.gproxy.tests.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark tool's own arithmetic and formats (no timing is measured or asserted here). */
class BenchToolTest {

    @Test
    void percentilesUseTheNearestRank() {
        long[] samples = new long[100];
        for (int i = 0; i < 100; i++) {
            samples[i] = 100 - i; // unsorted on purpose
        }
        LatencyStats s = LatencyStats.of(samples);
        assertEquals(50, s.p50());
        assertEquals(99, s.p99());
        assertEquals(1, s.min());
        assertEquals(100, s.max());
        assertEquals(50.5, s.mean(), 1e-9);
        LatencyStats one = LatencyStats.of(7);
        assertEquals(7, one.p50());
        assertEquals(7, one.p99());
        assertEquals(3, LatencyStats.of(1, 2, 3).p99());
        assertThrows(IllegalStateException.class, () -> LatencyStats.of().p50());
    }

    @Test
    void recorderGrowsAndMerges() {
        LatencyStats.Recorder a = new LatencyStats.Recorder();
        LatencyStats.Recorder b = new LatencyStats.Recorder();
        for (int i = 1; i <= 3000; i++) {
            (i % 2 == 0 ? a : b).add(i);
        }
        a.merge(b);
        assertEquals(3000, a.size());
        assertEquals(1500, a.stats().p50());
    }

    @Test
    void millisecondsKeepSensiblePrecision() {
        assertEquals("0.184 ms", LatencyStats.ms(184_000));
        assertEquals("12.4 ms", LatencyStats.ms(12_400_000));
        assertEquals("1530 ms", LatencyStats.ms(1_530_000_000));
        assertEquals("+0.301 ms", LatencyStats.deltaMs(301_000));
        assertEquals("-0.020 ms", LatencyStats.deltaMs(-20_000));
    }

    @Test
    void tableRendersMarkdownAndComparesWithThePreviousRun() {
        Table t = new Table("#", "measurement", "value");
        t.row("a", new Table.Headline(2.0, "2.0", true), "1", "latency | p50", "2.0 ms");
        t.row(null, null, "1", "no headline");
        t.footnote("a note");
        String plain = t.render();
        List<String> lines = plain.lines().toList();
        assertTrue(lines.get(0).startsWith("| #"));
        assertTrue(lines.get(1).matches("\\|(-+\\|)+"));
        assertTrue(plain.contains("latency \\| p50"), "pipes inside cells are escaped");
        assertTrue(plain.contains("a note"));
        assertEquals(lines.get(0).length(), lines.get(2).length(), "columns are padded");

        String compared = t.render(Map.of("a", 1.0), "prev");
        assertTrue(compared.lines().findFirst().orElseThrow().contains("prev"));
        assertTrue(compared.contains("1.000 (+100%)"));
        assertEquals(Map.of("a", 2.0), t.headlines());
    }

    @Test
    void optionsDefaultToRecordingFullRunsOnly() {
        Path root = Path.of("/repo");
        BenchOptions full = BenchOptions.parse(new String[0], root);
        assertTrue(full.record());
        assertFalse(full.quick());
        assertTrue(full.runs("coldstart"));
        BenchOptions quick = BenchOptions.parse(new String[] {"--quick"}, root);
        assertFalse(quick.record());
        assertEquals(1, quick.pick(1, 2));
        BenchOptions only = BenchOptions.parse(new String[] {"--only", "overhead,cost"}, root);
        assertFalse(only.record());
        assertTrue(only.runs("cost"));
        assertFalse(only.runs("memory"));
        assertTrue(BenchOptions.parse(new String[] {"--quick", "--record"}, root).record());
        assertEquals(10, BenchOptions.parse(new String[] {"--soak", "--seconds", "10"}, root).soakSeconds());
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--only", "nope"}, root));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--fast"}, root));
        assertEquals(Path.of("/repo/docs/benchmarks.md"), full.docsFile());
    }

    @Test
    void recordedStreamsAreCutIntoOneChunkPerEvent() {
        byte[] body = "data: a\n\ndata: b\r\n\r\nevent: x\ndata: c\n\ntail".getBytes(StandardCharsets.UTF_8);
        List<byte[]> chunks = TranscoderRow.splitEvents(body);
        assertEquals(4, chunks.size());
        assertEquals("data: b\r\n\r\n", new String(chunks.get(1), StandardCharsets.UTF_8));
        assertEquals("tail", new String(chunks.get(3), StandardCharsets.UTF_8));
    }

    @Test
    void theDocsFileKeepsEachRunsFiguresForTheNextRun(@TempDir Path dir) throws Exception {
        Path docs = dir.resolve("docs/benchmarks.md");
        assertNull(ResultsFile.previous(docs, "full"));
        ResultsFile.append(docs, "## run 1\n\n" + ResultsFile.dataComment("d1", "full", Map.of("x", 1.5)) + "\n");
        ResultsFile.append(docs, "## quick\n\n" + ResultsFile.dataComment("d2", "quick", Map.of("x", 9.0)) + "\n");
        ResultsFile.append(docs, "## run 2\n\n" + ResultsFile.dataComment("d3", "full", Map.of("x", 2.5, "y", 1.0)) + "\n");
        ResultsFile.Previous p = ResultsFile.previous(docs, "full");
        assertEquals("d3", p.date());
        assertEquals(Map.of("x", 2.5, "y", 1.0), p.values());
        assertEquals(9.0, ResultsFile.previous(docs, "quick").values().get("x"));
        assertTrue(Files.readString(docs).startsWith("# Benchmarks"));
    }
}
