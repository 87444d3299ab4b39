package io.gproxy.transform.pairs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.sse.SseDecoder;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.CodecRegistry;
import io.gproxy.transform.ProtocolCodec;
import io.gproxy.transform.StreamTranscoder;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.IrRequest;
import io.gproxy.transform.ir.IrResponse;
import io.gproxy.transform.ir.LossReport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs golden fixtures: converts a case's input with the built-in codecs exactly as the pipeline does
 * ({@code CallPlanner} for requests, {@code ResponseRelay} for responses and streams) and compares the result with
 * the stored output. JSON is compared structurally (key order and number spelling ignored), SSE frame by frame
 * (event name exactly, data structurally when it is JSON), and the loss report exactly.
 *
 * <p>With {@code -Dgolden.update=true} the outputs, loss and error files are rewritten from what the codecs produce
 * instead of being compared. Review every resulting diff against the target provider's documented format before
 * committing it: an update makes the current behaviour the expected one.
 */
final class GoldenRunner {
    static final long NOW = 1_700_000_000L;
    static final boolean UPDATE = Boolean.getBoolean("golden.update");
    /** The source tree, not the copy on the classpath, so that update mode writes where the fixtures live. */
    static final Path ROOT = Files.isDirectory(Path.of("src", "test", "resources", "transform"))
            ? Path.of("src", "test", "resources", "transform")
            : Path.of("shared", "src", "test", "resources", "transform"); // run from the repository root

    /** The upstream model the pipeline puts on a converted request when the case does not name one. */
    private static final Map<String, String> DEFAULT_UPSTREAM_MODEL = Map.of(
            "chat", "gpt-4.1", "responses", "gpt-5", "claude", "claude-sonnet-4-5", "gemini", "gemini-2.5-pro");

    private static final Map<String, OperationKind> KINDS = Map.of(
            "chat", OperationKind.OPEN_AI_CHAT_COMPLETIONS, "responses", OperationKind.OPEN_AI_RESPONSES,
            "claude", OperationKind.CLAUDE_MESSAGES, "gemini", OperationKind.GEMINI_GENERATE_CONTENT);

    private static final CodecRegistry CODECS = CodecRegistry.builtIn();
    private static final ObjectMapper SORTED = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final Pattern PAIR_DIR = Pattern.compile("(chat|responses|claude|gemini)_to_(chat|responses|claude|gemini)");
    private static final Pattern REGRESSION =
            Pattern.compile("(.+)\\.(chat|responses|claude|gemini)_to_(chat|responses|claude|gemini)\\.(request|response|stream)");

    private GoldenRunner() {}

    // ------------------------------------------------------------------ discovery

    /** {@code pairs/<from>_to_<to>/<case>.in.*}: the case name starts with request, response or stream. */
    static Stream<GoldenCase> pairCases() {
        Path root = ROOT.resolve("pairs");
        List<GoldenCase> cases = new ArrayList<>();
        for (Path dir : list(root)) {
            Matcher m = PAIR_DIR.matcher(dir.getFileName().toString());
            if (!Files.isDirectory(dir) || !m.matches()) {
                continue;
            }
            for (Path in : list(dir)) {
                String file = in.getFileName().toString();
                String base = baseOf(file);
                if (base == null) {
                    continue;
                }
                GoldenCase.Kind kind = file.endsWith(".sse") ? GoldenCase.Kind.STREAM
                        : base.startsWith("request") ? GoldenCase.Kind.REQUEST : GoldenCase.Kind.RESPONSE;
                cases.add(new GoldenCase(m.group(1) + "_to_" + m.group(2) + "/" + base, dir, base, m.group(1),
                        m.group(2), kind));
            }
        }
        assertTrue(!cases.isEmpty(), "no golden pair fixtures under " + root.toAbsolutePath());
        return cases.stream();
    }

    /** {@code regressions/<bug>.<from>_to_<to>.<request|response|stream>.in.*}. */
    static Stream<GoldenCase> regressionCases() {
        Path root = ROOT.resolve("regressions");
        List<GoldenCase> cases = new ArrayList<>();
        for (Path in : list(root)) {
            String base = baseOf(in.getFileName().toString());
            if (base == null) {
                continue;
            }
            Matcher m = REGRESSION.matcher(base);
            if (!m.matches()) {
                fail("regression fixture name must be <bug>.<from>_to_<to>.<request|response|stream>.in.*: " + in);
            }
            GoldenCase.Kind kind = GoldenCase.Kind.valueOf(m.group(4).toUpperCase(java.util.Locale.ROOT));
            cases.add(new GoldenCase(m.group(1) + " [" + m.group(2) + "→" + m.group(3) + " " + m.group(4) + "]", root,
                    base, m.group(2), m.group(3), kind));
        }
        assertTrue(!cases.isEmpty(), "no regression fixtures under " + root.toAbsolutePath());
        return cases.stream();
    }

    private static String baseOf(String file) {
        for (String suffix : List.of(".in.json", ".in.sse")) {
            if (file.endsWith(suffix)) {
                return file.substring(0, file.length() - suffix.length());
            }
        }
        return null;
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ running

    static ProtocolCodec codec(String name) {
        return CODECS.find(KINDS.get(name)).orElseThrow();
    }

    static TransformContext ctx() {
        return new TransformContext(NOW, new LossReport());
    }

    /** Converts the case and checks (or, in update mode, rewrites) its output, loss and error files. */
    static void run(GoldenCase c) throws IOException {
        TransformContext ctx = ctx();
        switch (c.kind()) {
            case REQUEST -> runRequest(c, ctx);
            case RESPONSE -> runJson(c, ctx, convertResponse(c, ctx));
            case STREAM -> runStream(c, ctx);
        }
    }

    private static void runRequest(GoldenCase c, TransformContext ctx) throws IOException {
        ObjectNode out;
        try {
            out = convertRequest(c, ctx);
        } catch (TransformException e) {
            if (UPDATE) {
                Files.deleteIfExists(c.output());
                Files.deleteIfExists(c.loss());
                Files.writeString(c.error(), e.getMessage() + "\n");
                return;
            }
            assertTrue(Files.exists(c.error()), c.name() + ": unexpected TransformException: " + e.getMessage());
            assertEquals(Files.readString(c.error()).strip(), e.getMessage(), c.name() + ": error message");
            return;
        }
        if (!UPDATE) {
            assertTrue(!Files.exists(c.error()), c.name() + ": expected a TransformException (422), got a body");
        } else {
            Files.deleteIfExists(c.error());
        }
        runJson(c, ctx, out);
    }

    private static ObjectNode convertRequest(GoldenCase c, TransformContext ctx) throws IOException, TransformException {
        JsonNode in = Json.parse(Files.readAllBytes(c.input()));
        String model = Files.exists(c.model()) ? Files.readString(c.model()).strip() : DEFAULT_UPSTREAM_MODEL.get(c.to());
        // CallPlanner: the client's body to IR, the route's upstream model, then the upstream's body
        IrRequest ir = codec(c.from()).decodeRequest(in, ctx).withModel(model);
        return codec(c.to()).encodeRequest(ir, ctx);
    }

    private static ObjectNode convertResponse(GoldenCase c, TransformContext ctx) throws IOException {
        JsonNode in = Json.parse(Files.readAllBytes(c.input()));
        try {
            IrResponse ir = codec(c.from()).decodeResponse(in, ctx);
            return codec(c.to()).encodeResponse(ir, ctx);
        } catch (TransformException e) {
            throw new AssertionError(c.name() + ": response did not convert: " + e.getMessage(), e);
        }
    }

    private static void runJson(GoldenCase c, TransformContext ctx, ObjectNode out) throws IOException {
        if (UPDATE) {
            Files.writeString(c.output(), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n");
            writeLoss(c, ctx);
            return;
        }
        assertTrue(Files.exists(c.output()), c.name() + ": missing " + c.output().getFileName());
        JsonNode expected = Json.parse(Files.readAllBytes(c.output()));
        assertEquals(sorted(expected), sorted(out), c.name() + ": output differs");
        checkLoss(c, ctx);
    }

    private static void runStream(GoldenCase c, TransformContext ignored) throws IOException {
        byte[] in = Files.readAllBytes(c.input());
        // the same stream, chunked every way: one piece, byte by byte, and seeded random sizes
        TransformContext ctx = ctx();
        List<SseFrame> reference = transcode(c, in, ctx, new int[] {in.length});
        assertEquals(render(reference), render(transcode(c, in, ctx(), ones(in.length))),
                c.name() + ": byte-by-byte chunking changed the output");
        Random random = new Random(c.name().hashCode());
        for (int round = 0; round < 4; round++) {
            int[] sizes = randomSizes(random, in.length, round % 2 == 0 ? 7 : 97);
            assertEquals(render(reference), render(transcode(c, in, ctx(), sizes)),
                    c.name() + ": chunking changed the output (round " + round + ")");
        }
        StreamInvariants.check(c.to(), reference, c.name());
        if (UPDATE) {
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (SseFrame f : reference) {
                wire.writeBytes(f.encode());
            }
            Files.write(c.output(), wire.toByteArray());
            writeLoss(c, ctx);
            return;
        }
        assertTrue(Files.exists(c.output()), c.name() + ": missing " + c.output().getFileName());
        assertEquals(render(frames(Files.readAllBytes(c.output()))), render(reference), c.name() + ": stream differs");
        checkLoss(c, ctx);
    }

    /** ResponseRelay: upstream bytes → frames → IR (upstream decoder) → client frames (client encoder). */
    static List<SseFrame> transcode(GoldenCase c, byte[] in, TransformContext ctx, int[] sizes) {
        StreamTranscoder t = new StreamTranscoder(codec(c.from()).newStreamDecoder(ctx), codec(c.to()).newStreamEncoder(ctx));
        List<SseFrame> out = new ArrayList<>();
        int offset = 0;
        for (int size : sizes) {
            out.addAll(t.onChunk(in, offset, size));
            offset += size;
        }
        out.addAll(t.onEnd());
        return out;
    }

    private static int[] ones(int n) {
        int[] sizes = new int[n];
        java.util.Arrays.fill(sizes, 1);
        return sizes;
    }

    private static int[] randomSizes(Random random, int total, int max) {
        List<Integer> sizes = new ArrayList<>();
        int left = total;
        while (left > 0) {
            int s = Math.min(left, 1 + random.nextInt(max));
            sizes.add(s);
            left -= s;
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    static List<SseFrame> frames(byte[] wire) {
        SseDecoder decoder = new SseDecoder();
        List<SseFrame> frames = new ArrayList<>(decoder.feed(wire));
        frames.addAll(decoder.finish());
        return frames;
    }

    /** Frames as text for comparison: the event name, then the data (JSON with sorted keys), one frame per block. */
    static String render(List<SseFrame> frames) {
        StringBuilder sb = new StringBuilder();
        for (SseFrame f : frames) {
            if (f.event() != null) {
                sb.append("event: ").append(f.event()).append('\n');
            }
            String data = f.data();
            try {
                data = sorted(Json.MAPPER.readTree(data));
            } catch (IOException notJson) {
                // [DONE] and other plain data compare as text
            }
            sb.append("data: ").append(data).append("\n\n");
        }
        return sb.toString();
    }

    static String sorted(JsonNode node) {
        try {
            Object plain = SORTED.readValue(Json.MAPPER.writeValueAsString(node), Object.class);
            return SORTED.writerWithDefaultPrettyPrinter().writeValueAsString(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeLoss(GoldenCase c, TransformContext ctx) throws IOException {
        if (ctx.loss().isEmpty()) {
            Files.deleteIfExists(c.loss());
        } else {
            Files.writeString(c.loss(), ctx.loss().headerValue() + "\n", StandardCharsets.UTF_8);
        }
    }

    private static void checkLoss(GoldenCase c, TransformContext ctx) throws IOException {
        String expected = Files.exists(c.loss()) ? Files.readString(c.loss()).strip() : "";
        assertEquals(expected, ctx.loss().headerValue(), c.name() + ": loss report (" + c.loss().getFileName() + ")");
    }
}
